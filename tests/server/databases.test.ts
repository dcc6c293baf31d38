/**
 * The core flow — create, publish, invoke, run history — on both databases (a temporary SQLite
 * file and a real PostgreSQL server started by tests/support), plus what each must guarantee:
 * a restart loses nothing, and servers sharing one database serve a new version at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseBackends, sharedFreshDatabase } from "../support/databases";
import { startHttpFixture, type RunningServer } from "../support/fixture-servers";
import { greetingGraph, orderGraph } from "./graphs";
import { call, errorOf, list, obj, publishGraph, startTestServer, warmOnce } from "./support";

let http: RunningServer;

beforeAll(async () => {
  await warmOnce();
  http = await startHttpFixture();
});

afterAll(async () => {
  await http.close();
});

describe.each(databaseBackends())("publish, invoke and run history on $provider", (backend) => {
  const options = sharedFreshDatabase(backend);

  it("publishes, invokes, records every run, and keeps them across a restart", async () => {
    const first = await startTestServer(options(), { allowHosts: ["127.0.0.1"] });
    let toolId: string;
    let okRun: string;
    let failedRun: string;
    try {
      const health = obj((await call(first.url, "GET", "/health")).body);
      expect(health).toMatchObject({ status: "ok", database: { ok: true, provider: backend.provider } });

      ({ id: toolId } = await publishGraph(first, orderGraph("order_lookup", http.url)));
      const ok = await call(first.url, "POST", "/tools/order_lookup/invoke?trace=1", { key: first.invokeKey, body: { input: { orderId: "250" } } });
      expect(ok.status).toBe(200);
      expect(obj(ok.body).output).toEqual({ amount: 250 });
      okRun = String(obj(ok.body).runId);

      const bad = await call(first.url, "POST", "/tools/order_lookup/invoke", { key: first.invokeKey, body: { input: { orderId: 3 } } });
      expect(bad.status).toBe(400);
      failedRun = String(errorOf(bad).runId);

      const runs = list(obj((await call(first.url, "GET", "/api/runs?tool=order_lookup", { key: first.adminKey })).body).runs).map(obj);
      expect(runs.map((r) => r.id)).toEqual([failedRun, okRun]);
      expect(runs.map((r) => r.status)).toEqual(["failed", "succeeded"]);
      const failed = list(obj((await call(first.url, "GET", "/api/runs?status=failed", { key: first.adminKey })).body).runs).map(obj);
      expect(failed.map((r) => r.id)).toEqual([failedRun]);
    } finally {
      await first.close();
    }

    // A new server process on the same database: nothing was lost.
    const second = await startTestServer(options(), { allowHosts: ["127.0.0.1"] });
    try {
      const run = obj((await call(second.url, "GET", `/api/runs/${okRun}`, { key: second.adminKey })).body);
      expect(run).toMatchObject({ status: "succeeded", tool: "order_lookup", version: 1, input: { orderId: "250" }, output: { amount: 250 } });
      expect(list(run.trace).map((s) => obj(s).nodeId)).toEqual(["input", "order", "out"]);
      expect(obj((await call(second.url, "GET", `/api/runs/${failedRun}`, { key: second.adminKey })).body)).toMatchObject({ status: "failed", error: { code: "INVALID_INPUT" } });
      const again = await call(second.url, "POST", "/tools/order_lookup/invoke", { key: second.invokeKey, body: { input: { orderId: "9" } } });
      expect(obj(again.body).output).toEqual({ amount: 9 });

      // Version numbers continue where they were.
      await call(second.url, "PUT", `/api/tools/${toolId}`, { key: second.adminKey, body: { graph: orderGraph("order_lookup", `${http.url}/`) } });
      const published = await call(second.url, "POST", `/api/tools/${toolId}/publish`, { key: second.adminKey });
      expect(obj(published.body).version).toBe(2);
    } finally {
      await second.close();
    }
  });

  it("servers sharing one database serve a newly published version at once", async () => {
    // Two servers, each with its own connection (pool) to the same database, as behind a load balancer.
    const a = await startTestServer(options());
    const second = await startTestServer(options());
    try {
      const { id } = await publishGraph(a, greetingGraph("shared_greet", "Hello"));
      expect(obj((await call(second.url, "POST", "/tools/shared_greet/invoke", { key: second.invokeKey, body: { input: { name: "Ann" } } })).body).output).toEqual({ greeting: "Hello, Ann!" });
      await call(a.url, "PUT", `/api/tools/${id}`, { key: a.adminKey, body: { graph: greetingGraph("shared_greet", "Welcome") } });
      expect((await call(a.url, "POST", `/api/tools/${id}/publish`, { key: a.adminKey })).status).toBe(201);
      expect(obj((await call(second.url, "POST", "/tools/shared_greet/invoke", { key: second.invokeKey, body: { input: { name: "Ann" } } })).body).output).toEqual({ greeting: "Welcome, Ann!" });
    } finally {
      await second.close();
      await a.close();
    }
  });
});
