import { parseGraph, type GraphEdge, type GraphNode, type JsonValue } from "../compiler";
import { freshEdgeId, freshNodeId, isJsonObject, renameReferences, toFlowEdge, toFlowNode, type Doc, type FlowEdge, type FlowNode } from "./model";

/** Copy and paste of nodes (with the edges between them) as JSON on the system clipboard. */
export const CLIPBOARD_FORMAT = "toolwright.nodes/v1";

export interface ClipboardContent {
  readonly format: typeof CLIPBOARD_FORMAT;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export function copySelection(doc: Doc): ClipboardContent | undefined {
  const nodes = doc.nodes.filter((n) => n.selected === true);
  if (nodes.length === 0) return undefined;
  const ids = new Set(nodes.map((n) => n.id));
  return {
    format: CLIPBOARD_FORMAT,
    nodes: nodes.map((n) => ({ ...n.data.node, position: n.position })),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ id: e.id, source: e.source, target: e.target, ...(e.sourceHandle != null ? { sourcePort: e.sourceHandle } : {}), ...(e.targetHandle != null ? { targetPort: e.targetHandle } : {}) })),
  };
}

/** Reads clipboard text: our node format, or a whole graph file. */
export function readClipboard(text: string): ClipboardContent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  if (isJsonObject(value) && (value as { format?: unknown }).format === CLIPBOARD_FORMAT) {
    const wrapped = parseGraph({ format: "toolwright.graph/v1", tool: { name: "clipboard" }, nodes: (value as { nodes?: unknown }).nodes, edges: (value as { edges?: unknown }).edges });
    return wrapped.graph ? { format: CLIPBOARD_FORMAT, nodes: wrapped.graph.nodes, edges: wrapped.graph.edges } : undefined;
  }
  const graph = parseGraph(value);
  return graph.graph ? { format: CLIPBOARD_FORMAT, nodes: graph.graph.nodes, edges: graph.graph.edges } : undefined;
}

/** Pastes with fresh ids (references among the pasted nodes follow), offset, and selected. */
export function pasteInto(doc: Doc, content: ClipboardContent, offset: { x: number; y: number }): Doc {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const hasInput = doc.nodes.some((n) => n.data.node.kind === "input");
  const rename = new Map<string, string>();
  const nodes = content.nodes.filter((n) => !(n.kind === "input" && hasInput));
  for (const n of nodes) {
    const id = freshNodeId(n.id, taken);
    taken.add(id);
    rename.set(n.id, id);
  }
  const pasted: FlowNode[] = nodes.map((n) => {
    let config = n.config as JsonValue;
    for (const [from, to] of rename) if (from !== to) config = renameReferences(config, from, to);
    const flow = toFlowNode({ ...n, id: rename.get(n.id) ?? n.id, config: isJsonObject(config) ? config : {}, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } });
    return { ...flow, selected: true };
  });
  const byId = new Map([...doc.nodes.map((n) => [n.id, n.data.node] as const), ...pasted.map((n) => [n.id, n.data.node] as const)]);
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const edges: FlowEdge[] = content.edges.flatMap((e) => {
    const source = rename.get(e.source);
    const target = rename.get(e.target);
    if (source === undefined || target === undefined) return [];
    const id = freshEdgeId(edgeIds);
    edgeIds.add(id);
    return [toFlowEdge({ ...e, id, source, target }, byId)];
  });
  return { ...doc, nodes: [...doc.nodes.map((n) => (n.selected === true ? { ...n, selected: false } : n)), ...pasted], edges: [...doc.edges, ...edges] };
}
