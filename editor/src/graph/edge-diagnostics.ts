import { outPortsOf, type Diagnostic } from "../compiler";
import { recordOf, registry } from "../records";
import type { FlowEdge, FlowNode } from "./model";

type Severity = Diagnostic["severity"];

/** The worst severity and the first message of the diagnostics on each edge. */
function flaggedEdges(diagnostics: readonly Diagnostic[]): Map<string, { severity: Severity; message: string }> {
  const flagged = new Map<string, { severity: Severity; message: string }>();
  for (const d of diagnostics) {
    if (d.edgeId === undefined) continue;
    const seen = flagged.get(d.edgeId);
    if (seen === undefined || (seen.severity === "warning" && d.severity === "error")) flagged.set(d.edgeId, { severity: d.severity, message: d.message });
  }
  return flagged;
}

/**
 * The edges as the canvas draws them: an edge with a diagnostic carries the error or warning
 * style and its message as the accessible label. React Flow does not draw an edge whose port
 * is missing on its node (a switch case that was removed, an imported edge from a port that
 * does not exist), so such an edge is drawn from the node's first port, labelled with the
 * port it names. Edges without diagnostics are returned as they are (same objects), so React
 * Flow updates only the flagged ones. The document itself is never changed.
 */
export function edgesWithDiagnostics(edges: readonly FlowEdge[], nodes: readonly FlowNode[], diagnostics: readonly Diagnostic[]): FlowEdge[] {
  const flagged = flaggedEdges(diagnostics);
  if (flagged.size === 0) return edges as FlowEdge[];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return edges.map((edge) => {
    const flag = flagged.get(edge.id);
    if (flag === undefined) return edge;
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    const outPorts = source === undefined ? [] : outPortsOf({ ...source.data.node, position: source.position }, registry);
    const inPorts = target === undefined ? [] : (recordOf(target.data.node.kind)?.ports.in ?? []);
    const badSource = edge.sourceHandle != null && !outPorts.includes(edge.sourceHandle);
    const badTarget = edge.targetHandle != null && !inPorts.includes(edge.targetHandle);
    return {
      ...edge,
      className: `edge-${flag.severity}`,
      ariaLabel: `${flag.severity === "error" ? "Error" : "Warning"} on edge ${edge.id}: ${flag.message}`,
      ...(badSource ? { sourceHandle: null, label: `${edge.sourceHandle ?? ""} (no such port)` } : {}),
      ...(badTarget ? { targetHandle: null } : {}),
    };
  });
}
