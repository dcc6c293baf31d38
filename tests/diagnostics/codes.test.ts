/**
 * Every diagnostic code of the catalog has a small graph that produces it, checked for code,
 * severity, location (node / edge / path) and a message a builder understands. Codes the
 * compiler cannot emit yet are listed with the reason; a test fails when a code has neither.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CompileOptions, ToolSignature } from "../../compiler/api";
import { compileGraph } from "../../compiler/compile";
import { diagnosticCatalog, type Diagnostic, type DiagnosticCode } from "../../compiler/diagnostics/catalog";
import { loadRecords } from "../../compiler/records/load-records";
import { createRegistry } from "../../compiler/records/registry";

// ---- graph builders ---------------------------------------------------------------------

type Config = Readonly<Record<string, unknown>>;
interface NodeSpec {
  readonly id: string;
  readonly kind: string;
  readonly config?: Config;
  readonly [extra: string]: unknown;
}
interface EdgeSpec {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly sourcePort?: string;
}

function graph(nodes: readonly NodeSpec[], edges: readonly EdgeSpec[], name = "diag_tool"): Record<string, unknown> {
  return { format: "toolwright.graph/v1", tool: { name, description: "diagnostic test" }, nodes, edges };
}
function input(properties: Config = {}, required: readonly string[] = Object.keys(properties)): NodeSpec {
  return { id: "input", kind: "input", config: { schema: { type: "object", properties, required } } };
}
function output(id: string, values: Config): NodeSpec {
  return { id, kind: "output", config: { values } };
}
function transform(id: string, values: Config): NodeSpec {
  return { id, kind: "transform", config: { values } };
}
function conditional(id: string, left: unknown, operator: string, right?: unknown): NodeSpec {
  return { id, kind: "conditional", config: { combineWith: "AND", conditions: [right === undefined ? { left, operator } : { left, operator, right }] } };
}
function edge(id: string, source: string, target: string, sourcePort?: string): EdgeSpec {
  return sourcePort === undefined ? { id, source, target } : { id, source, target, sourcePort };
}
/** input → …nodes in a line (by their order) → last. */
function line(...ids: readonly string[]): EdgeSpec[] {
  return ids.slice(1).map((id, i) => edge(`e${String(i + 1)}`, ids[i] ?? "", id));
}

const NUMBER = { type: "number" };
const STRING = { type: "string" };
const BOOLEAN = { type: "boolean" };

const needsInt: ToolSignature = {
  name: "needs_int",
  version: 1,
  description: "takes an integer",
  input: { type: "object", properties: { x: { type: "integer" } }, required: ["x"] },
  output: { type: "object", properties: { y: { type: "integer" } }, required: ["y"] },
};
const resolveTool: NonNullable<CompileOptions["resolveTool"]> = (name, version) => (name === needsInt.name && (version === undefined || version === 1) ? needsInt : undefined);

// ---- one producing graph per code ----------------------------------------------------------

interface Expectation {
  readonly code: DiagnosticCode;
  readonly graph: unknown;
  /** Location the diagnostic must carry; `undefined` means it must not carry one. */
  readonly nodeId?: string;
  readonly edgeId?: string;
  readonly path?: readonly (string | number)[];
  /** Fragments the message must contain. */
  readonly message: readonly (string | RegExp)[];
  readonly options?: CompileOptions;
}

const branchy = (n: NodeSpec[], e: EdgeSpec[]): unknown => graph([input({ n: NUMBER }), conditional("big", "{{input.n}}", "greater_than", 100), ...n], [edge("e1", "input", "big"), ...e]);

