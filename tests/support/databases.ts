/**
 * The two database backends as test fixtures, for `describe.each(databaseBackends())`:
 *
 *   describe.each(databaseBackends())("… on $provider", (backend) => {
 *     beforeAll(() => backend.start());      // PostgreSQL: starts a server (about 1–2 s)
 *     afterAll(() => backend.stop());
 *     it("…", async () => {
 *       const db = await openDatabase(await backend.fresh());   // a new, empty database
 *     });
 *   });
 *
 * Tests that share one database per describe use `const options = sharedFreshDatabase(backend)`.
 *
 * `fresh()` returns openDatabase options for a database nobody else uses (a new temp directory
 * for SQLite, a new database on the suite's server for PostgreSQL), with `env: {}` so the
 * machine's DATABASE_URL / TOOLWRIGHT_DATA_DIR never leak into a test.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { openDatabase, resolveTarget, type Database, type DatabaseProvider, type OpenDatabaseOptions } from "../../server/db/index";
import { startPostgres, type TestPostgres } from "./postgres";

export interface DatabaseBackend {
  readonly provider: DatabaseProvider;
  start(): Promise<void>;
  /** Options for a new, empty database (its dataDir is a new temp directory in both cases). */
  fresh(): Promise<OpenDatabaseOptions & { readonly dataDir: string }>;
  stop(): Promise<void>;
  /** Milliseconds start() took. */
  readonly startupMs: number;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "toolwright-db-test-"));
}

export function sqliteBackend(): DatabaseBackend {
  const dirs: string[] = [];
  return {
    provider: "sqlite",
    startupMs: 0,
    start: () => Promise.resolve(),
    fresh() {
      const dataDir = tempDir();
      dirs.push(dataDir);
      return Promise.resolve({ dataDir, env: {} });
    },
    stop() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

export function postgresBackend(): DatabaseBackend {
  let server: TestPostgres | undefined;
  const dirs: string[] = [];
  const backend = {
    provider: "postgres" as const,
    startupMs: 0,
    async start() {
      const started = performance.now();
      server = await startPostgres();
      backend.startupMs = performance.now() - started;
    },
    async fresh() {
      if (server === undefined) throw new Error("postgresBackend: call start() first (in beforeAll)");
      const dataDir = tempDir();
      dirs.push(dataDir);
      return { dataDir, databaseUrl: await server.createDatabase(), env: {} };
    },
    async stop() {
      await server?.stop();
      server = undefined;
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
  return backend;
}

export function databaseBackends(): DatabaseBackend[] {
  return [sqliteBackend(), postgresBackend()];
}

/**
 * Inside a `describe`: starts the backend before its tests, creates one fresh database they
 * share, and stops the backend after them (after the describe's own afterAll hooks, which run
 * first). Returns the database's options, readable once the describe's tests run.
 */
export function sharedFreshDatabase(backend: DatabaseBackend): () => OpenDatabaseOptions & { readonly dataDir: string } {
  let options: (OpenDatabaseOptions & { readonly dataDir: string }) | undefined;
  beforeAll(async () => {
    await backend.start();
    options = await backend.fresh();
  });
  afterAll(() => backend.stop());
  return () => {
    if (options === undefined) throw new Error("the shared database exists only while the describe's tests run");
    return options;
  };
}

/** The current test's fresh database (freshDatabaseEachTest); a test may replace `db`, e.g. to reopen it. */
export class FreshDatabase {
  #options: (OpenDatabaseOptions & { readonly dataDir: string }) | undefined;
  #db: Database | undefined;

  get options(): OpenDatabaseOptions & { readonly dataDir: string } {
    if (this.#options === undefined) throw new Error("the fresh database exists only while a test runs");
    return this.#options;
  }

  get db(): Database {
    if (this.#db === undefined) throw new Error("the fresh database exists only while a test runs");
    return this.#db;
  }

  set db(db: Database) {
    this.#db = db;
  }

  async open(backend: DatabaseBackend): Promise<void> {
    this.#options = await backend.fresh();
    this.#db = await openDatabase(this.#options);
  }

  async close(): Promise<void> {
    await this.#db?.close();
    this.#db = undefined;
    this.#options = undefined;
  }
}

/**
 * Inside a `describe`: starts the backend before its tests, opens a fresh database before each
 * test and closes it after, and stops the backend after them.
 */
export function freshDatabaseEachTest(backend: DatabaseBackend): FreshDatabase {
  const fresh = new FreshDatabase();
  beforeAll(() => backend.start());
  afterAll(() => backend.stop());
  beforeEach(() => fresh.open(backend));
  afterEach(() => fresh.close());
  return fresh;
}

// ---------------------------------------------------------------------------------------------
// Helpers that go around the repository, for checks on what is really in the database.

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const workerPath = fileURLToPath(new URL("./db-worker.ts", import.meta.url));

/** Runs SQL (possibly several statements) with the bare driver. */
export async function executeSql(options: OpenDatabaseOptions, sql: string): Promise<void> {
  const target = resolveTarget(options);
  if (target.provider === "postgres") {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
    return;
  }
  const adapter = await new PrismaBetterSQLite3({ url: `file:${target.file}` }).connect();
  try {
    await adapter.executeScript(sql);
  } finally {
    await adapter.dispose();
  }
}

/** Runs a query with the bare driver; rows as arrays of column values. */
export async function querySql(options: OpenDatabaseOptions, sql: string): Promise<unknown[][]> {
  const target = resolveTarget(options);
  if (target.provider === "postgres") {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      const result = await client.query<unknown[]>({ text: sql, rowMode: "array" });
      return result.rows;
    } finally {
      await client.end();
    }
  }
  const adapter = await new PrismaBetterSQLite3({ url: `file:${target.file}` }).connect();
  try {
    return (await adapter.queryRaw({ sql, args: [], argTypes: [] })).rows;
  } finally {
    await adapter.dispose();
  }
}

export interface WorkerHandle {
  /** Tells the worker to start; resolves with its JSON result line. */
  go(): Promise<unknown>;
}

/** Starts tests/support/db-worker.ts and waits until it is ready. */
export async function startDbWorker(args: readonly string[]): Promise<WorkerHandle> {
  const worker = spawn(process.execPath, ["--import", "tsx", workerPath, ...args], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  worker.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => worker.on("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    worker.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.startsWith("ready\n")) resolve();
    });
    void exited.then(() => {
      reject(new Error(`db-worker exited before it was ready:\n${stderr}`));
    });
  });
  return {
    async go() {
      worker.stdin.write("go\n");
      const code = await exited;
      if (code !== 0) throw new Error(`db-worker exited with ${String(code)}:\n${stderr}`);
      const line = stdout.split("\n")[1] ?? "";
      return JSON.parse(line) as unknown;
    },
  };
}
