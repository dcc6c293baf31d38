/**
 * A throughput worker for compiler.bench.ts: warms its own verifier, says "ready", then on
 * "start" compiles `count` distinct generated graphs with verification and reports.
 * Runs as a child process (forked with the parent's tsx loader flags).
 */
import { compileGraph, verifier } from "../../compiler/compile";
import { generateGraph } from "./graph-gen";
import { isStartMessage, type StartMessage, type WorkerMessage } from "./protocol";

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function describeFailure(seed: number, diagnostics: readonly { code: string; message: string; nodeId?: string }[]): string {
  const first = diagnostics.filter((d) => d.code !== "UNUSED_OUTPUT").slice(0, 3);
  return `seed ${String(seed)}: ${first.map((d) => `${d.code}${d.nodeId === undefined ? "" : ` @${d.nodeId}`}: ${d.message.slice(0, 300)}`).join(" | ")}`;
}

function run(start: StartMessage): void {
  const timesMs: number[] = [];
  const cpuMs: number[] = [];
  const failures: string[] = [];
  const begin = performance.now();
  for (let i = 0; i < start.count; i++) {
    if (performance.now() - begin > start.maxMs) break;
    const seed = start.seedBase + i;
    const { graph } = generateGraph(start.size, seed);
    const cpuStart = process.cpuUsage();
    const t0 = performance.now();
    const result = compileGraph(graph, { verify: true });
    timesMs.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpuStart);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    if (!result.success) failures.push(describeFailure(seed, result.diagnostics));
  }
  send({ type: "done", compiled: timesMs.length, elapsedMs: performance.now() - begin, timesMs, cpuMs, failures });
}

if (process.send === undefined) {
  console.error("compiler.worker.ts is started by compiler.bench.ts (it needs an IPC channel)");
  process.exit(2);
}

const warmStart = performance.now();
verifier().warm();
// One untimed compile of a graph like the measured ones, so JIT and caches are warm too.
compileGraph(generateGraph(50, 999_999_000 + process.pid).graph, { verify: true });
send({ type: "ready", warmMs: performance.now() - warmStart });

process.on("message", (message: unknown) => {
  if (!isStartMessage(message)) return;
  run(message);
  process.disconnect();
});