const cases: readonly Expectation[] = [
  {
    code: "GRAPH_SCHEMA",
    graph: { format: "toolwright.graph/v2", tool: { name: "t" }, nodes: [] },
    message: ["format", "toolwright.graph/v1"],
  },
  {
    code: "INVALID_TOOL_NAME",
    graph: graph([input(), output("out", { v: 1 })], line("input", "out"), "9 lives!"),
    message: ['"9 lives!"', "not a valid tool name"],
  },
  {
    code: "DUPLICATE_NODE_ID",
    graph: graph([input(), transform("t", { v: 1 }), transform("t", { v: 2 }), output("out", { v: "{{t.v}}" })], line("input", "t", "out")),
    nodeId: "t",
    message: ["two nodes", "`t`"],
  },
  {
    code: "DUPLICATE_EDGE_ID",
    graph: graph([input(), transform("t", { v: 1 }), output("out", { v: "{{t.v}}" })], [edge("e1", "input", "t"), edge("e1", "t", "out")]),
    edgeId: "e1",
    message: ["two edges", "`e1`"],
  },
  {
    code: "INVALID_NODE_ID",
    graph: graph([input(), transform("item", { v: 1 }), output("out", { v: 1 })], line("input", "item", "out")),
    nodeId: "item",
    message: ['"item"', "references"],
  },
  {
    code: "UNKNOWN_KIND",
    graph: graph([input(), { id: "beam", kind: "teleport", config: {} }, output("out", { v: 1 })], line("input", "beam", "out")),
    nodeId: "beam",
    path: ["kind"],
    message: ["`beam`", "`teleport`"],
  },
  {
    code: "INVALID_CONFIG",
    graph: graph([input(), { id: "wait", kind: "delay", config: { ms: -1 } }, output("out", { v: 1 })], line("input", "wait", "out")),
    nodeId: "wait",
    path: ["config", "ms"],
    message: ["`wait`", "config.ms", ">=0"],
  },
  {
    code: "MISSING_INPUT",
    graph: graph([transform("t", { v: 1 }), output("out", { v: "{{t.v}}" })], line("t", "out")),
    message: ["no input node"],
  },
  {
    code: "MULTIPLE_INPUTS",
    graph: graph([input(), { id: "input2", kind: "input", config: { schema: { type: "object", properties: {} } } }, output("out", { v: 1 })], [edge("e1", "input", "out"), edge("e2", "input2", "out")]),
    nodeId: "input2",
    message: ["`input2`", "second input"],
  },
  {
    code: "NO_OUTPUT",
    graph: graph([input(), { id: "wait", kind: "delay", config: { ms: 1 } }], line("input", "wait")),
    message: ["no output node"],
  },
  {
    code: "UNKNOWN_NODE",
    graph: graph([input(), output("out", { v: 1 })], [edge("e1", "input", "out"), edge("e2", "input", "ghost")]),
    edgeId: "e2",
    message: ["`e2`", "`ghost`", "not a node"],
  },
  {
    code: "UNKNOWN_PORT",
    graph: graph([input({ n: NUMBER }), conditional("big", "{{input.n}}", "greater_than", 1), output("out", { v: 1 })], [edge("e1", "input", "big"), edge("e2", "big", "out", "maybe")]),
    nodeId: "big",
    edgeId: "e2",
    message: ["`maybe`", "`big`", "`true`", "`false`"],
  },
  {
    code: "CYCLE",
    graph: graph([input(), transform("a", { v: 1 }), transform("b", { v: 2 }), output("out", { v: 1 })], [edge("e1", "input", "a"), edge("e2", "a", "b"), edge("e3", "b", "a"), edge("e4", "b", "out")]),
    nodeId: "a",
    message: ["cycle", "`a`", "`b`"],
  },
  {
    code: "UNREACHABLE_NODE",
    graph: graph([input(), { id: "island", kind: "delay", config: { ms: 1 } }, output("out", { v: 1 })], line("input", "out")),
    nodeId: "island",
    message: ["`island`", "not connected", "`input`"],
  },
  {
    code: "UNKNOWN_REFERENCE",
    graph: graph([input({ a: STRING }), output("out", { b: "{{input.b}}" })], line("input", "out")),
    nodeId: "out",
    path: ["config", "values", "b"],
    message: ["`input.b`", "has no `b`"],
  },
  {
    // The DESIGN.md triage shape: `done` is reached from both branches of `big` but reads a node of the true branch.
    code: "REFERENCE_NOT_GUARANTEED",
    graph: branchy(
      [transform("escalate", { fee: 5 }), { id: "reply", kind: "llm", config: { model: "m", prompt: "hi", output: { type: "text" } } }, output("done", { fee: "{{escalate.fee}}" })],
      [edge("e2", "big", "escalate", "true"), edge("e3", "big", "reply", "false"), edge("e4", "escalate", "done"), edge("e5", "reply", "done")],
    ),
    nodeId: "done",
    path: ["config", "values", "fee"],
    message: ["`escalate.fee`", "may not have run", "`big` takes `false`"],
  },
  {
    code: "TYPE_MISMATCH",
    graph: graph([input({ n: NUMBER }), conditional("big", "{{input.n}}", "greater_than", "100"), output("yes", { b: 1 }), output("no", { b: 0 })], [edge("e1", "input", "big"), edge("e2", "big", "yes", "true"), edge("e3", "big", "no", "false")]),
    nodeId: "big",
    path: ["config", "conditions", 0],
    message: ["`big` compares `input.n` (number)", '"100" (string)', "two numbers"],
  },
  {
    code: "OUTPUT_SHAPE_MISMATCH",
    graph: graph([input({ ok: BOOLEAN }), conditional("c", "{{input.ok}}", "equals", true), output("a", { v: 1 }), output("b", { v: "one" })], [edge("e1", "input", "c"), edge("e2", "c", "a", "true"), edge("e3", "c", "b", "false")]),
    nodeId: "b",
    path: ["config", "values", "v"],
    message: ["`v`", "integer in `a`", "string in `b`"],
  },
  {
    code: "MERGE_NOT_EXHAUSTIVE",
    graph: graph(
      [
        input({ tier: STRING }),
        { id: "sw", kind: "switch", config: { value: "{{input.tier}}", cases: ["gold", "silver"] } },
        transform("g", { d: 20 }),
        transform("s", { d: 10 }),
        transform("x", { d: 0 }),
        { id: "m", kind: "merge", config: { values: { d: ["{{g.d}}", "{{s.d}}"] } } },
        output("out", { d: "{{m.d}}" }),
      ],
      [edge("e1", "input", "sw"), edge("e2", "sw", "g", "gold"), edge("e3", "sw", "s", "silver"), edge("e4", "sw", "x", "default"), edge("e5", "g", "m"), edge("e6", "s", "m"), edge("e7", "x", "m"), edge("e8", "m", "out")],
    ),
    nodeId: "m",
    path: ["config", "values", "d"],
    message: ["`m`", "no candidate for `d`", "`sw` takes `default`"],
  },
  {
    code: "UNKNOWN_TOOL",
    graph: graph([input(), { id: "call", kind: "call_tool", config: { tool: "nothing_here", input: {} } }, output("out", { v: 1 })], line("input", "call", "out")),
    nodeId: "call",
    path: ["config", "tool"],
    message: ["`nothing_here`", "not published"],
    options: { resolveTool },
  },
  {
    code: "OUTPUT_NOT_GUARANTEED",
    graph: graph([input({ ok: BOOLEAN }), conditional("c", "{{input.ok}}", "equals", true), output("a", { v: 1 })], [edge("e1", "input", "c"), edge("e2", "c", "a", "true")]),
    message: ["without reaching an output", "`c` takes `false`"],
  },
  {
    code: "MULTIPLE_OUTPUTS_MAY_RUN",
    graph: graph([input(), output("a", { v: 1 }), output("b", { v: 2 })], [edge("e1", "input", "a"), edge("e2", "input", "b")]),
    nodeId: "b",
    message: ["`a`", "`b`", "both run"],
  },
  {
    code: "INVALID_TEMPLATE",
    graph: graph([input(), { id: "reply", kind: "llm", config: { model: "m", prompt: "Hello {{input.name", output: { type: "text" } } }, output("out", { t: "{{reply.text}}" })], line("input", "reply", "out")),
    nodeId: "reply",
    path: ["config", "prompt"],
    message: ["config.prompt", "no closing"],
  },
  {
    code: "UNTYPED_REFERENCE",
    graph: graph(
      [input(), { id: "call", kind: "http", config: { method: "GET", url: "https://api.example/x", response: { type: "json" } } }, output("out", { v: "{{call.body.amount}}" })],
      line("input", "call", "out"),
    ),
    nodeId: "out",
    path: ["config", "values", "v"],
    message: ["`amount`", "`call.body`", "no declared schema"],
  },
  {
    code: "UNUSED_OUTPUT",
    graph: graph([input(), transform("t", { v: 1 }), output("out", { v: 2 })], line("input", "t", "out")),
    nodeId: "t",
    message: ["nothing references", "`t`"],
  },
  {
    // Anthropic's API refuses the request for a top-level input field name with a space (and with it every tool of an MCP server).
    code: "NAME_REJECTED_BY_TARGET",
    graph: graph([input({ "order id": STRING }), output("out", { v: 1 })], line("input", "out")),
    nodeId: "input",
    path: ["config", "schema", "properties", "order id"],
    message: ['"order id"', "Anthropic", "^[a-zA-Z0-9_.-]{1,64}$"],
  },
  {
    code: "DESCRIPTION_REJECTED_BY_TARGET",
    graph: { ...graph([input(), output("out", { v: 1 })], line("input", "out")), tool: { name: "wordy", description: "Explains at length. ".repeat(60) } },
    message: ["1024 characters", "1200"],
  },
  {
    // Eleven levels of object nesting: one more than OpenAI's strict mode takes.
    code: "INPUT_NOT_STRICT",
    graph: graph(
      [
        input({ a: Array.from({ length: 10 }).reduce<Config>((inner) => ({ type: "object", properties: { next: inner }, required: ["next"] }), NUMBER) }),
        output("out", { v: 1 }),
      ],
      line("input", "out"),
    ),
    nodeId: "input",
    path: ["config", "schema"],
    message: ["strict mode", "11 levels of object nesting (at most 10)", "not strict"],
  },
  {
    code: "OPTIONAL_IN_TEMPLATE",
    graph: graph([input({ name: STRING }, []), output("out", { greeting: "hello {{input.name}}" })], line("input", "out")),
    nodeId: "out",
    path: ["config", "values", "greeting"],
    message: ["`input.name`", "may be missing"],
  },
];

