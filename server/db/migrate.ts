/**
 * Applies the committed migrations (`prisma/<provider>/migrations/<name>/migration.sql`) in
 * process, at start.
 *
 * Why not spawn `prisma migrate deploy`: starting the Prisma CLI costs 1.5–2 s per start and
 * needs the CLI (a large dev-time tool) at run time; reading a few SQL files and applying the
 * missing ones takes milliseconds. Compatibility is kept on purpose: applied migrations are
 * recorded in Prisma's own `_prisma_migrations` table with Prisma's checksum (sha256 of the
 * file), so `prisma migrate status` / `migrate deploy` / `migrate resolve` keep working on a
 * database this code migrated, and the other way round (tests/db checks both directions).
 *
 * Differences from `prisma migrate deploy`, all deliberate:
 * - each migration runs in its own transaction (PostgreSQL DDL is transactional; SQLite too),
 *   so a failing migration leaves no half-applied schema and no "failed" row behind;
 *   consequence: a migration must not contain statements PostgreSQL refuses inside a
 *   transaction (CREATE INDEX CONCURRENTLY, ALTER TYPE … ADD VALUE before PG 12);
 * - concurrent starts are safe: PostgreSQL takes Prisma's advisory lock (72707369), SQLite
 *   re-reads the applied set inside `BEGIN IMMEDIATE` (a write lock) before each migration;
 * - SQLite runs with `foreign_keys = OFF` during the migration (SQLite's documented procedure
 *   for table rebuilds) and checks `foreign_key_check` before committing.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { DatabaseError } from "./errors";
import type { DatabaseProvider } from "./target";

export interface Migration {
  /** Folder name, e.g. `20261123044855_init`; migrations apply in name order. */
  readonly name: string;
  readonly sql: string;
  /** sha256 (hex) of migration.sql, as Prisma computes it. */
  readonly checksum: string;
}

export interface MigrationReport {
  readonly provider: DatabaseProvider;
  /** Migrations applied by this call, in order. */
  readonly applied: readonly string[];
  /** Committed migrations (all of them are applied after a successful call). */
  readonly total: number;
  /** Applied in the database but absent from the folder (a newer Toolwright migrated it). */
  readonly unknown: readonly string[];
  /** Applied, but the file's checksum changed since (an edited migration: a mistake to fix). */
  readonly modified: readonly string[];
  readonly durationMs: number;
}

/** Prisma's own advisory lock key, so this and `prisma migrate deploy` exclude each other. */
const PRISMA_ADVISORY_LOCK = 72707369;

/** `prisma/<provider>/migrations`, found relative to this file. */
export function defaultMigrationsDir(provider: DatabaseProvider): string {
  return fileURLToPath(new URL(`../../prisma/${provider}/migrations`, import.meta.url));
}

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) {
    throw new DatabaseError("migration_failed", `No migrations folder at ${dir}`);
  }
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface AppliedRow {
  readonly name: string;
  readonly checksum: string;
  readonly finished: boolean;
}

/** Shared bookkeeping: which migrations are pending, which rows are suspicious. */
function plan(migrations: readonly Migration[], rows: readonly AppliedRow[]): { pending: Migration[]; unknown: string[]; modified: string[] } {
  const failed = rows.filter((row) => !row.finished);
  if (failed.length > 0) {
    const names = failed.map((row) => row.name).join(", ");
    throw new DatabaseError(
      "migration_failed",
      `The database records a failed migration (${names}). Fix the database, then mark it with ` +
        "`npx prisma migrate resolve --rolled-back <name>` (or `--applied`) and start again.",
    );
  }
  const applied = new Map(rows.map((row) => [row.name, row.checksum]));
  const known = new Set(migrations.map((m) => m.name));
  return {
    pending: migrations.filter((m) => !applied.has(m.name)),
    unknown: [...applied.keys()].filter((name) => !known.has(name)).sort(),
    modified: migrations.filter((m) => applied.has(m.name) && applied.get(m.name) !== m.checksum).map((m) => m.name),
  };
}

function migrationError(name: string, cause: unknown): DatabaseError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new DatabaseError("migration_failed", `Migration ${name} failed and was rolled back: ${detail}`, { cause });
}

