/**
 * The two statements of the invoke path, run through the database driver instead of Prisma's
 * query engine: the run INSERT and the tool-by-name read. Measured on SQLite (bench:runtime),
 * Prisma spends about 1 ms of CPU on each call of either (createMany of a run with its trace:
 * 0.8–1.4 ms per row even in batches of 100), the driver a few µs. Everything else stays on Prisma.
 */
import type pg from "pg";
import BetterSqlite3 from "better-sqlite3";
import type { RunRow, ToolSummaryRow } from "./client";
import { DatabaseError } from "./errors";
import { quoteIdentifier } from "./migrate";

export interface DirectStatements {
  /**
   * Inserts the rows, in statements of up to 500 rows, each all or none.
   * @throws DatabaseError `not_found` (the tool, version or key is missing), `invalid_value` (an id is taken)
   */
  insertRuns(rows: readonly RunRow[]): Promise<void>;
  /** The tool named `name`, without its draft graph. */
  toolSummaryByName(name: string): Promise<ToolSummaryRow | null>;
  close(): Promise<void>;
}

const RUN_COLUMNS = ["id", "toolId", "toolVersionId", "status", "input", "output", "error", "trace", "startedAt", "durationMs", "callerKeyId", "requestId"] as const;
const COLUMN_LIST = RUN_COLUMNS.map((c) => `"${c}"`).join(", ");
/** Rows per statement: 12 parameters each stays far below SQLite's (32 766) and PostgreSQL's (65 535) limits. */
const ROWS_PER_STATEMENT = 500;

type Violation = "foreign_key" | "unique";

function violationError(kind: Violation, cause: unknown): DatabaseError {
  return kind === "foreign_key"
    ? new DatabaseError("not_found", "The run's tool, version or caller key does not exist", { cause })
    : new DatabaseError("invalid_value", "A run with that id already exists", { cause });
}

function runValues(row: RunRow, startedAt: string): (string | number | null)[] {
  return [row.id, row.toolId, row.toolVersionId, row.status, row.input, row.output, row.error, row.trace, startedAt, row.durationMs, row.callerKeyId, row.requestId];
}

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) result.push(items.slice(start, start + ROWS_PER_STATEMENT));
  return result;
}

// ---- SQLite ------------------------------------------------------------------------------------

/** How long a batch waits for another connection's write lock before it fails, as Prisma's own connection does. */
const SQLITE_BUSY_LIMIT_MS = 15_000;

