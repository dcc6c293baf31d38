import { diagnostic, type Diagnostic } from "../diagnostics/catalog";
import type { Graph, GraphEdge, GraphNode } from "../graph/schema";
import type { KindDefinition, RecordRegistry } from "../records/registry";
import { PositionHeap } from "./position-heap";
import type { ValidationCache } from "./validation-cache";

export const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const NODE_ID = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** Names that mean something else inside references. */
const RESERVED_IDS = new Set(["item", "index"]);

export interface ResolvedEdge {
  readonly edge: GraphEdge;
  readonly source: GraphNode;
  readonly target: GraphNode;
  readonly sourcePort: string;
}

/** The graph's shape once structure is sound: nodes in a stable topological order and their edges. */
export interface Topology {
  readonly order: readonly GraphNode[];
  readonly position: ReadonlyMap<string, number>;
  readonly incoming: ReadonlyMap<string, readonly ResolvedEdge[]>;
  readonly outgoing: ReadonlyMap<string, readonly ResolvedEdge[]>;
  readonly outPorts: ReadonlyMap<string, readonly string[]>;
}

/** The out ports a node offers: the record's static ports plus any named by a config list (switch cases). */
export function outPortsOf(node: GraphNode, registry: RecordRegistry): string[] {
  const record = registry.get(node.kind)?.record;
  if (record === undefined) return [];
  const fromConfig = record.ports.out.from_config;
  const dynamic = fromConfig === undefined ? [] : asArray(node.config[fromConfig]).map((v) => String(v as string | number));
  // Duplicate cases are reported by the switch record; a port exists once.
  return [...new Set([...dynamic, ...record.ports.out.static])];
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/**
 * Checks names, kinds, configs, edges, the single input, outputs, cycles and
 * reachability; returns every problem at once and, when edges are sound, the topology.
 */
export function checkStructure(graph: Graph, registry: RecordRegistry, cache?: ValidationCache): { diagnostics: Diagnostic[]; topology?: Topology; invalidConfig: ReadonlySet<string> } {
  const diagnostics: Diagnostic[] = [];
  const invalidConfig = new Set<string>();
  if (!TOOL_NAME.test(graph.tool.name)) {
    diagnostics.push(diagnostic("INVALID_TOOL_NAME", `tool name ${JSON.stringify(graph.tool.name)} is not a valid tool name`));
  }
  const byId = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    if (byId.has(node.id)) {
      diagnostics.push(diagnostic("DUPLICATE_NODE_ID", `two nodes have the id \`${node.id}\``, { nodeId: node.id }));
      continue;
    }
    byId.set(node.id, node);
    if (!NODE_ID.test(node.id) || RESERVED_IDS.has(node.id)) {
      diagnostics.push(diagnostic("INVALID_NODE_ID", `node id ${JSON.stringify(node.id)} cannot be used in references`, { nodeId: node.id }));
    }
    const kind = registry.get(node.kind);
    if (kind === undefined) {
      diagnostics.push(diagnostic("UNKNOWN_KIND", `\`${node.id}\` has unknown kind \`${node.kind}\``, { nodeId: node.id, path: ["kind"] }, `Use one of: ${[...registry.kinds.keys()].join(", ")}.`));
      continue;
    }
    const problems = configDiagnostics(node, kind, cache);
    if (problems.length > 0) invalidConfig.add(node.id);
    diagnostics.push(...problems);
  }
  const inputs = graph.nodes.filter((n) => n.kind === "input");
  const first = inputs[0];
  if (first === undefined) diagnostics.push(diagnostic("MISSING_INPUT", "the graph has no input node"));
  else if (inputs.length > 1) {
    for (const extra of inputs.slice(1)) diagnostics.push(diagnostic("MULTIPLE_INPUTS", `\`${extra.id}\` is a second input node`, { nodeId: extra.id }));
  } else if (first.id !== "input") {
    diagnostics.push(diagnostic("MISSING_INPUT", `the input node must have id \`input\` (references read {{input.x}}), not \`${first.id}\``, { nodeId: first.id }));
  }
  if (!graph.nodes.some((n) => n.kind === "output")) diagnostics.push(diagnostic("NO_OUTPUT", "the graph has no output node"));

  // Each node's out ports once (an edge's source and the topology both need them).
  const ports = new Map([...byId.values()].map((node) => [node.id, outPortsOf(node, registry)]));
  const edges = resolveEdges(graph, byId, ports, registry, diagnostics);
  if (edges === undefined) return { diagnostics, invalidConfig };
  const topology = sortTopologically(graph, byId, edges, ports, diagnostics);
  // Without an input node everything is unreachable: MISSING_INPUT says it once.
  if (topology !== undefined && first !== undefined) checkReachability(topology, diagnostics);
  return topology === undefined ? { diagnostics, invalidConfig } : { diagnostics, topology, invalidConfig };
}

/** A node's config against its kind's validator: one INVALID_CONFIG per problem (remembered per node object). */
function configDiagnostics(node: GraphNode, kind: KindDefinition, cache: ValidationCache | undefined): readonly Diagnostic[] {
  const known = cache?.configDiagnostics.get(node);
  if (known !== undefined && known.validator === kind.config) return known.diagnostics;
  const config = kind.configAccepts(node.config) ? { success: true as const } : kind.config.safeParse(node.config);
  const diagnostics = config.success
    ? []
    : config.error.issues.map((issue) => {
        const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
        return diagnostic("INVALID_CONFIG", `\`${node.id}\` config${path.length > 0 ? `.${path.join(".")}` : ""}: ${issue.message}`, { nodeId: node.id, path: ["config", ...path] });
      });
  cache?.configDiagnostics.set(node, { validator: kind.config, diagnostics });
  return diagnostics;
}