// ---------------------------------------------------------------------------------------------
// SQLite, through the same driver adapter Prisma uses (its executeScript runs multi-statement SQL).

type SqliteAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type SqlQuery = Parameters<SqliteAdapter["queryRaw"]>[0];

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

function text(sql: string, args: readonly string[] = []): SqlQuery {
  return { sql, args: [...args], argTypes: args.map(() => ({ scalarType: "string", arity: "scalar" })) };
}

/** Prisma's SQLite timestamp format: `2026-11-23T04:49:02.477+00:00`. */
function sqliteNow(): string {
  return new Date().toISOString().replace("Z", "+00:00");
}

async function sqliteAppliedRows(adapter: SqliteAdapter): Promise<AppliedRow[]> {
  const result = await adapter.queryRaw(
    text(`SELECT "migration_name", "checksum", "finished_at" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL`),
  );
  return result.rows.map((row) => ({ name: String(row[0]), checksum: String(row[1]), finished: row[2] !== null }));
}

export async function applySqliteMigrations(file: string, migrations: readonly Migration[]): Promise<MigrationReport> {
  const started = performance.now();
  const adapter = await new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 15_000 }).connect();
  const applied: string[] = [];
  let unknown: string[] = [];
  let modified: string[] = [];
  try {
    // WAL: readers never block the writer, and commits are cheaper; the setting is stored in the file.
    await adapter.executeScript("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = OFF;");
    await adapter.executeScript(SQLITE_TABLE);
    for (const migration of migrations) {
      await adapter.executeScript("BEGIN IMMEDIATE");
      try {
        const state = plan(migrations, await sqliteAppliedRows(adapter));
        unknown = state.unknown;
        modified = state.modified;
        if (!state.pending.some((m) => m.name === migration.name)) {
          await adapter.executeScript("COMMIT");
          continue;
        }
        const startedAt = sqliteNow();
        try {
          await adapter.executeScript(migration.sql);
          const violations = await adapter.queryRaw(text("PRAGMA foreign_key_check"));
          if (violations.rows.length > 0) {
            throw new Error(`foreign key check failed for ${String(violations.rows.length)} row(s)`);
          }
        } catch (error) {
          throw migrationError(migration.name, error);
        }
        await adapter.executeRaw(
          text(
            `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count")
             VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
            [randomUUID(), migration.checksum, sqliteNow(), migration.name, startedAt],
          ),
        );
        await adapter.executeScript("COMMIT");
        applied.push(migration.name);
      } catch (error) {
        await adapter.executeScript("ROLLBACK").catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await adapter.dispose();
  }
  return { provider: "sqlite", applied, total: migrations.length, unknown, modified, durationMs: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL, through pg directly (simple query protocol: multi-statement SQL runs as written).

const POSTGRES_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function applyPostgresMigrations(
  connectionString: string,
  schema: string | undefined,
  migrations: readonly Migration[],
): Promise<MigrationReport> {
  const started = performance.now();
  const client = new pg.Client({ connectionString });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    try {
      if (schema !== undefined) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
        await client.query(`SET search_path TO ${quoteIdentifier(schema)}`);
      }
      await client.query(POSTGRES_TABLE);
      const result = await client.query<{ migration_name: string; checksum: string; finished: boolean }>(
        `SELECT "migration_name", "checksum", "finished_at" IS NOT NULL AS "finished" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL`,
      );
      const state = plan(
        migrations,
        result.rows.map((row) => ({ name: row.migration_name, checksum: row.checksum, finished: row.finished })),
      );
      for (const migration of state.pending) {
        await client.query("BEGIN");
        try {
          const startedAt = new Date();
          try {
            await client.query(migration.sql);
          } catch (error) {
            throw migrationError(migration.name, error);
          }
          await client.query(
            `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count")
             VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
            [randomUUID(), migration.checksum, migration.name, startedAt],
          );
          await client.query("COMMIT");
          applied.push(migration.name);
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      }
      return {
        provider: "postgres",
        applied,
        total: migrations.length,
        unknown: state.unknown,
        modified: state.modified,
        durationMs: performance.now() - started,
      };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