function sqliteFailure(error: unknown): Violation | "busy" | undefined {
  const code = error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") return "foreign_key";
  if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") return "unique";
  if (code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT") return "busy";
  return undefined;
}

/** Prisma's SQLite timestamp text (`2026-11-23T04:49:02.477+00:00`), so rows sort and read back alike. */
function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/**
 * A second connection to the file, beside Prisma's, through better-sqlite3 itself (the driver
 * Prisma's adapter wraps) with its statements prepared once: the adapter prepares every
 * statement again on each call and converts every argument, which cost as much CPU as the
 * INSERT itself (bench:runtime). Its busy timeout is 0: the driver is synchronous, so waiting
 * for a lock held by Prisma's connection in this same process would block the event loop that
 * lock's owner needs. A busy batch is retried on a timer instead. Each batch is one
 * synchronous transaction, so this connection never holds a lock between ticks.
 */
export function sqliteStatements(file: string): DirectStatements {
  const db = new BetterSqlite3(file, { timeout: 0 });
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  const insertOne = db.prepare(`INSERT INTO "Run" (${COLUMN_LIST}) VALUES (${RUN_COLUMNS.map(() => "?").join(", ")})`);
  const insertAll = db.transaction((rows: readonly RunRow[]) => {
    for (const row of rows) insertOne.run(runValues(row, sqliteTimestamp(row.startedAt)));
  });
  const toolByName = db
    .prepare<[string], SqliteToolRow>(`SELECT "id", "name", "description", "latestVersion", "createdAt", "updatedAt" FROM "Tool" WHERE "name" = ?`);
  const summaries = toolSummaryCache(db, (name) => {
    const row = toolByName.get(name);
    return row === undefined ? null : { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
  });

  const insert = async (rows: readonly RunRow[]): Promise<void> => {
    const deadline = performance.now() + SQLITE_BUSY_LIMIT_MS;
    for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 50)) {
      try {
        insertAll(rows);
        return;
      } catch (error) {
        const failure = sqliteFailure(error);
        if (failure !== "busy") throw failure === undefined ? error : violationError(failure, error);
        if (performance.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  };

  return {
    async insertRuns(rows) {
      for (const chunk of chunks(rows)) await insert(chunk);
    },
    toolSummaryByName(name) {
      return Promise.resolve(summaries(name));
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}

/** Names remembered at most; past that the cache starts over (lookups of random names cannot grow it). */
const SUMMARY_CACHE_LIMIT = 1_024;

/**
 * Tool rows by name, valid while `PRAGMA data_version` stays the same. SQLite changes that number
 * for a connection whenever *another* connection commits (Prisma's in this process, or another
 * process on the file), and this connection itself only ever inserts runs, which no Tool row
 * depends on. So a publish, rename or delete anywhere clears the cache before the next lookup,
 * and the invoke path reads one counter instead of the Tool row (whose draft graph, before
 * `latestVersion` in the row, makes the read walk overflow pages: 5–16 µs under load).
 */
function toolSummaryCache(db: BetterSqlite3.Database, read: (name: string) => ToolSummaryRow | null): (name: string) => ToolSummaryRow | null {
  const dataVersion = db.prepare<[], number>("PRAGMA data_version").pluck();
  const rows = new Map<string, ToolSummaryRow | null>();
  let seenVersion: number | undefined;
  return (name) => {
    const version = dataVersion.get();
    if (version !== seenVersion || rows.size >= SUMMARY_CACHE_LIMIT) {
      rows.clear();
      seenVersion = version;
    }
    const cached = rows.get(name);
    if (cached !== undefined) return cached;
    const row = read(name);
    rows.set(name, row);
    return row;
  };
}

/** A Tool row as SQLite returns it: timestamps are Prisma's text. */
interface SqliteToolRow {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly latestVersion: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

// ---- PostgreSQL --------------------------------------------------------------------------------

function postgresFailure(error: unknown): Violation | undefined {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  if (code === "23503") return "foreign_key";
  if (code === "23505") return "unique";
  return undefined;
}

/** Over the pool Prisma's adapter uses; `schema` is the URL's `?schema=`, as Prisma honours it. */
export function postgresStatements(pool: pg.Pool, schema: string | undefined): DirectStatements {
  const table = (name: string): string => (schema === undefined ? quoteIdentifier(name) : `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`);
  // Prisma stores UTC in `timestamp(3)` columns: read them as UTC (pg would take local time).
  const utc = (column: string): string => `"${column}" AT TIME ZONE 'UTC' AS "${column}"`;

  return {
    async insertRuns(rows) {
      for (const chunk of chunks(rows)) {
        const placeholders = chunk.map((_, r) => `(${RUN_COLUMNS.map((__, c) => `$${String(r * RUN_COLUMNS.length + c + 1)}`).join(", ")})`).join(", ");
        // The timestamp as UTC text: a `timestamp` column ignores the zone, so this is what Prisma writes.
        const values = chunk.flatMap((row) => runValues(row, row.startedAt.toISOString()));
        try {
          await pool.query(`INSERT INTO ${table("Run")} (${COLUMN_LIST}) VALUES ${placeholders}`, values);
        } catch (error) {
          const failure = postgresFailure(error);
          throw failure === undefined ? error : violationError(failure, error);
        }
      }
    },
    async toolSummaryByName(name) {
      const result = await pool.query<ToolSummaryRow>(
        `SELECT "id", "name", "description", "latestVersion", ${utc("createdAt")}, ${utc("updatedAt")} FROM ${table("Tool")} WHERE "name" = $1`,
        [name],
      );
      return result.rows[0] ?? null;
    },
    close: () => Promise.resolve(),
  };
}
