import type { ToolResolver, ToolSignature } from "../api";
import { diagnostic, type Diagnostic } from "../diagnostics/catalog";
import type { Graph } from "../graph/schema";
import type { RecordRegistry } from "../records/registry";
import type { ObjectTypeSchema, TypeSchema, ValueType } from "../types/type-schema";
import { FALSE } from "../validate/bdd";
import type { Guards } from "../validate/guards";
import type { Topology } from "../validate/structure";
import type { ValidationCache } from "../validate/validation-cache";
import { inferNodeReusing } from "./infer-node";
import { inferToolOutput } from "./tool-output";
import type { TypedValue } from "./value-types";

/** What inference learned about one node. */
export interface NodeTypes {
  /** The type a reference `{{id}}` sees; undefined for output nodes and nodes with errors. */
  readonly output?: ValueType;
  /** Named schemas the generated code parses values with (e.g. an http body). */
  readonly schemas: Readonly<Record<string, TypeSchema>>;
  /** The resolved signature of a called tool. */
  readonly callee?: ToolSignature;
  /** The type of each value site, by config path. */
  readonly values: ReadonlyMap<string, TypedValue>;
}

export interface Analysis {
  readonly graph: Graph;
  readonly topology: Topology;
  readonly guards: Guards;
  readonly nodes: ReadonlyMap<string, NodeTypes>;
  readonly toolInput: ObjectTypeSchema;
  readonly toolOutput: ObjectTypeSchema;
}

/**
 * Infers every node's output type in topological order, checking each reference
 * (exists, guaranteed to have run, typed path) and each value against what its field
 * expects; then infers the tool's output type and checks run-level guarantees. With a
 * cache, a node whose inference read nothing that changed is not inferred again.
 */
export function analyze(
  graph: Graph,
  topology: Topology,
  guards: Guards,
  registry: RecordRegistry,
  resolveTool: ToolResolver | undefined,
  invalidConfig: ReadonlySet<string> = new Set(),
  cache?: ValidationCache,
): { analysis?: Analysis; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const nodes = new Map<string, NodeTypes>();
  const referenced = new Set<string>();
  const nodesById = new Map(graph.nodes.map((n) => [n.id, n]));

  for (const node of topology.order) {
    const kind = registry.get(node.kind);
    if (kind === undefined) continue;
    // A config that failed validation (already reported) has no type to infer from.
    if (invalidConfig.has(node.id)) {
      nodes.set(node.id, { schemas: {}, values: new Map() });
      continue;
    }
    const inferred = inferNodeReusing(node, kind, { nodesById, nodes, guards, resolveTool }, cache);
    nodes.set(node.id, inferred.types);
    diagnostics.push(...inferred.diagnostics);
    for (const id of inferred.referenced) referenced.add(id);
  }

  for (const node of topology.order) {
    const derive = registry.get(node.kind)?.record.output_type.derive;
    if ((derive === "values_object" || derive === "merge_fields") && !referenced.has(node.id)) {
      diagnostics.push(diagnostic("UNUSED_OUTPUT", `nothing references the output of \`${node.id}\``, { nodeId: node.id }));
    }
  }
  checkRunGuarantees(topology, guards, diagnostics);

  const inputType = nodes.get("input")?.output;
  const toolInput: ObjectTypeSchema = inputType?.schema.type === "object" ? inputType.schema : { type: "object", properties: {}, required: [] };
  const toolOutput = inferToolOutput(topology, nodes, diagnostics);
  if (toolOutput === undefined) return { diagnostics };
  return { analysis: { graph, topology, guards, nodes, toolInput, toolOutput }, diagnostics };
}

/** Every execution reaches exactly one output node. */
function checkRunGuarantees(topology: Topology, guards: Guards, diagnostics: Diagnostic[]): void {
  const outputs = topology.order.filter((n) => n.kind === "output");
  if (outputs.length === 0) return;
  const { bdd } = guards;
  const always = guards.runs.get("input") ?? FALSE;
  let anyOutput = FALSE;
  for (const o of outputs) anyOutput = bdd.or(anyOutput, guards.runs.get(o.id) ?? FALSE);
  const open = bdd.implies(always, anyOutput) ? undefined : bdd.witness(bdd.and(always, bdd.not(anyOutput)));
  if (open !== undefined) {
    const when = guards.describe(open);
    diagnostics.push(diagnostic("OUTPUT_NOT_GUARANTEED", `a run can end without reaching an output node${when.length > 0 ? `: when ${when.join(" and ")}` : ""}`, {}));
  }
  // One pass finds each output that can run together with an earlier one; only then are the
  // earlier outputs searched for the partner (pairwise checks would be quadratic).
  let earlier = FALSE;
  for (const [i, b] of outputs.entries()) {
    const bRuns = guards.runs.get(b.id) ?? FALSE;
    const overlaps = bdd.and(earlier, bRuns) !== FALSE;
    earlier = bdd.or(earlier, bRuns);
    if (!overlaps) continue;
    for (const a of outputs.slice(0, i)) {
      const both = bdd.witness(bdd.and(guards.runs.get(a.id) ?? FALSE, guards.runs.get(b.id) ?? FALSE));
      if (both === undefined) continue;
      const when = guards.describe(both);
      diagnostics.push(diagnostic("MULTIPLE_OUTPUTS_MAY_RUN", `outputs \`${a.id}\` and \`${b.id}\` can both run in one execution${when.length > 0 ? ` (when ${when.join(" and ")})` : ""}`, { nodeId: b.id }));
    }
  }
}
