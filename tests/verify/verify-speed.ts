/**
 * Verification speed: cold time, then warm p50/p95 over 30 runs in which src/tool.ts
 * changes every run (as it does between compiles of an edited graph).
 * Run: npx tsx tests/verify/verify-speed.ts [fixture]   (default: large, a ~300-line tool.ts)
 */
import { createVerifier } from "../../compiler/verify/index";
import { loadFixturePackage } from "./fixture-package";

const fixture = process.argv[2] ?? "large";
const files = loadFixturePackage(fixture);
const tool = files["src/tool.ts"] ?? "";
const lines = tool.split("\n").length;

const verifier = createVerifier();
let started = performance.now();
verifier.warm();
const warmMs = performance.now() - started;

started = performance.now();
const first = verifier.verify(files);
const firstMs = performance.now() - started;
if (!first.tscPassed || !first.eslintPassed || first.anyTypesFound > 0) {
  console.error("the fixture does not verify clean:", first.problems);
  process.exitCode = 1;
}

// Wall time, and this process's CPU time (less disturbed when other work shares the machine).
const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < 30; i++) {
  const changed = { ...files, "src/tool.ts": tool.replace("export async function run(", `export const BUILD = ${String(i)};\n\nexport async function run(`) };
  const cpuBefore = process.cpuUsage();
  started = performance.now();
  verifier.verify(changed);
  wall.push(performance.now() - started);
  const cpuUsed = process.cpuUsage(cpuBefore);
  cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
}
const stats = (samples: number[]): string => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(1);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, min ${at(0)} ms, max ${at(1)} ms`;
};
console.log(`fixture ${fixture} (src/tool.ts ${String(lines)} lines)`);
console.log(`cold: the process's first verification (warm()) ${warmMs.toFixed(0)} ms; the first real one after it ${firstMs.toFixed(0)} ms`);
console.log(`warm, tool.ts changing, 30 runs: wall ${stats(wall)}`);
console.log(`                                 cpu  ${stats(cpu)}`);
