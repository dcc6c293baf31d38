/**
 * What issue 3's "Tests that must exist and pass" asks for beyond tests/server/api.test.ts and
 * databases.test.ts, over real HTTP against real servers and the loopback fixtures:
 *
 * - every status code of the contract on the invoke path and the routes it did not reach yet
 *   (401, 403, 404, 409, 413 — authentication before body parsing —, 400, 422, 429, 502 with
 *   the node id in `details` for each upstream failure kind, 504 for a node's timeout), and
 *   never a 500 or a stack trace for bad input;
 * - retries: an upstream that fails twice with 503 then succeeds (counted at the fixture),
 *   retries exhausted, 404 not retried, 429 retried, and the same for the model server;
 * - timeouts: a node's `timeoutMs`, retried, and with an `onError` fallback;
 * - the SSRF guard: loopback refused by default (no request leaves), link-local, private,
 *   IPv6 loopback and `localhost` refused, TOOLWRIGHT_ALLOW_HOSTS honoured;
 * - structured LLM output: the strict json_schema sent, non-JSON and wrong-shape answers;
 * - call_tool failures named by the caller's node, for_each's concurrency bound;
 * - on both databases: every run recorded (succeeded, invalid input, upstream failure, node
 *   timeout, deadline, cancelled), durable when answered (read through a second connection
 *   while the server still runs), and still there after a restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../server/db/index";
import { databaseBackends, sharedFreshDatabase } from "../support/databases";
import { startHttpFixture, startOpenAiFixture, type HttpFixture } from "../support/fixture-servers";
import { greetingGraph } from "./graphs";
import { call, errorOf, list, obj, publishGraph, startTestServer, waitFor, type Reply, type TestServer } from "./support";

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

const object = (properties: Json, required: readonly string[]): Json => ({ type: "object", properties, required });

/** input → nodes… in a line; the last node is the output. */
function linear(name: string, inputSchema: Json, nodes: readonly Json[]): Json {
  const all = [{ id: "input", kind: "input", config: { schema: inputSchema } }, ...nodes];
  const ids = all.map((node) => (node as { readonly id: string }).id);
  const edges = ids.slice(1).map((target, i) => ({ id: `e${String(i + 1)}`, source: ids[i] ?? "input", target }));
  return { format: "toolwright.graph/v1", tool: { name, description: `coverage: ${name}` }, nodes: all, edges };
}

/** GET `url` (JSON, or text) with an optional retry/timeout/onError policy; the output is the body. */
function fetchGraph(name: string, url: string, policy: { retry?: Json; timeoutMs?: number; onError?: Json; text?: boolean } = {}): Json {
  const response = policy.text === true ? { type: "text" } : { type: "json" };
  return linear(name, object({}, []), [
    {
      id: "fetch",
      kind: "http",
      config: { method: "GET", url, response },
      ...(policy.retry === undefined ? {} : { retry: policy.retry }),
      ...(policy.timeoutMs === undefined ? {} : { timeoutMs: policy.timeoutMs }),
      ...(policy.onError === undefined ? {} : { onError: policy.onError }),
    },
    { id: "out", kind: "output", config: { values: { status: "{{fetch.status}}", body: policy.text === true ? "{{fetch.body}}" : "{{fetch.status}}" } } },
  ]);
}

/** An llm node with `model`; JSON output with a schema when `json`. */
function llmGraph(name: string, model: string, options: { json?: boolean; retry?: Json } = {}): Json {
  const schema = object({ label: { type: "string", enum: ["refund", "other"] }, score: { type: "number" } }, ["label", "score"]);
  return linear(name, object({ message: { type: "string" } }, ["message"]), [
    {
      id: "ask",
      kind: "llm",
      config: { model, prompt: "Classify: {{input.message}}", output: options.json === true ? { type: "json", schema } : { type: "text" } },
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    },
    { id: "out", kind: "output", config: { values: options.json === true ? { label: "{{ask.data.label}}" } : { text: "{{ask.text}}" } } },
  ]);
}

