/**
 * Property: every valid graph of random shape compiles, passes verification (tsc
 * strict, ESLint, zero `any`) and, loaded, runs on a random valid input to an output
 * its own schema accepts, calling the callee with input its signature accepts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadTool } from "../../runtime/loader";
import { createContext, invoke, type CallToolRequest } from "../../runtime/tool-runtime";
import { compileOrReport, contractViolations, errorsOf, fuzzResolver, stringifyGraph } from "./support";
import { buildValidGraph, valueOfSchema } from "./valid-graphs";

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

const calleeInput = z.strictObject({ text: z.string(), count: z.number().int().optional() });

/** The callee: checks the input it receives and answers its declared output. */
function callee(calls: string[]) {
  return (request: CallToolRequest): Promise<unknown> => {
    const parsed = calleeInput.safeParse(request.input);
    if (!parsed.success) calls.push(`callee received invalid input ${JSON.stringify(request.input)}: ${parsed.error.message}`);
    const text = parsed.success ? parsed.data.text : "";
    return Promise.resolve({ label: `L:${text}`, score: parsed.success ? (parsed.data.count ?? 0.5) : 0, tags: [text, "t"], meta: { ok: text.length > 0 } });
  };
}

describe("random valid graphs", () => {
  it(
    "compile, verify with zero any, and run to an output of their own schema",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (g) => {
          const { graph, inputSchema } = buildValidGraph(g);
          const where = `graph: ${stringifyGraph(graph)}`;
          const result = compileOrReport(graph, { resolveTool: fuzzResolver });
          expect(errorsOf(result), where).toEqual([]);
          expect(contractViolations(result, true), where).toEqual([]);
          expect(result.success, where).toBe(true);
          expect(result.verification, where).toMatchObject({ tscPassed: true, eslintPassed: true, anyTypesFound: 0 });
          const { files, hash } = result;
          if (files === undefined || hash === undefined) throw new Error(`no files: ${where}`);

          const input = valueOfSchema(g, inputSchema);
          const problems: string[] = [];
          const tool = await loadTool(hash, files);
          const output = await invoke(tool, input, createContext({ callTool: callee(problems) })).catch((error: unknown) => {
            throw new Error(`run failed on input ${JSON.stringify(input)}: ${error instanceof Error ? error.message : String(error)}\n${where}`, { cause: error });
          });
          expect(problems, where).toEqual([]);
          expect(tool.outputSchema.safeParse(output).success, where).toBe(true);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
    300_000,
  );
});
