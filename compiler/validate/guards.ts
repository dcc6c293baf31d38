import { Bdd, FALSE, TRUE } from "./bdd";
import type { Topology } from "./structure";
import type { ValidationCache } from "./validation-cache";

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
      // Priority encoding: port i is "x_i and no earlier x_j"; the last port is "no x_j".
      // Every assignment picks exactly one port, so no exactly-one constraint has to be
      // carried by every guard (which made guards grow with the whole graph).
      let noneBefore = TRUE;
      for (const [i, port] of ports.entries()) {
        if (i === ports.length - 1) {
          vars.set(port, noneBefore);
          break;
        }
        const v = varInfo.length;
        varInfo.push({ nodeId: node.id, ports, port });
        const x = bdd.variableNode(v);
        vars.set(port, bdd.and(noneBefore, x));
        noneBefore = bdd.and(noneBefore, bdd.not(x));
      }
    }
    portVar.set(node.id, vars);
  }
  const runs = new Map<string, number>();
  for (const node of topology.order) {
    const incoming = topology.incoming.get(node.id) ?? [];
    if (incoming.length === 0) {
      runs.set(node.id, node.kind === "input" ? TRUE : FALSE);
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
      // Unassigned variables are don't-cares: reading them as false still satisfies the witness.
      const said: string[] = [];
      const seen = new Set<string>();
      for (const v of [...witness.keys()].sort((a, b) => a - b)) {
        const info = varInfo[v];
        if (info === undefined || seen.has(info.nodeId)) continue;
        seen.add(info.nodeId);
        const own = varInfo.map((x, i) => ({ ...x, i })).filter((x) => x.nodeId === info.nodeId);
        const chosen = own.find((x) => witness.get(x.i) === true);
        const port = info.ports.length === 2 ? (witness.get(v) === true ? info.port : (info.ports[1] ?? "")) : (chosen?.port ?? info.ports[info.ports.length - 1] ?? "");
        said.push(`\`${info.nodeId}\` takes \`${port}\``);
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

/**
 * `computeGuards`, reusing the cache's last guards when the topology has the same shape:
 * guards read only the order, each node's out ports and its incoming edges' sources and
 * ports (and whether a node without incoming edges is the input).
 */
export function guardsFor(topology: Topology, cache: ValidationCache | undefined): Guards {
  if (cache === undefined) return computeGuards(topology);
  if (cache.guards !== undefined && sameShape(cache.guards.topology, topology)) return cache.guards.guards;
  const guards = computeGuards(topology);
  cache.guards = { topology, guards };
  return guards;
}

function sameShape(a: Topology, b: Topology): boolean {
  if (a.order.length !== b.order.length) return false;
  return a.order.every((node, i) => {
    const other = b.order[i];
    if (other === undefined || other.id !== node.id || (other.kind === "input") !== (node.kind === "input")) return false;
    const ports = a.outPorts.get(node.id) ?? [];
    const otherPorts = b.outPorts.get(node.id) ?? [];
    if (ports.length !== otherPorts.length || ports.some((p, j) => p !== otherPorts[j])) return false;
    const incoming = a.incoming.get(node.id) ?? [];
    const otherIncoming = b.incoming.get(node.id) ?? [];
    return (
      incoming.length === otherIncoming.length &&
      incoming.every((e, j) => {
        const same = otherIncoming[j];
        return same !== undefined && same.source.id === e.source.id && same.sourcePort === e.sourcePort;
      })
    );
  });
}
