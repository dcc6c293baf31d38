/**
 * What the agent adapters (src/mcp.ts, src/openai.ts, src/ai-sdk.ts, src/langchain.ts) cost
 * the compiler: `npx tsx tests/bench/agents-compile.bench.ts [samples]`.
 *
 * Compiles tests/golden/graphs/triage_refund.json with verification
 *  - cold: in a fresh process, `warm()` (what `serve` does before listening), then the first
 *    compile;
 *  - warm: after that, `samples` compiles in which the llm prompt changes every time (so
 *    src/tool.ts changes, as after an edit in the editor, and the content-hash cache never
 *    hits).
 * It prints wall and CPU milliseconds (the process's CPU time is steadier than wall time on
 * a busy shared machine) and the verifier's own `timings.verify`. A benchmark, not a test:
 * it fails only when a compile fails.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileGraph, verifier } from "../../compiler/compile";

const GRAPH = fileURLToPath(new URL("../golden/graphs/triage_refund.json", import.meta.url));
const samples = Number(process.argv[2] ?? "20");

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly verifyMs: number;
}

function measure(work: () => number): Sample {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const verifyMs = work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, verifyMs };
}

function variant(n: number): unknown {
  const graph = JSON.parse(readFileSync(GRAPH, "utf8")) as { nodes: { id: string; config: Record<string, unknown> }[] };
  for (const node of graph.nodes) if (node.id === "reply") node.config.prompt = `Write a short reply (${String(n)}) to: {{input.message}}`;
  return graph;
}

function compile(graph: unknown): number {
  const result = compileGraph(graph);
  if (!result.success) throw new Error(`compile failed: ${JSON.stringify(result.diagnostics, null, 2)}\n${JSON.stringify(result.verification?.problems ?? [], null, 2)}`);
  return result.timings.verify ?? 0;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
}

const fixed = (n: number): string => n.toFixed(0).padStart(6);

const warm = measure(() => {
  verifier().warm();
  return 0;
});
const first = measure(() => compile(variant(0)));
const runs: Sample[] = [];
for (let i = 1; i <= samples; i++) runs.push(measure(() => compile(variant(i))));

const files = Object.keys(compileGraph(variant(0)).files ?? {}).sort();
console.log(`triage_refund: ${String(files.length)} files (${files.join(", ")})`);
console.log(`                                wall ms   CPU ms  verify ms`);
console.log(`warm() (cold process)           ${fixed(warm.wallMs)}   ${fixed(warm.cpuMs)}`);
console.log(`first compile after warm()      ${fixed(first.wallMs)}   ${fixed(first.cpuMs)}   ${fixed(first.verifyMs)}`);
console.log(`warm compile p50 (n=${String(samples)})        ${fixed(median(runs.map((r) => r.wallMs)))}   ${fixed(median(runs.map((r) => r.cpuMs)))}   ${fixed(median(runs.map((r) => r.verifyMs)))}`);
console.log(`warm compile p95                ${fixed(p95(runs.map((r) => r.wallMs)))}   ${fixed(p95(runs.map((r) => r.cpuMs)))}   ${fixed(p95(runs.map((r) => r.verifyMs)))}`);
