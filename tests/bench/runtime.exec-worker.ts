/**
 * For `BENCH_PROFILE=1 npm run bench:runtime`: runs the compiled 20-node tool (tracing off)
 * in a loop for `argv[2]` ms, in a process started with `--cpu-prof`, so the profile is V8's
 * own sampling without an inspector session in the loop's thread (which inflates promise-heavy
 * code). It tells the parent when the loop starts, so start-up is left out of the summary.
 */
import { compileGraph } from "../../compiler/compile";
import { loadTool } from "../../runtime/loader";
import { createContext } from "../../runtime/tool-runtime";
import { benchGraph, BENCH_INPUTS } from "./runtime-graph";

async function main(): Promise<void> {
  const durationMs = Number(process.argv[2] ?? "3000");
  const compiled = compileGraph(benchGraph(), { verify: false });
  if (!compiled.success || compiled.files === undefined || compiled.hash === undefined) throw new Error("the benchmark graph does not compile");
  const tool = await loadTool(compiled.hash, compiled.files);
  const ctx = createContext({});
  // The profile's clock (µs, monotonic): the parent counts only samples from here on.
  process.send?.({ type: "loop", startMicros: Number(process.hrtime.bigint() / 1000n) });
  const begin = performance.now();
  let runs = 0;
  while (performance.now() - begin < durationMs) {
    for (let i = 0; i < 1_000; i++) await tool.run(BENCH_INPUTS[i % BENCH_INPUTS.length], ctx);
    runs += 1_000;
  }
  process.send?.({ type: "runs", runs, ms: performance.now() - begin });
}

main().then(
  () => {
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
