/**
 * A real PostgreSQL server for tests, started from Debian's `postgresql` package.
 *
 *   const pg = await startPostgres();   // initdb in a temp dir, postgres on 127.0.0.1:<free port>
 *   pg.url                              // a fresh empty database on it
 *   await pg.createDatabase()           // another one (isolation between suites or tests)
 *   await pg.stop()                     // stops the server, removes the temp dir
 *
 * Binaries: TOOLWRIGHT_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin. `initdb` and
 * `postgres` refuse to run as root, so as root the server runs as the `postgres` user (the
 * package creates it) through spawn's uid/gid, which keeps the server process our direct child:
 * stop() signals exactly that process. Durability is switched off (fsync, full_page_writes,
 * synchronous_commit): these databases are thrown away.
 *
 * With TOOLWRIGHT_TEST_POSTGRES_URL set (an existing server's admin URL, e.g. a CI service), no
 * server is started: databases are created there and dropped by stop().
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface TestPostgres {
  /** URL of a fresh, empty database created for this handle. */
  readonly url: string;
  /** URL of the server's `postgres` database (superuser). */
  readonly adminUrl: string;
  readonly port: number;
  /** Creates another empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Drops the created databases (external server) or stops the server (our own). Idempotent. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Give up waiting for the server after this long (default 60 s). */
  readonly timeoutMs?: number;
}

const EXTERNAL_URL_ENV = "TOOLWRIGHT_TEST_POSTGRES_URL";

export function findPostgresBin(): string {
  const fromEnv = process.env.TOOLWRIGHT_PG_BIN;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, "bin", "postgres")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error("PostgreSQL is not installed: run `apt-get install -y postgresql` (.ci/run does), or set TOOLWRIGHT_PG_BIN");
  }
  return join(root, newest, "bin");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("could not determine a free port"));
      });
    });
  });
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** As root, the ids of the `postgres` user; otherwise undefined (run as ourselves). */
function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  // /etc/passwd: name:x:uid:gid:…
  const passwd = existsSync("/etc/passwd") ? readFileSync("/etc/passwd", "utf8") : "";
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user === "postgres" && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error("No 'postgres' user: install Debian's postgresql package (it creates the user), or run the tests as a non-root user");
}

function run(command: string, args: readonly string[], runAs: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...(runAs ?? {}), env: { ...process.env, LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${String(code)}:\n${output}`));
    });
  });
}

async function waitUntilReady(adminUrl: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${String(child.exitCode)}:\n${log()}`);
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`postgres did not accept connections within ${String(timeoutMs)} ms (${String(lastError)}):\n${log()}`);
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function createDatabaseOn(adminUrl: string): Promise<{ name: string; url: string }> {
  const name = `toolwright_test_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return { name, url: databaseUrl(adminUrl, name) };
}

async function dropDatabases(adminUrl: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Starts a PostgreSQL server (or uses TOOLWRIGHT_TEST_POSTGRES_URL) and creates a fresh database on it. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const external = process.env[EXTERNAL_URL_ENV];
  if (external !== undefined && external !== "") return useExternal(external);

  const timeoutMs = options.timeoutMs ?? 60_000;
  const bin = findPostgresBin();
  const runAs = postgresUser();
  const root = mkdtempSync(join(tmpdir(), "toolwright-pg-"));
  const dataDir = join(root, "data");
  if (runAs !== undefined) chownSync(root, runAs.uid, runAs.gid);

  let child: ChildProcess | undefined;
  const killOnExit = (): void => {
    child?.kill("SIGKILL");
  };
  try {
    await run(join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"], runAs);
    const port = await freePort();
    const args = [
      "-D", dataDir,
      "-p", String(port),
      "-c", "listen_addresses=127.0.0.1",
      "-c", `unix_socket_directories=${root}`,
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off",
      "-c", "max_connections=200",
    ];
    const started = spawn(join(bin, "postgres"), args, { stdio: ["ignore", "pipe", "pipe"], ...(runAs ?? {}), env: { ...process.env, LC_ALL: "C" } });
    child = started;
    process.once("exit", killOnExit);
    let log = "";
    const collect = (chunk: Buffer): void => {
      log = (log + chunk.toString()).slice(-20_000);
    };
    started.stdout.on("data", collect);
    started.stderr.on("data", collect);
    const adminUrl = `postgresql://postgres@127.0.0.1:${String(port)}/postgres`;
    await waitUntilReady(adminUrl, started, () => log, timeoutMs);
    const first = await createDatabaseOn(adminUrl);

    let stopping: Promise<void> | undefined;
    return {
      url: first.url,
      adminUrl,
      port,
      async createDatabase() {
        return (await createDatabaseOn(adminUrl)).url;
      },
      stop() {
        stopping ??= (async () => {
          process.removeListener("exit", killOnExit);
          await stopProcess(started);
          rmSync(root, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  } catch (error) {
    process.removeListener("exit", killOnExit);
    if (child !== undefined) await stopProcess(child);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** SIGINT is PostgreSQL's "fast shutdown"; SIGKILL after 10 s. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGINT");
  });
}

async function useExternal(adminUrl: string): Promise<TestPostgres> {
  const created: string[] = [];
  const first = await createDatabaseOn(adminUrl);
  created.push(first.name);
  let stopping: Promise<void> | undefined;
  return {
    url: first.url,
    adminUrl,
    port: Number(new URL(adminUrl).port || "5432"),
    async createDatabase() {
      const db = await createDatabaseOn(adminUrl);
      created.push(db.name);
      return db.url;
    },
    stop() {
      stopping ??= dropDatabases(adminUrl, created);
      return stopping;
    },
  };
}