/** Calls `callee` with { name }: the output is the callee's `greeting`. */
function callGraph(name: string, callee: string): Json {
  return linear(name, object({ name: { type: "string" } }, ["name"]), [
    { id: "call", kind: "call_tool", config: { tool: callee, input: { name: "{{input.name}}" } } },
    { id: "out", kind: "output", config: { values: { greeting: "{{call.greeting}}" } } },
  ]);
}

/** input { name } → GET <base>/slow/<ms>?key=<key> → { greeting: name } (slow enough to overlap). */
function slowGreetGraph(name: string, base: string, ms: number, key: string): Json {
  return linear(name, object({ name: { type: "string" } }, ["name"]), [
    { id: "wait", kind: "http", config: { method: "GET", url: `${base}/slow/${String(ms)}?key=${key}`, response: { type: "json" } } },
    { id: "out", kind: "output", config: { values: { greeting: "{{input.name}}" } } },
  ]);
}

function forEachGraph(name: string, callee: string, concurrency: number): Json {
  return linear(name, object({ names: { type: "array", items: { type: "string" } } }, ["names"]), [
    { id: "each", kind: "for_each", config: { items: "{{input.names}}", tool: callee, input: { name: "{{item}}" }, concurrency } },
    { id: "out", kind: "output", config: { values: { results: "{{each.results}}" } } },
  ]);
}

function delayGraph(name: string, ms: number): Json {
  return linear(name, object({}, []), [
    { id: "wait", kind: "delay", config: { ms } },
    { id: "out", kind: "output", config: { values: { done: true } } },
  ]);
}

/** The node's span of a `?trace=1` answer. */
function spanOf(reply: Reply, nodeId: string): Record<string, unknown> {
  const span = list(obj(reply.body).trace)
    .map(obj)
    .find((s) => s.nodeId === nodeId && s.tool === undefined);
  return obj(span);
}

/** A stack trace line as V8 prints it. */
const STACK_LINE = /\n\s+at \S.*\(?[^)]*:\d+:\d+\)?/;

let http: HttpFixture;
let openai: Awaited<ReturnType<typeof startOpenAiFixture>>;

beforeAll(async () => {
  [http, openai] = await Promise.all([startHttpFixture(), startOpenAiFixture()]);
});

afterAll(async () => {
  await Promise.all([http.close(), openai.close()]);
});