function resolveEdges(graph: Graph, byId: ReadonlyMap<string, GraphNode>, ports: ReadonlyMap<string, readonly string[]>, registry: RecordRegistry, diagnostics: Diagnostic[]): ResolvedEdge[] | undefined {
  const resolved: ResolvedEdge[] = [];
  const edgeIds = new Set<string>();
  let sound = true;
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id)) diagnostics.push(diagnostic("DUPLICATE_EDGE_ID", `two edges have the id \`${edge.id}\``, { edgeId: edge.id }));
    edgeIds.add(edge.id);
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    for (const [end, node] of [["source", source], ["target", target]] as const) {
      if (node === undefined) {
        diagnostics.push(diagnostic("UNKNOWN_NODE", `edge \`${edge.id}\` ${end} \`${edge[end]}\` is not a node of the graph`, { edgeId: edge.id }));
        sound = false;
      }
    }
    if (source === undefined || target === undefined) continue;
    if (registry.get(source.kind) === undefined || registry.get(target.kind) === undefined) {
      sound = false;
      continue;
    }
    const outPorts = ports.get(source.id) ?? [];
    const sourcePort = edge.sourcePort ?? (outPorts.length === 1 ? outPorts[0] : undefined);
    if (sourcePort === undefined || !outPorts.includes(sourcePort)) {
      const offered = outPorts.length === 0 ? "no out ports" : `ports ${outPorts.map((p) => `\`${p}\``).join(", ")}`;
      const what = sourcePort === undefined ? "needs a sourcePort" : `uses unknown port \`${sourcePort}\``;
      diagnostics.push(diagnostic("UNKNOWN_PORT", `edge \`${edge.id}\` ${what} on \`${source.id}\` (${source.kind} has ${offered})`, { edgeId: edge.id, nodeId: source.id }));
      sound = false;
      continue;
    }
    const inPorts = registry.get(target.kind)?.record.ports.in ?? [];
    const targetPort = edge.targetPort ?? inPorts[0];
    if (targetPort === undefined || !inPorts.includes(targetPort)) {
      diagnostics.push(diagnostic("UNKNOWN_PORT", `edge \`${edge.id}\` enters \`${target.id}\` (${target.kind}), which has ${inPorts.length === 0 ? "no in port" : `in ports ${inPorts.join(", ")}`}`, { edgeId: edge.id, nodeId: target.id }));
      sound = false;
      continue;
    }
    if (source.id === target.id) {
      diagnostics.push(diagnostic("CYCLE", `edge \`${edge.id}\` connects \`${source.id}\` to itself`, { edgeId: edge.id, nodeId: source.id }));
      sound = false;
      continue;
    }
    resolved.push({ edge, source, target, sourcePort });
  }
  return sound ? resolved : undefined;
}

function sortTopologically(
  graph: Graph,
  byId: ReadonlyMap<string, GraphNode>,
  edges: readonly ResolvedEdge[],
  ports: ReadonlyMap<string, readonly string[]>,
  diagnostics: Diagnostic[],
): Topology | undefined {
  const incoming = new Map<string, ResolvedEdge[]>();
  const outgoing = new Map<string, ResolvedEdge[]>();
  for (const id of byId.keys()) {
    incoming.set(id, []);
    outgoing.set(id, []);
  }
  for (const e of edges) {
    incoming.get(e.target.id)?.push(e);
    outgoing.get(e.source.id)?.push(e);
  }
  // Kahn's algorithm, taking ready nodes in graph order so the order is stable: the ready
  // set is a heap of graph positions (sorting it at every step was quadratic on wide graphs).
  const nodes = [...byId.values()];
  const graphOrder = new Map(nodes.map((n, i) => [n.id, i]));
  const remaining = new Map(nodes.map((n) => [n.id, incoming.get(n.id)?.length ?? 0]));
  const ready = new PositionHeap();
  nodes.forEach((n, i) => {
    if (remaining.get(n.id) === 0) ready.push(i);
  });
  const order: GraphNode[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    const node = nodes[next];
    if (node === undefined) continue;
    order.push(node);
    for (const e of outgoing.get(node.id) ?? []) {
      const left = (remaining.get(e.target.id) ?? 0) - 1;
      remaining.set(e.target.id, left);
      if (left === 0) ready.push(graphOrder.get(e.target.id) ?? 0);
    }
  }
  if (order.length < byId.size) {
    const cyclic = graph.nodes.filter((n) => (remaining.get(n.id) ?? 0) > 0 && byId.get(n.id) === n).map((n) => n.id);
    diagnostics.push(diagnostic("CYCLE", `these nodes form or follow a cycle: ${cyclic.map((id) => `\`${id}\``).join(", ")}`, { nodeId: cyclic[0] ?? "" }));
    return undefined;
  }
  return {
    order,
    position: new Map(order.map((n, i) => [n.id, i])),
    incoming,
    outgoing,
    outPorts: new Map(order.map((n) => [n.id, ports.get(n.id) ?? []])),
  };
}

function checkReachability(topology: Topology, diagnostics: Diagnostic[]): void {
  const reached = new Set<string>(["input"]);
  for (const node of topology.order) {
    if (!reached.has(node.id)) {
      if (node.kind !== "input") diagnostics.push(diagnostic("UNREACHABLE_NODE", `\`${node.id}\` is not connected to the flow from \`input\``, { nodeId: node.id }));
      continue;
    }
    for (const e of topology.outgoing.get(node.id) ?? []) reached.add(e.target.id);
  }
}
