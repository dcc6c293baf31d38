/**
 * Persistence for the server: `openDatabase` picks SQLite or PostgreSQL (target.ts), applies the
 * committed migrations (migrate.ts) and returns the repository API (types.ts). Prisma stays
 * inside this folder; callers see plain TypeScript types.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pg from "pg";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqlitePrismaClient } from "../../prisma/generated/sqlite/client";
import { PrismaClient as PostgresPrismaClient } from "../../prisma/generated/postgres/client";
import type { Client } from "./client";
import { DatabaseError } from "./errors";
import { postgresStatements, sqliteStatements, type DirectStatements } from "./direct-statements";
import { applyPostgresMigrations, applySqliteMigrations, defaultMigrationsDir, readMigrations } from "./migrate";
import { createRepositories } from "./repository";
import { redactUrl, resolveTarget } from "./target";
import type { Database, MigrationReport, OpenDatabaseOptions } from "./types";

export * from "./types";
export { DatabaseError, isDatabaseError } from "./errors";
export type { DatabaseErrorCode } from "./errors";
export { resolveTarget, isPostgresUrl, redactUrl, SQLITE_FILE_NAME } from "./target";
export type { DatabaseTarget } from "./target";

const HEALTH_TIMEOUT_MS = 2_000;

interface Connection {
  readonly client: Client;
  readonly direct: DirectStatements;
  readonly location: string;
  readonly migrations: MigrationReport;
  readonly release: () => Promise<void>;
}

async function openSqlite(file: string, migrationsDir: string): Promise<Connection> {
  mkdirSync(dirname(file), { recursive: true });
  const migrations = await applySqliteMigrations(file, readMigrations(migrationsDir));
  const client: Client = new SqlitePrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 15_000 }) });
  await client.$connect();
  // The migrator switched the file to WAL; NORMAL is the recommended durability for WAL (a
  // power cut may lose the last commits, a process crash loses nothing).
  await client.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await client.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  // Busy timeout 0: see sqliteStatements.
  const direct = sqliteStatements(file);
  return { client, direct, location: file, migrations, release: () => direct.close() };
}

/** Splits Prisma's `?schema=name` convention off a PostgreSQL URL (pg does not know it). */
export function splitSchemaParam(url: string): { connectionString: string; schema: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseError("unsupported_database", `DATABASE_URL is not a valid URL: ${redactUrl(url)}`);
  }
  const schema = parsed.searchParams.get("schema") ?? undefined;
  if (schema === undefined) return { connectionString: url, schema: undefined };
  parsed.searchParams.delete("schema");
  return { connectionString: parsed.toString(), schema };
}

async function openPostgres(url: string, migrationsDir: string, poolSize: number): Promise<Connection> {
  const { connectionString, schema } = splitSchemaParam(url);
  const migrations = await applyPostgresMigrations(connectionString, schema, readMigrations(migrationsDir));
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
  });
  // An idle client that loses its connection is discarded by the pool; without a listener the
  // 'error' event would crash the process.
  pool.on("error", () => undefined);
  const adapter = new PrismaPg(pool, schema === undefined ? {} : { schema });
  const client: Client = new PostgresPrismaClient({ adapter });
  await client.$connect();
  return { client, direct: postgresStatements(pool, schema), location: redactUrl(url), migrations, release: () => pool.end() };
}

/**
 * Opens the database, applying pending migrations first.
 * SQLite: `<dataDir>/toolwright.db` (created with its folder). PostgreSQL: DATABASE_URL.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  let target;
  try {
    target = resolveTarget(options);
  } catch (error) {
    throw new DatabaseError("unsupported_database", error instanceof Error ? error.message : String(error), { cause: error });
  }
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir(target.provider);
  const connection =
    target.provider === "sqlite"
      ? await openSqlite(target.file, migrationsDir)
      : await openPostgres(target.url, migrationsDir, options.poolSize ?? 10);
  const { client } = connection;
  let closing: Promise<void> | undefined;

  return {
    provider: target.provider,
    location: connection.location,
    dataDir: target.dataDir,
    migrations: connection.migrations,
    ...createRepositories(client, connection.direct),

    async health() {
      if (closing !== undefined) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => {
          resolve(false);
        }, HEALTH_TIMEOUT_MS);
      });
      const probe = Promise.resolve(client.$queryRawUnsafe("SELECT 1")).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([probe, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    close() {
      closing ??= (async () => {
        await client.$disconnect();
        await connection.release();
      })();
      return closing;
    },
  };
}
