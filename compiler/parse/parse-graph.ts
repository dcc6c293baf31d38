import { diagnostic, type Diagnostic } from "../diagnostics/catalog";
import { edgeSchema, graphSchema, nodeSchema, plainJsonGraphSchema, type Graph } from "../graph/schema";
import type { ValidationCache } from "../validate/validation-cache";

export type ParseResult = { readonly graph: Graph; readonly diagnostics: readonly Diagnostic[] } | { readonly graph?: undefined; readonly diagnostics: readonly Diagnostic[] };

/** Parses untrusted JSON into a graph; every schema problem becomes a GRAPH_SCHEMA diagnostic. */
export function parseGraph(input: unknown): ParseResult {
  // JSON.parse keeps "__proto__" as an own key, but object validation would turn it into a
  // prototype and silently drop it: refuse it instead.
  const protoPath = protoKeyBelow(input)?.reverse();
  if (protoPath !== undefined) {
    return { diagnostics: [diagnostic("GRAPH_SCHEMA", `${protoPath.join(".")}: "__proto__" cannot be used as a key`)] };
  }
  const plain = plainJsonGraphSchema.safeParse(input);
  if (plain.success) return { graph: plain.data, diagnostics: [] };
  const parsed = graphSchema.safeParse(input);
  if (parsed.success) return { graph: parsed.data, diagnostics: [] };
  const nodes = isRecord(input) && Array.isArray(input.nodes) ? (input.nodes as unknown[]) : [];
  const edges = isRecord(input) && Array.isArray(input.edges) ? (input.edges as unknown[]) : [];
  const diagnostics = parsed.error.issues.map((issue) => {
    const [section, index, ...rest] = issue.path;
    const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "(document)";
    const at: { nodeId?: string; edgeId?: string; path?: (string | number)[] } = {};
    if (section === "nodes" && typeof index === "number") {
      const id = idOf(nodes[index]);
      if (id !== undefined) at.nodeId = id;
      at.path = rest.map((p) => (typeof p === "number" ? p : String(p)));
    } else if (section === "edges" && typeof index === "number") {
      const id = idOf(edges[index]);
      if (id !== undefined) at.edgeId = id;
    }
    return diagnostic("GRAPH_SCHEMA", `${where}: ${issue.message}`, at);
  });
  return { diagnostics };
}

/**
 * `parseGraph` for successive versions of one graph: nodes and edges parsed before (the same
 * objects) are not parsed again. The result equals `parseGraph(input)`; when anything fails
 * to parse, it is `parseGraph(input)`, so the diagnostics are exactly the same too.
 */
export function parseGraphReusing(input: unknown, cache: ValidationCache): ParseResult {
  if (!isRecord(input) || !Array.isArray(input.nodes) || (input.edges !== undefined && !Array.isArray(input.edges))) return parseGraph(input);
  const nodes = parseEach(input.nodes as unknown[], nodeSchema, cache.parsedNodes);
  const edges = input.edges === undefined ? [] : parseEach(input.edges as unknown[], edgeSchema, cache.parsedEdges);
  const shell = { ...input, nodes: [], ...(input.edges === undefined ? {} : { edges: [] }) };
  if (nodes === undefined || edges === undefined || protoKeyBelow(shell) !== undefined) return parseGraph(input);
  const parsed = graphSchema.safeParse(shell);
  // Spreading keeps the keys where the schema put them, as a whole-document parse does.
  return parsed.success ? { graph: { ...parsed.data, nodes, edges }, diagnostics: [] } : parseGraph(input);
}

function parseEach<T>(items: readonly unknown[], schema: { safeParse(item: unknown): { success: true; data: T } | { success: false } }, parsed: WeakMap<object, T>): T[] | undefined {
  const result: T[] = [];
  for (const item of items) {
    const known = isRecord(item) ? parsed.get(item) : undefined;
    if (known !== undefined) {
      result.push(known);
      continue;
    }
    if (!isRecord(item) || protoKeyBelow(item) !== undefined) return undefined;
    const fresh = schema.safeParse(item);
    if (!fresh.success) return undefined;
    parsed.set(item, fresh.data);
    result.push(fresh.data);
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function idOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.id === "string" ? value.id : undefined;
}

/** The path (innermost segment first) to a "__proto__" key inside `value`. */
function protoKeyBelow(value: unknown): (string | number)[] | undefined {
  if (Array.isArray(value)) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) {
      const found = protoKeyBelow(items[i]);
      if (found !== undefined) {
        found.push(i);
        return found;
      }
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return [key];
    const found = protoKeyBelow(value[key]);
    if (found !== undefined) {
      found.push(key);
      return found;
    }
  }
  return undefined;
}
