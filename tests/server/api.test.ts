/**
 * The HTTP API over real HTTP: a real server on 127.0.0.1 with a temporary SQLite database,
 * real fetch, the loopback HTTP fixture for http nodes and the OpenAI-compatible fixture for
 * llm nodes. (tests/server/databases.test.ts runs the core flow on PostgreSQL too.)
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpFixture, startOpenAiFixture, type RunningServer } from "../support/fixture-servers";
import {
  brokenGraph,
  callerGraph,
  delayGraph,
  fetchTextGraph,
  forEachGraph,
  greetingGraph,
  llmJsonGraph,
  llmTextGraph,
  orderGraph,
  retryGraph,
  secretEchoGraph,
} from "./graphs";
import { call, errorOf, list, obj, publishGraph, startFlakyFixture, startTestServer, waitFor, type TestServer } from "./support";

const OPENAI_KEY = `sk-fixture-${randomBytes(8).toString("hex")}`;
const SECRET_VALUE = `s3cr3t-${randomBytes(12).toString("hex")}`;

let t: TestServer;
let http: RunningServer;
let openai: Awaited<ReturnType<typeof startOpenAiFixture>>;
let flaky: Awaited<ReturnType<typeof startFlakyFixture>>;
let dataDir: string;

beforeAll(async () => {
  [http, openai, flaky] = await Promise.all([startHttpFixture(), startOpenAiFixture(), startFlakyFixture()]);
  dataDir = mkdtempSync(join(tmpdir(), "toolwright-server-test-"));
  t = await startTestServer({ dataDir, env: {} }, { allowHosts: ["127.0.0.1"], openai: { apiKey: OPENAI_KEY, baseURL: openai.url } });
});

afterAll(async () => {
  await t.close();
  await Promise.all([http.close(), openai.close(), flaky.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

const admin = (method: string, path: string, body?: unknown) => call(t.url, method, path, { key: t.adminKey, body });
const invoke = (ref: string, input: unknown, query = "") => call(t.url, "POST", `/tools/${ref}/invoke${query}`, { key: t.invokeKey, body: { input } });

describe("health", () => {
  it("is public and reports the database and the compiler", async () => {
    const reply = await call(t.url, "GET", "/health");
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: "ok", database: { ok: true, provider: "sqlite" }, compiler: { ready: true } });
  });
});

describe("authentication", () => {
  it("refuses a missing key with 401 and a Bearer challenge", async () => {
    const reply = await call(t.url, "GET", "/api/tools");
    expect(reply.status).toBe(401);
    expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(errorOf(reply)).toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses unknown and malformed keys with 401", async () => {
    const unknown = await call(t.url, "GET", "/api/tools", { key: `tw_${randomBytes(32).toString("base64url")}` });
    expect(unknown.status).toBe(401);
    expect(errorOf(unknown).code).toBe("UNAUTHORIZED");
    const malformed = await call(t.url, "GET", "/api/tools", { headers: { authorization: "Basic abc" } });
    expect(malformed.status).toBe(401);
  });

  it("refuses an invoke key on admin routes with 403, and accepts it on /tools", async () => {
    const reply = await call(t.url, "GET", "/api/tools", { key: t.invokeKey });
    expect(reply.status).toBe(403);
    expect(errorOf(reply).code).toBe("FORBIDDEN");
    expect((await call(t.url, "GET", "/tools", { key: t.invokeKey })).status).toBe(200);
    expect((await call(t.url, "GET", "/tools", { key: t.adminKey })).status).toBe(200);
  });

  it("creates keys (shown once), lists them without secrets, and a revoked key stops working at once", async () => {
    const created = await admin("POST", "/api/keys", { name: "ci agent", scope: "invoke" });
    expect(created.status).toBe(201);
    const key = String(obj(created.body).key);
    expect(key).toMatch(/^tw_/);
    expect(obj(created.body)).toMatchObject({ name: "ci agent", scope: "invoke", revokedAt: null });
    const listed = await admin("GET", "/api/keys");
    expect(listed.text).not.toContain(key);
    expect(list(obj(listed.body).keys).length).toBeGreaterThanOrEqual(3);

    expect((await call(t.url, "GET", "/tools", { key })).status).toBe(200);
    const revoked = await admin("DELETE", `/api/keys/${String(obj(created.body).id)}`);
    expect(revoked.status).toBe(200);
    expect(obj(revoked.body).revokedAt).not.toBeNull();
    const after = await call(t.url, "GET", "/tools", { key });
    expect(after.status).toBe(401);
    expect(errorOf(after).message).toMatch(/revoked/);
  });

  it("will not revoke the last admin key", async () => {
    const keys = list(obj((await admin("GET", "/api/keys")).body).keys).map(obj);
    const adminKeys = keys.filter((k) => k.scope === "admin" && k.revokedAt === null);
    expect(adminKeys).toHaveLength(1);
    const reply = await admin("DELETE", `/api/keys/${String(adminKeys[0]?.id)}`);
    expect(reply.status).toBe(409);
    expect(errorOf(reply).code).toBe("LAST_ADMIN_KEY");
  });
});

describe("tools CRUD", () => {
  let id = "";

  it("creates a tool from a graph: 201 with id and name", async () => {
    const reply = await admin("POST", "/api/tools", { graph: greetingGraph("crud_tool") });
    expect(reply.status).toBe(201);
    const body = obj(reply.body);
    id = String(body.id);
    expect(body).toMatchObject({ name: "crud_tool", description: "Greets someone", latestVersion: null });
    expect(reply.headers.get("location")).toBe(`/api/tools/${id}`);
    expect(obj(obj(body.graph).tool).name).toBe("crud_tool");
  });

  it("refuses a taken name with 409", async () => {
    const reply = await admin("POST", "/api/tools", { graph: greetingGraph("crud_tool") });
    expect(reply.status).toBe(409);
    expect(errorOf(reply).code).toBe("NAME_TAKEN");
  });

  it("validates bodies: 400 with every issue listed", async () => {
    const missing = await admin("POST", "/api/tools", {});
    expect(missing.status).toBe(400);
    expect(errorOf(missing).code).toBe("INVALID_BODY");
    expect(obj(errorOf(missing).details).issues).toEqual([expect.objectContaining({ path: "graph" })]);

    const unnamed = await admin("POST", "/api/tools", { graph: { format: "toolwright.graph/v1", tool: { name: "9 bad" }, nodes: [] } });
    expect(unnamed.status).toBe(400);
    expect(list(obj(errorOf(unnamed).details).issues)).toEqual([expect.objectContaining({ path: "graph.tool.name" })]);

    const extra = await admin("POST", "/api/tools", { graph: greetingGraph("x_tool"), colour: "red" });
    expect(extra.status).toBe(400);

    const notJson = await call(t.url, "POST", "/api/tools", { key: t.adminKey, rawBody: "{ nope" });
    expect(notJson.status).toBe(400);
    expect(errorOf(notJson).code).toBe("INVALID_JSON");
  });

  it("answers 413 for a body over the limit", async () => {
    const huge = { graph: { ...obj(greetingGraph("huge")), padding: "x".repeat(6 * 1024 * 1024) } };
    const reply = await admin("POST", "/api/tools", huge);
    expect(reply.status).toBe(413);
    expect(errorOf(reply).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("lists, reads, updates and deletes", async () => {
    const listed = list(obj((await admin("GET", "/api/tools")).body).tools).map(obj);
    expect(listed.map((tool) => tool.name)).toContain("crud_tool");
    expect(listed.find((tool) => tool.name === "crud_tool")).not.toHaveProperty("graph");

    const got = await admin("GET", `/api/tools/${id}`);
    expect(got.status).toBe(200);
    expect(obj(got.body).id).toBe(id);

    const graph = { ...obj(greetingGraph("crud_renamed", "Hi")), tool: { name: "crud_renamed", description: "Says hi" } };
    const updated = await admin("PUT", `/api/tools/${id}`, { graph });
    expect(updated.status).toBe(200);
    expect(obj(updated.body)).toMatchObject({ name: "crud_renamed", description: "Says hi" });
    expect(obj((await admin("GET", `/api/tools/${id}`)).body).graph).toEqual(graph);

    expect((await admin("DELETE", `/api/tools/${id}`)).status).toBe(204);
    const gone = await admin("GET", `/api/tools/${id}`);
    expect(gone.status).toBe(404);
    expect(errorOf(gone).code).toBe("NOT_FOUND");
    expect((await admin("DELETE", `/api/tools/${id}`)).status).toBe(404);
    expect((await admin("PUT", `/api/tools/${id}`, { graph })).status).toBe(404);
  });

  it("answers unknown routes with JSON 404", async () => {
    const reply = await admin("GET", "/api/nothing-here");
    expect(reply.status).toBe(404);
    expect(errorOf(reply).code).toBe("NOT_FOUND");
  });
});

describe("validate and compile", () => {
  it("validates: valid graph and broken graph (200 either way, as the CLI's --json)", async () => {
    const valid = await admin("POST", "/api/validate", { graph: greetingGraph("v_ok") });
    expect(valid.status).toBe(200);
    expect(valid.body).toEqual({ valid: true, diagnostics: [] });

    const broken = await admin("POST", "/api/validate", { graph: brokenGraph("v_bad") });
    expect(broken.status).toBe(200);
    expect(obj(broken.body).valid).toBe(false);
    expect(list(obj(broken.body).diagnostics)).toEqual([expect.objectContaining({ code: "UNKNOWN_REFERENCE", nodeId: "out", severity: "error" })]);

    const notAGraph = await admin("POST", "/api/validate", { graph: { hello: "world" } });
    expect(obj(notAGraph.body).valid).toBe(false);
    expect(list(obj(notAGraph.body).diagnostics)[0]).toMatchObject({ code: "GRAPH_SCHEMA" });

    expect((await admin("POST", "/api/validate", { nograph: true })).status).toBe(400);
  });

  it("compiles with verification: files, sources, hash, signature, timings", async () => {
    const reply = await admin("POST", "/api/compile", { graph: greetingGraph("c_ok") });
    expect(reply.status).toBe(200);
    const body = obj(reply.body);
    expect(body.success).toBe(true);
    expect(body.verification).toMatchObject({ tscPassed: true, eslintPassed: true, anyTypesFound: 0 });
    expect(String(body.hash)).toMatch(/^[0-9a-f]{64}$/);
    expect(body.files).toEqual(expect.arrayContaining(["package.json", "src/tool.ts", "src/index.ts", "src/runtime.ts"]));
    expect(String(obj(body.sources)["src/tool.ts"])).toContain("export async function run");
    expect(obj(obj(body.signature).inputSchema)).toMatchObject({ type: "object", required: ["name"] });
    expect(obj(body.timings)).toHaveProperty("generate");

    const broken = obj((await admin("POST", "/api/compile", { graph: brokenGraph("c_bad") })).body);
    expect(broken).toMatchObject({ success: false, hash: null, files: [], verification: null });
  });

  it("resolves call_tool against published tools only", async () => {
    const reply = await admin("POST", "/api/validate", { graph: callerGraph("c_caller", "not_published") });
    expect(list(obj(reply.body).diagnostics)).toEqual([expect.objectContaining({ code: "UNKNOWN_TOOL", nodeId: "call" })]);
  });
});

describe("publishing and versions", () => {
  let id = "";

  it("refuses a draft that does not compile: 422 with the diagnostics, and no version", async () => {
    const created = await admin("POST", "/api/tools", { graph: brokenGraph("versioned") });
    id = String(obj(created.body).id);
    const reply = await admin("POST", `/api/tools/${id}/publish`);
    expect(reply.status).toBe(422);
    const error = errorOf(reply);
    expect(error.code).toBe("COMPILE_FAILED");
    expect(String(error.message)).toContain("UNKNOWN_REFERENCE");
    expect(list(obj(error.details).diagnostics)).toEqual([expect.objectContaining({ code: "UNKNOWN_REFERENCE", nodeId: "out" })]);
    expect(obj((await admin("GET", `/api/tools/${id}/versions`)).body).versions).toEqual([]);
  });

  it("publishes immutable versions numbered 1, 2, …; republishing an unchanged draft creates none", async () => {
    await admin("PUT", `/api/tools/${id}`, { graph: greetingGraph("versioned", "Hello") });
    const first = await admin("POST", `/api/tools/${id}/publish`);
    expect(first.status).toBe(201);
    expect(obj(first.body)).toMatchObject({ version: 1, unchanged: false });
    expect(String(obj(first.body).hash)).toMatch(/^[0-9a-f]{64}$/);

    const again = await admin("POST", `/api/tools/${id}/publish`);
    expect(again.status).toBe(200);
    expect(obj(again.body)).toMatchObject({ version: 1, unchanged: true, hash: obj(first.body).hash });

    await admin("PUT", `/api/tools/${id}`, { graph: greetingGraph("versioned", "Howdy") });
    const second = await admin("POST", `/api/tools/${id}/publish`);
    expect(second.status).toBe(201);
    expect(obj(second.body).version).toBe(2);
    expect(obj(second.body).hash).not.toBe(obj(first.body).hash);

    const versions = list(obj((await admin("GET", `/api/tools/${id}/versions`)).body).versions).map(obj);
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions[0]?.inputSchema).toMatchObject({ type: "object", properties: { name: { type: "string" } } });
    expect(obj((await admin("GET", `/api/tools/${id}`)).body).latestVersion).toBe(2);
  });

  it("keeps each version as published, and invokes the latest or a pinned one", async () => {
    const v1 = obj((await admin("GET", `/api/tools/${id}/versions/1`)).body);
    expect(JSON.stringify(v1.graph)).toContain("Hello, ");
    expect(String(obj(v1.files)["src/tool.ts"])).toContain("Hello, ");
    expect(v1.verification).toMatchObject({ tscPassed: true, eslintPassed: true, anyTypesFound: 0 });
    expect((await admin("GET", `/api/tools/${id}/versions/3`)).status).toBe(404);
    expect((await admin("GET", `/api/tools/${id}/versions/abc`)).status).toBe(404);

    expect(obj((await invoke("versioned", { name: "Ann" })).body).output).toEqual({ greeting: "Howdy, Ann!" });
    expect(obj((await invoke("versioned@1", { name: "Ann" })).body).output).toEqual({ greeting: "Hello, Ann!" });
    expect(obj((await invoke("versioned@2", { name: "Ann" })).body).output).toEqual({ greeting: "Howdy, Ann!" });
    const missing = await invoke("versioned@3", { name: "Ann" });
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe("NOT_FOUND");
  });

  it("refuses to rename a published tool", async () => {
    const reply = await admin("PUT", `/api/tools/${id}`, { graph: greetingGraph("versioned_renamed") });
    expect(reply.status).toBe(409);
    expect(errorOf(reply).code).toBe("TOOL_PUBLISHED");
  });

  it("downloads a version as a zip of the generated package", async () => {
    const response = await fetch(`${t.url}/api/tools/${id}/versions/1/download`, { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="?versioned-v1\.zip"?$/);
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["versioned/package.json", "versioned/tsconfig.json", "versioned/src/tool.ts", "versioned/src/index.ts", "versioned/src/runtime.ts"]));
    const stored = obj(obj((await admin("GET", `/api/tools/${id}/versions/1`)).body).files);
    for (const [path, content] of Object.entries(stored)) {
      const entry = files[`versioned/${path}`];
      expect(entry, path).toBeDefined();
      if (entry !== undefined) expect(strFromU8(entry)).toBe(content);
    }
    // The same version always downloads as the same bytes.
    const download = async (): Promise<Buffer> => Buffer.from(await (await fetch(`${t.url}/api/tools/${id}/versions/1/download`, { headers: { authorization: `Bearer ${t.adminKey}` } })).arrayBuffer());
    expect((await download()).equals(await download())).toBe(true);
  });
});

describe("the downloaded package", () => {
  it("unpacks into a package whose own tsc build and generated tests pass", async () => {
    const graph = { ...obj(greetingGraph("standalone_greet")), tests: [{ name: "greets Ann", input: { name: "Ann" }, expectOutput: { greeting: "Hello, Ann!" } }] };
    const { id } = await publishGraph(t, graph);
    const response = await fetch(`${t.url}/api/tools/${id}/versions/1/download`, { headers: { authorization: `Bearer ${t.adminKey}` } });
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const dir = mkdtempSync(join(tmpdir(), "toolwright-zip-"));
    try {
      for (const [path, content] of Object.entries(files)) {
        const target = join(dir, path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
      const pkg = join(dir, "standalone_greet");
      // As `npm install` would provide them: the repository's node_modules.
      const nodeModules = fileURLToPath(new URL("../../node_modules", import.meta.url));
      symlinkSync(nodeModules, join(pkg, "node_modules"), "dir");
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: "" };
      const build = spawnSync(join(nodeModules, ".bin", "tsc"), ["-p", pkg], { cwd: pkg, env, encoding: "utf8", timeout: 120_000 });
      expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
      expect(existsSync(join(pkg, "dist", "test", "tool.test.js"))).toBe(true);
      const tests = spawnSync(process.execPath, ["--test", "dist/test/"], { cwd: pkg, env, encoding: "utf8", timeout: 120_000 });
      expect(tests.status, `${tests.stdout}\n${tests.stderr}`).toBe(0);
      expect(tests.stdout).toMatch(/^# pass [1-9]/m);
      expect(tests.stdout).toMatch(/^# fail 0$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("invocation", () => {
  beforeAll(async () => {
    await publishGraph(t, greetingGraph("greet"));
    await publishGraph(t, orderGraph("order_amount", http.url));
    await publishGraph(t, fetchTextGraph("fetch_500", `${http.url}/status/500`));
    await publishGraph(t, fetchTextGraph("fetch_private", "http://127.0.0.2:9/secret"));
    await publishGraph(t, retryGraph("flaky_fetch", `${flaky.url}/flaky/invoke-test`));
    await publishGraph(t, secretEchoGraph("missing_secret", http.url, "NOT_SET_ANYWHERE"));
  });

  it("runs a published tool: { runId, output, durationMs }", async () => {
    const reply = await invoke("greet", { name: "Ann" });
    expect(reply.status).toBe(200);
    const body = obj(reply.body);
    expect(body.output).toEqual({ greeting: "Hello, Ann!" });
    expect(String(body.runId)).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof body.durationMs).toBe("number");
    expect(body).not.toHaveProperty("trace");
    expect(reply.headers.get("x-run-id")).toBe(body.runId);
  });

  it("adds the trace with ?trace=1", async () => {
    const body = obj((await invoke("order_amount", { orderId: "42" }, "?trace=1")).body);
    expect(body.output).toEqual({ amount: 42 });
    const spans = list(body.trace).map(obj);
    expect(spans.map((s) => [s.nodeId, s.kind, s.status])).toEqual([
      ["input", "input", "succeeded"],
      ["order", "http", "succeeded"],
      ["out", "output", "succeeded"],
    ]);
    expect(spans[1]).toMatchObject({ attempts: 1, output: { status: 200, body: { amount: 42 } } });
    expect(typeof spans[1]?.startedAt).toBe("number");
  });

  it("answers 400 with the issues for input that does not fit, and records the run", async () => {
    const reply = await invoke("greet", { name: 7, extra: true });
    expect(reply.status).toBe(400);
    const error = errorOf(reply);
    expect(error.code).toBe("INVALID_INPUT");
    expect(list(obj(error.details).issues).map((i) => obj(i).path)).toContain("name");
    const run = obj((await admin("GET", `/api/runs/${String(error.runId)}`)).body);
    expect(run).toMatchObject({ status: "failed", tool: "greet", version: 1, error: { code: "INVALID_INPUT" } });

    const noInput = await call(t.url, "POST", "/tools/greet/invoke", { key: t.invokeKey, body: { name: "Ann" } });
    expect(noInput.status).toBe(400);
    expect(errorOf(noInput).code).toBe("INVALID_BODY");
  });

  it("answers 404 for unknown tools and versions", async () => {
    for (const ref of ["nope", "greet@7", "greet@x", "bad-name"]) {
      const reply = await invoke(ref, {});
      expect(reply.status, ref).toBe(404);
      expect(errorOf(reply).code).toBe("NOT_FOUND");
    }
  });

  it("answers 502 with the node id when an upstream fails, and records the run", async () => {
    const reply = await invoke("fetch_500", {});
    expect(reply.status).toBe(502);
    const error = errorOf(reply);
    expect(error).toMatchObject({ code: "HTTP_STATUS", nodeId: "fetch", details: { nodeId: "fetch" } });
    expect(String(error.message)).toContain("500");
    const run = obj((await admin("GET", `/api/runs/${String(error.runId)}`)).body);
    expect(run).toMatchObject({ status: "failed", error: { code: "HTTP_STATUS", nodeId: "fetch" } });
  });

  it("answers 422 with the node id for other tool errors (a missing secret)", async () => {
    const reply = await invoke("missing_secret", { note: "x" });
    expect(reply.status).toBe(422);
    expect(errorOf(reply)).toMatchObject({ code: "MISSING_SECRET", nodeId: "echo" });
  });

  it("refuses private addresses (SSRF) unless allowed, and says how to allow them", async () => {
    const reply = await invoke("fetch_private", {});
    expect(reply.status).toBe(422);
    const error = errorOf(reply);
    expect(error).toMatchObject({ code: "HOST_NOT_ALLOWED", nodeId: "fetch" });
    expect(String(error.message)).toContain("TOOLWRIGHT_ALLOW_HOSTS");
  });

  it("retries a failing upstream per the node's policy", async () => {
    const body = obj((await invoke("flaky_fetch", {}, "?trace=1")).body);
    expect(body.output).toEqual({ ok: true, attempt: 3 });
    expect(list(body.trace).map(obj).find((s) => s.nodeId === "fetch")).toMatchObject({ status: "succeeded", attempts: 3 });
  });

  it("accepts a caller's X-Request-Id and stores it with the run and the caller's key id", async () => {
    const reply = await call(t.url, "POST", "/tools/greet/invoke", { key: t.invokeKey, body: { input: { name: "Bo" } }, headers: { "x-request-id": "req-abc-123" } });
    expect(reply.headers.get("x-request-id")).toBe("req-abc-123");
    const run = obj((await admin("GET", `/api/runs/${String(obj(reply.body).runId)}`)).body);
    const invokeKeyId = list(obj((await admin("GET", "/api/keys")).body).keys).map(obj).find((k) => k.name === "test invoker")?.id;
    expect(run).toMatchObject({ requestId: "req-abc-123", callerKeyId: invokeKeyId, input: { name: "Bo" }, output: { greeting: "Hello, Bo!" } });
    expect(t.logs.some((line) => line.includes("req-abc-123"))).toBe(true);
  });

  it("lists published tools with their JSON Schemas", async () => {
    const tools = list(obj((await call(t.url, "GET", "/tools", { key: t.invokeKey })).body).tools).map(obj);
    const greet = tools.find((tool) => tool.name === "greet");
    expect(greet).toMatchObject({
      description: "Greets someone",
      version: 1,
      inputSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
      outputSchema: { type: "object", properties: { greeting: { type: "string" } } },
      invokePath: "/tools/greet/invoke",
    });
    expect(tools.map((tool) => tool.name)).not.toContain("crud_tool");
  });
});

describe("deadlines and cancellation", () => {
  beforeAll(async () => {
    await publishGraph(t, delayGraph("slow_tool", 3_000));
  });

  it("answers 504 when the run's deadline passes, and records the run", async () => {
    const short = await startTestServer({}, { runTimeoutMs: 200 }, t.db);
    try {
      const started = Date.now();
      const reply = await call(short.url, "POST", "/tools/slow_tool/invoke", { key: short.invokeKey, body: { input: {} } });
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(reply.status).toBe(504);
      const error = errorOf(reply);
      expect(error.code).toBe("DEADLINE_EXCEEDED");
      const run = obj((await admin("GET", `/api/runs/${String(error.runId)}`)).body);
      expect(run).toMatchObject({ status: "failed", error: { code: "DEADLINE_EXCEEDED" } });
    } finally {
      await short.close();
    }
  });

  it("cancels the run when the caller goes away, and records it as cancelled", async () => {
    const controller = new AbortController();
    const pending = call(t.url, "POST", "/tools/slow_tool/invoke", { key: t.invokeKey, body: { input: {} }, signal: controller.signal }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await pending;
    const run = await waitFor(async () => {
      const runs = list(obj((await admin("GET", "/api/runs?tool=slow_tool&status=failed")).body).runs).map(obj);
      return runs.find((r) => obj(r.error).code === "CANCELLED");
    });
    expect(Number(run.durationMs)).toBeLessThan(2_500);
  });
});

describe("secrets and redaction", () => {
  beforeAll(async () => {
    await publishGraph(t, secretEchoGraph("echo_secret", http.url, "ECHO_TOKEN"));
  });

  it("stores secrets encrypted, lists names only, validates names", async () => {
    expect((await admin("PUT", "/api/secrets/ECHO_TOKEN", { value: SECRET_VALUE })).status).toBe(204);
    const listed = await admin("GET", "/api/secrets");
    expect(list(obj(listed.body).secrets).map((s) => obj(s).name)).toContain("ECHO_TOKEN");
    expect(listed.text).not.toContain(SECRET_VALUE);
    expect((await admin("PUT", "/api/secrets/bad name!", { value: "x" })).status).toBe(400);
    expect((await admin("PUT", "/api/secrets/EMPTY", { value: "" })).status).toBe(400);
    expect((await admin("DELETE", "/api/secrets/NEVER_SET")).status).toBe(404);
  });

  it("sends the secret upstream but never returns, stores or logs it", async () => {
    const reply = await invoke("echo_secret", { note: "hi" }, "?trace=1");
    expect(reply.status).toBe(200);
    // The fixture echoed the Authorization header; the value is scrubbed everywhere.
    expect(obj(obj(reply.body).output)).toEqual({ seen: "Bearer [REDACTED]", method: "POST" });
    expect(reply.text).not.toContain(SECRET_VALUE);
    const echoSpan = list(obj(reply.body).trace).map(obj).find((s) => s.nodeId === "echo");
    expect(obj(echoSpan?.input).auth).toEqual({ type: "bearer", secret: "ECHO_TOKEN" });

    const run = await admin("GET", `/api/runs/${String(obj(reply.body).runId)}`);
    expect(run.text).toContain("[REDACTED]");
    expect(run.text).not.toContain(SECRET_VALUE);
    const logs = t.logs.join("");
    expect(logs).not.toContain(SECRET_VALUE);
    expect(logs).not.toContain(t.adminKey);
    expect(logs).not.toContain(t.invokeKey);
    expect(logs).not.toContain(OPENAI_KEY);
  });

  it("never puts a secret into a downloaded package", async () => {
    const tool = list(obj((await admin("GET", "/api/tools")).body).tools).map(obj).find((x) => x.name === "echo_secret");
    const response = await fetch(`${t.url}/api/tools/${String(tool?.id)}/versions/1/download`, { headers: { authorization: `Bearer ${t.adminKey}` } });
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const all = Object.values(files).map((f) => strFromU8(f)).join("\n");
    expect(all).toContain("ECHO_TOKEN");
    expect(all).not.toContain(SECRET_VALUE);
    expect(all).not.toContain(OPENAI_KEY);
  });
});

describe("llm nodes through an OpenAI-compatible server", () => {
  beforeAll(async () => {
    await publishGraph(t, llmTextGraph("llm_text"));
    await publishGraph(t, llmJsonGraph("llm_json"));
    await publishGraph(t, llmTextGraph("llm_down", "fail-500"));
  });

  it("answers text, with token usage in the trace", async () => {
    const body = obj((await invoke("llm_text", { message: "hello" }, "?trace=1")).body);
    expect(body.output).toEqual({ text: "echo: Answer: hello" });
    expect(list(body.trace).map(obj).find((s) => s.nodeId === "reply")).toMatchObject({ kind: "llm", usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 } });
    const request = openai.requests.at(-1);
    expect(request?.messages[0]).toEqual({ role: "system", content: "Be brief." });
  });

  it("answers structured JSON validated against the node's schema", async () => {
    const body = obj((await invoke("llm_json", { message: "refund please" })).body);
    expect(body.output).toEqual({ label: "refund", score: 1 });
    expect(openai.requests.at(-1)?.response_format?.type).toBe("json_schema");
  });

  it("answers 502 when the model server fails", async () => {
    const reply = await invoke("llm_down", { message: "x" });
    expect(reply.status).toBe(502);
    expect(errorOf(reply)).toMatchObject({ code: "LLM_STATUS", nodeId: "reply" });
  });
});

describe("tools calling tools", () => {
  let calleeId = "";

  beforeAll(async () => {
    calleeId = (await publishGraph(t, greetingGraph("callee"))).id;
    await publishGraph(t, callerGraph("caller", "callee"));
    await publishGraph(t, callerGraph("caller_pinned", "callee", 1));
    await publishGraph(t, forEachGraph("greet_all", "callee"));
  });

  it("call_tool runs the published callee inside the caller's run, with its spans tagged", async () => {
    const body = obj((await invoke("caller", { name: "Ann" }, "?trace=1")).body);
    expect(body.output).toEqual({ twice: "Hello, Ann! Hello, Ann!" });
    const spans = list(body.trace).map(obj);
    expect(spans.filter((s) => s.tool === "callee@1").map((s) => s.nodeId)).toEqual(["input", "out"]);
    expect(spans.find((s) => s.nodeId === "call" && s.tool === undefined)).toMatchObject({ kind: "call_tool", status: "succeeded" });
  });

  it("for_each calls the tool per item, in order", async () => {
    const body = obj((await invoke("greet_all", { names: ["A", "B", "C"] })).body);
    expect(body.output).toEqual({ results: [{ greeting: "Hello, A!" }, { greeting: "Hello, B!" }, { greeting: "Hello, C!" }] });
  });

  it("a published caller keeps calling the callee version it was checked against, until republished", async () => {
    await admin("PUT", `/api/tools/${calleeId}`, { graph: greetingGraph("callee", "Hey") });
    expect((await admin("POST", `/api/tools/${calleeId}/publish`)).status).toBe(201);
    expect(obj((await invoke("callee", { name: "Ann" })).body).output).toEqual({ greeting: "Hey, Ann!" });
    expect(obj((await invoke("caller", { name: "Ann" })).body).output).toEqual({ twice: "Hello, Ann! Hello, Ann!" });
    expect(obj((await invoke("caller_pinned", { name: "Ann" })).body).output).toEqual({ twice: "Hello, Ann! Hello, Ann!" });

    const callerId = String(list(obj((await admin("GET", "/api/tools")).body).tools).map(obj).find((x) => x.name === "caller")?.id);
    const republished = await admin("POST", `/api/tools/${callerId}/publish`);
    expect(republished.status).toBe(201);
    expect(obj((await admin("GET", `/api/tools/${callerId}/versions/2`)).body).calls).toEqual({ callee: 2 });
    expect(obj((await invoke("caller", { name: "Ann" })).body).output).toEqual({ twice: "Hey, Ann! Hey, Ann!" });
  });

  it("will not delete a tool that published tools call (unless forced)", async () => {
    const reply = await admin("DELETE", `/api/tools/${calleeId}`);
    expect(reply.status).toBe(409);
    expect(errorOf(reply)).toMatchObject({ code: "TOOL_IN_USE" });
    expect(list(obj(errorOf(reply).details).callers)).toEqual(expect.arrayContaining(["caller", "caller_pinned", "greet_all"]));
  });
});

describe("test runs of the draft", () => {
  let id = "";

  beforeAll(async () => {
    id = String(obj((await admin("POST", "/api/tools", { graph: orderGraph("draft_order", http.url) })).body).id);
  });

  it("runs the saved draft and answers with output and trace, recorded as a draft run", async () => {
    const reply = await admin("POST", `/api/tools/${id}/test-run`, { input: { orderId: "7" } });
    expect(reply.status).toBe(200);
    const body = obj(reply.body);
    expect(body).toMatchObject({ ok: true, output: { amount: 7 } });
    expect(list(body.trace).map((s) => obj(s).nodeId)).toEqual(["input", "order", "out"]);
    const run = obj((await admin("GET", `/api/runs/${String(body.runId)}`)).body);
    expect(run).toMatchObject({ tool: "draft_order", version: null, status: "succeeded" });
  });

  it("runs unsaved edits when a graph is given, and reports failures as results", async () => {
    const edited = orderGraph("draft_order", `${http.url}/status/404#`);
    const failed = obj((await admin("POST", `/api/tools/${id}/test-run`, { input: { orderId: "1" }, graph: edited })).body);
    expect(failed).toMatchObject({ ok: false, error: { code: "HTTP_STATUS", nodeId: "order" } });
    expect(list(failed.trace).map((s) => [obj(s).nodeId, obj(s).status]).slice(0, 2)).toEqual([
      ["input", "succeeded"],
      ["order", "failed"],
    ]);

    const badInput = obj((await admin("POST", `/api/tools/${id}/test-run`, { input: {} })).body);
    expect(badInput).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
  });

  it("answers 422 with diagnostics when the draft does not compile", async () => {
    const reply = await admin("POST", `/api/tools/${id}/test-run`, { input: {}, graph: brokenGraph("draft_order") });
    expect(reply.status).toBe(422);
    expect(errorOf(reply).code).toBe("COMPILE_FAILED");
  });
});

describe("run history", () => {
  it("filters by tool (name or id), version and status, newest first, and pages", async () => {
    const byName = list(obj((await admin("GET", "/api/runs?tool=greet")).body).runs).map(obj);
    expect(byName.length).toBeGreaterThanOrEqual(3);
    expect(byName.every((r) => r.tool === "greet")).toBe(true);
    const started = byName.map((r) => Date.parse(String(r.startedAt)));
    expect([...started].sort((a, b) => b - a)).toEqual(started);

    const toolId = String(byName[0]?.toolId);
    expect(list(obj((await admin("GET", `/api/runs?tool=${toolId}`)).body).runs)).toHaveLength(byName.length);

    const failed = list(obj((await admin("GET", "/api/runs?tool=greet&status=failed")).body).runs).map(obj);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.every((r) => r.status === "failed")).toBe(true);
    const succeeded = list(obj((await admin("GET", "/api/runs?status=succeeded")).body).runs).map(obj);
    expect(succeeded.every((r) => r.status === "succeeded")).toBe(true);

    const v1 = list(obj((await admin("GET", "/api/runs?tool=versioned&version=1")).body).runs).map(obj);
    expect(v1.length).toBe(1);
    expect(v1[0]?.version).toBe(1);

    const page = obj((await admin("GET", "/api/runs?tool=greet&limit=2")).body);
    expect(list(page.runs)).toHaveLength(2);
    const next = obj((await admin("GET", `/api/runs?tool=greet&limit=2&before=${encodeURIComponent(String(page.nextBefore))}`)).body);
    expect(list(next.runs).length).toBeGreaterThanOrEqual(1);
    expect(Date.parse(String(obj(list(next.runs)[0]).startedAt))).toBeLessThan(Date.parse(String(page.nextBefore)));

    expect(obj((await admin("GET", "/api/runs?tool=no_such_tool")).body).runs).toEqual([]);
  });

  it("validates the query and answers 404 for an unknown run", async () => {
    const bad = await admin("GET", "/api/runs?status=maybe&limit=0");
    expect(bad.status).toBe(400);
    expect(errorOf(bad).code).toBe("INVALID_QUERY");
    expect(list(obj(errorOf(bad).details).issues).map((i) => obj(i).path).sort()).toEqual(["limit", "status"]);
    expect((await admin("GET", "/api/runs/00000000-0000-0000-0000-000000000000")).status).toBe(404);
  });
});

describe("metrics and OpenAPI", () => {
  it("/metrics needs an admin key and counts invocations, durations and errors", async () => {
    expect((await call(t.url, "GET", "/metrics")).status).toBe(401);
    expect((await call(t.url, "GET", "/metrics", { key: t.invokeKey })).status).toBe(403);
    const reply = await call(t.url, "GET", "/metrics", { key: t.adminKey });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toContain("text/plain");
    expect(reply.text).toMatch(/toolwright_invocations_total\{tool="greet",status="succeeded"\} [1-9]/);
    expect(reply.text).toMatch(/toolwright_invocations_total\{tool="greet",status="failed"\} [1-9]/);
    expect(reply.text).toMatch(/toolwright_invocation_errors_total\{tool="fetch_500",code="HTTP_STATUS"\} 1/);
    expect(reply.text).toMatch(/toolwright_invocation_duration_seconds_bucket\{le="[0-9.]+",tool="greet",status="succeeded"\}/);
    expect(reply.text).toMatch(/toolwright_compile_duration_seconds_count\{operation="publish",success="true"\}/);
    expect(reply.text).toMatch(/toolwright_http_requests_total\{method="POST",route="\/tools\/:ref\/invoke",status="200"\}/);
  });

  it("/openapi.json describes the API and one operation per published tool", async () => {
    expect((await call(t.url, "GET", "/openapi.json")).status).toBe(401);
    const doc = obj((await call(t.url, "GET", "/openapi.json", { key: t.invokeKey })).body);
    expect(doc.openapi).toBe("3.1.0");
    const paths = obj(doc.paths);
    const greet = obj(obj(paths["/tools/greet/invoke"]).post);
    expect(greet.operationId).toBe("invoke_greet");
    const schema = obj(obj(obj(obj(greet.requestBody).content)["application/json"]).schema);
    expect(obj(schema.properties).input).toEqual({ type: "object", properties: { name: { type: "string" } }, required: ["name"], additionalProperties: false });
    const ok = obj(obj(obj(obj(greet.responses)["200"]).content)["application/json"]).schema;
    expect(obj(obj(ok).properties).output).toMatchObject({ type: "object", properties: { greeting: { type: "string" } } });
    for (const path of ["/api/tools", "/api/tools/{id}/publish", "/api/runs", "/api/compile", "/tools/{ref}/invoke", "/health"]) expect(paths, path).toHaveProperty([path]);
    expect(obj(obj(obj(paths["/api/tools"]).post).requestBody)).toMatchObject({ required: true });
  });
});

describe("rate limiting", () => {
  it("answers 429 past the per-key limit", async () => {
    const limited = await startTestServer({}, { rateLimitPerMinute: 3 }, t.db);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(limited.url, "GET", "/tools", { key: limited.invokeKey })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const reply = await call(limited.url, "GET", "/tools", { key: limited.invokeKey });
      expect(errorOf(reply).code).toBe("RATE_LIMITED");
      // Another key has its own budget.
      expect((await call(limited.url, "GET", "/tools", { key: limited.adminKey })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
