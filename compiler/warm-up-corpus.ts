/**
 * Graphs a compile worker verifies in the background after it is ready, so its JIT reaches a
 * steady state before real compiles need it. Why: the first dozens of verifications in a
 * process run partly unoptimized while V8 keeps compiling TypeScript's checker and ESLint in
 * the background — measured on 50-node graphs, CPU per verification fell from ~525 ms
 * (first 10) to ~240 ms (after 20), p50 wall from 280 to 195 ms.
 *
 * The corpus is every record's happy-path test case that compiles on its own (no called
 * tools), so every node kind's generated shape is exercised and a new kind joins by its record.
 * It is verified twice, under distinct tool names (the content-hash cache would skip a
 * repeat): two rounds (~55 small verifications, ~5 s of CPU) brought the next 50-node
 * verifications to p50 215 ms / 330 ms of CPU from 357 / 608 ms; four rounds did no better.
 */
import type { RecordRegistry } from "./records/registry";
import { testCaseGraph } from "./records/test-case-graph";

/** HTTP test cases name a local fixture; any public URL compiles the same way. */
const FIXTURE_URL = "https://warm-up.invalid";

const ROUNDS = 2;

export function warmUpCorpus(registry: RecordRegistry): unknown[] {
  const graphs: unknown[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [kind, definition] of registry.kinds) {
      definition.record.test_cases.forEach((testCase, index) => {
        if (testCase.category !== "happy" || testCase.tools !== undefined) return;
        graphs.push(testCaseGraph(testCase.graph, `warm_up_${kind}_${String(index)}_${String(round)}`, FIXTURE_URL));
      });
    }
  }
  return graphs;
}
