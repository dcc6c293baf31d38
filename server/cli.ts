/**
 * The server's commands of the `toolwright` CLI (compiler/cli/main.ts loads this file only for
 * them, so validate/compile/run never load Express or Prisma):
 *
 *   toolwright serve [--port N] [--host H] [--data-dir DIR]
 *   toolwright keys create --scope admin|invoke --name NAME [--data-dir DIR] [--json]
 *   toolwright keys list [--data-dir DIR] [--json]
 *   toolwright keys revoke <id> [--data-dir DIR]
 *
 * The database is DATABASE_URL when set (PostgreSQL), else SQLite in --data-dir,
 * TOOLWRIGHT_DATA_DIR or ./data.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../compiler/cli/usage-error";
import { openDatabase, type Database } from "./db/index";
import { createApiKey, isApiKeyScope, revokeApiKey } from "./keys/index";
import { startToolwright, type RunningToolwright } from "./serve";
import { keyView } from "./views";

type Print = (text: string) => void;

function portOf(text: string | undefined): number {
  const value = text ?? process.env.PORT ?? "3000";
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new UsageError(`--port must be a port number (0–65535), not ${JSON.stringify(value)}`);
  return port;
}

/** Runs until SIGINT/SIGTERM, then stops gracefully (a second signal exits at once). */
export async function serveCommand(argv: readonly string[], out: Print, err: Print): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { port: { type: "string" }, host: { type: "string" }, "data-dir": { type: "string" } } });
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${positionals.join(" ")}`);
  const port = portOf(values.port);
  // Signal handlers go in before starting: a SIGTERM during start-up must still stop gracefully.
  let signals = 0;
  let stopRequested: NodeJS.Signals | undefined;
  let onStopRequest: ((signal: NodeJS.Signals) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) process.exit(130);
    stopRequested = signal;
    onStopRequest?.(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const removeHandlers = (): void => {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  };

  let running: RunningToolwright;
  try {
    running = await startToolwright({ port, host: values.host ?? process.env.HOST, dataDir: values["data-dir"], print: out });
  } catch (error) {
    removeHandlers();
    err(`toolwright: cannot start the server: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    onStopRequest = (signal) => {
      running.server.logger.info({ signal }, "shutting down");
      running.stop().then(
        () => {
          removeHandlers();
          resolve(0);
        },
        (error: unknown) => {
          removeHandlers();
          err(`toolwright: shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        },
      );
    };
    if (stopRequested !== undefined) onStopRequest(stopRequested);
  });
}

async function withDatabase<T>(dataDir: string | undefined, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ dataDir });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

export async function keysCommand(argv: readonly string[], out: Print, err: Print): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { scope: { type: "string" }, name: { type: "string" }, "data-dir": { type: "string" }, json: { type: "boolean" } },
  });
  const dataDir = values["data-dir"];
  switch (sub) {
    case "create": {
      const scope = values.scope;
      if (!isApiKeyScope(scope)) throw new UsageError("keys create needs --scope admin or --scope invoke");
      const name = values.name?.trim();
      if (name === undefined || name === "") throw new UsageError("keys create needs --name NAME");
      const created = await withDatabase(dataDir, (db) => createApiKey(db, { name, scope }));
      if (values.json === true) out(JSON.stringify({ ...keyView(created.apiKey), key: created.key }, null, 2));
      else {
        // The key alone on stdout, so `KEY=$(npx toolwright keys create …)` works; the rest to stderr.
        out(created.key);
        err(`Created ${scope} key "${name}" (id ${created.apiKey.id}). It is shown only this once; send it as Authorization: Bearer <key>.`);
      }
      return 0;
    }
    case "list": {
      const keys = await withDatabase(dataDir, (db) => db.apiKeys.list());
      if (values.json === true) out(JSON.stringify({ keys: keys.map(keyView) }, null, 2));
      else {
        for (const key of keys) {
          out(`${key.id}  ${key.scope.padEnd(6)}  ${key.prefix}…  ${key.name}${key.revokedAt === null ? "" : `  (revoked ${key.revokedAt.toISOString()})`}`);
        }
        if (keys.length === 0) out("no keys");
      }
      return 0;
    }
    case "revoke": {
      const id = positionals[0];
      if (id === undefined) throw new UsageError("keys revoke needs the key id (see keys list)");
      const revoked = await withDatabase(dataDir, (db) => revokeApiKey(db, id));
      if (revoked === null) {
        err(`toolwright: no key with id ${id}`);
        return 1;
      }
      out(`revoked ${revoked.scope} key "${revoked.name}" (${revoked.id})`);
      return 0;
    }
    default:
      throw new UsageError(sub === undefined ? "keys needs a subcommand: create, list or revoke" : `unknown keys subcommand "${sub}"`);
  }
}
