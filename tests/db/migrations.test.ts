/**
 * Migrations: the in-process migrator on a fresh database, on restart, under concurrent starts,
 * on failure; its compatibility with the Prisma CLI in both directions; and that the committed
 * migrations cover prisma/models.prisma. Same body for SQLite and PostgreSQL.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseError, openDatabase, resolveTarget, type MigrationReport, type OpenDatabaseOptions } from "../../server/db/index";
import { defaultMigrationsDir, readMigrations } from "../../server/db/migrate";
import { pendingSql, runPrisma } from "../../prisma/migrations";
import { databaseBackends, executeSql, postgresBackend, querySql, startDbWorker } from "../support/databases";

function cliUrl(options: OpenDatabaseOptions): string {
  const target = resolveTarget(options);
  return target.provider === "postgres" ? target.url : `file:${target.file}`;
}

async function appliedRows(options: OpenDatabaseOptions): Promise<{ name: string; checksum: string; finished: boolean }[]> {
  const rows = await querySql(
    options,
    `SELECT "migration_name", "checksum", "finished_at" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL ORDER BY "migration_name"`,
  );
  return rows.map((row) => ({ name: String(row[0]), checksum: String(row[1]), finished: row[2] !== null }));
}

async function tableExists(options: OpenDatabaseOptions, table: string): Promise<boolean> {
  const target = resolveTarget(options);
  const sql =
    target.provider === "postgres"
      ? `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '${table}'`
      : `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${table}'`;
  return (await querySql(options, sql)).length > 0;
}

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.each(databaseBackends())("migrations on $provider", (backend) => {
  const committed = readMigrations(defaultMigrationsDir(backend.provider));
  const scratch: string[] = [];

  beforeAll(() => backend.start());
  afterAll(async () => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
    await backend.stop();
  });

  /** A copy of the committed migrations folder that a test may change. */
  function copyOfMigrations(): string {
    const dir = mkdtempSync(join(tmpdir(), "toolwright-migrations-"));
    scratch.push(dir);
    cpSync(defaultMigrationsDir(backend.provider), dir, { recursive: true });
    return dir;
  }

  it("applies every committed migration to a fresh database and records Prisma's checksums", async () => {
    const options = await backend.fresh();
    const db = await openDatabase(options);
    await db.close();
    expect(committed.length).toBeGreaterThan(0);
    expect(db.migrations).toMatchObject({ provider: backend.provider, applied: committed.map((m) => m.name), total: committed.length, unknown: [], modified: [] });
    expect(await appliedRows(options)).toEqual(committed.map((m) => ({ name: m.name, checksum: m.checksum, finished: true })));
    for (const table of ["Tool", "ToolVersion", "Run", "ApiKey", "Secret"]) expect(await tableExists(options, table)).toBe(true);
  });

  it("applies nothing on restart", async () => {
    const options = await backend.fresh();
    await (await openDatabase(options)).close();
    const again = await openDatabase(options);
    await again.close();
    expect(again.migrations.applied).toEqual([]);
    expect(await appliedRows(options)).toHaveLength(committed.length);
  });

  it("applies each migration once when two processes start on a fresh database together", async () => {
    const options = await backend.fresh();
    const worker = await startDbWorker(["open", JSON.stringify(options)]);
    const [theirs, db] = await Promise.all([worker.go(), openDatabase(options)]);
    await db.close();
    const applied = [...(theirs as MigrationReport).applied, ...db.migrations.applied].sort();
    expect(applied).toEqual(committed.map((m) => m.name));
    expect(await appliedRows(options)).toHaveLength(committed.length);
  });

  it("rolls a failing migration back entirely, records nothing, and applies it once fixed", async () => {
    const options = await backend.fresh();
    const migrationsDir = copyOfMigrations();
    const bad = join(migrationsDir, "29991231000000_broken");
    cpSync(join(migrationsDir, committed[0]?.name ?? ""), bad, { recursive: true });
    writeFileSync(join(bad, "migration.sql"), `CREATE TABLE "Partial" ("id" INTEGER);\nINSERT INTO "NoSuchTable" VALUES (1);\n`);

    const error = await rejection(openDatabase({ ...options, migrationsDir }));
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe("migration_failed");
    expect((error as DatabaseError).message).toContain("29991231000000_broken");
    expect(await tableExists(options, "Partial")).toBe(false);
    expect((await appliedRows(options)).map((r) => r.name)).toEqual(committed.map((m) => m.name));

    writeFileSync(join(bad, "migration.sql"), `CREATE TABLE "Partial" ("id" INTEGER);\n`);
    const db = await openDatabase({ ...options, migrationsDir });
    await db.close();
    expect(db.migrations.applied).toEqual(["29991231000000_broken"]);
    expect(await tableExists(options, "Partial")).toBe(true);
  });

  it("reports edited and unknown migrations, and refuses to start over a failed one", async () => {
    const options = await backend.fresh();
    await (await openDatabase(options)).close();
    const migrationsDir = copyOfMigrations();
    const first = committed[0]?.name ?? "";
    appendFileSync(join(migrationsDir, first, "migration.sql"), "\n-- edited after it was applied\n");
    await executeSql(
      options,
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "started_at", "applied_steps_count")
       VALUES ('00000000-0000-0000-0000-000000000001', 'x', '2026-01-01T00:00:00.000+00:00', '29990101000000_from_the_future', '2026-01-01T00:00:00.000+00:00', 1)`,
    );
    const db = await openDatabase({ ...options, migrationsDir });
    await db.close();
    expect(db.migrations.modified).toEqual([first]);
    expect(db.migrations.unknown).toEqual(["29990101000000_from_the_future"]);

    await executeSql(
      options,
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "started_at", "applied_steps_count")
       VALUES ('00000000-0000-0000-0000-000000000002', 'y', NULL, '29990202000000_half_done', '2026-01-01T00:00:00.000+00:00', 0)`,
    );
    const error = await rejection(openDatabase(options));
    expect((error as DatabaseError).code).toBe("migration_failed");
    expect((error as DatabaseError).message).toContain("prisma migrate resolve");
  });

  it("agrees with the Prisma CLI in both directions", async () => {
    // Migrated here → `prisma migrate status` sees an up-to-date database.
    const ours = await backend.fresh();
    await (await openDatabase(ours)).close();
    const status = await runPrisma(["migrate", "status"], cliUrl(ours));
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain("Database schema is up to date");

    // Migrated by `prisma migrate deploy` → nothing left to apply here, and the API works.
    const theirs = await backend.fresh();
    const deploy = await runPrisma(["migrate", "deploy"], cliUrl(theirs));
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const db = await openDatabase(theirs);
    try {
      expect(db.migrations.applied).toEqual([]);
      expect((await db.tools.create({ name: "cli", draftGraph: {} })).name).toBe("cli");
    } finally {
      await db.close();
    }
  });

  it("has migrations that cover prisma/models.prisma (no model change without a migration)", async () => {
    const options = await backend.fresh();
    await (await openDatabase(options)).close();
    const sql = await pendingSql(backend.provider, cliUrl(options));
    expect(sql, "run: npx tsx prisma/migrations.ts new <name>").toBe("");
  });
});

describe("PostgreSQL schema selection", () => {
  const backend = postgresBackend();
  beforeAll(() => backend.start());
  afterAll(() => backend.stop());

  it("honours ?schema= in the URL: migrations, the migrations table and queries all live there", async () => {
    const fresh = await backend.fresh();
    const options = { ...fresh, databaseUrl: `${fresh.databaseUrl ?? ""}?schema=tenant_a` };
    const db = await openDatabase(options);
    try {
      const tool = await db.tools.create({ name: "in-schema", draftGraph: {} });
      expect((await db.versions.create(tool.id, { graph: {}, files: {}, contentHash: "h", compilerVersion: "1", verification: {}, signature: { input: {}, output: {} } })).number).toBe(1);
    } finally {
      await db.close();
    }
    const tables = await querySql(
      fresh,
      `SELECT table_schema FROM information_schema.tables WHERE table_name IN ('Tool', '_prisma_migrations') ORDER BY table_name`,
    );
    expect(tables).toEqual([["tenant_a"], ["tenant_a"]]);
    const again = await openDatabase(options);
    await again.close();
    expect(again.migrations.applied).toEqual([]);
  });
});
