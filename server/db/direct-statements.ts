/**
 * The two statements of the invoke path, run through the database driver instead of Prisma's
 * query engine: the run INSERT and the tool-by-name read. Measured on SQLite (bench:runtime),
 * Prisma spends about 1 ms of CPU on each call of either (createMany of a run with its trace:
 * 0.8–1.4 ms per row even in batches of 100), the driver a few µs. Everything else stays on Prisma.
 */
import type pg from "pg";
import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
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

type SqliteAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type SqlArgType = Parameters<SqliteAdapter["executeRaw"]>[0]["argTypes"][number];

const TEXT: SqlArgType = { scalarType: "string", arity: "scalar" };
const INT: SqlArgType = { scalarType: "int", arity: "scalar" };
const RUN_ARG_TYPES = RUN_COLUMNS.map((c) => (c === "durationMs" ? INT : TEXT));

/** How long a batch waits for another connection's write lock before it fails, as Prisma's own connection does. */
const SQLITE_BUSY_LIMIT_MS = 15_000;

function sqliteFailure(error: unknown): Violation | "busy" | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  const kind = typeof cause === "object" && cause !== null && "kind" in cause ? cause.kind : undefined;
  if (kind === "ForeignKeyConstraintViolation") return "foreign_key";
  if (kind === "UniqueConstraintViolation") return "unique";
  if (kind === "SocketTimeout") return "busy";
  return undefined;
}

/** Prisma's SQLite timestamp text (`2026-11-23T04:49:02.477+00:00`), so rows sort and read back alike. */
function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/**
 * A second connection to the file, beside Prisma's. Its busy timeout is 0: the driver is
 * synchronous, so waiting for a lock held by Prisma's connection in this same process would
 * block the event loop that lock's owner needs. A busy statement is retried on a timer instead.
 * Each INSERT is one synchronous statement, so this connection never holds a lock between ticks.
 */
export async function sqliteStatements(adapterFactory: PrismaBetterSQLite3): Promise<DirectStatements> {
  const adapter = await adapterFactory.connect();
  await adapter.executeScript("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");

  const insert = async (rows: readonly RunRow[]): Promise<void> => {
    const sql = `INSERT INTO "Run" (${COLUMN_LIST}) VALUES ${rows.map(() => `(${RUN_COLUMNS.map(() => "?").join(", ")})`).join(", ")}`;
    const query = { sql, args: rows.flatMap((row) => runValues(row, sqliteTimestamp(row.startedAt))), argTypes: rows.flatMap(() => RUN_ARG_TYPES) };
    const deadline = performance.now() + SQLITE_BUSY_LIMIT_MS;
    for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 50)) {
      try {
        await adapter.executeRaw(query);
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
    async toolSummaryByName(name) {
      const result = await adapter.queryRaw({
        sql: `SELECT "id", "name", "description", "latestVersion", "createdAt", "updatedAt" FROM "Tool" WHERE "name" = ?`,
        args: [name],
        argTypes: [TEXT],
      });
      const row = result.rows[0];
      if (row === undefined) return null;
      return { id: String(row[0]), name: String(row[1]), description: String(row[2]), latestVersion: Number(row[3]), createdAt: new Date(String(row[4])), updatedAt: new Date(String(row[5])) };
    },
    close: () => adapter.dispose(),
  };
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
