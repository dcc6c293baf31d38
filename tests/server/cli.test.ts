/**
 * `toolwright serve` and `toolwright keys` as a user runs them: real processes through
 * bin/toolwright.mjs, a temporary data directory, real HTTP.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, obj } from "./support";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(repo, "bin", "toolwright.mjs");

/** The environment without anything that would point the CLI at another database. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn" };
  delete env.DATABASE_URL;
  delete env.TOOLWRIGHT_DATA_DIR;
  delete env.PORT;
  return env;
}

interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly stdout: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `toolwright serve --port 0` and waits for the banner with the actual port. */
async function serve(dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--data-dir", dataDir], { cwd: repo, env: cleanEnv() });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`serve did not start in time:\n${stdout}\n${stderr}`));
    }, 110_000);
    const check = (): void => {
      // Wait for the whole banner (it ends with a blank line when a key was created).
      const match = /listening on http:\/\/localhost:(\d+) \(port (\d+);/.exec(stdout);
      if (match?.[2] !== undefined && (!stdout.includes("Created the first admin key") || stdout.includes("More keys:"))) {
        clearTimeout(timer);
        resolve(Number(match[2]));
      }
    };
    child.stdout.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${String(code)}:\n${stdout}\n${stderr}`));
    });
  });
  return { child, port, stdout: () => stdout, exited };
}

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: repo, env: cleanEnv(), encoding: "utf8", timeout: 110_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("toolwright serve and keys", () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "toolwright-cli-test-"));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts on a fresh data directory, prints the port and a new admin key with a sign-in link once, and stops on SIGTERM", async () => {
    const served = await serve(dataDir);
    try {
      const out = served.stdout();
      expect(served.port).toBeGreaterThan(0);
      const key = /^ {2}(tw_[A-Za-z0-9_-]{43})$/m.exec(out)?.[1];
      expect(key).toBeDefined();
      expect(out).toContain(`Sign in to the editor: http://localhost:${String(served.port)}/#key=${String(key)}`);

      const base = `http://127.0.0.1:${String(served.port)}`;
      expect(obj((await call(base, "GET", "/health")).body)).toMatchObject({ status: "ok", database: { provider: "sqlite" }, compiler: { ready: true } });
      expect((await call(base, "GET", "/api/tools", { key })).status).toBe(200);
      expect((await call(base, "GET", "/")).status).toBe(200);

      // keys create against the same data directory, while the server runs.
      const created = cli(["keys", "create", "--scope", "invoke", "--name", "agent", "--data-dir", dataDir]);
      expect(created.status).toBe(0);
      const invokeKey = created.stdout.trim();
      expect(invokeKey).toMatch(/^tw_[A-Za-z0-9_-]{43}$/);
      expect(created.stderr).toContain('Created invoke key "agent"');
      expect((await call(base, "GET", "/tools", { key: invokeKey })).status).toBe(200);
      expect((await call(base, "GET", "/api/tools", { key: invokeKey })).status).toBe(403);

      const listed = cli(["keys", "list", "--data-dir", dataDir, "--json"]);
      expect(listed.status).toBe(0);
      expect(listed.stdout).not.toContain(invokeKey);
      const keys = obj(JSON.parse(listed.stdout) as unknown).keys;
      expect(Array.isArray(keys) ? keys.map((k) => obj(k).name) : []).toEqual(["initial admin", "agent"]);
    } finally {
      served.child.kill("SIGTERM");
    }
    expect(await served.exited).toBe(0);

    // A second start on the same directory keeps its keys and prints none.
    const again = await serve(dataDir);
    try {
      expect(again.stdout()).not.toContain("admin key");
      expect(again.stdout()).not.toMatch(/tw_[A-Za-z0-9_-]{43}/);
    } finally {
      again.child.kill("SIGTERM");
    }
    expect(await again.exited).toBe(0);
    // Two cold starts (tsx, Prisma, the compiler's warm-up): seconds each, more on a busy machine.
  }, 240_000);

  it("answers usage errors with exit code 2", () => {
    const noScope = cli(["keys", "create", "--name", "x", "--data-dir", dataDir]);
    expect(noScope.status).toBe(2);
    expect(noScope.stderr).toContain("--scope");
    expect(cli(["keys", "create", "--scope", "root", "--name", "x", "--data-dir", dataDir]).status).toBe(2);
    expect(cli(["keys"]).status).toBe(2);
    expect(cli(["serve", "--port", "eighty"]).status).toBe(2);
    const help = cli(["help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("toolwright serve");
    expect(help.stdout).toContain("toolwright keys create");
  }, 180_000);
});
