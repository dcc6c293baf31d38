import { checkStructure, createValidationCache, guardsFor, parseGraphReusing, sortDiagnostics, validateGraph, type Diagnostic, type Graph, type ToolResolver, type ValueType } from "../compiler";
import { registry } from "../records";
import type { Scope } from "./references";

/**
 * The compiler's validator, run in the browser on the editor's graph: diagnostics for
 * the badges and the problems panel, and the scope reference autocomplete offers.
 */
export interface Validation {
  readonly diagnostics: readonly Diagnostic[];
  readonly byNode: ReadonlyMap<string, { readonly errors: number; readonly warnings: number; readonly first?: Diagnostic }>;
  readonly scope: Scope;
  readonly ms: number;
}

export const EMPTY_VALIDATION: Validation = { diagnostics: [], byNode: new Map(), scope: { order: [], kinds: new Map(), types: new Map() }, ms: 0 };

/**
 * Successive graphs share their unchanged nodes and edges (graphFromDoc keeps them), so
 * each validation redoes only the edited nodes and what reads them; results are the same
 * as without the cache.
 */
const cache = createValidationCache();

/**
 * Validates a graph. `previousTypes` keeps reference types from the last analysis that
 * had them, so autocomplete keeps working while another node is broken.
 */
export function validate(graph: Graph, resolveTool: ToolResolver | undefined, previousTypes: ReadonlyMap<string, ValueType> = new Map()): Validation {
  const started = performance.now();
  const parsed = parseGraphReusing(graph, cache);
  let diagnostics: readonly Diagnostic[] = parsed.diagnostics;
  let scope: Scope = { order: graph.nodes.map((n) => n.id), kinds: new Map(graph.nodes.map((n) => [n.id, n.kind])), types: new Map() };
  if (parsed.graph !== undefined) {
    const result = validateGraph(parsed.graph, registry, resolveTool, cache);
    diagnostics = result.diagnostics;
    const kinds = new Map(parsed.graph.nodes.map((n) => [n.id, n.kind]));
    if (result.analysis !== undefined) {
      const types = new Map<string, ValueType>();
      for (const [id, node] of result.analysis.nodes) if (node.output !== undefined) types.set(id, node.output);
      scope = { order: result.analysis.topology.order.map((n) => n.id), kinds, guards: result.analysis.guards, types };
    } else {
      // No analysis: the tool's output type could not be inferred (an output node's value
      // is broken) or the edges are unsound. Output nodes cannot be referenced, so the same
      // graph with empty outputs types every other node exactly.
      const withoutOutputs = { ...parsed.graph, nodes: parsed.graph.nodes.map((n) => (n.kind === "output" ? { ...n, config: { values: {} } } : n)) };
      const retry = validateGraph(withoutOutputs, registry, resolveTool, cache).analysis;
      if (retry !== undefined) {
        const types = new Map<string, ValueType>();
        for (const [id, node] of retry.nodes) if (node.output !== undefined) types.set(id, node.output);
        scope = { order: retry.topology.order.map((n) => n.id), kinds, guards: retry.guards, types };
      } else {
        // Unsound edges: guards from the structure when it has a topology, types from the last analysis.
        const structure = checkStructure(parsed.graph, registry, cache);
        const types = new Map<string, ValueType>();
        for (const [id, type] of previousTypes) if (kinds.has(id)) types.set(id, type);
        scope = structure.topology === undefined
          ? { order: parsed.graph.nodes.map((n) => n.id), kinds, types }
          : { order: structure.topology.order.map((n) => n.id), kinds, guards: guardsFor(structure.topology, cache), types };
      }
    }
  }
  const sorted = sortDiagnostics(diagnostics).sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  const byNode = new Map<string, { errors: number; warnings: number; first?: Diagnostic }>();
  for (const d of sorted) {
    if (d.nodeId === undefined) continue;
    const entry = byNode.get(d.nodeId) ?? { errors: 0, warnings: 0 };
    byNode.set(d.nodeId, {
      errors: entry.errors + (d.severity === "error" ? 1 : 0),
      warnings: entry.warnings + (d.severity === "warning" ? 1 : 0),
      first: entry.first ?? d,
    });
  }
  return { diagnostics: sorted, byNode, scope, ms: performance.now() - started };
}
