/**
 * A compile pool's worker thread: warms its own verifier, says "ready", then compiles what
 * the pool sends, one request at a time (compiling is synchronous), off the server's event
 * loop. Started by compile-pool.ts; the compiler's content-hash cache lives here, per worker.
 */
import { parentPort } from "node:worker_threads";
import { compileGraph, verifier } from "../compiler/compile";
import { loadRecords } from "../compiler/records/load-records";
import { warmUpCorpus } from "../compiler/warm-up-corpus";
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

/**
 * The JIT warm-up: one corpus graph per turn of the event loop, so a request that arrives
 * meanwhile waits for one small compile at most. TOOLWRIGHT_COMPILE_WARMUP=0 skips it (the
 * test suite does: it starts a pool per test file, and the warm-up is seconds of CPU).
 */
function warmUpInBackground(): void {
  if (process.env.TOOLWRIGHT_COMPILE_WARMUP === "0") {
    reply({ type: "settled" });
    return;
  }
  const graphs = warmUpCorpus(loadRecords());
  const next = (): void => {
    const graph = graphs.shift();
    if (graph === undefined) {
      reply({ type: "settled" });
      return;
    }
    compileGraph(graph, { verify: true });
    setImmediate(next);
  };
  setImmediate(next);
}

verifier().warm();
port.on("message", (message: unknown) => {
  if (isCompileRequest(message)) reply(compile(message));
});
reply({ type: "ready" });
warmUpInBackground();
