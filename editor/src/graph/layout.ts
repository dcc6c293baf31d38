import ELK, { type ElkNode } from "elkjs/lib/elk.bundled.js";
import { outPortsOf } from "../compiler";
import { registry } from "../records";
import type { FlowEdge, FlowNode } from "./model";

/** Auto-layout with elkjs: layered, left to right, out ports kept in their order (true above false). */
const elk = new ELK();

export async function layoutPositions(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): Promise<Map<string, { x: number; y: number }>> {
  const graph: ElkNode = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "90",
      "elk.spacing.nodeNode": "40",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.crossingMinimization.semiInteractive": "true",
    },
    children: nodes.map((n) => {
      const ports = outPortsOf({ ...n.data.node, position: n.position }, registry);
      return {
        id: n.id,
        width: n.measured?.width ?? 220,
        height: n.measured?.height ?? 80,
        layoutOptions: { "elk.portConstraints": "FIXED_ORDER" },
        ports: [
          { id: `${n.id}::in`, layoutOptions: { "elk.port.side": "WEST" } },
          ...ports.map((p, i) => ({ id: `${n.id}::out::${p}`, layoutOptions: { "elk.port.side": "EAST", "elk.port.index": String(ports.length - i) } })),
        ],
      };
    }),
    edges: edges.map((e) => ({ id: e.id, sources: [`${e.source}::out::${e.sourceHandle ?? "out"}`], targets: [`${e.target}::in`] })),
  };
  const result = await elk.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const child of result.children ?? []) positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return positions;
}
