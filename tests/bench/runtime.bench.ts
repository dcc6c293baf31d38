/**
 * Runtime benchmark (`npm run bench:runtime`): a benchmark, not a timed test. It prints the
 * figures of issue 3's "Performance" section beside their targets and never fails because a
 * target is missed; it exits non-zero only when something is wrong (the compiled tool and the
 * hand-written function disagree, a route answers errors, the server does not start).
 *
 *  1. A compiled 20-node tool (transforms, conditionals, a switch, merges; no network),
 *     tracing off, against a hand-written async function doing the same (tests/bench/
 *     runtime-graph.ts). Variants run in interleaved rounds and each round's ratio is taken
 *     against the baseline of the same round, so a machine shared with other work moves both
 *     sides alike; the median round is printed, with CPU time beside wall time.
 *  2. Invocations per second and p50/p99 latency of POST /tools/:name/invoke (a real server on
 *     SQLite: key check, tool lookup, run, trace, run record written before the answer) against
 *     a bare Express route calling the same compiled module, with autocannon on loopback; and
 *     the same invocations through the server's Express route (a trailing slash, which the
 *     fast path of server/invoke-fast-path.ts leaves to Express), to show what it saves. The
 *     servers live in a child process (tests/bench/runtime.server.ts) so the load generator
 *     does not share their event loop; the routes alternate, and the server's CPU time per
 *     request is reported too. The server is measured as deployed, in its steady state: every
 *     compile worker warm (their JIT warm-up off), and no verifier in its main thread (the bare
 *     route loads the published package). Then the invoke path's parts, measured alone.
 *  3. The cost per node of tracing (tracing on minus tracing off, per span).
 *
 * BENCH_PROFILE=1 adds CPU profiles (self time by owner and by function) of the compiled
 * tool's loop (a child under --cpu-prof) and of the server under load. Every loop is bounded by a count and a time cap (about 2–3 minutes in all).
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import type { Profiler } from "node:inspector";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { compileGraph } from "../../compiler/compile";
import { loadTool, type LoadedTool } from "../../runtime/loader";
import { createContext, invoke, type Span, type ToolContext } from "../../runtime/tool-runtime";
import { benchGraph, BENCH_INPUTS, handWritten, handWrittenSteps, type BenchInput } from "./runtime-graph";
import { insertPart, isChildMessage, type BreakdownReport, type ChildMessage, type ParentMessage, type ServerReady } from "./runtime.server";
import { formatProfile, summarizeProfile, type ProfileSummary } from "./runtime-profile";
import { ms, percentile, verdict } from "./stats";

const TARGETS = { executionRatio: 1.1, invokeShare: 0.7, tracingMicrosPerNode: 2 } as const;
const PROFILE = process.env.BENCH_PROFILE !== undefined && process.env.BENCH_PROFILE !== "0";

/** Section 1 and 3: at most this many rounds, none started after the cap; a batch lasts about `batchMs`. */
const EXECUTION = { rounds: 31, capMs: 45_000, batchMs: 120 } as const;
/** Section 2: autocannon settings and rounds per route (alternating). */
const LOAD = { connections: 10, warmupSeconds: 2, seconds: 5, rounds: 3, readyTimeoutMs: 300_000 } as const;

class BenchFailure extends Error {}

function line(text = ""): void {
  console.log(text);
}

function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

function micros(value: number): string {
  return Number.isFinite(value) ? `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} µs` : "n/a";
}

// ---- 1 and 3: execution ------------------------------------------------------------------

interface Variant {
  readonly name: string;
  readonly call: (input: BenchInput) => Promise<unknown>;
}

interface Sample {
  /** Wall µs per call. */
  readonly wall: number;
  /** CPU µs per call (user + system of this process). */
  readonly cpu: number;
}

/** Calls `variant` `count` times in sequence, cycling through the inputs. */
async function batch(variant: Variant, count: number): Promise<Sample> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) await variant.call(BENCH_INPUTS[i % BENCH_INPUTS.length] as BenchInput);
  const wall = ((performance.now() - start) * 1000) / count;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / count };
}

/** How many calls make a batch of about `batchMs` (at least 50, at most 200 000). */
async function calibrate(variant: Variant): Promise<number> {
  let count = 50;
  for (let i = 0; i < 12; i++) {
    const start = performance.now();
    await batch(variant, count);
    const elapsed = performance.now() - start;
    if (elapsed >= EXECUTION.batchMs / 4 || count >= 200_000) return Math.min(200_000, Math.max(50, Math.round((count * EXECUTION.batchMs) / Math.max(elapsed, 0.01))));
    count *= 4;
  }
  return count;
}

