/**
 * A pool of compile workers: worker threads, one per core by default, each with its own warm
 * verifier. A verified compile is hundreds of milliseconds of synchronous CPU work; in a
 * worker it neither blocks the server's event loop nor waits for another compile while a
 * core is free. Requests queue in arrival order.
 *
 * The first worker warms alone and the others start once it is warm: warming is seconds of
 * CPU work, so the pool can serve as soon as one verifier would be warm on its own, instead
 * of all of them warming at once and slowly on a busy machine.
 *
 * A worker that dies (a crash, or the heap limit a pathological graph runs into) fails only
 * the compile it was running, and a new worker takes its place. So does a compile that runs
 * past its time limit: compiling is synchronous, so the only way to stop it is to stop its
 * worker (a stuck compile would otherwise hold a core and a queue slot forever). Workers that die before
 * they are ever warm are not restarted forever: after a few in a row the pool reports the
 * error to every waiting and later request.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { CompileResult } from "../compiler/api";
import { isWorkerReply, type CompileRequest, type SignatureSnapshot, type WorkerReply } from "./compile-protocol";

export interface CompileJob {
  readonly graph: unknown;
  readonly signatures: SignatureSnapshot;
  readonly verify: boolean;
}

export interface CompilePoolOptions {
  /** Worker threads; default: one per core. */
  readonly size?: number;
  /** The worker's module (default compile-worker.ts); tests substitute one that can crash. */
  readonly workerUrl?: URL;
  /** Each worker's heap limit: a graph that needs more fails alone instead of taking the server down. */
  readonly maxHeapMb?: number;
  /** How long one compile may run before its worker is stopped (default: TOOLWRIGHT_COMPILE_TIMEOUT_MS, else 120 000). */
  readonly timeoutMs?: number;
}

/** A compile that ran past the pool's time limit; its worker was stopped and replaced. */
export class CompileTimeoutError extends Error {
  override readonly name = "CompileTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`the compile did not finish within ${String(timeoutMs)} ms and was stopped (a graph this large or complex needs a higher TOOLWRIGHT_COMPILE_TIMEOUT_MS)`);
  }
}

export interface CompilePool {
  readonly size: number;
  /** Resolves when a worker is warm (the pool serves); rejects when workers keep dying before they are. */
  firstWarm(): Promise<void>;
  /** Resolves when every worker is warm. */
  warmed(): Promise<void>;
  /** Resolves when every worker has also finished its background JIT warm-up (compile-worker.ts). */
  settled(): Promise<void>;
  /** True once a worker is warm. */
  ready(): boolean;
  compile(job: CompileJob): Promise<CompileResult>;
  /** Stops every worker; compiles still running or queued reject. */
  close(): Promise<void>;
}

const DEFAULT_WORKER_URL = new URL("./compile-worker.ts", import.meta.url);
/** A warm verifier holds ~0.5 GB, a 1000-node compile ~0.9 GB. */
const DEFAULT_MAX_HEAP_MB = 4096;
/** A verified 1000-node compile takes about 4 s on a quiet 2-core machine, 20 s on a saturated one. */
const DEFAULT_TIMEOUT_MS = 120_000;
/** Workers dying before they are warm this many times in a row mean they cannot start. */
const MAX_START_FAILURES = 3;
/** Which worker compiled an input last, so compiling it again hits that worker's verification cache. */
const AFFINITY_LIMIT = 1_000;

/**
 * Workers run TypeScript sources: the bootstrap registers tsx's loader in the worker's own
 * thread (a loader registered with `register()` in the parent does not reach workers), then
 * imports the worker module.
 */
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
import(workerData.loader).then(({ register }) => {
  register();
  return import(workerData.entry);
});
`;

/**
 * tsx's ESM `register` API, resolved through the package's exports map as an `import` would
 * (the worker's eval'd bootstrap resolves bare names from the working directory, and
 * `require` would pick the CommonJS build).
 */
function tsxLoaderUrl(): string {
  const manifestPath = createRequire(import.meta.url).resolve("tsx/package.json");
  const manifest: unknown = JSON.parse(readFileSync(manifestPath, "utf8"));
  const target = esmApiPath(manifest);
  if (target === undefined) throw new Error(`tsx's package.json has no ESM "./esm/api" export: ${manifestPath}`);
  return pathToFileURL(join(dirname(manifestPath), target)).href;
}

