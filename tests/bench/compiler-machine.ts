/**
 * The compiler benchmark's whole-machine figure, measured through the server's compile pool
 * (server/compile-pool.ts): one worker thread per core, each with a warm verifier, one
 * compile in flight per worker. Every compile is a distinct generated graph, so the
 * content-hash cache never hits; the cache-hit time (the same graph again, which the pool
 * sends to the worker that compiled it) is measured separately, and so is the latency of
 * compiles sent one at a time (an idle server answering one builder).
 */
import type { CompileResult } from "../../compiler/api";
import { createCompilePool } from "../../server/compile-pool";
import { generateGraph } from "./graph-gen";

export interface MachinePlan {
  readonly size: number;
  readonly perWorker: number;
  /** No new compile starts after this long. */
  readonly capMs: number;
  readonly readyTimeoutMs: number;
  readonly cacheHits: number;
}

export interface MachineThroughput {
  readonly workers: number;
  readonly warmMs: number;
  /** From start until every worker finished its background JIT warm-up. */
  readonly settledMs: number;
  readonly compiled: number;
  readonly wallMs: number;
  /** Submit → result, per compile. */
  readonly latencyMs: readonly number[];
  /** Submit → result with one compile in flight at a time, as a builder's compiles from the editor run. */
  readonly serialLatencyMs: readonly number[];
  /** The verify phase as the worker timed it. */
  readonly verifyMs: readonly number[];
  /** The process's CPU time (all threads) over the run, per compile. */
  readonly cpuPerCompileMs: number;
  readonly cacheHitMs: readonly number[];
  /** Repeats that were verified again instead of hitting the cache. */
  readonly cacheMisses: number;
  readonly failed: readonly CompileResult[];
}

export async function measureMachine(plan: MachinePlan): Promise<MachineThroughput> {
  const pool = createCompilePool();
  try {
    const warmStart = performance.now();
    await withTimeout(pool.warmed(), plan.readyTimeoutMs, "warming the compile workers");
    const warmMs = performance.now() - warmStart;
    // Measured in the steady state a server's workers reach on their own after start.
    await withTimeout(pool.settled(), plan.readyTimeoutMs, "the workers' JIT warm-up");
    const settledMs = performance.now() - warmStart;
    // One untimed compile per worker of a graph like the measured ones, so JIT is warm too.
    await Promise.all(Array.from({ length: pool.size }, (_, i) => pool.compile({ graph: generateGraph(plan.size, 1_000_000 + i).graph, signatures: [], verify: true })));

    const total = pool.size * plan.perWorker;
    const graphs = Array.from({ length: total }, (_, i) => generateGraph(plan.size, 2_000_000 + i).graph);
    const latencyMs: number[] = [];
    const verifyMs: number[] = [];
    const failed: CompileResult[] = [];
    let next = 0;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    // One lane per worker: each submits its next graph when its previous one is answered.
    const lane = async (): Promise<void> => {
      for (let graph = graphs[next++]; graph !== undefined && performance.now() - start < plan.capMs; graph = graphs[next++]) {
        const submitted = performance.now();
        const result = await pool.compile({ graph, signatures: [], verify: true });
        latencyMs.push(performance.now() - submitted);
        verifyMs.push(result.timings.verify ?? Number.NaN);
        if (!result.success) failed.push(result);
      }
    };
    await withTimeout(Promise.all(Array.from({ length: pool.size }, lane)), plan.capMs + 120_000, "the throughput run");
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);

    // One compile at a time (after the throughput run, so as warm as a server that has been compiling):
    // what a builder waits for when the server is not busy.
    const serialLatencyMs: number[] = [];
    for (let i = 0; i < plan.perWorker; i++) {
      const submitted = performance.now();
      const result = await pool.compile({ graph: generateGraph(plan.size, 3_000_000 + i).graph, signatures: [], verify: true });
      if (!result.success) throw new Error(`a serial compile through the pool failed: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
      serialLatencyMs.push(performance.now() - submitted);
    }

    const cacheHitMs: number[] = [];
    let cacheMisses = 0;
    const again = graphs[0];
    for (let i = 0; again !== undefined && i < plan.cacheHits; i++) {
      const submitted = performance.now();
      const result = await pool.compile({ graph: again, signatures: [], verify: true });
      if (result.timings.verify === 0) cacheHitMs.push(performance.now() - submitted);
      else cacheMisses++;
    }
    const cpuPerCompileMs = (cpu.user + cpu.system) / 1000 / latencyMs.length;
    return { workers: pool.size, warmMs, settledMs, compiled: latencyMs.length, wallMs, latencyMs, serialLatencyMs, verifyMs, cpuPerCompileMs, cacheHitMs, cacheMisses, failed };
  } finally {
    await pool.close();
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} took longer than ${String(timeoutMs)} ms`));
    }, timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
