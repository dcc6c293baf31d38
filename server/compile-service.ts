/**
 * Compiling against the published tools in the database. The compiler's resolver is
 * synchronous (compiling is a pure function), so the tools a graph calls are looked up first
 * (`call_tool` and `for_each` nodes name them), and the resolver answers from that snapshot.
 * Compiles run in a pool of worker threads (compile-pool.ts), off the server's event loop.
 */
import type { CompileResult, ToolSignature } from "../compiler/api";
import type { Catalog } from "./catalog";
import { createCompilePool, type CompilePool, type CompilePoolOptions } from "./compile-pool";
import { refKey } from "./compile-protocol";
import { toolSignature } from "./signature";

export interface ToolRef {
  readonly name: string;
  readonly version?: number;
}

const CALLING_KINDS = new Set(["call_tool", "for_each"]);

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The tools a graph calls (as written; an invalid graph yields what can be read). */
export function calledTools(graph: unknown): ToolRef[] {
  if (!isRecord(graph) || !Array.isArray(graph.nodes)) return [];
  const refs = new Map<string, ToolRef>();
  for (const node of graph.nodes as readonly unknown[]) {
    if (!isRecord(node) || typeof node.kind !== "string" || !CALLING_KINDS.has(node.kind) || !isRecord(node.config)) continue;
    const { tool, version } = node.config;
    if (typeof tool !== "string") continue;
    const pinned = typeof version === "number" && Number.isSafeInteger(version) ? version : undefined;
    refs.set(refKey(tool, pinned), pinned === undefined ? { name: tool } : { name: tool, version: pinned });
  }
  return [...refs.values()];
}

export interface CatalogCompile {
  readonly result: CompileResult;
  /** The version each unpinned call resolved to (stored with a published version). */
  readonly calls: Readonly<Record<string, number>>;
  /** Names of every tool the graph calls. */
  readonly uses: readonly string[];
  readonly durationMs: number;
}

export async function compileWithCatalog(catalog: Catalog, graph: unknown, options: { readonly verify: boolean }): Promise<CatalogCompile> {
  const signatures = new Map<string, ToolSignature>();
  const calls: Record<string, number> = {};
  const refs = calledTools(graph);
  for (const ref of refs) {
    const version = await catalog.resolve(ref.name, ref.version);
    if (version === null) continue;
    signatures.set(refKey(ref.name, ref.version), toolSignature(version.signature, version.number));
    if (ref.version === undefined) calls[ref.name] = version.number;
  }
  const started = performance.now();
  const result = await compilePool().compile({ graph, signatures: [...signatures], verify: options.verify });
  return { result, calls, uses: refs.map((ref) => ref.name), durationMs: performance.now() - started };
}

let pool: CompilePool | undefined;

function compilePool(options?: CompilePoolOptions): CompilePool {
  pool ??= createCompilePool(options);
  return pool;
}

/**
 * Starts the compile workers (options apply when none run yet) and resolves once one has a
 * warm verifier (seconds of work, off the event loop; the others warm after it): await it
 * before serving.
 */
export function warmCompiler(options?: CompilePoolOptions): Promise<void> {
  return compilePool(options).firstWarm();
}

/** Resolves once every compile worker is warm and done with its background JIT warm-up (if on). */
export function compilerSettled(): Promise<void> {
  return compilePool().settled();
}

/** True once a compile worker is warm: a compile answers in well under a second. */
export function compilerReady(): boolean {
  return pool?.ready() ?? false;
}

/** Stops the compile workers; the next compile starts new ones. */
export async function closeCompiler(): Promise<void> {
  const stopping = pool;
  pool = undefined;
  await stopping?.close();
}
