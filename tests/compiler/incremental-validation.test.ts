/**
 * Property: validating a graph edit after edit with a `ValidationCache` (as the editor
 * does) gives exactly what validating each version from scratch gives: the same parsed
 * graph, the same diagnostics in the same order, and the same analysis.
 *
 * Versions are made the way the editor makes them: an edit copies the graph, and every
 * node and edge it left unchanged is the previous version's object again (sometimes an
 * equal copy instead, as after an import). Edits are the fuzz tests' mutations (valid
 * and invalid), label edits, and going back to an earlier version (undo).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ToolResolver } from "../../compiler/api";
import type { Analysis } from "../../compiler/infer/analyze";
import { parseGraph, parseGraphReusing } from "../../compiler/parse/parse-graph";
import { loadRecords } from "../../compiler/records/load-records";
import { validateGraph } from "../../compiler/validate/validate";
import { createValidationCache, type ValidationCache } from "../../compiler/validate/validation-cache";
import { isMObject, mutableCopy, mutate, Pick, type MJson, type MObject } from "../fuzz/mutations";
import { fuzzResolver, recordSeedGraphs, stringifyGraph } from "../fuzz/support";
import { buildValidGraph } from "../fuzz/valid-graphs";

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const registry = loadRecords();

/** What a validation yields, with the analysis in plain data (guards as each node's diagram and its description). */
function outcome(parsed: ReturnType<typeof parseGraph>, resolveTool: ToolResolver, cache?: ValidationCache): unknown {
  if (parsed.graph === undefined) return { parse: parsed.diagnostics };
  const { diagnostics, analysis } = validateGraph(parsed.graph, registry, resolveTool, cache);
  return { graph: parsed.graph, diagnostics, analysis: analysis === undefined ? undefined : plainAnalysis(analysis) };
}

function plainAnalysis(analysis: Analysis): unknown {
  const { guards } = analysis;
  const runs = [...guards.runs].map(([id, run]) => [id, run, guards.describe(guards.bdd.witness(run) ?? new Map())]);
  const order = analysis.topology.order.map((n) => n.id);
  const ancestors = order.map((id) => order.filter((other) => guards.isAncestor(other, id)));
  return { graph: analysis.graph, order, nodes: analysis.nodes, toolInput: analysis.toolInput, toolOutput: analysis.toolOutput, runs, ancestors };
}

/** The editor's next version: unchanged nodes and edges are the previous objects again (or, sometimes, equal copies). */
function shareUnchanged(p: Pick, previous: MObject, next: MObject): MObject {
  const share = (key: "nodes" | "edges"): MJson[] | undefined => {
    const before = previous[key];
    const after = next[key];
    if (!Array.isArray(after)) return undefined;
    const known = new Map((Array.isArray(before) ? before : []).map((item) => [JSON.stringify(item), item]));
    return after.map((item) => (p.int(0, 9) === 0 ? item : (known.get(JSON.stringify(item)) ?? item)));
  };
  const nodes = share("nodes");
  const edges = share("edges");
  return { ...next, ...(nodes === undefined ? {} : { nodes }), ...(edges === undefined ? {} : { edges }) };
}

/** One edit of the current version: mutations, a label, or back to an earlier version. */
function edit(p: Pick, versions: readonly MObject[]): { graph: MObject; what: string } {
  const current = versions[versions.length - 1] ?? {};
  const choice = p.int(0, 9);
  if (choice === 0 && versions.length > 1) {
    const back = p.int(0, versions.length - 2);
    return { graph: versions[back] ?? current, what: `undo to version ${String(back)}` };
  }
  const copy = mutableCopy(current);
  if (!isMObject(copy)) throw new Error("a version is an object");
  if (choice <= 3) {
    const nodes = Array.isArray(copy.nodes) ? copy.nodes : [];
    const node = p.one(nodes);
    if (isMObject(node)) node.label = p.text();
    return { graph: shareUnchanged(p, current, copy), what: "label" };
  }
  return { graph: shareUnchanged(p, current, copy), what: mutate(p, copy).join("; ") };
}

describe("incremental validation", () => {
  it("equals validation from scratch after every edit", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const p = new Pick(g);
        const seeds = recordSeedGraphs();
        const record = p.int(0, 3) === 0 ? p.one(seeds) : undefined;
        const seed = record?.graph ?? buildValidGraph(g, { maxNodes: 14, callTools: true }).graph;
        const resolveTool = record?.resolveTool ?? fuzzResolver;
        const first = mutableCopy(seed);
        if (!isMObject(first)) throw new Error("a seed graph is an object");
        const cache = createValidationCache();
        const versions: MObject[] = [first];
        const history: string[] = ["seed"];
        for (let step = p.int(1, 8); step >= 0; step--) {
          const version = versions[versions.length - 1] ?? first;
          // A new resolver (the editor's list of published tools changed) must be noticed.
          const resolver: ToolResolver = p.int(0, 9) === 0 ? (name, v) => resolveTool(name, v) : resolveTool;
          const incremental = outcome(parseGraphReusing(version, cache), resolver, cache);
          const fresh = outcome(parseGraph(version), resolver);
          expect(incremental, `after ${history.join(" → ")}\ngraph: ${stringifyGraph(version)}`).toStrictEqual(fresh);
          const next = edit(p, versions);
          versions.push(next.graph);
          history.push(next.what);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 180_000);
});
