import type { ToolResolver } from "../api";
import type { Diagnostic } from "../diagnostics/catalog";
import type { Graph } from "../graph/schema";
import { analyze, type Analysis } from "../infer/analyze";
import type { RecordRegistry } from "../records/registry";
import { checkTargets } from "../targets/check";
import { guardsFor } from "./guards";
import { checkStructure } from "./structure";
import type { ValidationCache } from "./validation-cache";

/**
 * Every check the compiler makes before generating code: structure, then (when the
 * edges are sound) guarantees, references and types. Browser-safe: the editor runs it
 * on every edit, with a cache (`createValidationCache`) that keeps the work of unchanged
 * nodes; the result is the same with or without one.
 */
export function validateGraph(graph: Graph, registry: RecordRegistry, resolveTool?: ToolResolver, cache?: ValidationCache): { diagnostics: Diagnostic[]; analysis?: Analysis } {
  const structure = checkStructure(graph, registry, cache);
  if (structure.topology === undefined) return { diagnostics: structure.diagnostics };
  const guards = guardsFor(structure.topology, cache);
  const inferred = analyze(graph, structure.topology, guards, registry, resolveTool, structure.invalidConfig, cache);
  const diagnostics = [...structure.diagnostics, ...inferred.diagnostics];
  if (inferred.analysis === undefined) return { diagnostics };
  // What agent ecosystems would refuse (names, description, strict mode): warnings.
  // A name already refused as INVALID_TOOL_NAME is not reported again per target.
  const nameRefused = structure.diagnostics.some((d) => d.code === "INVALID_TOOL_NAME");
  diagnostics.push(...checkTargets({ name: graph.tool.name, description: graph.tool.description, input: inferred.analysis.toolInput }, { checkName: !nameRefused }));
  return { diagnostics, analysis: inferred.analysis };
}
