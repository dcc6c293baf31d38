import type { ToolResolver } from "../api";
import type { Diagnostic } from "../diagnostics/catalog";
import type { Graph } from "../graph/schema";
import { analyze, type Analysis } from "../infer/analyze";
import type { RecordRegistry } from "../records/registry";
import { computeGuards } from "./guards";
import { checkStructure } from "./structure";

/**
 * Every check the compiler makes before generating code: structure, then (when the
 * edges are sound) guarantees, references and types. Browser-safe: the editor runs it
 * on every edit.
 */
export function validateGraph(graph: Graph, registry: RecordRegistry, resolveTool?: ToolResolver): { diagnostics: Diagnostic[]; analysis?: Analysis } {
  const structure = checkStructure(graph, registry);
  if (structure.topology === undefined) return { diagnostics: structure.diagnostics };
  const guards = computeGuards(structure.topology);
  const inferred = analyze(graph, structure.topology, guards, registry, resolveTool, structure.invalidConfig);
  const diagnostics = [...structure.diagnostics, ...inferred.diagnostics];
  return inferred.analysis === undefined ? { diagnostics } : { diagnostics, analysis: inferred.analysis };
}
