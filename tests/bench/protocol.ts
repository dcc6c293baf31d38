/** Messages between compiler.bench.ts and its throughput workers (child processes over IPC). */

export interface StartMessage {
  readonly type: "start";
  readonly size: number;
  readonly count: number;
  readonly seedBase: number;
  /** Stop early (and report how many were done) after this long: every loop is bounded. */
  readonly maxMs: number;
}

export interface ReadyMessage {
  readonly type: "ready";
  readonly warmMs: number;
}

export interface DoneMessage {
  readonly type: "done";
  readonly compiled: number;
  readonly elapsedMs: number;
  readonly timesMs: readonly number[];
  /** CPU time (user + system) of each compilation. */
  readonly cpuMs: readonly number[];
  readonly failures: readonly string[];
}

export type WorkerMessage = ReadyMessage | DoneMessage;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function isStartMessage(value: unknown): value is StartMessage {
  return isRecord(value) && value.type === "start" && typeof value.size === "number" && typeof value.count === "number" && typeof value.seedBase === "number" && typeof value.maxMs === "number";
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (!isRecord(value)) return false;
  if (value.type === "ready") return typeof value.warmMs === "number";
  return value.type === "done" && typeof value.compiled === "number" && typeof value.elapsedMs === "number" && Array.isArray(value.timesMs) && Array.isArray(value.cpuMs) && Array.isArray(value.failures);
}
