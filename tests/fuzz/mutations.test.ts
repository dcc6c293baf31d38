/**
 * Property: mutations of valid graphs (generated ones and every record test case)
 * never crash the compiler. `compileGraph` returns either a (verified) success with
 * files, or a failure with at least one error diagnostic; it never throws, never hands
 * out files that failed verification, and never reports INTERNAL_VERIFICATION_FAILED.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ToolResolver } from "../../compiler/api";
import { compileOrReport, contractViolations, fuzzResolver, recordSeedGraphs, stringifyGraph } from "./support";
import { isMObject, mutableCopy, mutate, Pick, type MObject } from "./mutations";
import { buildValidGraph } from "./valid-graphs";

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const VERIFIED_RUNS = Number(process.env.FUZZ_VERIFIED_RUNS ?? 25);

/** A valid graph to start from: generated, or a record's test case. */
function seedGraph(p: Pick): { graph: MObject; resolveTool: ToolResolver; origin: string } {
  const records = recordSeedGraphs();
  const record = p.bool() ? p.one(records) : undefined;
  const source = record === undefined ? { graph: buildValidGraph(p.g, { maxNodes: 12, callTools: true }).graph, resolveTool: fuzzResolver, name: "generated" } : record;
  const graph = mutableCopy(source.graph);
  if (!isMObject(graph)) throw new Error("a seed graph is an object");
  return { graph, resolveTool: source.resolveTool, origin: source.name };
}

/** Mutates a seed graph and checks the contract without verification; returns the mutant when it still validates. */
function checkMutant(p: Pick): { graph: MObject; resolveTool: ToolResolver; where: string } | undefined {
  const { graph, resolveTool, origin } = seedGraph(p);
  const done = mutate(p, graph);
  const where = `seed: ${origin}\nmutations:\n  ${done.join("\n  ")}\ngraph: ${stringifyGraph(graph)}`;
  const result = compileOrReport(graph, { resolveTool, verify: false });
  expect(contractViolations(result, false), where).toEqual([]);
  return result.success ? { graph, resolveTool, where } : undefined;
}

describe("random mutations of valid graphs", () => {
  it("never crash validation and generation (verify: false)", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        checkMutant(new Pick(g));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 120_000);

  it("that still validate, verify (verify: true)", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        // Most mutants are invalid; draw until one validates, then verify that one.
        const p = new Pick(g);
        for (let attempt = 0; attempt < 30; attempt++) {
          const mutant = checkMutant(p);
          if (mutant === undefined) continue;
          const result = compileOrReport(mutant.graph, { resolveTool: mutant.resolveTool, verify: true });
          expect(contractViolations(result, true), mutant.where).toEqual([]);
          return;
        }
      }),
      { seed: SEED + 1, numRuns: VERIFIED_RUNS, endOnFailure: true },
    );
  }, 240_000);
});