describe("the contract's statuses (SQLite)", () => {
  let t: TestServer;
  let dataDir: string;
  const invoke = (ref: string, input: unknown, query = ""): Promise<Reply> => call(t.url, "POST", `/tools/${ref}/invoke${query}`, { key: t.invokeKey, body: { input } });
  const admin = (method: string, path: string, body?: unknown): Promise<Reply> => call(t.url, method, path, { key: t.adminKey, body });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "toolwright-coverage-"));
    t = await startTestServer({ dataDir, env: {} }, { allowHosts: ["127.0.0.1"], openai: { apiKey: "sk-coverage", baseURL: openai.url } });
    await publishGraph(t, greetingGraph("cov_greet"));
  });

  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe("authentication and scope", () => {
    it("answers 401 on the invoke API without a key or with an unknown one, with a Bearer challenge", async () => {
      for (const [method, path] of [
        ["GET", "/tools"],
        ["POST", "/tools/cov_greet/invoke"],
        ["GET", "/openapi.json"],
      ] as const) {
        const none = await call(t.url, method, path, { body: method === "POST" ? { input: { name: "x" } } : undefined });
        expect(none.status, path).toBe(401);
        expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(errorOf(none).code).toBe("UNAUTHORIZED");
        const unknown = await call(t.url, method, path, { key: "tw_this-key-was-never-issued-by-anyone-at-all-xx", body: method === "POST" ? { input: { name: "x" } } : undefined });
        expect(unknown.status, path).toBe(401);
      }
    });

    it("answers 403 when an invoke key uses any admin route", async () => {
      for (const [method, path] of [
        ["GET", "/api/tools"],
        ["POST", "/api/validate"],
        ["GET", "/api/runs"],
        ["GET", "/api/keys"],
        ["POST", "/api/keys"],
        ["GET", "/api/secrets"],
        ["GET", "/metrics"],
      ] as const) {
        const reply = await call(t.url, method, path, { key: t.invokeKey, body: method === "POST" ? {} : undefined });
        expect(reply.status, `${method} ${path}`).toBe(403);
        expect(errorOf(reply).code).toBe("FORBIDDEN");
      }
    });
  });

  describe("bodies", () => {
    it("authenticates before parsing: an oversized body without a key is 401, with a key 413", async () => {
      const small = await startTestServer({}, { bodyLimit: "2kb" }, t.db);
      try {
        const big = { input: { name: "x".repeat(4_096) } };
        expect((await call(small.url, "POST", "/tools/cov_greet/invoke", { body: big })).status).toBe(401);
        const reply = await call(small.url, "POST", "/tools/cov_greet/invoke", { key: small.invokeKey, body: big });
        expect(reply.status).toBe(413);
        expect(errorOf(reply).code).toBe("PAYLOAD_TOO_LARGE");
        expect((await call(small.url, "POST", "/tools/cov_greet/invoke", { key: small.invokeKey, body: { input: { name: "fits" } } })).status).toBe(200);
      } finally {
        await small.close();
      }
    });

    it("answers 400 for a body that is not JSON or not { input }, and for input that does not fit", async () => {
      const notJson = await call(t.url, "POST", "/tools/cov_greet/invoke", { key: t.invokeKey, rawBody: "{ input: " });
      expect(notJson.status).toBe(400);
      expect(errorOf(notJson).code).toBe("INVALID_JSON");
      for (const body of [[], { input: { name: "x" }, extra: 1 }, { nothing: true }]) {
        const reply = await call(t.url, "POST", "/tools/cov_greet/invoke", { key: t.invokeKey, body });
        expect(reply.status, JSON.stringify(body)).toBe(400);
        expect(errorOf(reply).code).toBe("INVALID_BODY");
      }
      const input = await invoke("cov_greet", { name: ["not", "a", "string"] });
      expect(input.status).toBe(400);
      expect(errorOf(input)).toMatchObject({ code: "INVALID_INPUT", details: { issues: [expect.objectContaining({ path: "name" })] } });
    });

    it("never answers 500 or a stack trace, whatever the body", async () => {
      const bodies: readonly (string | undefined)[] = ["", "null", "42", '"text"', "[1,2]", '{"input":null}', '{"input":{"name":{"__proto__":{"x":1}}}}', `{"input":${"[".repeat(500)}${"]".repeat(500)}}`, "\u0000\u0001", '{"input":{"name":"\\ud800"}}'];
      const targets = [
        ["POST", "/tools/cov_greet/invoke", t.invokeKey],
        ["POST", "/tools/cov_greet@1/invoke", t.invokeKey],
        ["POST", "/api/tools", t.adminKey],
        ["POST", "/api/validate", t.adminKey],
        ["POST", "/api/compile", t.adminKey],
        ["PUT", "/api/secrets/COV_SECRET", t.adminKey],
        ["POST", "/api/keys", t.adminKey],
      ] as const;
      for (const [method, path, key] of targets) {
        for (const rawBody of bodies) {
          const reply = await call(t.url, method, path, { key, ...(rawBody === undefined ? {} : { rawBody }) });
          expect(reply.status, `${method} ${path} ${JSON.stringify(rawBody)}`).toBeLessThan(500);
          expect(reply.text).not.toMatch(STACK_LINE);
          expect(reply.text).not.toContain("node_modules");
        }
      }
    });
  });

  describe("unknown things and conflicts", () => {
    it("answers 404 for an unknown tool id on every tool route, and for unknown versions", async () => {
      const id = "00000000-0000-0000-0000-000000000000";
      for (const [method, path, body] of [
        ["GET", `/api/tools/${id}`, undefined],
        ["PUT", `/api/tools/${id}`, { graph: greetingGraph("cov_nobody") }],
        ["DELETE", `/api/tools/${id}`, undefined],
        ["POST", `/api/tools/${id}/publish`, undefined],
        ["POST", `/api/tools/${id}/test-run`, { input: {} }],
        ["GET", `/api/tools/${id}/versions`, undefined],
        ["GET", `/api/tools/${id}/versions/1`, undefined],
        ["GET", `/api/tools/${id}/versions/1/download`, undefined],
      ] as const) {
        const reply = await admin(method, path, body);
        expect(reply.status, `${method} ${path}`).toBe(404);
        expect(errorOf(reply).code).toBe("NOT_FOUND");
      }
      const tool = list(obj((await admin("GET", "/api/tools")).body).tools)
        .map(obj)
        .find((x) => x.name === "cov_greet");
      expect((await admin("GET", `/api/tools/${String(tool?.id)}/versions/2/download`)).status).toBe(404);
      expect((await invoke("cov_greet@2", { name: "x" })).status).toBe(404);
    });

    it("answers 409 when a draft is renamed to a name that is taken", async () => {
      const created = await admin("POST", "/api/tools", { graph: greetingGraph("cov_other") });
      expect(created.status).toBe(201);
      const reply = await admin("PUT", `/api/tools/${String(obj(created.body).id)}`, { graph: greetingGraph("cov_greet") });
      expect(reply.status).toBe(409);
      expect(errorOf(reply).code).toBe("NAME_TAKEN");
    });

    it("answers 429 on the invoke path past the per-key limit, as JSON", async () => {
      const limited = await startTestServer({}, { rateLimitPerMinute: 2 }, t.db);
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await call(limited.url, "POST", "/tools/cov_greet/invoke", { key: limited.invokeKey, body: { input: { name: "x" } } })).status);
        expect(statuses).toEqual([200, 200, 429]);
        const reply = await call(limited.url, "POST", "/tools/cov_greet/invoke", { key: limited.invokeKey, body: { input: { name: "x" } } });
        expect(errorOf(reply).code).toBe("RATE_LIMITED");
      } finally {
        await limited.close();
      }
    });
  });

  describe("upstream failures: 502 with the node id, recorded", () => {
    beforeAll(async () => {
      await publishGraph(t, fetchGraph("cov_unreachable", "http://127.0.0.1:1/nothing"));
      await publishGraph(t, fetchGraph("cov_not_json", `${http.url}/text`));
      await publishGraph(t, fetchGraph("cov_status", `${http.url}/status/503`));
      await publishGraph(t, llmGraph("cov_llm_not_json", "not-json", { json: true }));
      await publishGraph(t, llmGraph("cov_llm_down", "fail-500"));
    });

    it.each([
      ["cov_unreachable", "HTTP_UNREACHABLE", "fetch"],
      ["cov_not_json", "HTTP_NOT_JSON", "fetch"],
      ["cov_status", "HTTP_STATUS", "fetch"],
      ["cov_llm_not_json", "LLM_NOT_JSON", "ask"],
      ["cov_llm_down", "LLM_STATUS", "ask"],
    ])("%s answers 502 %s naming node %s", async (tool, code, nodeId) => {
      const reply = await invoke(tool, tool.startsWith("cov_llm") ? { message: "x" } : {}, "?trace=1");
      expect(reply.status).toBe(502);
      const error = errorOf(reply);
      expect(error).toMatchObject({ code, nodeId, details: { nodeId, runId: error.runId } });
      expect(reply.headers.get("x-run-id")).toBe(error.runId);
      expect(spanOf(reply, nodeId)).toMatchObject({ status: "failed", error: { code } });
      const run = obj((await admin("GET", `/api/runs/${String(error.runId)}`)).body);
      expect(run).toMatchObject({ status: "failed", error: { code, nodeId } });
    });
  });

  describe("retries", () => {
    it("retries an upstream that fails twice with 503, then succeeds (the fixture sees three requests)", async () => {
      await publishGraph(t, fetchGraph("cov_flaky", `${http.url}/flaky/2/cov-twice`, { retry: { maxAttempts: 3, backoff: "exponential", initialDelayMs: 20 } }));
      const reply = await invoke("cov_flaky", {}, "?trace=1");
      expect(reply.status).toBe(200);
      expect(obj(reply.body).output).toEqual({ status: 200, body: 200 });
      expect(spanOf(reply, "fetch")).toMatchObject({ status: "succeeded", attempts: 3, output: { status: 200, body: { ok: true, attempt: 3 } } });
      expect(http.hits("cov-twice")).toBe(3);
    });

    it("gives up after maxAttempts with the last failure (502, attempts counted, recorded)", async () => {
      await publishGraph(t, fetchGraph("cov_exhausted", `${http.url}/flaky/5/cov-exhausted`, { retry: { maxAttempts: 3, backoff: "fixed", initialDelayMs: 5 } }));
      const reply = await invoke("cov_exhausted", {}, "?trace=1");
      expect(reply.status).toBe(502);
      expect(errorOf(reply)).toMatchObject({ code: "HTTP_STATUS", nodeId: "fetch" });
      expect(spanOf(reply, "fetch")).toMatchObject({ status: "failed", attempts: 3 });
      expect(http.hits("cov-exhausted")).toBe(3);
      const run = obj((await admin("GET", `/api/runs/${String(errorOf(reply).runId)}`)).body);
      expect(list(run.trace).map(obj).find((s) => s.nodeId === "fetch")).toMatchObject({ attempts: 3, status: "failed" });
    });

    it("retries 429 but not 404", async () => {
      const policy = { retry: { maxAttempts: 3, backoff: "linear", initialDelayMs: 5 } };
      await publishGraph(t, fetchGraph("cov_429", `${http.url}/flaky/1/cov-429?status=429`, policy));
      await publishGraph(t, fetchGraph("cov_404", `${http.url}/flaky/1/cov-404?status=404`, policy));
      expect((await invoke("cov_429", {})).status).toBe(200);
      expect(http.hits("cov-429")).toBe(2);
      expect((await invoke("cov_404", {})).status).toBe(502);
      expect(http.hits("cov-404")).toBe(1);
    });

    it("retries the model server's 429 and 5xx per the node's policy, and records token usage", async () => {
      await publishGraph(t, llmGraph("cov_llm_flaky", "flaky-2-429-cov-llm", { retry: { maxAttempts: 3, backoff: "fixed", initialDelayMs: 5 } }));
      const reply = await invoke("cov_llm_flaky", { message: "hi" }, "?trace=1");
      expect(reply.status).toBe(200);
      expect(obj(reply.body).output).toEqual({ text: "echo: Classify: hi" });
      expect(spanOf(reply, "ask")).toMatchObject({ attempts: 3, usage: { totalTokens: 7 } });
      expect(openai.modelHits.get("cov-llm")).toBe(3);

      await publishGraph(t, llmGraph("cov_llm_once", "flaky-1-503-cov-llm-once"));
      const once = await invoke("cov_llm_once", { message: "hi" });
      expect(once.status).toBe(502);
      expect(openai.modelHits.get("cov-llm-once")).toBe(1);
    });
  });

  describe("timeouts", () => {
    it("fails a node that outlives its timeoutMs with 504 TIMEOUT naming it, after its retries, and records the run", async () => {
      await publishGraph(t, fetchGraph("cov_timeout", `${http.url}/slow/3000?key=cov-timeout`, { timeoutMs: 100, retry: { maxAttempts: 2, backoff: "fixed", initialDelayMs: 5 } }));
      const started = Date.now();
      const reply = await invoke("cov_timeout", {}, "?trace=1");
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(reply.status).toBe(504);
      expect(errorOf(reply)).toMatchObject({ code: "TIMEOUT", nodeId: "fetch", details: { nodeId: "fetch" } });
      expect(spanOf(reply, "fetch")).toMatchObject({ status: "failed", attempts: 2, error: { code: "TIMEOUT" } });
      const run = obj((await admin("GET", `/api/runs/${String(errorOf(reply).runId)}`)).body);
      expect(run).toMatchObject({ status: "failed", error: { code: "TIMEOUT", nodeId: "fetch" } });
    });

    it("continues with the onError fallback after a timeout, keeping the error in the span", async () => {
      const fallback = { status: 0, headers: {}, body: "unavailable" };
      await publishGraph(t, fetchGraph("cov_timeout_fallback", `${http.url}/slow/3000?key=cov-fallback`, { timeoutMs: 50, onError: { action: "continue", fallback }, text: true }));
      const reply = await invoke("cov_timeout_fallback", {}, "?trace=1");
      expect(reply.status).toBe(200);
      expect(obj(reply.body).output).toEqual({ status: 0, body: "unavailable" });
      expect(spanOf(reply, "fetch")).toMatchObject({ status: "succeeded", output: fallback, error: { code: "TIMEOUT" } });
    });
  });

  describe("the SSRF guard", () => {
    it("refuses loopback in every spelling without TOOLWRIGHT_ALLOW_HOSTS: nothing is sent, and the message says how to allow it", async () => {
      const strict = await startTestServer({}, {}, t.db);
      try {
        const port = new URL(http.url).port;
        const spellings = ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "localhost", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"];
        for (const [i, host] of spellings.entries()) {
          const name = `cov_loopback_${String(i)}`;
          await publishGraph(strict, fetchGraph(name, `http://${host}:${port}/flaky/0/cov-ssrf`));
          const reply = await call(strict.url, "POST", `/tools/${name}/invoke`, { key: strict.invokeKey, body: { input: {} } });
          expect(reply.status, host).toBe(422);
          expect(errorOf(reply), host).toMatchObject({ code: "HOST_NOT_ALLOWED", nodeId: "fetch" });
          expect(String(errorOf(reply).message)).toContain("TOOLWRIGHT_ALLOW_HOSTS");
        }
        expect(http.hits("cov-ssrf")).toBe(0);
      } finally {
        await strict.close();
      }
    });

    it("honours TOOLWRIGHT_ALLOW_HOSTS from the environment", async () => {
      const allowing = await startTestServer({}, { env: { TOOLWRIGHT_ALLOW_HOSTS: " 127.0.0.1 ,example.invalid" } }, t.db);
      try {
        const reply = await call(allowing.url, "POST", "/tools/cov_loopback_0/invoke", { key: allowing.invokeKey, body: { input: {} } });
        expect(reply.status).toBe(200);
        expect(http.hits("cov-ssrf")).toBe(1);
      } finally {
        await allowing.close();
      }
    });

    it.each([
      ["link-local (cloud metadata)", "http://169.254.169.254/latest/meta-data/"],
      ["private 10/8", "http://10.0.0.1/"],
      ["private 192.168/16", "http://192.168.1.1/"],
      ["IPv6 loopback", "http://[::1]:1/"],
      ["IPv4-mapped IPv6 link-local", "http://[::ffff:169.254.169.254]/"],
      ["NAT64 private", "http://[64:ff9b::10.0.0.1]/"],
      ["unique-local IPv6", "http://[fd00::1]/"],
      ["0.0.0.0", "http://0.0.0.0:1/"],
    ])("refuses %s even when 127.0.0.1 is allowed", async (label, url) => {
      const name = `cov_ssrf_${label.replace(/[^a-z0-9]+/gi, "_").toLowerCase()}`.slice(0, 60);
      await publishGraph(t, fetchGraph(name, url));
      const reply = await invoke(name, {});
      expect(reply.status).toBe(422);
      expect(errorOf(reply)).toMatchObject({ code: "HOST_NOT_ALLOWED", nodeId: "fetch" });
    });
  });

  describe("structured LLM output", () => {
    it("sends the node's schema as a strict json_schema response format and validates the answer", async () => {
      await publishGraph(t, llmGraph("cov_llm_json", "fixture-model", { json: true }));
      const reply = await invoke("cov_llm_json", { message: "refund please" });
      expect(obj(reply.body).output).toEqual({ label: "refund" });
      const format = openai.requests.at(-1)?.response_format;
      expect(format).toMatchObject({ type: "json_schema", json_schema: { strict: true, schema: { type: "object", required: ["label", "score"] } } });
    });

    it("refuses JSON that does not match the schema: 422 SCHEMA_MISMATCH naming the node", async () => {
      await publishGraph(t, llmGraph("cov_llm_shape", "wrong-shape", { json: true }));
      const reply = await invoke("cov_llm_shape", { message: "x" });
      expect(reply.status).toBe(422);
      expect(errorOf(reply)).toMatchObject({ code: "SCHEMA_MISMATCH", nodeId: "ask" });
    });
  });

  describe("tools calling tools", () => {
    it("names the caller's node when a called tool fails, keeps the callee's code, and tags its spans", async () => {
      await publishGraph(t, linear("cov_callee_fails", object({ name: { type: "string" } }, ["name"]), [
        { id: "fetch", kind: "http", config: { method: "GET", url: `${http.url}/status/500`, response: { type: "json" } } },
        { id: "out", kind: "output", config: { values: { greeting: "{{input.name}}" } } },
      ]));
      await publishGraph(t, callGraph("cov_caller", "cov_callee_fails"));
      const reply = await invoke("cov_caller", { name: "Ann" }, "?trace=1");
      expect(reply.status).toBe(502);
      const error = errorOf(reply);
      expect(error).toMatchObject({ code: "HTTP_STATUS", nodeId: "call", details: { tool: "cov_callee_fails", version: 1, nodeId: "call" } });
      expect(String(error.message)).toMatch(/cov_callee_fails@1: /);
      const spans = list(obj(reply.body).trace).map(obj);
      expect(spans.find((s) => s.tool === "cov_callee_fails@1" && s.nodeId === "fetch")).toMatchObject({ status: "failed" });
      expect(spanOf(reply, "call")).toMatchObject({ kind: "call_tool", status: "failed" });
    });

    it("answers 422 UNKNOWN_TOOL naming the node when a called tool was deleted (forced)", async () => {
      const { id } = await publishGraph(t, greetingGraph("cov_doomed"));
      await publishGraph(t, callGraph("cov_orphan", "cov_doomed"));
      expect((await admin("DELETE", `/api/tools/${id}`)).status).toBe(409);
      expect((await admin("DELETE", `/api/tools/${id}?force=1`)).status).toBe(204);
      const reply = await invoke("cov_orphan", { name: "x" });
      expect(reply.status).toBe(422);
      expect(errorOf(reply)).toMatchObject({ code: "UNKNOWN_TOOL", nodeId: "call" });
    });

    it("for_each keeps at most `concurrency` calls in flight and the results in item order", async () => {
      await publishGraph(t, slowGreetGraph("cov_slow_greet", http.url, 60, "cov-each"));
      await publishGraph(t, forEachGraph("cov_each", "cov_slow_greet", 2));
      const names = ["a", "b", "c", "d", "e", "f"];
      const reply = await invoke("cov_each", { names }, "?trace=1");
      expect(reply.status).toBe(200);
      expect(obj(reply.body).output).toEqual({ results: names.map((greeting) => ({ greeting })) });
      expect(http.maxInFlight("cov-each")).toBe(2);
      expect(list(obj(reply.body).trace).map(obj).filter((s) => s.tool === "cov_slow_greet@1" && s.nodeId === "wait")).toHaveLength(names.length);
    });
  });
});

