import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CompileResult, ToolResolver, ToolSignature } from "../api";
import { compileGraph } from "../compile";

export interface ToolFolder {
  readonly resolveTool: ToolResolver;
  /** The compiled (verified) callee, for running. */
  compiled(name: string): CompileResult | undefined;
}

/**
 * Tools that call_tool/for_each may resolve, from a folder of graph files. Each graph is
 * one published version (version 1); graphs may call each other in dependency order.
 */
export function loadToolFolder(dir: string | undefined, verify = true): ToolFolder {
  const graphs = new Map<string, unknown>();
  if (dir !== undefined) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
      const graph: unknown = JSON.parse(readFileSync(join(dir, file), "utf8"));
      const name = (graph as { tool?: { name?: unknown } }).tool?.name;
      if (typeof name === "string") graphs.set(name, graph);
    }
  }
  return toolsFromGraphs(graphs, verify);
}

export function toolsFromGraphs(graphs: ReadonlyMap<string, unknown>, verify = true): ToolFolder {
  const results = new Map<string, CompileResult>();
  const compiling = new Set<string>();
  const compiled = (name: string): CompileResult | undefined => {
    const cached = results.get(name);
    if (cached !== undefined) return cached;
    const graph = graphs.get(name);
    if (graph === undefined || compiling.has(name)) return undefined;
    compiling.add(name);
    const result = compileGraph(graph, { resolveTool, verify });
    compiling.delete(name);
    results.set(name, result);
    return result;
  };
  const resolveTool: ToolResolver = (name, version): ToolSignature | undefined => {
    if (version !== undefined && version !== 1) return undefined;
    const result = compiled(name);
    return result?.success === true && result.signature !== undefined ? { ...result.signature, version: 1 } : undefined;
  };
  return { resolveTool, compiled };
}
