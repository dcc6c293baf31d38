/**
 * Which database to open: the one rule shared by the server (openDatabase) and the Prisma CLI
 * (prisma.config.ts), so both always look at the same place.
 *
 * - A `postgres://` or `postgresql://` URL (option, else `DATABASE_URL`) selects PostgreSQL.
 * - A `file:` URL selects SQLite at that path.
 * - Anything else in DATABASE_URL is an error (better than silently using a local file).
 * - Otherwise SQLite at `<dataDir>/toolwright.db`, where dataDir is the option, else
 *   `TOOLWRIGHT_DATA_DIR`, else `./data` (relative to the working directory).
 */
import { resolve, dirname } from "node:path";

export type DatabaseProvider = "sqlite" | "postgres";

export type DatabaseTarget =
  | { readonly provider: "sqlite"; readonly file: string; readonly dataDir: string }
  | { readonly provider: "postgres"; readonly url: string; readonly dataDir: string };

export interface TargetOptions {
  readonly dataDir?: string | undefined;
  readonly databaseUrl?: string | undefined;
  /** Defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const SQLITE_FILE_NAME = "toolwright.db";

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function resolveTarget(options: TargetOptions = {}): DatabaseTarget {
  const env = options.env ?? process.env;
  const dataDir = resolve(nonEmpty(options.dataDir) ?? nonEmpty(env.TOOLWRIGHT_DATA_DIR) ?? "./data");
  const url = nonEmpty(options.databaseUrl) ?? nonEmpty(env.DATABASE_URL);
  if (url === undefined) {
    return { provider: "sqlite", file: resolve(dataDir, SQLITE_FILE_NAME), dataDir };
  }
  if (isPostgresUrl(url)) {
    return { provider: "postgres", url, dataDir };
  }
  if (url.startsWith("file:")) {
    const file = resolve(url.slice("file:".length));
    return { provider: "sqlite", file, dataDir: nonEmpty(options.dataDir) === undefined && nonEmpty(env.TOOLWRIGHT_DATA_DIR) === undefined ? dirname(file) : dataDir };
  }
  throw new Error(`Unsupported DATABASE_URL ${JSON.stringify(redactUrl(url))}: use postgres://…, postgresql://… or file:… (or unset it for SQLite in the data directory)`);
}

/** The URL without its password, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, "$1:***@");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
