/**
 * The streamed draft run (POST /api/tools/:id/test-run with Accept: text/event-stream) over
 * real HTTP: spans arrive while the run is still waiting on an upstream call, the last event
 * is the result, secrets are redacted in streamed spans, refusals stay JSON, and closing the
 * stream cancels the run.
 */
import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpFixture, type RunningServer } from "../support/fixture-servers";
import { brokenGraph, orderGraph, secretEchoGraph } from "./graphs";
import { call, errorOf, list, obj, startTestServer, waitFor, type TestServer } from "./support";

/** An upstream whose /orders/:id answers only when the test releases it, so "before the run ends" is not a race. */
interface GateFixture extends RunningServer {
  /** Resolves when a request is being held. */
  readonly held: () => Promise<void>;
  readonly release: () => void;
  /** Resolves when the held request's connection was closed by the caller. */
  readonly abandoned: Promise<void>;
}

async function startGate(): Promise<GateFixture> {
  let pending: { res: ServerResponse; id: string } | undefined;
  let onHeld: (() => void) | undefined;
  let onAbandoned: () => void = () => undefined;
  const abandoned = new Promise<void>((resolve) => (onAbandoned = resolve));
  const server = createServer((req, res) => {
    pending = { res, id: /\/orders\/(\d+)$/.exec(req.url ?? "")?.[1] ?? "0" };
    res.on("close", () => {
      if (!res.writableFinished) onAbandoned();
    });
    onHeld?.();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    held: () => (pending !== undefined ? Promise.resolve() : new Promise<void>((resolve) => (onHeld = resolve))),
    release: () => {
      pending?.res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ amount: Number(pending.id) }));
    },
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => { resolve(); });
      }),
  };
}

interface StreamEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** Reads SSE events from a response body, one at a time. */
function eventReader(body: ReadableStream<Uint8Array>): () => Promise<StreamEvent | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return async () => {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split("\n").filter((line) => !line.startsWith(":"));
        if (lines.length === 0) continue;
        const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? "message";
        const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
        return { event, data: obj(JSON.parse(data)) };
      }
      const chunk = await reader.read();
      if (chunk.done) return undefined;
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
}

let t: TestServer;
let http: RunningServer;
let dataDir: string;

beforeAll(async () => {
  http = await startHttpFixture();
  dataDir = mkdtempSync(join(tmpdir(), "toolwright-stream-test-"));
  t = await startTestServer({ dataDir, env: {} }, { allowHosts: ["127.0.0.1"] });
});

afterAll(async () => {
  await t.close();
  await http.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const admin = (method: string, path: string, body?: unknown) => call(t.url, method, path, { key: t.adminKey, body });

async function createTool(graph: unknown): Promise<string> {
  const created = await admin("POST", "/api/tools", { graph });
  expect(created.status).toBe(201);
  return String(obj(created.body).id);
}

function openStream(id: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${t.url}/api/tools/${id}/test-run`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.adminKey}`, "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

describe("streamed test runs", () => {
  it("sends each span as its node finishes, before the run ends, then the result", async () => {
    const gate = await startGate();
    try {
      const id = await createTool(orderGraph("stream_order", gate.url));
      const response = await openStream(id, { input: { orderId: "9" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const next = eventReader(response.body ?? new ReadableStream());

      expect((await next())?.event).toBe("start");
      const first = await next();
      expect(first).toMatchObject({ event: "span", data: { nodeId: "input", status: "succeeded" } });
      // The http node is still waiting on the gate: the input's span came while the run was in flight.
      await gate.held();
      gate.release();

      const rest: StreamEvent[] = [];
      for (let e = await next(); e !== undefined; e = await next()) rest.push(e);
      expect(rest.map((e) => [e.event, e.data.nodeId ?? null])).toEqual([
        ["span", "order"],
        ["span", "out"],
        ["result", null],
      ]);
      const result = rest.at(-1)?.data ?? {};
      expect(result).toMatchObject({ ok: true, output: { amount: 9 } });
      expect(list(result.trace)).toHaveLength(3);
      const run = obj((await admin("GET", `/api/runs/${String(result.runId)}`)).body);
      expect(run).toMatchObject({ tool: "stream_order", status: "succeeded" });
    } finally {
      await gate.close();
    }
  });

  it("ends a failed run with a result that carries the error", async () => {
    const id = await createTool(orderGraph("stream_failing", `${http.url}/status/500#`));
    const next = eventReader((await openStream(id, { input: { orderId: "1" } })).body ?? new ReadableStream());
    const events: StreamEvent[] = [];
    for (let e = await next(); e !== undefined; e = await next()) events.push(e);
    expect(events.find((e) => e.event === "span" && e.data.nodeId === "order")?.data).toMatchObject({ status: "failed" });
    expect(events.at(-1)).toMatchObject({ event: "result", data: { ok: false, error: { code: "HTTP_STATUS", nodeId: "order" } } });
  });

  it("redacts secrets in streamed spans", async () => {
    const secret = `s3cr3t-${randomBytes(12).toString("hex")}`;
    expect((await admin("PUT", "/api/secrets/STREAM_TOKEN", { value: secret })).status).toBe(204);
    const id = await createTool(secretEchoGraph("stream_secret", http.url, "STREAM_TOKEN"));
    const response = await openStream(id, { input: { note: "hi" } });
    const text = await response.text();
    expect(text).toContain("event: result");
    expect(text).toContain('"nodeId":"echo"');
    expect(text).not.toContain(secret);
  });

  it("answers refusals before the run as JSON errors", async () => {
    const id = await createTool(orderGraph("stream_refused", http.url));
    const broken = await openStream(id, { input: {}, graph: brokenGraph("stream_refused") });
    expect(broken.status).toBe(422);
    expect(obj(obj(await broken.json()).error).code).toBe("COMPILE_FAILED");
    const invalid = await openStream(id, { graph: {} });
    expect(invalid.status).toBe(400);
    const missing = await call(t.url, "POST", "/api/tools/nope/test-run", { key: t.adminKey, body: { input: {} }, headers: { accept: "text/event-stream" } });
    expect(errorOf(missing).code).toBe("NOT_FOUND");
  });

  it("cancels the run when the client closes the stream", async () => {
    const gate = await startGate();
    try {
      const id = await createTool(orderGraph("stream_cancel", gate.url));
      const controller = new AbortController();
      const next = eventReader((await openStream(id, { input: { orderId: "3" } }, controller.signal)).body ?? new ReadableStream());
      expect((await next())?.event).toBe("start");
      await gate.held();
      controller.abort();
      // The runtime aborts the upstream call, and the run is recorded as cancelled.
      await gate.abandoned;
      const cancelled = await waitFor(async () => {
        const runs = list(obj((await admin("GET", "/api/runs?tool=stream_cancel&status=failed")).body).runs).map(obj);
        return runs.find((r) => obj(r.error).code === "CANCELLED");
      });
      expect(cancelled).toMatchObject({ status: "failed" });
    } finally {
      await gate.close();
    }
  });
});
