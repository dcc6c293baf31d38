/**
 * Messages between the compile pool (compile-pool.ts) and its worker threads
 * (compile-worker.ts). A worker says "ready" once its verifier is warm, then answers each
 * request with the compile result, or with the message of an error the compiler threw. It
 * says "settled" once its background JIT warm-up (compiler/warm-up-corpus.ts) is done.
 */
import type { CompileResult, ToolResolver, ToolSignature } from "../compiler/api";

/** A called tool as a graph names it: `name@version`, or `name@latest` when unpinned. */
export function refKey(name: string, version: number | undefined): string {
  return `${name}@${version === undefined ? "latest" : String(version)}`;
}

/** The signatures a graph's calls resolved to, keyed by {@link refKey}: what a worker's resolver answers from. */
export type SignatureSnapshot = readonly (readonly [string, ToolSignature])[];

export function snapshotResolver(signatures: SignatureSnapshot): ToolResolver {
  const byRef = new Map(signatures);
  return (name, version) => byRef.get(refKey(name, version));
}

export interface CompileRequest {
  readonly type: "compile";
  readonly id: number;
  readonly graph: unknown;
  readonly signatures: SignatureSnapshot;
  readonly verify: boolean;
}

export type WorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "settled" }
  | { readonly type: "compiled"; readonly id: number; readonly result: CompileResult }
  | { readonly type: "failed"; readonly id: number; readonly message: string };

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isCompileRequest(value: unknown): value is CompileRequest {
  return isRecord(value) && value.type === "compile" && typeof value.id === "number" && Array.isArray(value.signatures) && typeof value.verify === "boolean";
}

/** Checks the shape the pool relies on; the rest of a result is the compiler's own, copied by structured clone. */
export function isWorkerReply(value: unknown): value is WorkerReply {
  if (!isRecord(value)) return false;
  if (value.type === "ready" || value.type === "settled") return true;
  if (typeof value.id !== "number") return false;
  if (value.type === "failed") return typeof value.message === "string";
  return value.type === "compiled" && isRecord(value.result) && typeof value.result.success === "boolean" && Array.isArray(value.result.diagnostics);
}
