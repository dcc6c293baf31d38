import type { Diagnostic } from "../diagnostics/catalog";
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

export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.nodeId === undefined ? undefined : `node ${d.nodeId}`, d.edgeId === undefined ? undefined : `edge ${d.edgeId}`].filter((w) => w !== undefined).join(", ");
  return `${d.severity} ${d.code}${where === "" ? "" : ` (${where})`}: ${d.message}\n  hint: ${d.hint}`;
}

export type Print = (text: string) => void;

export async function main(argv: readonly string[], out: Print = (t) => process.stdout.write(`${t}\n`), err: Print = (t) => process.stderr.write(`${t}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      // The graph commands load the compiler (TypeScript and ESLint, for verification), the
      // server's commands Express and Prisma: each only when asked for, so `serve` (whose
      // compiles run in worker threads) does not hold the compiler in its main thread.
      case "validate":
        return (await import("./graph-commands")).validateCommand(rest, out);
      case "compile":
        return (await import("./graph-commands")).compileCommand(rest, out);
      case "run":
        return await (await import("./run-graph")).runGraph(rest, out);
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

