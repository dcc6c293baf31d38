import { describe, expect, it } from "vitest";
import { compileGraph } from "../../compiler/compile";
import { loadTool } from "../../runtime/loader";
import { createContext, invoke } from "../../runtime/tool-runtime";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** input → (nodes, chained) → output; the compact shape these regressions need. */
interface Edge {
  id: string;
  source: string;
  target: string;
  sourcePort?: string;
}

function chain(inputProps: Record<string, Json>, required: string[], nodes: (Record<string, Json> & { id: string })[], outputValues: Record<string, Json>, name = "regression") {
  const all = [{ id: "input", kind: "input", config: { schema: { type: "object", properties: inputProps, required } } }, ...nodes, { id: "out", kind: "output", config: { values: outputValues } }];
  const edges: Edge[] = all.slice(1).map((n, i) => ({ id: `e${String(i)}`, source: all[i]?.id ?? "", target: n.id }));
  return { format: "toolwright.graph/v1", tool: { name }, nodes: all, edges };
}

function codes(graph: unknown): string[] {
  return compileGraph(graph, { verify: false }).diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
}

describe("compiler regressions (each was INTERNAL_VERIFICATION_FAILED or a crash)", () => {
  it("a possibly missing comparison operand is a TYPE_MISMATCH", () => {
    const graph = chain({ n: { type: "number" } }, [], [{ id: "c", kind: "conditional", config: { combineWith: "AND", conditions: [{ left: "{{input.n}}", operator: "greater_than", right: 3 }] } }], { v: 1 });
    graph.edges = [graph.edges[0] as Edge, { id: "t", source: "c", sourcePort: "true", target: "out" }, { id: "f", source: "c", sourcePort: "false", target: "out" }];
    expect(codes(graph)).toEqual(["TYPE_MISMATCH"]);
  });

  it("an onError fallback of the wrong shape is a TYPE_MISMATCH at onError.fallback", () => {
    const graph = chain({}, [], [{ id: "t", kind: "transform", config: { values: { v: 1 } }, onError: { action: "continue", fallback: { v: "x" } } }], { v: "{{t.v}}" });
    const result = compileGraph(graph, { verify: false });
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([["TYPE_MISMATCH", ["onError", "fallback", "v"]]]);
  });

  it("a reference to an inherited property name is UNKNOWN_REFERENCE, not a crash", () => {
    expect(codes(chain({}, [], [{ id: "t", kind: "transform", config: { values: { k: 1 } } }], { u: "{{t.constructor}}" }))).toEqual(["UNKNOWN_REFERENCE"]);
  });

  it("output field names every object inherits are refused with INVALID_CONFIG", () => {
    const result = compileGraph(chain({}, [], [], { toString: "x" }), { verify: false });
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([["INVALID_CONFIG", ["config", "values", "toString"]]]);
  });

  it("integer literals beyond 2^53 are typed as numbers", () => {
    const result = compileGraph(chain({}, [], [], { big: 9007199254740992 }), { verify: false });
    expect(result.files?.["src/tool.ts"]).toContain('"big": z.number()');
    expect(result.files?.["src/tool.ts"]).not.toContain('"big": z.number().int()');
  });

  it("__proto__ keys are refused at parse time", () => {
    const graph = JSON.parse('{"format":"toolwright.graph/v1","tool":{"name":"p"},"nodes":[{"id":"out","kind":"output","config":{"values":{"__proto__":"p"}}}]}') as unknown;
    const result = compileGraph(graph, { verify: false });
    expect(result.diagnostics.map((d) => d.code)).toEqual(["GRAPH_SCHEMA"]);
    expect(result.diagnostics[0]?.message).toContain("__proto__");
  });

  it("a malformed type schema is INVALID_CONFIG, not a crash", () => {
    expect(codes(chain({ a: null }, [], [], { v: 1 }))).toContain("INVALID_CONFIG");
  });

  it("a template that is exactly one number reference renders it as text", () => {
    const graph = chain({ n: { type: "integer" } }, ["n"], [{ id: "ask", kind: "llm", config: { model: "m", prompt: "{{input.n}}", output: { type: "text" } } }], { p: "ok" });
    const result = compileGraph(graph);
    expect(result.success).toBe(true);
    expect(result.files?.["src/tool.ts"]).toContain('prompt: text(n0_input["n"])');
  });

  it("{{item.path}} inside for_each reads the item's field", async () => {
    const callee = chain({ n: { type: "number" } }, ["n"], [], { n: "{{input.n}}" }, "num");
    const calleeResult = compileGraph(callee);
    const signature = calleeResult.signature;
    if (signature === undefined || calleeResult.files === undefined || calleeResult.hash === undefined) throw new Error("callee did not compile");
    const graph = chain({ rows: { type: "array", items: { type: "object", properties: { price: { type: "number" } }, required: ["price"] } } }, ["rows"], [{ id: "each", kind: "for_each", config: { items: "{{input.rows}}", tool: "num", input: { n: "{{item.price}}" } } }], { r: "{{each.results}}" });
    const result = compileGraph(graph, { resolveTool: (name) => (name === "num" ? { ...signature, version: 1 } : undefined) });
    if (result.files === undefined || result.hash === undefined) throw new Error(JSON.stringify(result.diagnostics));
    const callee_ = await loadTool(calleeResult.hash, calleeResult.files);
    const tool = await loadTool(result.hash, result.files);
    const output = await invoke(tool, { rows: [{ price: 2 }, { price: 3.5 }] }, createContext({ callTool: (request) => invoke(callee_, request.input, createContext()) }));
    expect(output).toEqual({ r: [{ n: 2 }, { n: 3.5 }] });
  });
});
