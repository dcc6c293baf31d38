/**
 * The shape of generated code and the semantics it must keep: pure nodes run inline as
 * straight-line code (activations from edges and ports, joins and merges), nodes that wait
 * on the outside world or carry policies run as steps (concurrently when independent), and
 * errors and spans name their node either way.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileGraph, verifier } from "../../compiler/compile";
import { loadTool, type LoadedTool } from "../../runtime/loader";
import { createContext, isToolError, type Span } from "../../runtime/tool-runtime";
import { benchGraph, BENCH_INPUTS, handWritten } from "../bench/runtime-graph";

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

const node = (id: string, kind: string, config: Json, extra: Readonly<Record<string, Json>> = {}): Json => ({ id, kind, config, ...extra });
const edge = (source: string, target: string, sourcePort?: string): Json => ({ id: `${source}-${target}`, source, target, ...(sourcePort === undefined ? {} : { sourcePort }) });
const graphOf = (name: string, nodes: readonly Json[], edges: readonly Json[]): Json => ({ format: "toolwright.graph/v1", tool: { name }, nodes, edges });
const inputNode = (properties: Readonly<Record<string, Json>>): Json => node("input", "input", { schema: { type: "object", properties, required: Object.keys(properties) } });

async function compiled(graph: Json): Promise<{ tool: LoadedTool; source: string }> {
  const result = compileGraph(graph, { verify: true });
  if (!result.success || result.files === undefined || result.hash === undefined) throw new Error(JSON.stringify(result.diagnostics));
  return { tool: await loadTool(result.hash, result.files), source: result.files["src/tool.ts"] ?? "" };
}

async function tracedRun(tool: LoadedTool, input: unknown): Promise<{ output: unknown; spans: Span[] }> {
  const spans: Span[] = [];
  const output = await tool.run(input, createContext({ onSpan: (span) => spans.push(span) }));
  return { output, spans };
}

const statuses = (spans: readonly Span[]): [string, string][] => spans.map((s) => [s.nodeId, s.status]);

/** input → c (n > 10) ─true→ a → deep ─► hi;  c ─false→ b ─► lo. */
function branchGraph(): Json {
  return graphOf(
    "branches",
    [
      inputNode({ n: { type: "number" } }),
      node("c", "conditional", { combineWith: "AND", conditions: [{ left: "{{input.n}}", operator: "greater_than", right: 10 }] }),
      node("a", "transform", { values: { v: "big" } }),
      node("deep", "transform", { values: { v: "{{a.v}}!" } }),
      node("b", "transform", { values: { v: "small" } }),
      node("hi", "output", { values: { v: "{{deep.v}}" } }),
      node("lo", "output", { values: { v: "{{b.v}}" } }),
    ],
    [edge("input", "c"), edge("c", "a", "true"), edge("a", "deep"), edge("c", "b", "false"), edge("deep", "hi"), edge("b", "lo")],
  );
}

// The first verified compile warms the verifier (seconds, more on a busy machine): once, before the tests' own timeouts start.
beforeAll(() => {
  verifier().warm();
}, 300_000);

