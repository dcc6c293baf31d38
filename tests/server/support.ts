/**
 * Test support for the server: a real server on 127.0.0.1 over a real database, real fetch,
 * captured logs, and graphs for the flows under test.
 */
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer, type ServerOptions, type ToolwrightServer } from "../../server/app";
import { warmCompiler } from "../../server/compile-service";
import { openDatabase, type Database, type OpenDatabaseOptions } from "../../server/db/index";
import { createApiKey } from "../../server/keys/index";
import { createLogger } from "../../server/logging";
import type { RunningServer } from "../support/fixture-servers";

export interface TestServer {
  readonly url: string;
  readonly db: Database;
  readonly server: ToolwrightServer;
  readonly adminKey: string;
  readonly invokeKey: string;
  /** Every log line the server wrote. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** The compile workers are started and warmed once per process (cold, a first compile costs seconds). */
export function warmOnce(): Promise<void> {
  return warmCompiler();
}

export async function startTestServer(
  dbOptions: OpenDatabaseOptions,
  options: Omit<ServerOptions, "db"> = {},
  existing?: Database,
): Promise<TestServer> {
  await warmOnce();
  const db = existing ?? (await openDatabase(dbOptions));
  const logs: string[] = [];
  const server = createServer({
    db,
    editorDir: null,
    env: {},
    logger: createLogger({ level: "debug", destination: { write: (line: string) => logs.push(line) } }),
    ...options,
  });
  const listening = await server.listen(0, "127.0.0.1");
  const admin = await createApiKey(db, { name: "test admin", scope: "admin" });
  const invoker = await createApiKey(db, { name: "test invoker", scope: "invoke" });
  return {
    url: listening.url,
    db,
    server,
    adminKey: admin.key,
    invokeKey: invoker.key,
    logs,
    async close() {
      await server.close(1_000);
      if (existing === undefined) await db.close();
    },
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON (undefined when it is not JSON). */
  readonly body: unknown;
}

export async function call(base: string, method: string, path: string, options: { key?: string | undefined; body?: unknown; rawBody?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}${path}`, { method, headers, body, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** A JSON object from a reply, for reading fields (fails the test when it is not one). */
export function obj(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

export function list(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected a JSON array, got ${JSON.stringify(value)}`);
  return value as unknown[];
}

/** `reply.body.error` as an object. */
export function errorOf(reply: Reply): Record<string, unknown> {
  return obj(obj(reply.body).error);
}

/** Creates a tool from a graph and publishes it; returns the tool id and version. */
export async function publishGraph(t: Pick<TestServer, "url" | "adminKey">, graph: unknown): Promise<{ id: string; version: number }> {
  const created = await call(t.url, "POST", "/api/tools", { key: t.adminKey, body: { graph } });
  if (created.status !== 201) throw new Error(`create failed: ${String(created.status)} ${created.text}`);
  const id = String(obj(created.body).id);
  const published = await call(t.url, "POST", `/api/tools/${id}/publish`, { key: t.adminKey });
  if (published.status !== 201) throw new Error(`publish failed: ${String(published.status)} ${published.text}`);
  return { id, version: Number(obj(published.body).version) };
}

/**
 * A loopback fixture for what tests/support's fixture does not offer: /flaky/:key fails with
 * 503 twice per key, then answers { ok: true, attempt }; /slow answers after 5 s.
 */
export async function startFlakyFixture(): Promise<RunningServer & { readonly hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fixture");
    const flaky = /^\/flaky\/([\w-]+)$/.exec(url.pathname);
    if (flaky?.[1] !== undefined) {
      const count = (hits.get(flaky[1]) ?? 0) + 1;
      hits.set(flaky[1], count);
      res.writeHead(count <= 2 ? 503 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify(count <= 2 ? { error: "busy" } : { ok: true, attempt: count }));
      return;
    }
    if (url.pathname === "/slow") {
      const timer = setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      }, 5_000);
      res.on("close", () => {
        clearTimeout(timer);
      });
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
