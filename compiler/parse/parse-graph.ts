import { diagnostic, type Diagnostic } from "../diagnostics/catalog";
import { graphSchema, type Graph } from "../graph/schema";

export type ParseResult = { readonly graph: Graph; readonly diagnostics: readonly Diagnostic[] } | { readonly graph?: undefined; readonly diagnostics: readonly Diagnostic[] };

/** Parses untrusted JSON into a graph; every schema problem becomes a GRAPH_SCHEMA diagnostic. */
export function parseGraph(input: unknown): ParseResult {
  // JSON.parse keeps "__proto__" as an own key, but object validation would turn it into a
  // prototype and silently drop it: refuse it instead.
  const protoPath = findProtoKey(input, []);
  if (protoPath !== undefined) {
    return { diagnostics: [diagnostic("GRAPH_SCHEMA", `${protoPath.join(".")}: "__proto__" cannot be used as a key`)] };
  }
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function idOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.id === "string" ? value.id : undefined;
}

function findProtoKey(value: unknown, path: readonly (string | number)[]): (string | number)[] | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of (value as unknown[]).entries()) {
      const found = findProtoKey(item, [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return [...path, key];
    const found = findProtoKey(value[key], [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