describe("pure nodes run inline", () => {
  it("compiles the 20-node benchmark to straight-line code that agrees with the hand-written function", async () => {
    const { tool, source } = await compiled(benchGraph("shape_bench"));
    expect(source).not.toContain("step(");
    expect(source).not.toContain("runScope(");
    for (const input of BENCH_INPUTS) expect(await tool.run(input, createContext())).toEqual(await handWritten(input));
  });

  it("reports one span per node: the branch not taken and everything only it reaches are skipped", async () => {
    const { tool } = await compiled(branchGraph());
    const small = await tracedRun(tool, { n: 3 });
    expect(small.output).toEqual({ v: "small" });
    expect(statuses(small.spans)).toEqual([
      ["input", "succeeded"],
      ["c", "succeeded"],
      ["a", "skipped"],
      ["deep", "skipped"],
      ["b", "succeeded"],
      ["hi", "skipped"],
      ["lo", "succeeded"],
    ]);
    const big = await tracedRun(tool, { n: 30 });
    expect(big.output).toEqual({ v: "big!" });
    expect(big.spans.find((s) => s.nodeId === "deep")).toMatchObject({ status: "succeeded", input: { v: "big!" }, output: { v: "big!" }, attempts: 1 });
  });

  it("joins parallel branches (runs once both are decided) and merges exclusive ones (takes the one that ran)", async () => {
    const graph: Json = graphOf(
      "joins",
      [
        inputNode({ n: { type: "number" } }),
        node("left", "transform", { values: { l: "L{{input.n}}" } }),
        node("right", "transform", { values: { r: "R" } }),
        node("c", "conditional", { combineWith: "AND", conditions: [{ left: "{{input.n}}", operator: "less_than", right: 0 }] }),
        node("neg", "transform", { values: { sign: "-" } }),
        node("pos", "transform", { values: { sign: "+" } }),
        node("m", "merge", { values: { sign: ["{{neg.sign}}", "{{pos.sign}}"] } }),
        node("out", "output", { values: { text: "{{left.l}}{{right.r}}{{m.sign}}" } }),
      ],
      [edge("input", "left"), edge("input", "right"), edge("input", "c"), edge("c", "neg", "true"), edge("c", "pos", "false"), edge("neg", "m"), edge("pos", "m"), edge("left", "out"), edge("right", "out"), edge("m", "out")],
    );
    const { tool } = await compiled(graph);
    expect((await tracedRun(tool, { n: -1 })).output).toEqual({ text: "L-1R-" });
    const { output, spans } = await tracedRun(tool, { n: 2 });
    expect(output).toEqual({ text: "L2R+" });
    expect(spans.filter((s) => s.status === "skipped").map((s) => s.nodeId)).toEqual(["neg"]);
  });

  it("fails with the id of the node that threw, in the error and a failed span", async () => {
    const { tool } = await compiled(branchGraph());
    // run() without invoke(): an input whose field throws when read stands in for a node that fails.
    const failing = Object.defineProperty({}, "n", { get: (): never => { throw new Error("unreadable"); }, enumerable: true });
    const spans: Span[] = [];
    const error: unknown = await tool.run(failing, createContext({ onSpan: (span) => spans.push(span) })).catch((e: unknown) => e);
    expect(isToolError(error) && [error.code, error.nodeId, error.message]).toEqual(["NODE_FAILED", "c", 'node "c": unreadable']);
    expect(statuses(spans)).toEqual([
      ["input", "succeeded"],
      ["c", "failed"],
    ]);
  });

  it("fails a run whose caller already aborted, naming the input node", async () => {
    const { tool } = await compiled(branchGraph());
    const caller = new AbortController();
    caller.abort();
    const error: unknown = await tool.run({ n: 1 }, createContext({ signal: caller.signal })).catch((e: unknown) => e);
    expect(isToolError(error) && [error.code, error.nodeId]).toEqual(["CANCELLED", "input"]);
  });
});

describe("steps", () => {
  it("runs a pure node with onError through the runtime, which falls back, and what follows it as steps", async () => {
    const graph: Json = graphOf(
      "fallback_check",
      [
        inputNode({ n: { type: "number" } }),
        node("read", "transform", { values: { n: "{{input.n}}" } }, { onError: { action: "continue", fallback: { n: -1 } } }),
        node("after", "transform", { values: { text: "n={{read.n}}" } }),
        node("out", "output", { values: { text: "{{after.text}}" } }),
      ],
      [edge("input", "read"), edge("read", "after"), edge("after", "out")],
    );
    const { tool, source } = await compiled(graph);
    expect(source).toContain("const n1_read = step(ctx, n1_read_spec, [true], async (scope: NodeScope) => {");
    expect(source).toContain('const n2_after = step(ctx, n2_after_spec, [[n1_read, "out"]], async (scope: NodeScope) => {');
    const failing = Object.defineProperty({}, "n", { get: (): never => { throw new Error("unreadable"); }, enumerable: true });
    const { output, spans } = await tracedRun(tool, failing);
    expect(output).toEqual({ text: "n=-1" });
    expect(spans.find((s) => s.nodeId === "read")).toMatchObject({ status: "succeeded", output: { n: -1 }, error: { code: "NODE_FAILED" } });
    expect((await tracedRun(tool, { n: 4 })).output).toEqual({ text: "n=4" });
  });

  it("runs independent async branches concurrently, and pure nodes after them as soon as they resolve", async () => {
    const graph: Json = graphOf(
      "parallel_waits",
      [
        inputNode({ tag: { type: "string" } }),
        node("label", "transform", { values: { text: "[{{input.tag}}]" } }),
        node("first", "delay", { ms: 200 }),
        node("second", "delay", { ms: 200 }),
        node("after", "transform", { values: { text: "{{label.text}} done" } }),
        node("out", "output", { values: { text: "{{after.text}}" } }),
      ],
      [edge("input", "label"), edge("label", "first"), edge("label", "second"), edge("first", "after"), edge("second", "after"), edge("after", "out")],
    );
    const { tool, source } = await compiled(graph);
    expect(source).toContain("const n1_label = {");
    const { output, spans } = await tracedRun(tool, { tag: "t" });
    expect(output).toEqual({ text: "[t] done" });
    // Concurrent: the second delay started before the first one ended.
    const [first, second] = [spans.find((s) => s.nodeId === "first"), spans.find((s) => s.nodeId === "second")];
    expect(second !== undefined && first !== undefined && second.startedAt < first.startedAt + first.durationMs).toBe(true);
    expect(statuses(spans)).toEqual([
      ["input", "succeeded"],
      ["label", "succeeded"],
      ["first", "succeeded"],
      ["second", "succeeded"],
      ["after", "succeeded"],
      ["out", "succeeded"],
    ]);
  });
});
