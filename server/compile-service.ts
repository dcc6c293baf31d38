/**
 * Compiling against the published tools in the database. The compiler's resolver is
 * synchronous (compiling is a pure function), so the tools a graph calls are looked up first
 * (`call_tool` and `for_each` nodes name them), and the resolver answers from that snapshot.
 */
import type { CompileResult, ToolResolver, ToolSignature } from "../compiler/api";
import { compileGraph, verifier } from "../compiler/compile";
import type { Catalog } from "./catalog";
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

function refKey(name: string, version: number | undefined): string {
  return `${name}@${version === undefined ? "latest" : String(version)}`;
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
  const resolveTool: ToolResolver = (name, version) => signatures.get(refKey(name, version));
  const started = performance.now();
  const result = compileGraph(graph, { resolveTool, verify: options.verify });
  if (options.verify) compilerWarm = true;
  return { result, calls, uses: refs.map((ref) => ref.name), durationMs: performance.now() - started };
}

let compilerWarm = false;

/** Warms the in-process verifier (1–3 s of synchronous work): call once at start. */
export function warmCompiler(): void {
  verifier().warm();
  compilerWarm = true;
}

/** True once the verifier is warm: a compile answers in well under a second. */
export function compilerReady(): boolean {
  return compilerWarm;
}
