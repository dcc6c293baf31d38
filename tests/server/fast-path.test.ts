/**
 * The invoke fast path (server/invoke-fast-path.ts) answers plain invocations before Express;
 * the Express route answers the rest. Both must behave as one route: the same answers, one rate
 * limit per key, the same log lines and metrics, the body limit also for bodies of no declared
 * length, and an abandoned request logged as such.
 */
import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyWindows } from "../../server/auth";
import { fastInvokeTarget } from "../../server/invoke-fast-path";
import { sqliteBackend, sharedFreshDatabase } from "../support/databases";
import { greetingGraph } from "./graphs";
import { call, errorOf, obj, publishGraph, startTestServer, waitFor, type Reply, type TestServer } from "./support";

const JSON_TYPE = { "content-type": "application/json" };

describe("which requests the fast path answers", () => {
  const target = (method: string, url: string, headers: Record<string, string> = JSON_TYPE) => fastInvokeTarget({ method, url, headers });

  it("takes a POST of UTF-8 JSON to /tools/<name or name@version>/invoke, with its query", () => {
    expect(target("POST", "/tools/greet/invoke")).toEqual({ ref: "greet", queryText: "" });
    expect(target("POST", "/tools/greet@2/invoke?trace=1")).toEqual({ ref: "greet@2", queryText: "trace=1" });
    expect(target("POST", "/tools/greet/invoke", { "content-type": 'Application/JSON; charset="UTF-8"' })).toEqual({ ref: "greet", queryText: "" });
    expect(target("POST", "/tools/greet/invoke", { "content-type": "application/json", "content-encoding": "identity" })).toEqual({ ref: "greet", queryText: "" });
  });

  it("leaves every other request to Express", () => {
    expect(target("GET", "/tools/greet/invoke")).toBeUndefined();
    expect(target("POST", "/tools/greet/invoke/")).toBeUndefined();
    expect(target("POST", "/tools/greet%401/invoke")).toBeUndefined();
    expect(target("POST", "/tools/a/b/invoke")).toBeUndefined();
    expect(target("POST", "/tools/openai")).toBeUndefined();
    expect(target("POST", "/tools/greet/invoke", {})).toBeUndefined();
    expect(target("POST", "/tools/greet/invoke", { "content-type": "text/plain" })).toBeUndefined();
    expect(target("POST", "/tools/greet/invoke", { "content-type": "application/json; charset=latin1" })).toBeUndefined();
    expect(target("POST", "/tools/greet/invoke", { "content-type": "application/json", "content-encoding": "gzip" })).toBeUndefined();
  });
});

describe("the per-key rate limit's windows", () => {
  it("counts each key in its own one-minute window", () => {
    let now = 1_000_000;
    const take = keyWindows(2, () => now);
    expect(take("ann")).toEqual({ allowed: true, remaining: 1, resetSeconds: 60 });
    now += 30_000;
    expect(take("ann")).toEqual({ allowed: true, remaining: 0, resetSeconds: 30 });
    expect(take("ann")).toEqual({ allowed: false, remaining: 0, resetSeconds: 30 });
    expect(take("bob")).toEqual({ allowed: true, remaining: 1, resetSeconds: 60 });
    now += 30_000;
    expect(take("ann")).toEqual({ allowed: true, remaining: 1, resetSeconds: 60 });
    expect(take("bob")).toEqual({ allowed: true, remaining: 0, resetSeconds: 30 });
  });
});

