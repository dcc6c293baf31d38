import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ToolResolver, ToolSignature } from "../../compiler/api";
import { compileGraph } from "../../compiler/compile";

/** The golden example graphs: `<name>.json`, one baseline folder each under expected/. */
export const GRAPHS_DIR = fileURLToPath(new URL("./graphs/", import.meta.url));
/** Published tools the golden graphs call (call_tool, for_each), as graphs. */
export const TOOLS_DIR = fileURLToPath(new URL("./tools/", import.meta.url));

/** Graphs named `invalid_*` are expected to fail with diagnostics. */
export function isInvalidGraph(name: string): boolean {
  return name.startsWith("invalid_");
}

export function goldenGraphNames(): string[] {
  return readdirSync(GRAPHS_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

export function readGraph(dir: string, name: string): unknown {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as unknown;
}

/** Resolves the tools under tools/ as version 1 (also the latest), from their compiled signatures. */
export function toolResolver(dir: string = TOOLS_DIR): ToolResolver {
  const tools = new Map<string, ToolSignature>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const result = compileGraph(readGraph(dir, file.slice(0, -".json".length)), { verify: false });
    if (result.signature === undefined || !result.success) {
      throw new Error(`tools/${file} does not compile: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}`);
    }
    tools.set(result.signature.name, { ...result.signature, version: 1 });
  }
  return (name, version) => (version === undefined || version === 1 ? tools.get(name) : undefined);
}
