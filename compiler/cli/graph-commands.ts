/** The CLI's graph commands: validate and compile (run-graph.ts runs). */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { compileGraph } from "../compile";
import { formatDiagnostic, type Print } from "./main";
import { loadToolFolder } from "./tool-folder";
import { UsageError } from "./usage-error";

export function readGraph(path: string | undefined): unknown {
  if (path === undefined) throw new UsageError("missing <graph.json>");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function validateCommand(argv: readonly string[], out: Print): number {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: "boolean" }, tools: { type: "string" } } });
  const graph = readGraph(positionals[0]);
  const result = compileGraph(graph, { verify: false, resolveTool: loadToolFolder(values.tools, false).resolveTool });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (values.json === true) out(JSON.stringify({ valid: errors.length === 0, diagnostics: result.diagnostics }, null, 2));
  else {
    for (const d of result.diagnostics) out(formatDiagnostic(d));
    out(errors.length === 0 ? `valid (${String(result.diagnostics.length)} warning(s))` : `${String(errors.length)} error(s)`);
  }
  return errors.length === 0 ? 0 : 1;
}

export function compileCommand(argv: readonly string[], out: Print): number {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: "boolean" }, out: { type: "string" }, tools: { type: "string" } } });
  if (values.out === undefined) throw new UsageError("compile needs --out <dir>");
  const graph = readGraph(positionals[0]);
  const result = compileGraph(graph, { resolveTool: loadToolFolder(values.tools).resolveTool });
  const files = Object.keys(result.files ?? {}).sort();
  if (result.success && result.files !== undefined) {
    for (const [path, content] of Object.entries(result.files)) {
      const target = join(resolve(values.out), path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
  const verification = result.verification === undefined ? null : { tscPassed: result.verification.tscPassed, eslintPassed: result.verification.eslintPassed, anyTypesFound: result.verification.anyTypesFound };
  if (values.json === true) {
    out(JSON.stringify({ success: result.success, diagnostics: result.diagnostics, verification, hash: result.hash ?? null, files: result.success ? files : [], timings: result.timings }, null, 2));
  } else {
    for (const d of result.diagnostics) out(formatDiagnostic(d));
    if (result.success) out(`compiled ${String(files.length)} files to ${values.out} (hash ${result.hash ?? ""}; tsc ok, eslint ok, 0 any)`);
    else out("compilation failed");
  }
  return result.success ? 0 : 1;
}