describe("the fast path and Express's route, over HTTP", () => {
  const options = sharedFreshDatabase(sqliteBackend());
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(options());
    await publishGraph(t, greetingGraph("fast_greet"));
  });

  afterAll(async () => {
    await t.close();
  });

  const ANN = { input: { name: "Ann" } };
  /** The same invocation in shapes the fast path leaves to Express, and the plain one it answers. */
  const shapes: Record<string, (body: unknown) => Promise<Reply>> = {
    "plain (fast path)": (body) => call(t.url, "POST", "/tools/fast_greet/invoke", { key: t.invokeKey, body }),
    "trailing slash": (body) => call(t.url, "POST", "/tools/fast_greet/invoke/", { key: t.invokeKey, body }),
    "percent-encoded version": (body) => call(t.url, "POST", "/tools/fast_greet%401/invoke", { key: t.invokeKey, body }),
    "+json media type": (body) => call(t.url, "POST", "/tools/fast_greet/invoke", { key: t.invokeKey, body, headers: { "content-type": "application/vnd.toolwright+json" } }),
    "gzip body": async (body) => {
      const response = await fetch(`${t.url}/tools/fast_greet/invoke`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.invokeKey}`, "content-type": "application/json", "content-encoding": "gzip" },
        body: gzipSync(JSON.stringify(body)),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as unknown };
    },
  };

  it.each(Object.keys(shapes))("answers an invocation sent as %s: output, run id, common headers, log line and metrics", async (shape) => {
    const send = shapes[shape];
    if (send === undefined) throw new Error(shape);
    const reply = await send(ANN);
    expect(reply.status, reply.text).toBe(200);
    expect(obj(reply.body).output).toEqual({ greeting: "Hello, Ann!" });
    const runId = reply.headers.get("x-run-id");
    expect(runId).toBe(obj(reply.body).runId);
    expect(reply.headers.get("x-content-type-options")).toBe("nosniff");
    expect(reply.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const requestId = reply.headers.get("x-request-id") ?? "";
    expect(requestId).not.toBe("");
    const logged = await waitFor(async () => Promise.resolve(t.logs.map((line) => obj(JSON.parse(line))).find((line) => line.requestId === requestId && line.msg === "request")));
    expect(logged).toMatchObject({ method: "POST", route: "/tools/:ref/invoke", status: 200 });
    const run = await call(t.url, "GET", `/api/runs/${String(runId)}`, { key: t.adminKey });
    expect(obj(run.body)).toMatchObject({ status: "succeeded", requestId });

    const wrong = await send({ input: { name: 42 } });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong)).toMatchObject({ code: "INVALID_INPUT", details: { issues: [expect.objectContaining({ path: "name" })] } });
  });

  it("answers auth and body errors the same way on both paths", async () => {
    for (const path of ["/tools/fast_greet/invoke", "/tools/fast_greet/invoke/"]) {
      const anonymous = await call(t.url, "POST", path, { body: ANN });
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get("www-authenticate"), path).toBe('Bearer realm="toolwright"');
      const admin = await call(t.url, "POST", path, { key: t.adminKey, body: ANN });
      expect(admin.status, path).toBe(200);
      const notJson = await call(t.url, "POST", path, { key: t.invokeKey, rawBody: "{ input: " });
      expect(notJson.status, path).toBe(400);
      expect(errorOf(notJson).code, path).toBe("INVALID_JSON");
      const scalar = await call(t.url, "POST", path, { key: t.invokeKey, rawBody: "42" });
      expect(scalar.status, path).toBe(400);
      expect(errorOf(scalar).code, path).toBe("INVALID_JSON");
      const empty = await call(t.url, "POST", path, { key: t.invokeKey, rawBody: "" , headers: JSON_TYPE });
      expect(empty.status, path).toBe(400);
      expect(errorOf(empty).code, path).toBe("INVALID_BODY");
    }
  });

  it("counts a key's requests once across both paths", async () => {
    const limited = await startTestServer({}, { rateLimitPerMinute: 3 }, t.db);
    try {
      const via = (path: string, key = limited.invokeKey) => call(limited.url, "POST", path, { key, body: ANN });
      const statuses = [(await via("/tools/fast_greet/invoke")).status, (await via("/tools/fast_greet/invoke/")).status, (await via("/tools/fast_greet/invoke")).status];
      expect(statuses).toEqual([200, 200, 200]);
      for (const path of ["/tools/fast_greet/invoke", "/tools/fast_greet/invoke/"]) {
        const refused = await via(path);
        expect(refused.status, path).toBe(429);
        expect(errorOf(refused).code).toBe("RATE_LIMITED");
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(refused.headers.get("ratelimit")).toMatch(/^"per-key";r=0;t=\d+$/);
      }
      expect((await via("/tools/fast_greet/invoke", limited.adminKey)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("refuses a body over the limit that declares no length, as it streams in", async () => {
    const small = await startTestServer({}, { bodyLimit: "1kb" }, t.db);
    try {
      const url = new URL("/tools/fast_greet/invoke", small.url);
      const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(url, { method: "POST", headers: { ...JSON_TYPE, authorization: `Bearer ${small.invokeKey}`, "transfer-encoding": "chunked" } }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => {
            resolve({ status: res.statusCode ?? 0, text });
          });
        });
        req.on("error", reject);
        req.write('{"input":{"name":"');
        for (let i = 0; i < 8; i++) req.write("x".repeat(256));
        req.end('"}}');
      });
      expect(reply.status).toBe(413);
      expect(obj(obj(JSON.parse(reply.text)).error)).toMatchObject({ code: "PAYLOAD_TOO_LARGE", details: { limit: 1024 } });
    } finally {
      await small.close();
    }
  });

  it("logs a request whose client left mid-body as abandoned, and runs nothing", async () => {
    const requestId = "fast-path-abandoned";
    const url = new URL("/tools/fast_greet/invoke", t.url);
    const req = request(url, { method: "POST", headers: { ...JSON_TYPE, authorization: `Bearer ${t.invokeKey}`, "content-length": "1000", "x-request-id": requestId } });
    req.on("error", () => undefined);
    req.write('{"input":');
    const logged = waitFor(async () => Promise.resolve(t.logs.map((line) => obj(JSON.parse(line))).find((line) => line.requestId === requestId)));
    setTimeout(() => req.destroy(), 100);
    expect(await logged).toMatchObject({ msg: "request abandoned by the client", status: 499, route: "/tools/:ref/invoke" });
    const runs = await call(t.url, "GET", "/api/runs?tool=fast_greet", { key: t.adminKey });
    expect(JSON.stringify(runs.body)).not.toContain(requestId);
  });
});
