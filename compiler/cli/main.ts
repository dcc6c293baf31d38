import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Diagnostic } from "../diagnostics/catalog";
import { compileGraph } from "../compile";
import { loadToolFolder } from "./tool-folder";
import { runGraph } from "./run-graph";
import { UsageError } from "./usage-error";

export const USAGE = `toolwright — compile visual tool graphs into verified, strictly typed TypeScript

Usage:
  toolwright validate <graph.json> [--json] [--tools <dir>]
  toolwright compile <graph.json> --out <dir> [--json] [--tools <dir>]
  toolwright run <graph.json> --input '<json>' [--tools <dir>] [--trace] [--json]
  toolwright serve [--port N] [--host H] [--data-dir DIR]
  toolwright keys create --scope admin|invoke --name NAME [--data-dir DIR] [--json]
  toolwright keys list [--data-dir DIR] [--json]
  toolwright keys revoke <id> [--data-dir DIR]
  toolwright help

Exit codes: 0 success, 1 the graph has errors (or the tool failed), 2 usage or I/O error.
--tools <dir> is a folder of graph files that call_tool and for_each nodes may call.
serve listens on --port, else PORT, else 3000; the database is DATABASE_URL (PostgreSQL) when
set, else SQLite in --data-dir, TOOLWRIGHT_DATA_DIR or ./data.`;

function readGraph(path: string | undefined): unknown {
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

export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.nodeId === undefined ? undefined : `node ${d.nodeId}`, d.edgeId === undefined ? undefined : `edge ${d.edgeId}`].filter((w) => w !== undefined).join(", ");
  return `${d.severity} ${d.code}${where === "" ? "" : ` (${where})`}: ${d.message}\n  hint: ${d.hint}`;
}

type Print = (text: string) => void;

export async function main(argv: readonly string[], out: Print = (t) => process.stdout.write(`${t}\n`), err: Print = (t) => process.stderr.write(`${t}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "validate":
        return validateCommand(rest, out);
      case "compile":
        return compileCommand(rest, out);
      case "run":
        return await runGraph(rest, out, readGraph);
      // The server's commands load Express and Prisma: only when asked for.
      case "serve":
        return await (await import("../../server/cli")).serveCommand(rest, out, err);
      case "keys":
        return await (await import("../../server/cli")).keysCommand(rest, out, err);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        out(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) {
      err(`toolwright: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

export { UsageError };

function validateCommand(argv: readonly string[], out: Print): number {
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

function compileCommand(argv: readonly string[], out: Print): number {
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
