import type { GraphNode } from "../graph/schema";
import type { Analysis } from "../infer/analyze";
import type { RecordRegistry } from "../records/registry";
import type { ResolvedEdge } from "../validate/structure";
import { identifierFor, stringLiteral } from "../generate/emit";

/**
 * Transforms the analysed graph into a schedule: which nodes run inline and how each edge's
 * being taken reads in code.
 *
 * A node runs inline (a plain statement, no promise, no closure) when its work is
 * synchronous (its record's template is an `expression`), it has no retry, timeout or
 * onError fallback, and every node it has an edge from runs inline too. Inline nodes run
 * before the first step starts, in topological order, so by the time a node runs every edge into
 * it is decided, as `step` waits for. Its variable holds its value, or `undefined` when it
 * was skipped; a node whose guard is the input's (it runs in every execution) is never
 * skipped, so its variable is its value. The other nodes go through `step(…)`.
 */
export interface NodeSchedule {
  readonly varName: string;
  readonly inline: boolean;
  /** Inline and run in every execution. */
  readonly always: boolean;
  /** The variable holding an inline node's out port (kinds with a `port` template). */
  readonly portVar?: string;
}

export interface Schedule {
  readonly nodes: ReadonlyMap<string, NodeSchedule>;
  /** Whether some node goes through `step(…)`. */
  readonly hasSteps: boolean;
}

export function schedule(analysis: Analysis, registry: RecordRegistry): Schedule {
  const nodes = new Map<string, NodeSchedule>();
  const input = analysis.topology.order.find((n) => n.kind === "input");
  const always = input === undefined ? undefined : analysis.guards.runs.get(input.id);
  for (const [index, node] of analysis.topology.order.entries()) {
    const template = registry.get(node.kind)?.record.template;
    const varName = identifierFor(node.id, index);
    const inline =
      template?.body === undefined &&
      node.retry === undefined &&
      node.timeoutMs === undefined &&
      node.onError?.action !== "continue" &&
      (analysis.topology.incoming.get(node.id) ?? []).every((e) => nodes.get(e.source.id)?.inline === true);
    nodes.set(node.id, {
      varName,
      inline,
      always: inline && always !== undefined && analysis.guards.runs.get(node.id) === always,
      ...(inline && template?.port !== undefined ? { portVar: `${varName}_port` } : {}),
    });
  }
  return { nodes, hasSteps: [...nodes.values()].some((n) => !n.inline) };
}

/** Whether an edge from an inline node was taken, as a boolean expression. */
export function takenCode(edge: ResolvedEdge, source: NodeSchedule): string {
  if (source.portVar !== undefined) return `${source.portVar} === ${stringLiteral(edge.sourcePort)}`;
  return source.always ? "true" : `${source.varName} !== undefined`;
}

/** An inline node's activation: whether at least one incoming edge was taken (undefined when it always runs). */
export function activationCode(node: GraphNode, analysis: Analysis, plan: Schedule): string | undefined {
  if (plan.nodes.get(node.id)?.always !== false) return undefined;
  const taken = (analysis.topology.incoming.get(node.id) ?? []).map((e) => {
    const source = plan.nodes.get(e.source.id);
    return source === undefined ? "false" : takenCode(e, source);
  });
  return [...new Set(taken)].join(" || ");
}

/** A step's incoming edges: `[promise, port]` from a step, the taken expression from an inline node. */
export function incomingCode(node: GraphNode, analysis: Analysis, plan: Schedule): string {
  const edges = (analysis.topology.incoming.get(node.id) ?? []).map((e) => {
    const source = plan.nodes.get(e.source.id);
    if (source === undefined) return "false";
    return source.inline ? takenCode(e, source) : `[${source.varName}, ${stringLiteral(e.sourcePort)}]`;
  });
  return `[${edges.join(", ")}]`;
}
