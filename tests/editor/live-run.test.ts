/**
 * Live run statuses: which nodes show "running" while a streamed run is in flight (the
 * runtime's rule for joins and merges), and the SSE reader the editor streams runs with.
 */
import { describe, expect, it } from "vitest";
import type { SpanStatus, TraceSpan } from "../../editor/src/api/client";
import { serverEvents } from "../../editor/src/api/event-stream";
import { liveRunMarks, runMarks, type RunTopology } from "../../editor/src/graph/live-run";

const span = (nodeId: string, status: SpanStatus, tool?: string): TraceSpan => ({ nodeId, kind: "transform", status, startedAt: 0, durationMs: 5, attempts: 1, ...(tool === undefined ? {} : { tool }) });

/** input → a, input → b, a + b → join; big → yes | no → merge */
const topology: RunTopology = {
  nodeIds: ["input", "a", "b", "join", "big", "yes", "no", "merge"],
  edges: [
    { source: "input", target: "a" },
    { source: "input", target: "b" },
    { source: "a", target: "join" },
    { source: "b", target: "join" },
    { source: "input", target: "big" },
    { source: "big", target: "yes" },
    { source: "big", target: "no" },
    { source: "yes", target: "merge" },
    { source: "no", target: "merge" },
  ],
};

function statuses(spans: readonly TraceSpan[]): Record<string, string> {
  return Object.fromEntries([...liveRunMarks(topology, spans)].map(([id, mark]) => [id, mark.status]));
}

describe("live run statuses", () => {
  it("shows only the nodes without dependencies running when the run starts", () => {
    expect(statuses([])).toEqual({ input: "running" });
  });

  it("runs a node once every node it waits on has finished", () => {
    expect(statuses([span("input", "succeeded")])).toEqual({ input: "succeeded", a: "running", b: "running", big: "running" });
    // A join waits for both of its sources.
    expect(statuses([span("input", "succeeded"), span("a", "succeeded")])).toMatchObject({ a: "succeeded", b: "running" });
    expect(statuses([span("input", "succeeded"), span("a", "succeeded")]).join).toBeUndefined();
    expect(statuses([span("input", "succeeded"), span("a", "succeeded"), span("b", "succeeded")]).join).toBe("running");
  });

  it("runs a merge after every branch settled, and never a node whose sources were all skipped", () => {
    const branchDone = [span("input", "succeeded"), span("big", "succeeded"), span("yes", "skipped")];
    expect(statuses(branchDone)).toMatchObject({ yes: "skipped", no: "running" });
    expect(statuses(branchDone).merge).toBeUndefined();
    expect(statuses([...branchDone, span("no", "succeeded")]).merge).toBe("running");
    expect(statuses([span("input", "succeeded"), span("big", "succeeded"), span("yes", "skipped"), span("no", "skipped")]).merge).toBeUndefined();
  });

  it("does not run what follows a failed node", () => {
    expect(statuses([span("input", "succeeded"), span("a", "failed"), span("b", "succeeded")]).join).toBeUndefined();
  });

  it("keeps durations and ignores spans of called tools", () => {
    const marks = runMarks([span("input", "succeeded"), span("input", "failed", "callee@1")]);
    expect(marks.get("input")).toEqual({ status: "succeeded", durationMs: 5, attempts: 1 });
  });
});

function streamOf(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe("server events", () => {
  it("reads named events split across chunks, skipping comments", async () => {
    const events = [];
    for await (const e of serverEvents(streamOf(["event: start\ndata: {}\n\n: keep-alive\n\nevent: sp", 'an\ndata: {"nodeId":"a"}\n', "\nevent: result\r\ndata: {\"ok\":true}\r\n\r\n"]))) events.push(e);
    expect(events).toEqual([
      { event: "start", data: "{}" },
      { event: "span", data: '{"nodeId":"a"}' },
      { event: "result", data: '{"ok":true}' },
    ]);
  });
});
