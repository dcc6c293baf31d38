/**
 * The real compile worker, except that it dies (exit code 3) when asked to compile a graph
 * whose tool is named "crash_worker", and never finishes one whose tool is named
 * "hang_worker": the compile pool's tests crash a worker mid-compile and stop an overdue one.
 */
import { parentPort } from "node:worker_threads";
import { isCompileRequest } from "../../server/compile-protocol";

function toolName(graph: unknown): unknown {
  if (typeof graph !== "object" || graph === null || !("tool" in graph)) return undefined;
  const tool: unknown = graph.tool;
  return typeof tool === "object" && tool !== null && "name" in tool ? tool.name : undefined;
}

// Registered before the real worker's listener, so it runs first.
parentPort?.on("message", (message: unknown) => {
  if (!isCompileRequest(message)) return;
  if (toolName(message.graph) === "crash_worker") process.exit(3);
  // A synchronous loop, like a compile that never ends: only stopping the thread ends it.
  if (toolName(message.graph) === "hang_worker") for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
});
await import("../../server/compile-worker");
