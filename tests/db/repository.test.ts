/**
 * The repository API, the same test body against SQLite and a real PostgreSQL server.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { DatabaseError, openDatabase, SQLITE_FILE_NAME, type NewToolVersion } from "../../server/db/index";
import { databaseBackends, freshDatabaseEachTest, startDbWorker } from "../support/databases";

const graph = (name: string) => ({
  format: "toolwright.graph/v1",
  tool: { name, description: `the ${name} tool` },
  nodes: [{ id: "input", kind: "input", position: { x: 0, y: 0 }, config: { schema: { type: "object", properties: {} } } }],
  edges: [],
});

const version = (hash: string): NewToolVersion => ({
  graph: graph("t"),
  files: { "src/tool.ts": "export const x = 1;\n", "package.json": "{}" },
  contentHash: hash,
  compilerVersion: "0.1.0",
  verification: { tscPassed: true, eslintPassed: true, anyTypesFound: 0, problems: [] },
  signature: { input: { type: "object", properties: {} }, output: { type: "string" } },
});

async function expectDatabaseError(work: Promise<unknown>, code: DatabaseError["code"]): Promise<void> {
  const error: unknown = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DatabaseError);
  expect((error as DatabaseError).code).toBe(code);
}

describe.each(databaseBackends())("repository on $provider", (backend) => {
  const t = freshDatabaseEachTest(backend);

  it("reports its provider and is healthy", async () => {
    expect(t.db.provider).toBe(backend.provider);
    expect(await t.db.health()).toBe(true);
  });

  describe("tools", () => {
    it("creates, reads, lists, updates and deletes", async () => {
      const created = await t.db.tools.create({ name: "beta", description: "B", draftGraph: graph("beta") });
      expect(created).toMatchObject({ name: "beta", description: "B", latestVersion: 0, draftGraph: graph("beta") });
      expect(created.createdAt).toBeInstanceOf(Date);
      await t.db.tools.create({ name: "alpha", draftGraph: graph("alpha") });

      expect(await t.db.tools.get(created.id)).toEqual(created);
      expect(await t.db.tools.getByName("beta")).toEqual(created);
      expect(await t.db.tools.get("no-such-id")).toBeNull();
      expect(await t.db.tools.getByName("nope")).toBeNull();

      const list = await t.db.tools.list();
      expect(list.map((tool) => tool.name)).toEqual(["alpha", "beta"]);
      expect(list[0]).not.toHaveProperty("draftGraph");

      const updated = await t.db.tools.update(created.id, { draftGraph: { ...graph("beta"), nodes: [] }, description: "B2" });
      expect(updated.description).toBe("B2");
      expect(updated.draftGraph).toEqual({ ...graph("beta"), nodes: [] });
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
      expect((await t.db.tools.update(created.id, { name: "gamma" })).name).toBe("gamma");

      expect(await t.db.tools.delete(created.id)).toBe(true);
      expect(await t.db.tools.delete(created.id)).toBe(false);
      expect(await t.db.tools.get(created.id)).toBeNull();
      await expectDatabaseError(t.db.tools.update(created.id, { description: "x" }), "not_found");
    });

    it("refuses a taken name on create and on rename with name_taken", async () => {
      const a = await t.db.tools.create({ name: "same", draftGraph: {} });
      await expectDatabaseError(t.db.tools.create({ name: "same", draftGraph: {} }), "name_taken");
      const b = await t.db.tools.create({ name: "other", draftGraph: {} });
      await expectDatabaseError(t.db.tools.update(b.id, { name: "same" }), "name_taken");
      expect((await t.db.tools.get(a.id))?.name).toBe("same");
      expect((await t.db.tools.get(b.id))?.name).toBe("other");
    });

    it("refuses values that are not JSON", async () => {
      await expectDatabaseError(t.db.tools.create({ name: "x", draftGraph: undefined }), "invalid_json");
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expectDatabaseError(t.db.tools.create({ name: "x", draftGraph: cyclic }), "invalid_json");
      expect(await t.db.tools.list()).toEqual([]);
    });

    it("deleting a tool deletes its versions and runs", async () => {
      const tool = await t.db.tools.create({ name: "t", draftGraph: {} });
      const v1 = await t.db.versions.create(tool.id, version("h1"));
      const run = await t.db.runs.create({ toolId: tool.id, toolVersionId: v1.id, status: "succeeded", input: {}, output: {}, trace: [], startedAt: new Date(), durationMs: 1 });
      expect(await t.db.tools.delete(tool.id)).toBe(true);
      expect(await t.db.versions.getById(v1.id)).toBeNull();
      expect(await t.db.runs.get(run.id)).toBeNull();
    });
  });

  describe("versions", () => {
    it("numbers versions 1, 2, … and reads them back whole", async () => {
      const tool = await t.db.tools.create({ name: "t", draftGraph: graph("t") });
      expect(await t.db.versions.latest(tool.id)).toBeNull();
      const v1 = await t.db.versions.create(tool.id, version("h1"));
      const v2 = await t.db.versions.create(tool.id, version("h2"));
      expect([v1.number, v2.number]).toEqual([1, 2]);
      expect(v2).toMatchObject({
        toolId: tool.id,
        contentHash: "h2",
        compilerVersion: "0.1.0",
        graph: graph("t"),
        files: version("h2").files,
        verification: { tscPassed: true, eslintPassed: true, anyTypesFound: 0, problems: [] },
        signature: { input: { type: "object", properties: {} }, output: { type: "string" } },
      });
      expect(await t.db.versions.get(tool.id, 1)).toEqual(v1);
      expect(await t.db.versions.get(tool.id, 3)).toBeNull();
      expect(await t.db.versions.getById(v2.id)).toEqual(v2);
      expect((await t.db.versions.latest(tool.id))?.number).toBe(2);
      expect((await t.db.tools.get(tool.id))?.latestVersion).toBe(2);

      const list = await t.db.versions.list(tool.id);
      expect(list.map((v) => v.number)).toEqual([2, 1]);
      expect(list[0]).not.toHaveProperty("files");
    });

    it("gives concurrent publishes distinct consecutive numbers", async () => {
      const tool = await t.db.tools.create({ name: "busy", draftGraph: {} });
      const other = await t.db.tools.create({ name: "other", draftGraph: {} });
      const created = await Promise.all(Array.from({ length: 12 }, (_, i) => t.db.versions.create(tool.id, version(`h${String(i)}`))));
      const otherVersions = await Promise.all([t.db.versions.create(other.id, version("o1")), t.db.versions.create(other.id, version("o2"))]);
      expect(created.map((v) => v.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(otherVersions.map((v) => v.number).sort()).toEqual([1, 2]);
      expect((await t.db.tools.get(tool.id))?.latestVersion).toBe(12);
      expect((await t.db.versions.latest(tool.id))?.number).toBe(12);
    });

    // Several server processes share one PostgreSQL; with SQLite another process (the `keys`
    // CLI, a second server by mistake) may write the same file. Either way numbers stay distinct.
    it("gives distinct consecutive numbers to publishes from two processes", async () => {
      const tool = await t.db.tools.create({ name: "shared", draftGraph: {} });
      const worker = await startDbWorker(["publish", JSON.stringify(t.options), tool.id, "8"]);
      const [theirs, mine] = await Promise.all([
        worker.go(),
        Promise.all(Array.from({ length: 8 }, (_, i) => t.db.versions.create(tool.id, version(`main-${String(i)}`)))),
      ]);
      const numbers = [...mine.map((v) => v.number), ...(theirs as number[])].sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect((await t.db.tools.get(tool.id))?.latestVersion).toBe(16);
    });

    // The invoke path's lookup (on SQLite remembered until another connection commits): a
    // publish, rename or delete by this process's Prisma connection or by another process is seen
    // by the very next lookup, so no caller is ever served a stale version.
    it("sees every change to a tool in the next summary lookup, from this process or another", async () => {
      expect(await t.db.tools.getSummaryByName("lookup")).toBeNull();
      const tool = await t.db.tools.create({ name: "lookup", draftGraph: {} });
      expect((await t.db.tools.getSummaryByName("lookup"))?.latestVersion).toBe(0);
      await t.db.versions.create(tool.id, version("l1"));
      expect((await t.db.tools.getSummaryByName("lookup"))?.latestVersion).toBe(1);

      const other = await openDatabase(t.options);
      try {
        await other.versions.create(tool.id, version("l2"));
        expect((await t.db.tools.getSummaryByName("lookup"))?.latestVersion).toBe(2);
        await other.tools.update(tool.id, { name: "renamed" });
        expect(await t.db.tools.getSummaryByName("lookup")).toBeNull();
        expect((await t.db.tools.getSummaryByName("renamed"))?.id).toBe(tool.id);
      } finally {
        await other.close();
      }
      // The lookup's own connection writes runs; they change no tool and must not hide changes.
      await t.db.runs.create({ toolId: tool.id, status: "succeeded", input: {}, trace: [], startedAt: new Date(), durationMs: 1 });
      await t.db.tools.delete(tool.id);
      expect(await t.db.tools.getSummaryByName("renamed")).toBeNull();
    });

    it("refuses a version of a missing tool", async () => {
      await expectDatabaseError(t.db.versions.create("missing", version("h")), "not_found");
    });

    it("lists published tools with their latest version", async () => {
      const a = await t.db.tools.create({ name: "a", draftGraph: {} });
      await t.db.tools.create({ name: "draft-only", draftGraph: {} });
      const b = await t.db.tools.create({ name: "b", draftGraph: {} });
      await t.db.versions.create(b.id, version("b1"));
      await t.db.versions.create(a.id, version("a1"));
      await t.db.versions.create(a.id, version("a2"));
      const published = await t.db.versions.listPublished();
      expect(published.map((p) => [p.tool.name, p.version.number, p.version.contentHash])).toEqual([
        ["a", 2, "a2"],
        ["b", 1, "b1"],
      ]);
    });
  });

  describe("runs", () => {
    it("records runs and lists them by tool, status, time and limit", async () => {
      const t1 = await t.db.tools.create({ name: "t1", draftGraph: {} });
      const t2 = await t.db.tools.create({ name: "t2", draftGraph: {} });
      const v1 = await t.db.versions.create(t1.id, version("h"));
      const key = await t.db.apiKeys.create({ name: "k", scope: "invoke", keyHash: "f".repeat(64), prefix: "tw_abcdefgh" });
      const base = Date.parse("2026-01-01T00:00:00.000Z");
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const failed = i % 3 === 2;
        const { id } = await t.db.runs.create({
          toolId: i < 4 ? t1.id : t2.id,
          toolVersionId: i < 4 ? v1.id : null,
          status: failed ? "failed" : "succeeded",
          input: { i },
          output: failed ? undefined : { doubled: i * 2 },
          error: failed ? { code: "upstream_failed", message: "503 from fixture", nodeId: "order" } : null,
          trace: [{ nodeId: "input", kind: "input", status: "succeeded", startedAt: base + i * 1000, durationMs: 0, attempts: 1 }],
          startedAt: new Date(base + i * 1000),
          durationMs: 12.6,
          callerKeyId: i === 0 ? key.id : null,
          requestId: `req-${String(i)}`,
        });
        ids.push(id);
      }

      const all = await t.db.runs.list();
      expect(all.map((r) => r.id)).toEqual([...ids].reverse());
      expect(all[0]).not.toHaveProperty("trace");

      const byTool = await t.db.runs.list({ toolId: t1.id });
      expect(byTool.map((r) => r.requestId)).toEqual(["req-3", "req-2", "req-1", "req-0"]);
      expect(byTool.every((r) => r.toolName === "t1" && r.versionNumber === 1)).toBe(true);

      const failed = await t.db.runs.list({ status: "failed" });
      expect(failed.map((r) => r.requestId)).toEqual(["req-5", "req-2"]);
      expect(failed[1]?.error).toEqual({ code: "upstream_failed", message: "503 from fixture", nodeId: "order" });

      expect((await t.db.runs.list({ toolId: t1.id, status: "failed" })).map((r) => r.requestId)).toEqual(["req-2"]);
      expect((await t.db.runs.list({ toolId: t2.id, status: "succeeded" })).map((r) => r.requestId)).toEqual(["req-4"]);
      expect((await t.db.runs.list({ limit: 2 })).map((r) => r.requestId)).toEqual(["req-5", "req-4"]);
      expect((await t.db.runs.list({ before: new Date(base + 2000), limit: 10 })).map((r) => r.requestId)).toEqual(["req-1", "req-0"]);
      expect((await t.db.runs.list({ toolVersionId: v1.id })).length).toBe(4);

      const first = await t.db.runs.get(ids[0] ?? "");
      expect(first).toMatchObject({
        toolName: "t1",
        versionNumber: 1,
        status: "succeeded",
        input: { i: 0 },
        output: { doubled: 0 },
        error: null,
        durationMs: 13,
        callerKeyId: key.id,
        requestId: "req-0",
        trace: [{ nodeId: "input", kind: "input", status: "succeeded", startedAt: base, durationMs: 0, attempts: 1 }],
      });
      expect(first?.startedAt.toISOString()).toBe("2026-01-01T00:00:00.000Z");

      const draftRun = await t.db.runs.get(ids[4] ?? "");
      expect(draftRun).toMatchObject({ toolVersionId: null, versionNumber: null, toolName: "t2" });
      const failedRun = await t.db.runs.get(ids[5] ?? "");
      expect(failedRun).toMatchObject({ status: "failed", output: null, error: { code: "upstream_failed", nodeId: "order" } });
      expect(await t.db.runs.get("missing")).toBeNull();
    });

    it("accepts a caller-chosen id and writes many runs at once", async () => {
      const tool = await t.db.tools.create({ name: "t", draftGraph: {} });
      const id = randomUUID();
      const run = { toolId: tool.id, status: "succeeded" as const, input: { a: 1 }, trace: [], startedAt: new Date(), durationMs: 3 };
      expect(await t.db.runs.create({ ...run, id })).toEqual({ id });
      await expectDatabaseError(t.db.runs.create({ ...run, id }), "invalid_value");
      const many = Array.from({ length: 25 }, (_, i) => ({ ...run, id: randomUUID(), startedAt: new Date(Date.now() + 1000 + i) }));
      expect(await t.db.runs.createMany(many)).toBe(25);
      expect(await t.db.runs.createMany([])).toBe(0);
      const listed = await t.db.runs.list({ toolId: tool.id, limit: 100 });
      expect(listed.length).toBe(26);
      expect(listed[0]?.id).toBe(many[24]?.id);
      expect((await t.db.runs.get(id))?.input).toEqual({ a: 1 });
      // Written through the driver, read through Prisma: the same instant (UTC, milliseconds).
      expect((await t.db.runs.get(id))?.startedAt.toISOString()).toBe(run.startedAt.toISOString());
      expect((await t.db.runs.get(many[3]?.id ?? ""))?.startedAt.toISOString()).toBe(many[3]?.startedAt.toISOString());
    });

    it("refuses a run of a missing tool, a bad status or a bad limit", async () => {
      const run = { toolId: "missing", status: "succeeded" as const, input: {}, trace: [], startedAt: new Date(), durationMs: 1 };
      await expectDatabaseError(t.db.runs.create(run), "not_found");
      const tool = await t.db.tools.create({ name: "t", draftGraph: {} });
      await expectDatabaseError(t.db.runs.create({ ...run, toolId: tool.id, status: "weird" as "failed" }), "invalid_value");
      await expectDatabaseError(t.db.runs.create({ ...run, toolId: tool.id, durationMs: Number.NaN }), "invalid_value");
      await expectDatabaseError(t.db.runs.list({ limit: 0 }), "invalid_value");
      await expectDatabaseError(t.db.runs.list({ limit: 5000 }), "invalid_value");
    });

    it("keeps the caller key id on a run after the key is revoked", async () => {
      const tool = await t.db.tools.create({ name: "t", draftGraph: {} });
      const key = await t.db.apiKeys.create({ name: "k", scope: "invoke", keyHash: "a".repeat(64), prefix: "tw_x" });
      const { id } = await t.db.runs.create({ toolId: tool.id, status: "succeeded", input: {}, trace: [], startedAt: new Date(), durationMs: 0, callerKeyId: key.id });
      await t.db.apiKeys.revoke(key.id);
      expect((await t.db.runs.get(id))?.callerKeyId).toBe(key.id);
    });
  });

  describe("api key rows", () => {
    it("creates, finds by hash, revokes once, touches and counts", async () => {
      const admin = await t.db.apiKeys.create({ name: "root", scope: "admin", keyHash: "1".repeat(64), prefix: "tw_11111111" });
      const invoke = await t.db.apiKeys.create({ name: "agent", scope: "invoke", keyHash: "2".repeat(64), prefix: "tw_22222222" });
      expect(admin).toMatchObject({ name: "root", scope: "admin", prefix: "tw_11111111", lastUsedAt: null, revokedAt: null });
      expect(admin).not.toHaveProperty("keyHash");
      expect(await t.db.apiKeys.findByHash("2".repeat(64))).toEqual(invoke);
      expect(await t.db.apiKeys.findByHash("3".repeat(64))).toBeNull();
      expect((await t.db.apiKeys.list()).map((k) => k.name)).toEqual(["root", "agent"]);
      expect(await t.db.apiKeys.countActive()).toBe(2);
      expect(await t.db.apiKeys.countActive("admin")).toBe(1);

      const at = new Date("2026-02-03T04:05:06.789Z");
      await t.db.apiKeys.touch(invoke.id, at);
      expect((await t.db.apiKeys.get(invoke.id))?.lastUsedAt?.toISOString()).toBe(at.toISOString());

      const revoked = await t.db.apiKeys.revoke(invoke.id);
      expect(revoked?.revokedAt).toBeInstanceOf(Date);
      const again = await t.db.apiKeys.revoke(invoke.id);
      expect(again?.revokedAt?.getTime()).toBe(revoked?.revokedAt?.getTime());
      expect(await t.db.apiKeys.revoke("missing")).toBeNull();
      expect(await t.db.apiKeys.countActive("invoke")).toBe(0);
      expect(await t.db.apiKeys.countActive()).toBe(1);
    });

    it("refuses an unknown scope", async () => {
      await expectDatabaseError(t.db.apiKeys.create({ name: "k", scope: "root" as "admin", keyHash: "9".repeat(64), prefix: "tw_" }), "invalid_value");
    });
  });

  describe("secret rows", () => {
    it("puts (upserts), gets, lists names and deletes", async () => {
      await t.db.secrets.put("B_TOKEN", "envelope-1");
      await t.db.secrets.put("A_TOKEN", "envelope-2");
      await t.db.secrets.put("B_TOKEN", "envelope-3");
      expect((await t.db.secrets.get("B_TOKEN"))?.value).toBe("envelope-3");
      expect(await t.db.secrets.get("C")).toBeNull();
      const list = await t.db.secrets.list();
      expect(list.map((s) => s.name)).toEqual(["A_TOKEN", "B_TOKEN"]);
      expect(list[0]).not.toHaveProperty("value");
      expect(await t.db.secrets.delete("A_TOKEN")).toBe(true);
      expect(await t.db.secrets.delete("A_TOKEN")).toBe(false);
    });
  });

  it("keeps everything across a restart", async () => {
    const tool = await t.db.tools.create({ name: "kept", draftGraph: graph("kept") });
    await t.db.versions.create(tool.id, version("h"));
    await t.db.close();
    t.db = await openDatabase(t.options);
    expect(t.db.migrations.applied).toEqual([]);
    expect((await t.db.tools.getByName("kept"))?.draftGraph).toEqual(graph("kept"));
    expect((await t.db.versions.latest(tool.id))?.contentHash).toBe("h");
  });

  it("is unhealthy once closed, and close is idempotent", async () => {
    await t.db.close();
    expect(await t.db.health()).toBe(false);
    await t.db.close();
  });
});

describe("run records on SQLite while another connection writes", () => {
  it("wait for the other connection's write lock instead of failing, without blocking the event loop", async () => {
    const backend = databaseBackends()[0];
    if (backend?.provider !== "sqlite") throw new Error("the first backend is SQLite");
    const options = await backend.fresh();
    const db = await openDatabase(options);
    const other = await new PrismaBetterSQLite3({ url: `file:${join(options.dataDir, SQLITE_FILE_NAME)}` }).connect();
    try {
      const tool = await db.tools.create({ name: "t", draftGraph: {} });
      await other.executeScript("BEGIN IMMEDIATE");
      const written = db.runs.create({ toolId: tool.id, status: "succeeded", input: {}, trace: [], startedAt: new Date(), durationMs: 1 });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      await new Promise((resolve) => setTimeout(resolve, 200));
      clearInterval(timer);
      await other.executeScript("COMMIT");
      const { id } = await written;
      expect(ticks).toBeGreaterThan(5);
      expect((await db.runs.get(id))?.status).toBe("succeeded");
    } finally {
      await other.dispose();
      await db.close();
      await backend.stop();
    }
  });
});