/**
 * Codes no graph can produce with the current compiler, and why. The last test below fails
 * when one of them starts being emitted, so this list cannot go stale silently.
 */
const UNPRODUCIBLE: Partial<Record<DiagnosticCode, string>> = {
  INVALID_EDGE:
    "not emitted anywhere in compiler/: edges into a node without an in port (e.g. into `input`) or out of one without out ports (`output`) are reported as UNKNOWN_PORT, self-loops as CYCLE",
};

function compile(expectation: Expectation): readonly Diagnostic[] {
  return compileGraph(expectation.graph, { ...expectation.options, verify: false }).diagnostics;
}

describe("every diagnostic code has a graph that produces it", () => {
  it.each(cases.map((c) => [c.code, c] as const))("%s", (code, expectation) => {
    const diagnostics = compile(expectation);
    const found = diagnostics.filter((d) => d.code === code);
    expect(found.length, `diagnostics were: ${JSON.stringify(diagnostics, null, 2)}`).toBeGreaterThanOrEqual(1);
    const d = found[0];
    if (d === undefined) return;
    const entry = diagnosticCatalog[code];
    expect(d.severity).toBe(entry.severity);
    expect(d.hint.length).toBeGreaterThan(0);
    expect(d.nodeId).toBe(expectation.nodeId);
    expect(d.edgeId).toBe(expectation.edgeId);
    if (expectation.path !== undefined) expect(d.path).toEqual(expectation.path);
    for (const fragment of expectation.message) {
      if (typeof fragment === "string") expect(d.message).toContain(fragment);
      else expect(d.message).toMatch(fragment);
    }
  });

  it("warnings alone do not fail the compile; errors do", () => {
    for (const expectation of cases) {
      const result = compileGraph(expectation.graph, { ...expectation.options, verify: false });
      const onlyWarnings = result.diagnostics.every((d) => d.severity === "warning");
      expect(result.success, `${expectation.code}: ${JSON.stringify(result.diagnostics)}`).toBe(onlyWarnings);
      expect(diagnosticCatalog[expectation.code].severity === "warning").toBe(onlyWarnings);
    }
  });

  it("INTERNAL_VERIFICATION_FAILED: generated code that fails verification is refused, not handed out", () => {
    // A record whose template emits `any`: a valid graph then generates code the verifier rejects.
    const records = [...loadRecords().kinds.values()].map((k) => k.record);
    const broken = createRegistry(
      records.map((r) => (r.component.kind === "transform" ? { ...r, template: { ...r.template, body: `const loose: any = JSON.parse("1");\nvoid loose;\n${r.template.body}` } } : r)),
    );
    const result = compileGraph(graph([input(), transform("t", { v: 1 }), output("out", { v: "{{t.v}}" })], line("input", "t", "out")), { verify: true }, broken);
    expect(result.success).toBe(false);
    expect(result.files).toBeUndefined();
    const d = result.diagnostics.find((x) => x.code === "INTERNAL_VERIFICATION_FAILED");
    expect(d?.severity).toBe("error");
    expect(d?.message).toContain("failed verification");
    expect(d?.message).toContain("src/tool.ts");
    expect(result.verification?.anyTypesFound).toBeGreaterThan(0);
    expect(result.verification?.eslintPassed).toBe(false);
  });

  it("every catalog code is covered by a test graph or listed as unproducible with a reason", () => {
    const tested = new Set<string>([...cases.map((c) => c.code), "INTERNAL_VERIFICATION_FAILED"]);
    const missing = Object.keys(diagnosticCatalog).filter((code) => !tested.has(code) && !(code in UNPRODUCIBLE));
    expect(missing, "add a producing graph to `cases` (or a reason to UNPRODUCIBLE)").toEqual([]);
    for (const code of Object.keys(UNPRODUCIBLE)) expect(tested.has(code), `${code} is both tested and listed as unproducible`).toBe(false);
  });

  it("the codes listed as unproducible are indeed never emitted by the compiler", () => {
    const compilerDir = fileURLToPath(new URL("../../compiler/", import.meta.url));
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const full = join(dir, entry);
        if (statSync(full).isDirectory()) walk(full);
        else if (entry.endsWith(".ts") && !entry.endsWith(".test.ts") && entry !== "catalog.ts") sources.push(readFileSync(full, "utf8"));
      }
    };
    walk(compilerDir);
    const all = sources.join("\n");
    for (const code of Object.keys(UNPRODUCIBLE)) {
      expect(all.includes(`"${code}"`), `${code} is now emitted by the compiler: add a producing graph to \`cases\` and remove it from UNPRODUCIBLE`).toBe(false);
    }
  });
});

