/** The editor reads traces from the server's JSON: only what a run reports becomes a span. */
import { describe, expect, it } from "vitest";
import { decodeTrace } from "../../editor/src/api/client";

describe("decodeTrace", () => {
  it("keeps spans as the server reports them, a called tool's name included", () => {
    const spans = decodeTrace([
      { nodeId: "a", kind: "transform", status: "succeeded", startedAt: 10, durationMs: 1.5, attempts: 1, output: { x: 1 } },
      { nodeId: "b", kind: "http", status: "failed", startedAt: 11, durationMs: 3, attempts: 3, error: { code: "HTTP_STATUS", message: "503" } },
      { nodeId: "c", kind: "output", status: "skipped", startedAt: 12, durationMs: 0, attempts: 0, tool: "callee@2" },
    ]);
    expect(spans.map((s) => [s.nodeId, s.status, s.attempts, s.tool])).toEqual([
      ["a", "succeeded", 1, undefined],
      ["b", "failed", 3, undefined],
      ["c", "skipped", 0, "callee@2"],
    ]);
    expect(spans[1]?.error).toEqual({ code: "HTTP_STATUS", message: "503" });
  });

  it("leaves out values that are not spans rather than guessing a status", () => {
    const spans = decodeTrace([{ kind: "transform", status: "succeeded" }, { nodeId: "x", status: "finished" }, { nodeId: "y", status: "running" }, "nope", { nodeId: "z", status: "succeeded" }]);
    expect(spans.map((s) => s.nodeId)).toEqual(["z"]);
  });
});
