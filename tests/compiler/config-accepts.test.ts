/**
 * Property: a kind's quick config check (`configAccepts`) never says yes to a config its
 * validator refuses, and says yes to the configs of valid graphs (otherwise it saves nothing).
 * Configs come from generated valid graphs, record test cases, and their fuzz mutations.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadRecords } from "../../compiler/records/load-records";
import { isMObject, mutableCopy, mutate, Pick, type MObject } from "../fuzz/mutations";
import { recordSeedGraphs, stringifyGraph } from "../fuzz/support";
import { buildValidGraph } from "../fuzz/valid-graphs";

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const registry = loadRecords();

interface Verdicts {
  readonly quick: boolean;
  readonly validator: boolean;
}

function verdicts(graph: MObject): { readonly node: string; readonly verdicts: Verdicts }[] {
  const nodes = Array.isArray(graph.nodes) ? graph.nodes : [];
  return nodes.filter(isMObject).flatMap((node) => {
    const kind = typeof node.kind === "string" ? registry.get(node.kind) : undefined;
    if (kind === undefined) return [];
    const config = node.config ?? {};
    return [{ node: stringifyGraph(node), verdicts: { quick: kind.configAccepts(config), validator: kind.config.safeParse(config).success } }];
  });
}

describe("the quick config check", () => {
  it("accepts every config of a valid graph", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { graph } = buildValidGraph(g, { maxNodes: 16, callTools: true });
        const copy = mutableCopy(graph);
        if (!isMObject(copy)) throw new Error("a graph is an object");
        for (const { node, verdicts: v } of verdicts(copy)) expect(v, node).toEqual({ quick: true, validator: true });
      }),
      { seed: SEED, numRuns: RUNS / 3 },
    );
  });

  it("never accepts what the validator refuses (record cases and mutations)", () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const p = new Pick(g);
        const record = p.bool() ? p.one(recordSeedGraphs()) : undefined;
        const copy = mutableCopy(record?.graph ?? buildValidGraph(g, { maxNodes: 10, callTools: true }).graph);
        if (!isMObject(copy)) throw new Error("a graph is an object");
        mutate(p, copy);
        for (const { node, verdicts: v } of verdicts(copy)) {
          if (!v.validator) refused++;
          if (v.quick) expect(v.validator, node).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The property means something only if mutations made configs the validator refuses.
    expect(refused).toBeGreaterThan(RUNS / 10);
  });
});