async function checkSameOutputs(tool: LoadedTool): Promise<void> {
  const ctx = createContext({});
  for (const input of BENCH_INPUTS) {
    const expected = JSON.stringify(await handWritten(input));
    for (const [name, actual] of [
      ["compiled run()", await tool.run(input, ctx)],
      ["invoke()", await invoke(tool, input, ctx)],
      ["hand-written, one await per step", await handWrittenSteps(input)],
    ] as const) {
      if (JSON.stringify(actual) !== expected) throw new BenchFailure(`${name} disagrees with the hand-written function for ${JSON.stringify(input)}:\n  ${JSON.stringify(actual)}\n  ${expected}`);
    }
  }
}

/** Runs the tool's loop in a child under `--cpu-prof` and summarises the profile it writes. */
async function profileExecution(durationMs: number): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), "toolwright-bench-prof-"));
  try {
    const worker = fileURLToPath(new URL("./runtime.exec-worker.ts", import.meta.url));
    const child = fork(worker, [String(durationMs)], { execArgv: [...process.execArgv, "--cpu-prof", "--cpu-prof-dir", dir], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let startMicros = 0;
    child.on("message", (message: unknown) => {
      if (typeof message === "object" && message !== null && "startMicros" in message && typeof message.startMicros === "number") startMicros = message.startMicros;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), durationMs + 120_000);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    clearTimeout(timer);
    if (code !== 0) throw new BenchFailure(`the profiling worker exited with ${String(code)}`);
    const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
    // The main thread's profile is the largest (tsx's loader thread writes one too).
    const largest = files.map((f) => join(dir, f)).sort((x, y) => statSync(y).size - statSync(x).size)[0];
    if (largest === undefined) throw new BenchFailure("the profiling worker wrote no profile");
    return summarizeProfile(JSON.parse(readFileSync(largest, "utf8")) as Profiler.Profile, 20, startMicros);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printProfile(title: string, summary: ProfileSummary): void {
  for (const text of formatProfile(title, summary)) line(text);
}

interface ExecutionResult {
  readonly ratio: number;
  readonly tracingPerNode: number;
}

async function execution(): Promise<ExecutionResult> {
  line("1. Execution: compiled 20-node tool vs hand-written async function (no network)");
  const compileStart = performance.now();
  const compiled = compileGraph(benchGraph(), { verify: true });
  if (!compiled.success || compiled.files === undefined || compiled.hash === undefined) {
    throw new BenchFailure(`the benchmark graph does not compile:\n${compiled.diagnostics.map((d) => `  ${d.code}: ${d.message}`).join("\n")}`);
  }
  const tool = await loadTool(compiled.hash, compiled.files);
  line(`   compiled and verified in ${ms(performance.now() - compileStart)}; every output checked against the hand-written function`);
  await checkSameOutputs(tool);

  const untraced: ToolContext = createContext({});
  let spans = 0;
  const traced: ToolContext = createContext({
    onSpan: (span: Span) => {
      // What the server's collector does: keep the span.
      collected.push(span);
      spans++;
    },
  });
  const collected: Span[] = [];
  const variants: readonly Variant[] = [
    { name: "hand-written async function", call: handWritten },
    { name: "hand-written, one await per step", call: handWrittenSteps },
    { name: "compiled run(), tracing off", call: (input) => tool.run(input, untraced) },
    { name: "compiled invoke() (zod in/out), tracing off", call: (input) => invoke(tool, input, untraced) },
    {
      name: "compiled run(), tracing on",
      call: (input) => {
        collected.length = 0;
        return tool.run(input, traced);
      },
    },
  ];
  // Spans per run (every node reports one: ran or skipped).
  spans = 0;
  for (const input of BENCH_INPUTS) await tool.run(input, traced);
  const spansPerRun = spans / BENCH_INPUTS.length;

  const counts: number[] = [];
  for (const variant of variants) counts.push(await calibrate(variant));
  const samples = variants.map((): Sample[] => []);
  const begin = performance.now();
  let rounds = 0;
  while (rounds < EXECUTION.rounds && (rounds < 3 || performance.now() - begin < EXECUTION.capMs)) {
    // Each round starts with the next variant, so no variant always runs right after the same
    // one (and inherits its garbage): a fixed order biased the ratios by a few per cent.
    for (let step = 0; step < variants.length; step++) {
      const v = (rounds + step) % variants.length;
      const variant = variants[v];
      if (variant !== undefined) samples[v]?.push(await batch(variant, counts[v] ?? 50));
    }
    rounds++;
  }
  const base = samples[0] ?? [];
  const perRound = (v: number, pick: (s: Sample) => number, against: readonly Sample[] = base): number[] =>
    (samples[v] ?? []).map((s, r) => pick(s) / pick(against[r] ?? s));
  line(`   ${String(rounds)} interleaved rounds, about ${String(EXECUTION.batchMs)} ms per variant each (calls per batch: ${counts.join(", ")})`);
  line(`   ${"variant".padEnd(46)} ${"wall/call".padStart(10)} ${"cpu/call".padStart(10)}  ratio to hand-written (wall, cpu)`);
  variants.forEach((variant, v) => {
    const s = samples[v] ?? [];
    const wall = percentile(s.map((x) => x.wall), 0.5);
    const cpu = percentile(s.map((x) => x.cpu), 0.5);
    const ratios = v === 0 ? "1" : `${fixed(percentile(perRound(v, (x) => x.wall), 0.5), 1)}×, ${fixed(percentile(perRound(v, (x) => x.cpu), 0.5), 1)}×`;
    line(`   ${variant.name.padEnd(46)} ${micros(wall).padStart(10)} ${micros(cpu).padStart(10)}  ${ratios}`);
  });
  const ratio = percentile(perRound(2, (x) => x.wall), 0.5);
  const stepsRatio = percentile(perRound(2, (x) => x.wall, samples[1] ?? []), 0.5);
  const untracedWall = percentile((samples[2] ?? []).map((x) => x.wall), 0.5);
  const handWall = percentile(base.map((x) => x.wall), 0.5);
  line(`   → compiled / hand-written: ${fixed(ratio, 2)}× (target ≤ ${String(TARGETS.executionRatio)}: ${verdict(ratio <= TARGETS.executionRatio)})`);
  line(`     compiled / hand-written with one await per step: ${fixed(stepsRatio, 1)}×; runtime cost per node ≈ ${micros((untracedWall - handWall) / spansPerRun)}`);

  // 3. Tracing: the same rounds, traced minus untraced, per span.
  const tracingDeltas = (samples[4] ?? []).map((s, r) => (s.wall - (samples[2]?.[r]?.wall ?? s.wall)) / spansPerRun);
  const tracingCpuDeltas = (samples[4] ?? []).map((s, r) => (s.cpu - (samples[2]?.[r]?.cpu ?? s.cpu)) / spansPerRun);
  const tracingPerNode = percentile(tracingDeltas, 0.5);

  if (PROFILE) printProfile("a child process looping over compiled run(), tracing off", await profileExecution(3_000));
  line();
  line("3. Tracing cost per node (tracing on − tracing off, per span; spans per run: " + fixed(spansPerRun, 0) + ")");
  line(`   ${micros(tracingPerNode)} per node wall (cpu ${micros(percentile(tracingCpuDeltas, 0.5))}); spread over rounds p25–p75 ${micros(percentile(tracingDeltas, 0.25))} – ${micros(percentile(tracingDeltas, 0.75))}`);
  line(`   → target < ${String(TARGETS.tracingMicrosPerNode)} µs per node: ${verdict(tracingPerNode < TARGETS.tracingMicrosPerNode)}`);
  return { ratio, tracingPerNode };
}

// ---- 2: HTTP ---------------------------------------------------------------------------

class Child {
  private readonly waiting: { readonly type: ChildMessage["type"]; readonly resolve: (message: ChildMessage) => void }[] = [];
  private failure: Error | undefined;
  readonly exited: Promise<number | null>;

  constructor(private readonly process: ChildProcess) {
    process.on("message", (message: unknown) => {
      if (!isChildMessage(message)) return;
      if (message.type === "failed") {
        this.fail(new BenchFailure(`the benchmark server failed: ${message.message}`));
        return;
      }
      const index = this.waiting.findIndex((w) => w.type === message.type);
      if (index >= 0) this.waiting.splice(index, 1)[0]?.resolve(message);
    });
    this.exited = new Promise((resolve) => {
      process.on("exit", (code) => {
        this.fail(new BenchFailure(`the benchmark server exited (${String(code)})`));
        resolve(code);
      });
    });
  }

  private readonly rejects = new Set<(error: Error) => void>();

  private fail(error: Error): void {
    this.failure ??= error;
    for (const reject of this.rejects) reject(error);
    this.rejects.clear();
  }

  /** Waits for the next message of `type` (after sending `request`, if any), at most `timeoutMs`. */
  async next<T extends ChildMessage["type"]>(type: T, request?: ParentMessage, timeoutMs = 60_000): Promise<Extract<ChildMessage, { type: T }>> {
    if (this.failure !== undefined) throw this.failure;
    const message = await new Promise<ChildMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.rejects.delete(reject);
        reject(new BenchFailure(`no "${type}" from the benchmark server within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      this.rejects.add(reject);
      this.waiting.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          this.rejects.delete(reject);
          resolve(m);
        },
      });
      if (request !== undefined) this.process.send(request);
    });
    if (message.type !== type) throw new BenchFailure(`expected "${type}", got "${message.type}"`);
    return message as Extract<ChildMessage, { type: T }>;
  }

  send(message: ParentMessage): void {
    this.process.send(message);
  }
}

interface LoadRound {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly cpuMicrosPerRequest: number;
}

async function load(child: Child, url: string, key: string, body: string, seconds: number): Promise<LoadRound> {
  const cpuBefore = (await child.next("cpu", { type: "cpu" })).cpuMicros;
  const result = await autocannon({
    url,
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
    connections: LOAD.connections,
    duration: seconds,
    timeout: 10,
  });
  const cpuAfter = (await child.next("cpu", { type: "cpu" })).cpuMicros;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new BenchFailure(`${url}: ${String(result.non2xx)} non-2xx answers and ${String(result.errors)} errors out of ${String(result.requests.total)} requests`);
  }
  const requests = result.requests.total;
  return {
    requestsPerSecond: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    cpuMicrosPerRequest: requests > 0 ? (cpuAfter - cpuBefore) / requests : Number.NaN,
  };
}

function printRounds(name: string, rounds: readonly LoadRound[]): void {
  const rps = rounds.map((r) => r.requestsPerSecond);
  line(
    `   ${name.padEnd(34)} ${fixed(percentile(rps, 0.5), 0).padStart(6)} req/s  p50 ${fixed(percentile(rounds.map((r) => r.p50), 0.5), 1).padStart(5)} ms  p99 ${fixed(percentile(rounds.map((r) => r.p99), 0.5), 1).padStart(5)} ms  server cpu ${micros(percentile(rounds.map((r) => r.cpuMicrosPerRequest), 0.5)).padStart(8)}/req  (rounds: ${rps.map((x) => fixed(x, 0)).join(", ")} req/s)`,
  );
}

interface HttpResult {
  readonly share: number;
}

async function http(): Promise<HttpResult> {
  line("2. HTTP: POST /tools/:name/invoke vs a bare Express route calling the same compiled module (autocannon, loopback)");
  const serverFile = fileURLToPath(new URL("./runtime.server.ts", import.meta.url));
  // The parent runs under tsx: its execArgv carries tsx's loader, which the child inherits.
  // Measured in the steady state: the compile workers' background JIT warm-up (about 20 s of
  // both cores after a server starts, server/compile-worker.ts) would run during the first rounds.
  const serverProcess = fork(serverFile, [], {
    execArgv: process.execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, LOG_LEVEL: "info", TOOLWRIGHT_COMPILE_WARMUP: "0" },
  });
  const child = new Child(serverProcess);
  try {
    const started = performance.now();
    const ready: ServerReady = await child.next("ready", undefined, LOAD.readyTimeoutMs);
    line(`   server ready in ${ms(performance.now() - started)} (SQLite, compiler warmed, tool published); ${String(LOAD.connections)} connections, ${String(LOAD.rounds)} rounds × ${String(LOAD.seconds)} s per route, alternating`);
    // A trailing slash is not a shape the fast path answers: the same invocation, through Express.
    const viaExpressUrl = `${ready.invokeUrl}/`;
    for (const url of [ready.invokeUrl, ready.bareUrl, viaExpressUrl]) await load(child, url, ready.key, ready.body, LOAD.warmupSeconds);
    const invokeRounds: LoadRound[] = [];
    const bareRounds: LoadRound[] = [];
    const viaExpressRounds: LoadRound[] = [];
    for (let round = 0; round < LOAD.rounds; round++) {
      bareRounds.push(await load(child, ready.bareUrl, ready.key, ready.body, LOAD.seconds));
      invokeRounds.push(await load(child, ready.invokeUrl, ready.key, ready.body, LOAD.seconds));
      viaExpressRounds.push(await load(child, viaExpressUrl, ready.key, ready.body, LOAD.seconds));
    }
    printRounds("bare Express route", bareRounds);
    printRounds("POST /tools/runtime_bench/invoke", invokeRounds);
    printRounds("the same, through Express's route", viaExpressRounds);
    const shareOf = (rounds: readonly LoadRound[]): number => percentile(rounds.map((r, i) => r.requestsPerSecond / (bareRounds[i]?.requestsPerSecond ?? Number.NaN)), 0.5);
    const cpuOf = (rounds: readonly LoadRound[]): number => percentile(rounds.map((r) => r.cpuMicrosPerRequest), 0.5);
    const share = shareOf(invokeRounds);
    line(`   → invoke / bare throughput: ${fixed(share, 2)} (target ≥ ${String(TARGETS.invokeShare)}: ${verdict(share >= TARGETS.invokeShare)}); by server CPU per request: ${fixed(cpuOf(bareRounds) / cpuOf(invokeRounds), 2)}`);
    line(`     without the fast path (through Express's route): ${fixed(shareOf(viaExpressRounds), 2)}; by server CPU per request: ${fixed(cpuOf(bareRounds) / cpuOf(viaExpressRounds), 2)}`);

    if (PROFILE) {
      child.send({ type: "profile-start" });
      await load(child, ready.invokeUrl, ready.key, ready.body, LOAD.seconds);
      printProfile("server under POST /tools/:name/invoke load (inspector session in-process)", (await child.next("profile", { type: "profile-stop" })).summary);
    }

    const breakdown: BreakdownReport = await child.next("breakdown", { type: "breakdown" }, 120_000);
    line("   the invoke path's parts, each alone and sequential (mean per call):");
    for (const [name, value] of breakdown.parts) line(`     ${name.padEnd(40)} ${micros(value).padStart(10)}`);
    // Storing the run (its JSON text and the INSERT, batched as the run recorder does) is the largest
    // part of the work the bare route never does; Express's machinery is the work the fast path skips.
    const storing = breakdown.parts.find(([name]) => name === insertPart(10))?.[1] ?? Number.NaN;
    line(
      `     server CPU per request: invoke ${micros(cpuOf(invokeRounds))} (storing the run ${micros(storing)} of it, JSON text + INSERT 10 per statement), bare Express ${micros(cpuOf(bareRounds))}, invoke through Express ${micros(cpuOf(viaExpressRounds))}`,
    );
    return { share };
  } finally {
    child.send({ type: "stop" });
    const timer = setTimeout(() => serverProcess.kill("SIGKILL"), 10_000);
    await child.exited;
    clearTimeout(timer);
  }
}

// ---- main --------------------------------------------------------------------------------

async function main(): Promise<void> {
  const begin = performance.now();
  line(`Toolwright runtime benchmark — node ${process.version}, ${String((await import("node:os")).cpus().length)} cores (load average ${(await import("node:os")).loadavg().map((x) => x.toFixed(1)).join(" ")})`);
  line();
  const exec = await execution();
  line();
  const web = await http();
  line();
  line("Summary (targets from issue 3; ratios against baselines measured in this run)");
  line(`  (1) compiled / hand-written execution   ${fixed(exec.ratio, 2).padStart(7)}×   target ≤ ${String(TARGETS.executionRatio)}   ${verdict(exec.ratio <= TARGETS.executionRatio)}`);
  line(`  (2) invoke / bare Express throughput   ${fixed(web.share, 2).padStart(7)}    target ≥ ${String(TARGETS.invokeShare)}    ${verdict(web.share >= TARGETS.invokeShare)}`);
  line(`  (3) tracing per node                    ${micros(exec.tracingPerNode).padStart(8)}   target < ${String(TARGETS.tracingMicrosPerNode)} µs   ${verdict(exec.tracingPerNode < TARGETS.tracingMicrosPerNode)}`);
  line(`  total ${ms(performance.now() - begin)}`);
}

main().then(
  () => {
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error instanceof BenchFailure ? `runtime benchmark failed: ${error.message}` : error);
    process.exit(1);
  },
);