describe("diagnostics in more situations", () => {
  it("reports all problems at once: three independent errors in one graph", () => {
    const g = graph(
      [
        input({ n: NUMBER }),
        { id: "wait", kind: "delay", config: { ms: -1 } },
        conditional("big", "{{input.n}}", "greater_than", "100"),
        transform("t", { v: "{{input.missing}}" }),
        output("yes", { v: "{{t.v}}" }),
        output("no", { v: 0 }),
      ],
      [edge("e1", "input", "wait"), edge("e2", "wait", "big"), edge("e3", "big", "t", "true"), edge("e4", "t", "yes"), edge("e5", "big", "no", "false")],
    );
    const diagnostics = compileGraph(g, { verify: false }).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.nodeId])).toEqual(
      expect.arrayContaining([
        ["INVALID_CONFIG", "wait"],
        ["TYPE_MISMATCH", "big"],
        ["UNKNOWN_REFERENCE", "t"],
      ]),
    );
    expect(diagnostics.filter((d) => d.severity === "error")).toHaveLength(3);
  });

  it("reports all structural problems at once", () => {
    const g = graph(
      [input(), transform("a", { v: 1 }), transform("a", { v: 2 }), { id: "beam", kind: "teleport" }, output("out", { v: "{{a.v}}" })],
      [edge("e1", "input", "a"), edge("e1", "a", "out"), edge("e2", "a", "ghost")],
      "bad name",
    );
    const codes = new Set(compileGraph(g, { verify: false }).diagnostics.map((d) => d.code));
    for (const code of ["INVALID_TOOL_NAME", "DUPLICATE_NODE_ID", "UNKNOWN_KIND", "DUPLICATE_EDGE_ID", "UNKNOWN_NODE"] as const) expect(codes).toContain(code);
  });

  it("GRAPH_SCHEMA inside a node names the node and the path", () => {
    const g = graph([input(), { id: "t", kind: "transform", config: { values: { v: 1 } }, retry: { maxAttempts: 0 } }, output("out", { v: "{{t.v}}" })], line("input", "t", "out"));
    const d = compileGraph(g, { verify: false }).diagnostics.find((x) => x.code === "GRAPH_SCHEMA");
    expect(d?.nodeId).toBe("t");
    expect(d?.path).toEqual(["retry", "maxAttempts"]);
    expect(d?.message).toContain("nodes.1.retry.maxAttempts");
  });

  it("MISSING_INPUT when the input node has another id", () => {
    const g = graph([{ id: "start", kind: "input", config: { schema: { type: "object", properties: {} } } }, output("out", { v: 1 })], line("start", "out"));
    const d = compileGraph(g, { verify: false }).diagnostics.find((x) => x.code === "MISSING_INPUT");
    expect(d?.nodeId).toBe("start");
    expect(d?.message).toContain("must have id `input`");
  });

  it("REFERENCE_NOT_GUARANTEED for a node that is not upstream", () => {
    const g = graph([input(), transform("a", { v: "{{b.v}}" }), transform("b", { v: 1 }), output("out", { v: "{{a.v}}" })], line("input", "a", "b", "out"));
    const d = compileGraph(g, { verify: false }).diagnostics.find((x) => x.code === "REFERENCE_NOT_GUARANTEED");
    expect(d?.nodeId).toBe("a");
    expect(d?.message).toContain("`b` is not upstream of `a`");
  });

  it("UNKNOWN_TOOL names a pinned version that does not exist", () => {
    const g = graph([input(), { id: "call", kind: "call_tool", config: { tool: "needs_int", version: 2, input: { x: 1 } } }, output("out", { y: "{{call.y}}" })], line("input", "call", "out"));
    const d = compileGraph(g, { resolveTool, verify: false }).diagnostics.find((x) => x.code === "UNKNOWN_TOOL");
    expect(d?.message).toContain("`needs_int` version 2");
  });

  it("TYPE_MISMATCH for a called tool's input names the field and both types", () => {
    const g = graph([input(), { id: "call", kind: "call_tool", config: { tool: "needs_int", input: { x: "text" } } }, output("out", { y: "{{call.y}}" })], line("input", "call", "out"));
    const d = compileGraph(g, { resolveTool, verify: false }).diagnostics.find((x) => x.code === "TYPE_MISMATCH");
    expect(d?.nodeId).toBe("call");
    expect(d?.message).toMatch(/`call` passes string as `needs_int` input `x`, which needs integer/);
  });

  it("TYPE_MISMATCH for a switch case of the wrong type", () => {
    const g = graph(
      [input({ tier: STRING }), { id: "sw", kind: "switch", config: { value: "{{input.tier}}", cases: [1] } }, output("a", { v: 1 }), output("b", { v: 2 })],
      [edge("e1", "input", "sw"), edge("e2", "sw", "a", "1"), edge("e3", "sw", "b", "default")],
    );
    const d = compileGraph(g, { verify: false }).diagnostics.find((x) => x.code === "TYPE_MISMATCH");
    expect(d?.nodeId).toBe("sw");
    expect(d?.path).toEqual(["config", "cases", 0]);
    expect(d?.message).toContain("string");
    expect(d?.message).toContain("number");
  });
});