function esmApiPath(manifest: unknown): string | undefined {
  const at = (value: unknown, key: string): unknown => (typeof value === "object" && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined);
  const target = at(at(at(at(manifest, "exports"), "./esm/api"), "import"), "default");
  return typeof target === "string" ? target : undefined;
}

interface QueuedJob {
  readonly id: number;
  readonly job: CompileJob;
  readonly affinity: string;
  readonly resolve: (result: CompileResult) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly index: number;
  worker: Worker;
  warm: boolean;
  /** Its background JIT warm-up is done. */
  settled: boolean;
  running: QueuedJob | undefined;
  /** Stops the running compile's worker when it runs past the time limit. */
  deadline: NodeJS.Timeout | undefined;
}

export function createCompilePool(options: CompilePoolOptions = {}): CompilePool {
  const size = Math.max(1, options.size ?? os.availableParallelism());
  const workerUrl = options.workerUrl ?? DEFAULT_WORKER_URL;
  const maxHeapMb = options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB;
  const timeoutMs = options.timeoutMs ?? compileTimeoutFromEnv();
  const workerData = { loader: tsxLoaderUrl(), entry: workerUrl.href };
  const slots: Slot[] = [];
  const queue: QueuedJob[] = [];
  const affinity = new Map<string, number>();
  let nextId = 1;
  let startFailures = 0;
  let broken: Error | undefined;
  let closed = false;

  const first = deferred();
  const all = deferred();
  const allSettled = deferred();

  /** Everything still waiting for the pool (readiness and queued compiles) fails with `error`. */
  const rejectWaiting = (error: Error): void => {
    first.reject(error);
    all.reject(error);
    allSettled.reject(error);
    for (const queued of queue.splice(0)) queued.reject(error);
  };

  const fail = (error: Error): void => {
    broken = error;
    rejectWaiting(error);
  };

  const dispatch = (): void => {
    for (let queued = queue[0]; queued !== undefined; queued = queue[0]) {
      const idle = slots.filter((slot) => slot.warm && slot.running === undefined);
      const preferred = idle.find((slot) => slot.index === affinity.get(queued.affinity)) ?? idle[0];
      if (preferred === undefined) return;
      queue.shift();
      run(preferred, queued);
    }
  };

  const run = (slot: Slot, queued: QueuedJob): void => {
    slot.running = queued;
    // A busy worker keeps the process alive until its answer arrives; an idle one does not.
    slot.worker.ref();
    slot.deadline = setTimeout(() => {
      stopOverdue(slot, queued);
    }, timeoutMs);
    const request: CompileRequest = { type: "compile", id: queued.id, ...queued.job };
    try {
      slot.worker.postMessage(request);
    } catch (error) {
      // The graph cannot be copied to the worker (it is not plain data).
      finish(slot, () => {
        queued.reject(error instanceof Error ? error : new Error(String(error)));
      });
    }
  };

  /** The slot's compile is over (answered, failed or abandoned): returns it, with its deadline cleared. */
  const release = (slot: Slot): QueuedJob | undefined => {
    const queued = slot.running;
    clearTimeout(slot.deadline);
    slot.deadline = undefined;
    slot.running = undefined;
    return queued;
  };

  /** A new worker takes the slot; it serves once warm. The old one's events no longer match the slot. */
  const replaceWorker = (slot: Slot): void => {
    slot.worker = spawn(slot);
    slot.warm = false;
    slot.settled = false;
  };

  /** The compile fails alone: its worker is stopped and replaced (not counted as a crash). */
  const stopOverdue = (slot: Slot, queued: QueuedJob): void => {
    if (slot.running !== queued) return;
    release(slot);
    queued.reject(new CompileTimeoutError(timeoutMs));
    const overdue = slot.worker;
    replaceWorker(slot);
    void overdue.terminate();
  };

  const finish = (slot: Slot, settle: () => void): void => {
    release(slot);
    slot.worker.unref();
    settle();
    dispatch();
  };

  const onReply = (slot: Slot, reply: WorkerReply): void => {
    if (reply.type === "settled") {
      slot.settled = true;
      if (slots.length === size && slots.every((s) => s.settled)) allSettled.resolve();
      return;
    }
    if (reply.type === "ready") {
      slot.warm = true;
      startFailures = 0;
      slot.worker.unref();
      first.resolve();
      while (slots.length < size) slots.push({ index: slots.length, worker: spawn({ index: slots.length }), warm: false, settled: false, running: undefined, deadline: undefined });
      if (slots.every((s) => s.warm)) all.resolve();
      dispatch();
      return;
    }
    const queued = slot.running;
    if (queued?.id !== reply.id) return;
    finish(slot, () => {
      if (reply.type === "compiled") {
        remember(queued.affinity, slot.index);
        queued.resolve(reply.result);
      } else {
        queued.reject(new Error(`the compiler failed: ${reply.message}`));
      }
    });
  };

  const remember = (key: string, index: number): void => {
    affinity.delete(key);
    affinity.set(key, index);
    if (affinity.size > AFFINITY_LIMIT) affinity.delete(affinity.keys().next().value ?? "");
  };

  const onExit = (slot: Slot, why: string): void => {
    if (closed) return;
    const queued = release(slot);
    queued?.reject(new Error(`the compile worker stopped while compiling (${why}); the compile did not finish`));
    if (!slot.warm) startFailures++;
    if (startFailures >= MAX_START_FAILURES) {
      fail(new Error(`compile workers cannot start (${why})`));
      return;
    }
    replaceWorker(slot);
  };

  const spawn = (slot: Pick<Slot, "index">): Worker => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
    let exitReason: string | undefined;
    worker.on("message", (message: unknown) => {
      const current = slots[slot.index];
      if (current?.worker === worker && isWorkerReply(message)) onReply(current, message);
    });
    worker.on("error", (error) => {
      exitReason = error.message;
    });
    worker.on("exit", (code) => {
      const current = slots[slot.index];
      if (current?.worker === worker) onExit(current, exitReason ?? `exit code ${String(code)}`);
    });
    return worker;
  };

  slots.push({ index: 0, worker: spawn({ index: 0 }), warm: false, settled: false, running: undefined, deadline: undefined });

  return {
    size,
    firstWarm: () => first.promise,
    warmed: () => all.promise,
    settled: () => allSettled.promise,
    ready: () => slots.some((slot) => slot.warm),
    compile(job) {
      if (closed) return Promise.reject(new Error("the compile pool is closed"));
      if (broken !== undefined) return Promise.reject(broken);
      return new Promise<CompileResult>((resolve, reject) => {
        queue.push({ id: nextId++, job, affinity: affinityKey(job), resolve, reject });
        dispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const error = new Error("the compile pool was closed");
      rejectWaiting(error);
      for (const slot of slots) release(slot)?.reject(error);
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

/** TOOLWRIGHT_COMPILE_TIMEOUT_MS; a malformed value stops the server at start rather than being ignored. */
function compileTimeoutFromEnv(): number {
  const text = process.env.TOOLWRIGHT_COMPILE_TIMEOUT_MS?.trim();
  if (text === undefined || text === "") return DEFAULT_TIMEOUT_MS;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`TOOLWRIGHT_COMPILE_TIMEOUT_MS must be an integer ≥ 1, not ${JSON.stringify(text)}`);
  return value;
}

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** A promise settled from outside; a rejection nobody awaits is not an unhandled one (compiles report it too). */
function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** The same graph with the same resolved calls compiles to the same code. */
function affinityKey(job: CompileJob): string {
  return createHash("sha256")
    .update(JSON.stringify([job.graph, job.signatures, job.verify]))
    .digest("base64");
}