describe.each(databaseBackends())("every run is recorded and a restart loses nothing on $provider", (backend) => {
  const options = sharedFreshDatabase(backend);

  it("records succeeded, invalid-input, upstream-failed, timed-out, deadline-exceeded and cancelled runs, durable when answered", async () => {
    // A deadline long enough for the cancelled call below to be aborted before it, on a busy machine.
    const first = await startTestServer(options(), { allowHosts: ["127.0.0.1"], runTimeoutMs: 1_500 });
    const cancelKey = `rec-cancel-${backend.provider}`;
    const expected = new Map<string, { status: string; code?: string; nodeId?: string }>();
    let toolIds: string[] = [];
    try {
      toolIds = [
        (await publishGraph(first, greetingGraph("rec_greet"))).id,
        (await publishGraph(first, fetchGraph("rec_upstream", `${http.url}/status/500`))).id,
        (await publishGraph(first, fetchGraph("rec_timeout", `${http.url}/slow/3000?key=rec-timeout`, { timeoutMs: 50 }))).id,
        (await publishGraph(first, delayGraph("rec_deadline", 5_000))).id,
        (await publishGraph(first, fetchGraph("rec_cancel", `${http.url}/slow/3000?key=${cancelKey}`))).id,
      ];
      const invoke = (tool: string, input: unknown, signal?: AbortSignal): Promise<Reply> =>
        call(first.url, "POST", `/tools/${tool}/invoke`, { key: first.invokeKey, body: { input }, ...(signal === undefined ? {} : { signal }) });
      const runIdOf = (reply: Reply): string => String(reply.headers.get("x-run-id"));

      // Concurrent successes: the group commit writes them together, each before its answer.
      const oks = await Promise.all(Array.from({ length: 25 }, (_, i) => invoke("rec_greet", { name: `n${String(i)}` })));
      for (const reply of oks) {
        expect(reply.status).toBe(200);
        expected.set(runIdOf(reply), { status: "succeeded" });
      }
      const cases: readonly [string, unknown, number, string, string | undefined][] = [
        ["rec_greet", { name: 1 }, 400, "INVALID_INPUT", undefined],
        ["rec_upstream", {}, 502, "HTTP_STATUS", "fetch"],
        ["rec_timeout", {}, 504, "TIMEOUT", "fetch"],
        ["rec_deadline", {}, 504, "DEADLINE_EXCEEDED", undefined],
      ];
      for (const [tool, input, status, code, nodeId] of cases) {
        const reply = await invoke(tool, input);
        expect(reply.status, tool).toBe(status);
        expected.set(runIdOf(reply), { status: "failed", code, ...(nodeId === undefined ? {} : { nodeId }) });
      }
      // A caller that goes away: the run is cancelled and recorded without an answer.
      const controller = new AbortController();
      const abandoned = invoke("rec_cancel", {}, controller.signal).catch((error: unknown) => error);
      // Abort once the run is under way (its upstream call arrived), not after a fixed delay:
      // a call aborted before the server read it starts no run at all.
      await waitFor(() => Promise.resolve(http.maxInFlight(cancelKey) > 0 ? true : undefined));
      controller.abort();
      await abandoned;

      // Durable when answered: a second connection sees every answered run while the server still runs.
      const reader = await openDatabase(options());
      try {
        for (const [runId, want] of expected) {
          const run = await reader.runs.get(runId);
          expect(run, runId).not.toBeNull();
          expect(run?.status).toBe(want.status);
          if (want.code !== undefined) expect(run?.error).toMatchObject({ code: want.code, ...(want.nodeId === undefined ? {} : { nodeId: want.nodeId }) });
        }
        const cancelled = await waitFor(async () => {
          const runs = await reader.runs.list({ toolId: toolIds[4], status: "failed" });
          return runs.find((r) => r.error?.code === "CANCELLED");
        });
        expected.set(cancelled.id, { status: "failed", code: "CANCELLED" });
        const failedUpstream = await reader.runs.get([...expected].find(([, w]) => w.code === "HTTP_STATUS")?.[0] ?? "");
        expect(list(failedUpstream?.trace).map(obj).find((s) => s.nodeId === "fetch")).toMatchObject({ status: "failed", error: { code: "HTTP_STATUS" } });
      } finally {
        await reader.close();
      }
    } finally {
      await first.close();
    }

    // A new server process on the same database: everything is still there.
    const second = await startTestServer(options(), {});
    try {
      for (const [runId, want] of expected) {
        const run = obj((await call(second.url, "GET", `/api/runs/${runId}`, { key: second.adminKey })).body);
        expect(run, runId).toMatchObject({ id: runId, status: want.status });
        if (want.code !== undefined) expect(obj(run.error).code).toBe(want.code);
      }
      const counted = new Map<string, number>();
      for (const id of toolIds) {
        const runs = list(obj((await call(second.url, "GET", `/api/runs?tool=${id}&limit=1000`, { key: second.adminKey })).body).runs);
        counted.set(id, runs.length);
      }
      expect([...counted.values()].reduce((a, b) => a + b, 0)).toBe(expected.size);
    } finally {
      await second.close();
    }
  });
});
