/**
 * Migration tooling, offline and for both providers at once.
 *
 *   npx tsx prisma/migrations.ts new <name>   render the schemas, then write
 *                                             prisma/{sqlite,postgres}/migrations/<timestamp>_<name>/migration.sql
 *                                             with the SQL that takes the committed migrations to models.prisma
 *   npx tsx prisma/migrations.ts check        exit 1 when models.prisma has changes no migration covers
 *
 * How the SQL is computed: the committed migrations are applied to a scratch database (a temp
 * SQLite file; a database on a throw-away PostgreSQL server from tests/support/postgres.ts), the
 * result is introspected with `prisma db pull` into a temp schema, and `prisma migrate diff`
 * renders the difference to the provider's schema. That is what `prisma migrate dev` does with
 * its shadow database, which does not work here (see prisma/README.md).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../server/db/index";
import { startPostgres } from "../tests/support/postgres";
import { migrationsPath, prismaDir, providers, schemaPath, staleSchemas, writeSchemas, type Provider } from "./schemas";

const repoRoot = join(prismaDir, "..");
const prismaCli = join(repoRoot, "node_modules", "prisma", "build", "index.js");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the Prisma CLI (without npx) from the repository root with the given DATABASE_URL. */
export function runPrisma(args: readonly string[], databaseUrl: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
    const child = spawn(process.execPath, [prismaCli, ...args], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

function datasourceProvider(provider: Provider): string {
  return provider === "sqlite" ? "sqlite" : "postgresql";
}

/**
 * The SQL that brings a database holding exactly the committed migrations to the models
 * (empty when they are in sync). `databaseUrl` must point at such a database.
 */
export async function pendingSql(provider: Provider, databaseUrl: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "toolwright-introspect-"));
  try {
    const pulled = join(dir, "pulled.prisma");
    writeFileSync(pulled, `datasource db {\n  provider = "${datasourceProvider(provider)}"\n  url = "file:./unused.db"\n}\n`);
    const pull = await runPrisma(["db", "pull", "--schema", pulled], databaseUrl);
    if (pull.code !== 0) throw new Error(`prisma db pull failed:\n${pull.stdout}\n${pull.stderr}`);
    const diff = await runPrisma(
      ["migrate", "diff", "--from-schema-datamodel", pulled, "--to-schema-datamodel", schemaPath(provider), "--script"],
      databaseUrl,
    );
    if (diff.code !== 0) throw new Error(`prisma migrate diff failed:\n${diff.stdout}\n${diff.stderr}`);
    return isEmptyMigration(diff.stdout) ? "" : diff.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function isEmptyMigration(sql: string): boolean {
  return sql
    .split("\n")
    .map((line) => line.trim())
    .every((line) => line === "" || line.startsWith("--"));
}

/** Runs `work` with the URL of a scratch database on which the committed migrations were applied. */
export async function withMigratedScratch<T>(provider: Provider, work: (databaseUrl: string) => Promise<T>): Promise<T> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "toolwright-scratch-"));
    try {
      const db = await openDatabase({ dataDir: dir, databaseUrl: "", env: {} });
      await db.close();
      return await work(`file:${join(dir, "toolwright.db")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const server = await startPostgres();
  try {
    const db = await openDatabase({ databaseUrl: server.url, env: {} });
    await db.close();
    return await work(server.url);
  } finally {
    await server.stop();
  }
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

async function newMigration(name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error("Migration name: lowercase letters, digits and _");
  writeSchemas();
  const folder = `${timestamp(new Date())}_${name}`;
  let wrote = 0;
  for (const provider of providers) {
    const sql = await withMigratedScratch(provider, (url) => pendingSql(provider, url));
    if (sql === "") {
      process.stdout.write(`${provider}: models and migrations already agree; nothing written\n`);
      continue;
    }
    const dir = join(migrationsPath(provider), folder);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), sql);
    process.stdout.write(`${provider}: wrote prisma/${provider}/migrations/${folder}/migration.sql\n`);
    wrote++;
  }
  if (wrote > 0) process.stdout.write("Review the SQL, run the tests (tests/db), commit the folders.\n");
}

async function check(): Promise<number> {
  const stale = staleSchemas();
  if (stale.length > 0) {
    process.stderr.write(`Schemas out of date (${stale.join(", ")}): run npx tsx prisma/schemas.ts\n`);
    return 1;
  }
  let failed = 0;
  for (const provider of providers) {
    const sql = await withMigratedScratch(provider, (url) => pendingSql(provider, url));
    if (sql !== "") {
      process.stderr.write(`${provider}: models.prisma has changes no migration covers:\n${sql}\n`);
      failed++;
    }
  }
  if (failed === 0) process.stdout.write("Migrations cover models.prisma for every provider.\n");
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [command, name] = process.argv.slice(2);
  const usage = "usage: npx tsx prisma/migrations.ts new <name> | check\n";
  if (command === "new" && name !== undefined) {
    await newMigration(name);
  } else if (command === "check") {
    process.exitCode = await check();
  } else {
    process.stderr.write(usage);
    process.exitCode = 2;
  }
}

