import { outPortsOf } from "../compiler";
import { recordOf, registry } from "../records";
import type { Doc } from "./model";

/** Why a connection is refused, or undefined when it is fine (used while dragging and on drop). */
export function connectionProblem(doc: Doc, c: { source: string | null; target: string | null; sourceHandle?: string | null; targetHandle?: string | null }): string | undefined {
  if (c.source === null || c.target === null) return "incomplete";
  if (c.source === c.target) return "a node cannot connect to itself";
  const source = doc.nodes.find((n) => n.id === c.source);
  const target = doc.nodes.find((n) => n.id === c.target);
  if (source === undefined || target === undefined) return "unknown node";
  const ports = outPortsOf({ ...source.data.node, position: source.position }, registry);
  const sourcePort = c.sourceHandle ?? (ports.length === 1 ? ports[0] : undefined);
  if (sourcePort === undefined || !ports.includes(sourcePort)) return "unknown out port";
  const inPorts = recordOf(target.data.node.kind)?.ports.in ?? [];
  const targetPort = c.targetHandle ?? inPorts[0];
  if (targetPort === undefined || !inPorts.includes(targetPort)) return "the target has no such in port";
  if (doc.edges.some((e) => e.source === c.source && e.target === c.target && (e.sourceHandle ?? ports[0]) === sourcePort)) return "already connected";
  // A cycle: the target already reaches the source.
  const outgoing = new Map<string, string[]>();
  for (const e of doc.edges) outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e.target]);
  const stack = [c.target];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop() ?? "";
    if (id === c.source) return "would create a cycle";
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(outgoing.get(id) ?? []));
  }
  return undefined;
}
