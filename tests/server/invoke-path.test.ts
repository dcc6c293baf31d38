/**
 * What the invoke path's shortcuts must not change: a newly published version, a deleted tool
 * and a revoked key take effect on the very next request although versions and keys are cached;
 * runs are written in groups, each before its caller is answered, and shutdown writes what is
 * pending. On both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database, type NewRun } from "../../server/db/index";
import { createRunRecorder } from "../../server/run-recorder";
import { databaseBackends, sharedFreshDatabase } from "../support/databases";
import { delayGraph, greetingGraph } from "./graphs";
import { call, errorOf, obj, publishGraph, startTestServer, type TestServer } from "./support";

describe.each(databaseBackends())("the invoke path on $provider", (backend) => {
  const options = sharedFreshDatabase(backend);
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(options());
  });

  afterAll(async () => {
    await t.close();
  });

  const invoke = (ref: string, key = t.invokeKey) => call(t.url, "POST", `/tools/${ref}/invoke`, { key, body: { input: { name: "Ann" } } });
  const greetingOf = async (ref: string): Promise<unknown> => obj((await invoke(ref)).body).output;

  it("serves a newly published version on the next call, and forgets a deleted tool", async () => {
    const { id } = await publishGraph(t, greetingGraph("cached_greet", "Hello"));
    expect(await greetingOf("cached_greet")).toEqual({ greeting: "Hello, Ann!" });
    expect(await greetingOf("cached_greet@1")).toEqual({ greeting: "Hello, Ann!" });

    await call(t.url, "PUT", `/api/tools/${id}`, { key: t.adminKey, body: { graph: greetingGraph("cached_greet", "Welcome") } });
    expect((await call(t.url, "POST", `/api/tools/${id}/publish`, { key: t.adminKey })).status).toBe(201);
    expect(await greetingOf("cached_greet")).toEqual({ greeting: "Welcome, Ann!" });
    expect(await greetingOf("cached_greet@1")).toEqual({ greeting: "Hello, Ann!" });

    expect((await call(t.url, "DELETE", `/api/tools/${id}`, { key: t.adminKey })).status).toBe(204);
    for (const ref of ["cached_greet", "cached_greet@1", "cached_greet@2"]) {
      const gone = await invoke(ref);
      expect(gone.status, ref).toBe(404);
      expect(errorOf(gone).code).toBe("NOT_FOUND");
    }
  });

  it("refuses a key on the request after it is revoked, though it was just verified", async () => {
    await publishGraph(t, greetingGraph("key_greet"));
    const created = obj((await call(t.url, "POST", "/api/keys", { key: t.adminKey, body: { name: "short-lived", scope: "invoke" } })).body);
    const key = String(created.key);
    expect((await invoke("key_greet", key)).status).toBe(200);
    expect((await call(t.url, "DELETE", `/api/keys/${String(created.id)}`, { key: t.adminKey })).status).toBe(200);
    const refused = await invoke("key_greet", key);
    expect(refused.status).toBe(401);
    expect(errorOf(refused).code).toBe("UNAUTHORIZED");
  });

  it("records every one of many concurrent invocations, each before it is answered", async () => {
    const { id } = await publishGraph(t, greetingGraph("burst_greet"));
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => call(t.url, "POST", "/tools/burst_greet/invoke", { key: t.invokeKey, body: { input: { name: `n${String(i)}` } } })));
    // Read through a second connection while the server runs: answered means stored.
    const reader = await openDatabase(options());
    try {
      for (const reply of replies) {
        expect(reply.status).toBe(200);
        const run = await reader.runs.get(String(obj(reply.body).runId));
        expect(run?.status).toBe("succeeded");
        expect(run?.output).toEqual(obj(reply.body).output);
      }
      expect(await reader.runs.list({ toolId: id, limit: 1000 })).toHaveLength(40);
    } finally {
      await reader.close();
    }
  });

  it("groups runs that finish in one turn of the event loop, or while a write is in flight, into one statement; flush waits for them", async () => {
    const db = t.db;
    const tool = await db.tools.create({ name: "grouped", draftGraph: {} });
    const statements: number[] = [];
    let release: () => void = () => undefined;
    const firstWriteHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    const spied: Database = {
      ...db,
      runs: {
        ...db.runs,
        async createMany(runs) {
          statements.push(runs.length);
          if (statements.length === 1) await firstWriteHeld;
          return db.runs.createMany(runs);
        },
      },
    };
    const recorder = createRunRecorder(spied, () => undefined);
    const run = (i: number): NewRun => ({ id: `grouped-${backend.provider}-${String(i)}`, toolId: tool.id, status: "succeeded", input: { i }, output: { i }, trace: [], startedAt: new Date(), durationMs: 1 });

    const settled: number[] = [];
    const record = (i: number) => recorder.record(run(i)).then(() => settled.push(i));
    // Ten in one turn of the event loop: one statement, held until released.
    const first = Array.from({ length: 10 }, (_, i) => record(i));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statements).toEqual([10]);
    // Twenty more while it is in flight: queued for the next statement.
    const rest = Array.from({ length: 20 }, (_, i) => record(10 + i));
    const flushed = recorder.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toEqual([]);
    release();
    await flushed;
    expect(statements).toEqual([10, 20]);
    expect(settled).toHaveLength(30);
    await Promise.all([...first, ...rest]);
    expect(await db.runs.list({ toolId: tool.id, limit: 1000 })).toHaveLength(30);
  });

  it("on shutdown, records the runs whose callers it had to cut off before it returns", async () => {
    const server = await startTestServer(options());
    const { id } = await publishGraph(server, delayGraph("shutdown_wait", 5_000));
    const replies = Array.from({ length: 12 }, () => call(server.url, "POST", "/tools/shutdown_wait/invoke", { key: server.invokeKey, body: { input: {} } }).catch((error: unknown) => error));
    // Time for every request to start its run; the runs (5 s each) are still going when
    // their connections are cut after a grace of 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await server.server.close(100);
    await server.db.close();
    await Promise.all(replies);
    const reader = await openDatabase(options());
    try {
      const stored = await reader.runs.list({ toolId: id, limit: 1000 });
      expect(stored).toHaveLength(12);
      expect(stored.every((run) => run.status === "failed" && run.error?.code === "CANCELLED")).toBe(true);
    } finally {
      await reader.close();
    }
  });
});
