import type { Edge, Node } from "@xyflow/react";
import { GRAPH_FORMAT, outPortsOf, type FieldSpec, type Graph, type GraphEdge, type GraphNode, type JsonValue, type ToolTest } from "../compiler";
import { registry, recordOf } from "../records";

/**
 * The editor's document: graph format v1 held as React Flow nodes and edges. A node's
 * graph data (kind, config, policies) lives in `data.node` and changes only when the
 * builder edits it, so moving a node never re-validates and never re-renders the others.
 */
export interface ToolNodeData extends Record<string, unknown> {
  /** The graph node without its position (React Flow owns `position`). */
  readonly node: Omit<GraphNode, "position">;
}

export type FlowNode = Node<ToolNodeData, "tool">;
export type FlowEdge = Edge;

export interface Doc {
  readonly tool: { readonly name: string; readonly description: string };
  readonly nodes: FlowNode[];
  readonly edges: FlowEdge[];
  readonly tests?: readonly ToolTest[];
}

export type JsonObject = { readonly [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function toFlowNode(node: GraphNode): FlowNode {
  const { position, ...rest } = node;
  return { id: node.id, type: "tool", position: { x: position.x, y: position.y }, data: { node: rest } };
}

function inPortOf(kind: string): string | undefined {
  return recordOf(kind)?.ports.in[0];
}

export function toFlowEdge(edge: GraphEdge, nodes: ReadonlyMap<string, Omit<GraphNode, "position">>): FlowEdge {
  const source = nodes.get(edge.source);
  const ports = source ? outPortsOf({ ...source, position: { x: 0, y: 0 } }, registry) : [];
  const sourceHandle = edge.sourcePort ?? (ports.length === 1 ? ports[0] : undefined) ?? "out";
  const target = nodes.get(edge.target);
  const targetHandle = edge.targetPort ?? (target ? inPortOf(target.kind) : undefined) ?? "in";
  return { id: edge.id, source: edge.source, target: edge.target, sourceHandle, targetHandle, ...(ports.length > 1 ? { label: sourceHandle } : {}) };
}

export function docFromGraph(graph: Graph): Doc {
  const nodes = graph.nodes.map(toFlowNode);
  const byId = new Map(nodes.map((n) => [n.id, n.data.node]));
  return {
    tool: { name: graph.tool.name, description: graph.tool.description },
    nodes,
    edges: graph.edges.map((e) => toFlowEdge(e, byId)),
    ...(graph.tests ? { tests: graph.tests } : {}),
  };
}

/**
 * The document as graph format v1 (what is saved, validated, compiled and exported). An
 * unchanged node or edge becomes the same object in every graph made from the document,
 * so validation redoes only what an edit changed; these objects are never mutated.
 */
export function graphFromDoc(doc: Doc): Graph {
  const byId = new Map(doc.nodes.map((n) => [n.id, n.data.node]));
  const nodes: GraphNode[] = doc.nodes.map(graphNodeOf);
  const edges: GraphEdge[] = doc.edges.map((e) => graphEdgeOf(e, byId.get(e.source), byId.get(e.target)));
  return {
    format: GRAPH_FORMAT,
    tool: { name: doc.tool.name, description: doc.tool.description },
    nodes,
    edges,
    ...(doc.tests ? { tests: [...doc.tests] } : {}),
  };
}

type NodeData = ToolNodeData["node"];
const graphNodes = new WeakMap<NodeData, GraphNode>();
const graphEdges = new WeakMap<FlowEdge, { readonly source: NodeData | undefined; readonly target: NodeData | undefined; readonly edge: GraphEdge }>();

function graphNodeOf(n: FlowNode): GraphNode {
  const position = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
  const known = graphNodes.get(n.data.node);
  if (known !== undefined && known.position.x === position.x && known.position.y === position.y) return known;
  const node = { ...n.data.node, position };
  graphNodes.set(n.data.node, node);
  return node;
}

/** An edge depends on its ends too: the ports a source offers and a target's in port. */
function graphEdgeOf(e: FlowEdge, source: NodeData | undefined, target: NodeData | undefined): GraphEdge {
  const known = graphEdges.get(e);
  if (known !== undefined && known.source === source && known.target === target) return known.edge;
  const ports = source ? outPortsOf({ ...source, position: { x: 0, y: 0 } }, registry) : [];
  const out: { id: string; source: string; target: string; sourcePort?: string; targetPort?: string } = { id: e.id, source: e.source, target: e.target };
  // Ports are written only where the format needs them, so exported files stay clean.
  if (e.sourceHandle != null && !(ports.length === 1 && ports[0] === e.sourceHandle)) out.sourcePort = e.sourceHandle;
  if (e.targetHandle != null && !(target && inPortOf(target.kind) === e.targetHandle)) out.targetPort = e.targetHandle;
  graphEdges.set(e, { source, target, edge: out });
  return out;
}

/** A new graph for a new tool: an input and an output, connected. */
export function starterGraph(name: string, description: string): Graph {
  return {
    format: GRAPH_FORMAT,
    tool: { name, description },
    nodes: [
      { id: "input", kind: "input", position: { x: 0, y: 0 }, config: { schema: { type: "object", properties: { message: { type: "string", description: "What the caller sends" } }, required: ["message"] } } },
      { id: "output", kind: "output", position: { x: 360, y: 0 }, config: { values: { reply: "{{input.message}}" } } },
    ],
    edges: [{ id: "e1", source: "input", target: "output" }],
  };
}

// ---------------------------------------------------------------------------------------------
// Defaults from field specs (one place: the record)

export function defaultFor(spec: FieldSpec): JsonValue | undefined {
  if (spec.default !== undefined) return spec.default as JsonValue;
  switch (spec.type) {
    case "string":
    case "template":
      return spec.required === true ? "" : undefined;
    case "value":
    case "reference":
      return spec.required === true ? "" : undefined;
    case "enum":
      return spec.required === true ? (spec.values[0] ?? "") : undefined;
    case "boolean":
      return spec.required === true ? false : undefined;
    case "number":
    case "integer":
      return spec.required === true ? (spec.min ?? 0) : undefined;
    case "scalar":
      return "";
    case "type_schema":
      return spec.required === true ? { type: "string" } : undefined;
    case "object_schema":
      return { type: "object", properties: {}, required: [] };
    case "tool_name":
      return spec.required === true ? "" : undefined;
    case "list": {
      if (spec.required !== true && spec.minItems === undefined) return undefined;
      const item = defaultFor(spec.of) ?? emptyOf(spec.of);
      return Array.from({ length: Math.max(spec.minItems ?? 0, 0) }, () => item);
    }
    case "map":
      return spec.required === true ? {} : undefined;
    case "object":
      return spec.required === true ? configDefaults(spec.fields) : undefined;
    case "variant": {
      const first = Object.keys(spec.variants)[0] ?? "";
      return spec.required === true ? { [spec.discriminator]: first, ...configDefaults(spec.variants[first] ?? {}) } : undefined;
    }
  }
}

/** A value to start a new list item or map entry with. */
export function emptyOf(spec: FieldSpec): JsonValue {
  const d = defaultFor(spec);
  if (d !== undefined) return d;
  switch (spec.type) {
    case "number":
    case "integer":
      return spec.min ?? 0;
    case "boolean":
      return false;
    case "enum":
      return spec.values[0] ?? "";
    case "list":
      return [];
    case "map":
    case "object":
      return spec.type === "object" ? configDefaults(spec.fields, true) : {};
    case "variant": {
      const first = Object.keys(spec.variants)[0] ?? "";
      return { [spec.discriminator]: first, ...configDefaults(spec.variants[first] ?? {}) };
    }
    case "type_schema":
      return { type: "string" };
    case "object_schema":
      return { type: "object", properties: {}, required: [] };
    default:
      return "";
  }
}

export function configDefaults(fields: Readonly<Record<string, FieldSpec>>, requiredOnly = false): JsonObject {
  const config: Record<string, JsonValue> = {};
  for (const [name, spec] of Object.entries(fields)) {
    if (requiredOnly && spec.required !== true) continue;
    const value = defaultFor(spec);
    if (value !== undefined) config[name] = value;
  }
  return config;
}

// ---------------------------------------------------------------------------------------------
// Ids

const ID_PART = /[^A-Za-z0-9_-]/g;

/** A fresh node id from a base (the kind), unique among `taken`. */
export function freshNodeId(base: string, taken: ReadonlySet<string>): string {
  let clean = base.replace(ID_PART, "_");
  if (!/^[A-Za-z]/.test(clean)) clean = `n_${clean}`;
  if (clean === "item" || clean === "index") clean = `${clean}_node`;
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) {
    const candidate = `${clean}_${String(i)}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function freshEdgeId(taken: ReadonlySet<string>): string {
  for (let i = taken.size + 1; ; i++) {
    const candidate = `e${String(i)}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function newNode(kind: string, position: { x: number; y: number }, taken: ReadonlySet<string>): FlowNode | undefined {
  const record = recordOf(kind);
  if (record === undefined) return undefined;
  const id = kind === "input" ? "input" : freshNodeId(kind, taken);
  return toFlowNode({ id, kind, position, config: configDefaults(record.config_schema.fields) });
}

/** Rewrites `{{from…}}` references to `{{to…}}` inside any JSON value. */
export function renameReferences(value: JsonValue, from: string, to: string): JsonValue {
  if (typeof value === "string") {
    if (!value.includes("{{")) return value;
    const pattern = new RegExp(`\\{\\{(\\s*)${escapeRegExp(from)}(?=[\\s.}])`, "g");
    return value.replace(pattern, (_m, space: string) => `{{${space}${to}`);
  }
  if (Array.isArray(value)) return (value as readonly JsonValue[]).map((v) => renameReferences(v, from, to));
  if (isJsonObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renameReferences(v, from, to);
    return out;
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Reads a nested value by path. */
export function getIn(value: JsonValue | undefined, path: readonly (string | number)[]): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const key of path) {
    if (current === undefined || current === null) return undefined;
    if (Array.isArray(current) && typeof key === "number") current = (current as readonly JsonValue[])[key];
    else if (isJsonObject(current) && typeof key === "string") current = current[key];
    else return undefined;
  }
  return current;
}

/** Writes a nested value immutably; `undefined` removes an object key. */
export function setIn(value: JsonValue | undefined, path: readonly (string | number)[], next: JsonValue | undefined): JsonValue | undefined {
  const [key, ...rest] = path;
  if (key === undefined) return next;
  if (typeof key === "number") {
    const list = Array.isArray(value) ? [...(value as readonly JsonValue[])] : [];
    const inner = setIn(list[key], rest, next);
    if (inner === undefined) list.splice(key, 1);
    else list[key] = inner;
    return list;
  }
  const obj: JsonObject = isJsonObject(value) ? value : {};
  return withKey(obj, key, setIn(obj[key], rest, next));
}

/** A copy of `obj` with `key` set to `value`, or without `key` when `value` is undefined (order kept). */
export function withKey<T>(obj: { readonly [key: string]: T }, key: string, value: T | undefined): { [key: string]: T } {
  if (value === undefined) return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key));
  return { ...obj, [key]: value };
}
