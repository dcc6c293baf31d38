/**
 * A compile pool's worker thread: warms its own verifier, says "ready", then compiles what
 * the pool sends, one request at a time (compiling is synchronous), off the server's event
 * loop. Started by compile-pool.ts; the compiler's content-hash cache lives here, per worker.
 */
import { parentPort } from "node:worker_threads";
import { compileGraph, verifier } from "../compiler/compile";
import { isCompileRequest, snapshotResolver, type CompileRequest, type WorkerReply } from "./compile-protocol";

if (parentPort === null) throw new Error("compile-worker.ts runs as a worker thread of the compile pool");
const port = parentPort;

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

function compile(request: CompileRequest): WorkerReply {
  try {
    const result = compileGraph(request.graph, { resolveTool: snapshotResolver(request.signatures), verify: request.verify });
    return { type: "compiled", id: request.id, result };
  } catch (error) {
    // A throw is a compiler bug; the worker stays usable for the next request.
    return { type: "failed", id: request.id, message: error instanceof Error ? error.message : String(error) };
  }
}

verifier().warm();
port.on("message", (message: unknown) => {
  if (isCompileRequest(message)) reply(compile(message));
});
reply({ type: "ready" });
