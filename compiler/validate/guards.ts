import { Bdd, FALSE, TRUE } from "./bdd";
import type { Topology } from "./structure";

/**
 * Which branch decisions let each node run. A node with several out ports decides
 * which one it takes (exactly one); a node runs when at least one incoming edge was
 * taken. Guards are BDDs over those decisions, so "whenever A runs, B has run" is an
 * implication check.
 */
export interface Guards {
  readonly bdd: Bdd;
  /** The guard of each node (input: the decision constraints, i.e. "always"). */
  readonly runs: ReadonlyMap<string, number>;
  /** A readable branch decision for a BDD witness: e.g. "`big` takes `false`". */
  describe(witness: ReadonlyMap<number, boolean>): string[];
  /** Ancestor sets, as bitsets over topological positions. */
  isAncestor(ancestorId: string, nodeId: string): boolean;
}

export function computeGuards(topology: Topology): Guards {
  const bdd = new Bdd();
  const portVar = new Map<string, Map<string, number>>();
  const varInfo: { nodeId: string; ports: readonly string[]; port: string }[] = [];
  let constraints = TRUE;
  // Decision variables in topological order keep BDDs small for typical graphs.
  for (const node of topology.order) {
    const ports = topology.outPorts.get(node.id) ?? [];
    if (ports.length < 2) continue;
    const vars = new Map<string, number>();
    if (ports.length === 2) {
      const v = varInfo.length;
      varInfo.push({ nodeId: node.id, ports, port: ports[0] ?? "" });
      vars.set(ports[0] ?? "", bdd.variableNode(v));
      vars.set(ports[1] ?? "", bdd.not(bdd.variableNode(v)));
    } else {
      const nodes = ports.map((port) => {
        const v = varInfo.length;
        varInfo.push({ nodeId: node.id, ports, port });
        return bdd.variableNode(v);
      });
      ports.forEach((port, i) => vars.set(port, nodes[i] ?? FALSE));
      constraints = bdd.and(constraints, exactlyOne(bdd, nodes));
    }
    portVar.set(node.id, vars);
  }
  const runs = new Map<string, number>();
  for (const node of topology.order) {
    const incoming = topology.incoming.get(node.id) ?? [];
    if (incoming.length === 0) {
      runs.set(node.id, node.kind === "input" ? constraints : FALSE);
      continue;
    }
    let guard = FALSE;
    for (const e of incoming) {
      const sourceRuns = runs.get(e.source.id) ?? FALSE;
      const decision = portVar.get(e.source.id)?.get(e.sourcePort) ?? TRUE;
      guard = bdd.or(guard, bdd.and(sourceRuns, decision));
    }
    runs.set(node.id, guard);
  }

  const ancestors = computeAncestors(topology);
  return {
    bdd,
    runs,
    describe: (witness) => {
      const said: string[] = [];
      for (const [v, value] of [...witness.entries()].sort((a, b) => a[0] - b[0])) {
        const info = varInfo[v];
        if (info === undefined) continue;
        if (info.ports.length === 2) said.push(`\`${info.nodeId}\` takes \`${value ? info.port : (info.ports[1] ?? "")}\``);
        else if (value) said.push(`\`${info.nodeId}\` takes \`${info.port}\``);
      }
      return said;
    },
    isAncestor: (ancestorId, nodeId) => {
      const a = topology.position.get(ancestorId);
      const set = ancestors.get(nodeId);
      if (a === undefined || set === undefined) return false;
      return ((set[a >>> 5] ?? 0) & (1 << (a & 31))) !== 0;
    },
  };
}

function exactlyOne(bdd: Bdd, vars: readonly number[]): number {
  let none = TRUE;
  let one = FALSE;
  for (const v of vars) {
    one = bdd.or(bdd.and(one, bdd.not(v)), bdd.and(none, v));
    none = bdd.and(none, bdd.not(v));
  }
  return one;
}

function computeAncestors(topology: Topology): Map<string, Uint32Array> {
  const words = Math.ceil(topology.order.length / 32);
  const result = new Map<string, Uint32Array>();
  for (const node of topology.order) {
    const set = new Uint32Array(words);
    for (const e of topology.incoming.get(node.id) ?? []) {
      const sourceSet = result.get(e.source.id);
      const p = topology.position.get(e.source.id) ?? 0;
      if (sourceSet !== undefined) for (let i = 0; i < words; i++) set[i] = (set[i] ?? 0) | (sourceSet[i] ?? 0);
      set[p >>> 5] = (set[p >>> 5] ?? 0) | (1 << (p & 31));
    }
    result.set(node.id, set);
  }
  return result;
}
