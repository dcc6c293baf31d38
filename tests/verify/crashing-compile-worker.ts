/**
 * The real compile worker, except that it dies (exit code 3) when asked to compile a graph
 * whose tool is named "crash_worker": the compile pool's tests crash a worker mid-compile.
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
  if (isCompileRequest(message) && toolName(message.graph) === "crash_worker") process.exit(3);
});
await import("../../server/compile-worker");
