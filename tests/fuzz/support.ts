/**
 * Shared pieces of the property-based (fuzz) tests: the graph shape the generators
 * build, the fixed callee signature `call_tool`/`for_each` resolve against, the record
 * test cases as seed graphs, and the invariants every compile result must satisfy.
 */
import type { CompileOptions, CompileResult, ToolResolver, ToolSignature } from "../../compiler/api";
import { compileGraph } from "../../compiler/compile";
import { GRAPH_FORMAT, type JsonValue } from "../../compiler/graph/schema";
import { loadRecords } from "../../compiler/records/load-records";
import type { ObjectTypeSchema } from "../../compiler/types/type-schema";

export { GRAPH_FORMAT };
export type { JsonValue };

export interface FuzzNode {
  id: string;
  kind: string;
  config: Record<string, JsonValue>;
  label?: string;
  retry?: { maxAttempts: number; backoff: "fixed" | "linear" | "exponential"; initialDelayMs: number; maxDelayMs?: number };
  timeoutMs?: number;
  onError?: { action: "fail" } | { action: "continue"; fallback: JsonValue };
}

export interface FuzzEdge {
  id: string;
  source: string;
  target: string;
  sourcePort?: string;
  targetPort?: string;
}

export interface FuzzTest {
  name: string;
  input: Record<string, JsonValue>;
  expectOutput?: Record<string, JsonValue>;
  expectError?: { nodeId?: string };
}

export interface FuzzGraph {
  format: string;
  tool: { name: string; description: string };
  nodes: FuzzNode[];
  edges: FuzzEdge[];
  tests?: FuzzTest[];
}

/** The one tool every generated `call_tool`/`for_each` calls. */
export const CALLEE_NAME = "fuzz_callee";
export const CALLEE_INPUT: ObjectTypeSchema = {
  type: "object",
  properties: { text: { type: "string" }, count: { type: "integer" } },
  required: ["text"],
};
export const CALLEE_OUTPUT: ObjectTypeSchema = {
  type: "object",
  properties: {
    label: { type: "string" },
    score: { type: "number" },
    tags: { type: "array", items: { type: "string" } },
    meta: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
  },
  required: ["label", "score", "tags", "meta"],
};
const CALLEE: ToolSignature = { name: CALLEE_NAME, version: 1, description: "The fuzz tests' fixed callee.", input: CALLEE_INPUT, output: CALLEE_OUTPUT };

/** Knows exactly one tool, at version 1 (also the latest). */
export const fuzzResolver: ToolResolver = (name, version) => (name === CALLEE_NAME && (version === undefined || version === 1) ? CALLEE : undefined);

/** A graph to start from, with the resolver its `call_tool`/`for_each` nodes need. */
export interface SeedGraph {
  readonly name: string;
  readonly graph: JsonValue;
  readonly resolveTool: ToolResolver;
}

function isJsonObject(value: unknown): value is Readonly<Record<string, JsonValue>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A record test case's graph fragment as a full graph document. */
function asGraph(fragment: Readonly<Record<string, unknown>>, name: string): JsonValue {
  return { format: GRAPH_FORMAT, tool: { name, description: "" }, ...(fragment as Readonly<Record<string, JsonValue>>) };
}

/** Compiles the tools a test case may call (validate+generate only) and resolves by name. */
function resolverFor(tools: readonly Readonly<Record<string, unknown>>[] | undefined): ToolResolver {
  const signatures = new Map<string, ToolSignature>();
  for (const [i, tool] of (tools ?? []).entries()) {
    const declared = isJsonObject(tool.tool) && typeof tool.tool.name === "string" ? tool.tool.name : `tool_${String(i)}`;
    const result = compileGraph({ format: GRAPH_FORMAT, tool: { name: declared, description: "" }, nodes: tool.nodes, edges: tool.edges }, { verify: false });
    if (result.signature !== undefined) signatures.set(declared, { ...result.signature, version: 1 });
  }
  return (name, version) => {
    const found = signatures.get(name);
    return found !== undefined && (version === undefined || version === 1) ? found : fuzzResolver(name, version);
  };
}

let seeds: readonly SeedGraph[] | undefined;

/** Every component record's test-case graph (happy, error and edge cases), in record order. */
export function recordSeedGraphs(): readonly SeedGraph[] {
  seeds ??= [...loadRecords().kinds.values()].flatMap(({ record }) =>
    record.test_cases.map((tc, i) => ({
      name: `${record.component.kind}: ${tc.name}`,
      graph: asGraph(tc.graph, `${record.component.kind}_case_${String(i)}`),
      resolveTool: resolverFor(tc.tools),
    })),
  );
  return seeds;
}

export function errorsOf(result: CompileResult): readonly string[] {
  return result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code}${d.nodeId === undefined ? "" : ` @${d.nodeId}`}: ${d.message}`);
}

/** Compiles, turning a thrown exception into a failure that names the graph. */
export function compileOrReport(graph: unknown, options: CompileOptions): CompileResult {
  try {
    return compileGraph(graph, options);
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new Error(`compileGraph threw on this graph:\n${stringifyGraph(graph)}\n${detail}`, { cause: error });
  }
}

/**
 * The contract of `compileGraph` on any input: it returns (never throws); a success
 * carries files, a hash, no error diagnostic and (when verifying) a clean verification;
 * a failure carries at least one error diagnostic; and code that failed verification
 * is never handed out. `INTERNAL_VERIFICATION_FAILED` is a compiler bug by definition,
 * so it is reported as a failure of the property.
 */
export function contractViolations(result: CompileResult, verify: boolean): string[] {
  const problems: string[] = [];
  const errors = errorsOf(result);
  const internal = result.diagnostics.filter((d) => d.code === "INTERNAL_VERIFICATION_FAILED");
  if (internal.length > 0) problems.push(`INTERNAL_VERIFICATION_FAILED: ${internal.map((d) => d.message).join("\n")}`);
  if (internal.length > 0 && result.files !== undefined) problems.push("files were handed out although verification failed");
  if (result.success) {
    if (result.files === undefined) problems.push("success without files");
    if (result.hash === undefined) problems.push("success without a hash");
    if (errors.length > 0) problems.push(`success with error diagnostics: ${errors.join("; ")}`);
    if (verify) {
      const v = result.verification;
      if (v === undefined) problems.push("verified success without a verification result");
      else if (!v.tscPassed || !v.eslintPassed || v.anyTypesFound !== 0) problems.push(`verified success with a failed verification: ${JSON.stringify(v)}`);
    }
  } else if (errors.length === 0) {
    problems.push(`failure without an error diagnostic: ${JSON.stringify(result.diagnostics)}`);
  }
  return problems;
}

/** JSON of a graph for failure messages (own `__proto__` keys included). */
export function stringifyGraph(graph: unknown): string {
  try {
    return graph === undefined ? "undefined" : JSON.stringify(graph);
  } catch {
    return String(graph);
  }
}
