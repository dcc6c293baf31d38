/**
 * Starting a real server: open the database (migrations applied), make sure an admin key
 * exists (printing a new one once, with a sign-in link), warm the compile workers, listen.
 */
import { createServer, type ToolwrightServer } from "./app";
import { closeCompiler, warmCompiler } from "./compile-service";
import { openDatabase, type Database } from "./db/index";
import { ensureAdminKey } from "./keys/index";
import type { Logger } from "./logging";
import { SERVER_VERSION } from "./version";

export interface StartOptions {
  readonly port: number;
  /** Default: every interface. */
  readonly host?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly databaseUrl?: string | undefined;
  /** Where the banner (and a new admin key) is printed. */
  readonly print: (line: string) => void;
  readonly logger?: Logger;
}

export interface RunningToolwright {
  readonly server: ToolwrightServer;
  readonly db: Database;
  readonly port: number;
  /** The browser address (localhost for wildcard binds). */
  readonly url: string;
  /** Graceful stop: in-flight requests finish, pending runs are written, the database closes. */
  stop(): Promise<void>;
}

export async function startToolwright(options: StartOptions): Promise<RunningToolwright> {
  // The compile workers warm (seconds of CPU, in their own threads) while the database opens.
  const warmStarted = performance.now();
  const compilerWarm = warmCompiler();
  let db: Database;
  try {
    db = await openDatabase({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  } catch (error) {
    await closeCompiler();
    throw error;
  }
  let server: ToolwrightServer | undefined;
  try {
    const created = await ensureAdminKey(db);
    await compilerWarm;
    const warmMs = performance.now() - warmStarted;
    server = createServer({ db, ...(options.logger === undefined ? {} : { logger: options.logger }) });
    const listening = await server.listen(options.port, options.host);
    const wildcard = options.host === undefined || options.host === "0.0.0.0" || options.host === "::";
    const url = wildcard ? `http://localhost:${String(listening.port)}` : listening.url;
    server.logger.info(
      { port: listening.port, host: options.host ?? "*", database: db.provider, location: db.location, migrationsApplied: db.migrations.applied.length, compilerWarmMs: Math.round(warmMs) },
      "listening",
    );
    // One write, so a reader of stdout never sees half a banner.
    const banner = [`Toolwright ${SERVER_VERSION} is listening on ${url} (port ${String(listening.port)}; ${db.provider} database at ${db.location})`];
    if (created !== null) {
      banner.push(
        "",
        "Created the first admin key. It is shown only this once, so keep it somewhere safe:",
        `  ${created.key}`,
        `Sign in to the editor: ${url}/#key=${created.key}`,
        "More keys: npx toolwright keys create --scope admin|invoke --name NAME",
        "",
      );
    }
    options.print(banner.join("\n"));
    const running = server;
    let stopping: Promise<void> | undefined;
    return {
      server: running,
      db,
      port: listening.port,
      url,
      stop() {
        stopping ??= (async () => {
          await running.close();
          await closeCompiler();
          await db.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await server?.close(0);
    await closeCompiler();
    await db.close();
    throw error;
  }
}
