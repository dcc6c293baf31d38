/**
 * Property: adversarial strings (quotes, backslashes, backticks, `${…}`, comment and
 * script ends, U+2028/U+2029, NUL, emoji, JavaScript's special keys, 100 KB) placed in
 * every string field of a graph
 *  (a) compile and verify;
 *  (b) come back byte-identical from the loaded module's run (and its name, description
 *      and JSON Schemas);
 *  (c) never change the generated code's structure: the files have the same syntax tree,
 *      string contents aside, as the same graph with plain strings.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GeneratedFiles } from "../../compiler/api";
import { loadTool } from "../../runtime/loader";
import { createContext, invoke, type CallToolRequest } from "../../runtime/tool-runtime";
import {
  adversarialAny,
  adversarialGraph,
  adversarialStrings,
  echoResolver,
  expectedOutput,
  fitsGraph,
  hugeString,
  outlineOf,
  plainStrings,
  PROTO_KEY_GRAPHS,
  protoKeyGraph,
  structureOf,
  type Strings,
} from "./adversarial-strings";
import { FIXED } from "./known-bugs";
import { compileOrReport, contractViolations, errorsOf } from "./support";

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
/** Files whose code carries graph strings. */
const CODE_FILES = ["src/tool.ts", "src/index.ts", "test/tool.test.ts"] as const;

function echo(request: CallToolRequest): Promise<unknown> {
  const input = request.input;
  const text = typeof input === "object" && input !== null && "text" in input ? input.text : undefined;
  return Promise.resolve({ text });
}

/** Compiles through JSON (as the API receives graphs) and checks (a). */
function compileVerified(strings: Strings, testInput: string): { files: GeneratedFiles; hash: string } {
  const graph: unknown = JSON.parse(JSON.stringify(adversarialGraph(strings, testInput)));
  const result = compileOrReport(graph, { resolveTool: echoResolver });
  const where = `strings: ${JSON.stringify(strings)}`;
  expect(errorsOf(result), where).toEqual([]);
  expect(contractViolations(result, true), where).toEqual([]);
  if (result.files === undefined || result.hash === undefined) throw new Error(`no files for ${where}`);
  return { files: result.files, hash: result.hash };
}

const baselines = new Map<string, GeneratedFiles>();

/** (c): same structure as the plain-string graph. */
function checkStructure(strings: Strings, files: GeneratedFiles): void {
  const plain = plainStrings(strings);
  const key = JSON.stringify(plain);
  let baseline = baselines.get(key);
  if (baseline === undefined) {
    baseline = compileVerified(plain, plain.input).files;
    baselines.set(key, baseline);
  }
  for (const file of CODE_FILES) {
    const actual = files[file];
    const expected = baseline[file];
    if (actual === undefined || expected === undefined) throw new Error(`missing ${file}`);
    expect(outlineOf(actual), file).toEqual(outlineOf(expected));
    // The same tree, object-literal properties in any order (see structureOf).
    expect(structureOf(actual), file).toBe(structureOf(expected));
  }
}

/** (b): loaded and run, every string comes back byte-identical. */
async function checkRun(strings: Strings, files: GeneratedFiles, hash: string, inputs: readonly string[]): Promise<void> {
  const tool = await loadTool(hash, files);
  expect(tool.description).toBe(strings.description);
  expect(tool.inputJsonSchema).toMatchObject({
    description: strings.inputDesc,
    properties: { s: { description: strings.sDesc }, e: { enum: [strings.enumA, strings.enumB] } },
  });
  for (const s of inputs) {
    const output = await invoke(tool, { s, e: strings.enumA, online: false }, createContext({ callTool: echo }));
    expect(output, `input ${JSON.stringify(s)}`).toStrictEqual(expectedOutput(strings, s));
  }
}

describe("adversarial strings in every string field", () => {
  it(
    "compile verified, run byte-identical and never change the code's structure",
    async () => {
      await fc.assert(
        fc.asyncProperty(adversarialStrings, adversarialAny, async (strings, other) => {
          const { files, hash } = compileVerified(strings, other);
          checkStructure(strings, files);
          // Every branch: the conditional (cmp, cmp2), each switch case, and the default.
          await checkRun(strings, files, hash, [strings.cmp, strings.cmp2, strings.caseA, strings.caseB, other]);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
    300_000,
  );

  it("a 100 KB adversarial string in literals, templates, keys, cases and input", async () => {
    const big = (salt: string): string => hugeString(100_000, salt);
    const base = fc.sample(adversarialStrings, { seed: SEED, numRuns: 1 })[0];
    if (base === undefined) throw new Error("no sample");
    const strings: Strings = {
      ...base,
      lit: big("lit"),
      text1: big("text1"),
      text5: big("text5"),
      key1: big("key1"),
      val1: big("val1"),
      key4: big("key4"),
      val5: big("val5"),
      cmp: big("cmp"),
      caseA: big("caseA"),
      caseB: big("caseB"),
      enumA: big("enumA"),
      llmKey: big("llmKey"),
      hdr2: big("hdr2"),
    };
    expect(fitsGraph(strings)).toBe(true);
    const input = big("input");
    const { files, hash } = compileVerified(strings, input);
    checkStructure(strings, files);
    await checkRun(strings, files, hash, [strings.cmp, strings.caseA, strings.caseB, input]);
  }, 300_000);

  it.each(PROTO_KEY_GRAPHS)("a `__proto__` key ($name) is kept or refused, never dropped", async ({ json, input, expected }) => {
    const graph = protoKeyGraph(json, input !== "{}");
    const result = compileOrReport(graph, {});
    expect(contractViolations(result, true)).toEqual([]);
    // Until the fix, only the general contract holds (the key is silently dropped).
    if (!FIXED.protoKeys || !result.success) {
      if (FIXED.protoKeys) expect(errorsOf(result).length).toBeGreaterThan(0);
      return;
    }
    if (result.files === undefined || result.hash === undefined) throw new Error("no files");
    const tool = await loadTool(result.hash, result.files);
    const output = await invoke(tool, JSON.parse(input), createContext());
    expect(JSON.stringify(output)).toBe(expected);
  });
});
