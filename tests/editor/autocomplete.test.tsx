// @vitest-environment jsdom
/**
 * Reference autocomplete: at each node, only the references the compiler's guarantee rule
 * accepts (ancestors that run whenever the node runs), with paths and types; the text field
 * opens on `{{`, filters as the builder types and inserts the pick.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Graph } from "../../editor/src/compiler";
import { connectionProblem } from "../../editor/src/graph/connections";
import { docFromGraph } from "../../editor/src/graph/model";
import { filterCandidates, insertReference, openReferenceAt, referenceCandidates } from "../../editor/src/graph/references";
import { validate } from "../../editor/src/graph/validation";
import { TemplateInput } from "../../editor/src/inspector/TemplateInput";
import { key, mount, mouseDown, type, type Mounted } from "./dom";

/** The example of docs/graph-format.md: big branches to escalate (true) or reply → done (false). */
const triage: Graph = {
  format: "toolwright.graph/v1",
  tool: { name: "triage_refund", description: "" },
  nodes: [
    { id: "input", kind: "input", position: { x: 0, y: 0 }, config: { schema: { type: "object", properties: { orderId: { type: "string" }, message: { type: "string" }, note: { type: "string" } }, required: ["orderId", "message"] } } },
    { id: "order", kind: "http", position: { x: 240, y: 0 }, config: { method: "GET", url: "https://shop.example/orders/{{input.orderId}}", response: { type: "json", schema: { type: "object", properties: { amount: { type: "number" }, items: { type: "array", items: { type: "object", properties: { sku: { type: "string" } }, required: ["sku"] } } }, required: ["amount", "items"] } } } },
    { id: "big", kind: "conditional", position: { x: 480, y: 0 }, config: { combineWith: "AND", conditions: [{ left: "{{order.body.amount}}", operator: "greater_than", right: 100 }] } },
    { id: "escalate", kind: "output", position: { x: 720, y: -80 }, config: { values: { action: "escalate", amount: "{{order.body.amount}}" } } },
    { id: "reply", kind: "llm", position: { x: 720, y: 80 }, config: { model: "gpt-4o-mini", prompt: "Reply to {{input.message}}", output: { type: "text" } } },
    { id: "done", kind: "output", position: { x: 960, y: 80 }, config: { values: { action: "reply", amount: "{{order.body.amount}}", text: "{{reply.text}}" } } },
  ],
  edges: [
    { id: "e1", source: "input", target: "order" },
    { id: "e2", source: "order", target: "big" },
    { id: "e3", source: "big", sourcePort: "true", target: "escalate" },
    { id: "e4", source: "big", sourcePort: "false", target: "reply" },
    { id: "e5", source: "reply", target: "done" },
  ],
};

const refsAt = (graph: Graph, nodeId: string, candidate = false): Map<string, string> => new Map(referenceCandidates(validate(graph, undefined).scope, nodeId, { candidate }).map((c) => [c.ref, c.type]));

let mounted: Mounted | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

describe("reference candidates", () => {
  it("offer upstream nodes with typed paths, optional fields marked", () => {
    const refs = refsAt(triage, "done");
    expect(refs.get("input")).toBe("{ orderId, message, note }");
    expect(refs.get("input.orderId")).toBe("string");
    expect(refs.get("input.note")).toBe("string (may be missing)");
    expect(refs.get("order.status")).toBe("integer");
    expect(refs.get("order.body.amount")).toBe("number");
    expect(refs.get("order.body.items.length")).toBe("integer");
    expect(refs.get("order.body.items.0.sku")).toBe("string (may be missing)");
    expect(refs.get("big.result")).toBe("boolean");
    expect(refs.get("reply.text")).toBe("string");
  });

  it("offer only nodes guaranteed to have run: never a sibling branch, a later node, an output or the node itself", () => {
    const escalate = refsAt(triage, "escalate");
    expect(escalate.has("order.body.amount")).toBe(true);
    expect([...escalate.keys()].some((r) => r.startsWith("reply"))).toBe(false);
    const reply = refsAt(triage, "reply");
    expect([...reply.keys()].some((r) => r.startsWith("reply") || r.startsWith("done") || r.startsWith("escalate"))).toBe(false);
    expect(refsAt(triage, "input").size).toBe(0);
  });

  it("follow the guarantee rule exactly: a second path to done that skips reply takes reply out", () => {
    const rejoined: Graph = { ...triage, edges: [...triage.edges, { id: "e6", source: "big", sourcePort: "true", target: "done" }] };
    const refs = refsAt(rejoined, "done");
    expect(refs.has("order.body.amount")).toBe(true);
    expect(refs.has("reply.text")).toBe(false);
    // A merge candidate need only be upstream.
    expect(refsAt(rejoined, "done", true).has("reply.text")).toBe(true);
  });

  it("keep working while an output node is broken (the analysis has no tool output type)", () => {
    const broken: Graph = { ...triage, nodes: triage.nodes.map((n) => (n.id === "escalate" ? { ...n, config: { values: { amount: "{{order.body.nope}}" } } } : n)) };
    const result = validate(broken, undefined);
    expect(result.diagnostics.some((d) => d.code === "UNKNOWN_REFERENCE")).toBe(true);
    expect(new Map(referenceCandidates(result.scope, "done").map((c) => [c.ref, c.type])).get("reply.text")).toBe("string");
  });

  it("offer {{item}} and {{index}} inside a for_each input, typed from the items", () => {
    const candidates = referenceCandidates(validate(triage, undefined).scope, "done", { item: { schema: { type: "object", properties: { sku: { type: "string" } }, required: ["sku"] }, optional: false } });
    const refs = new Map(candidates.map((c) => [c.ref, c.type]));
    expect(refs.get("item.sku")).toBe("string");
    expect(refs.get("index")).toBe("integer");
  });

  it("filter by what was typed after {{, the next level first after a dot", () => {
    const candidates = referenceCandidates(validate(triage, undefined).scope, "done");
    expect(filterCandidates(candidates, "").every((c) => c.depth <= 1)).toBe(true);
    expect(filterCandidates(candidates, "order.body.")[0]?.ref).toMatch(/^order\.body\.[a-z]+$/);
    expect(filterCandidates(candidates, "amount").map((c) => c.ref)).toContain("order.body.amount");
  });
});

describe("reference text editing", () => {
  it("finds the open {{ at the caret and inserts the pick, replacing what was typed", () => {
    expect(openReferenceAt("Hi {{inp", 8)).toEqual({ start: 3, query: "inp" });
    expect(openReferenceAt("Hi {{input.x}} there", 20)).toBeUndefined();
    expect(insertReference("Hi {{inp", 8, "input.message")).toEqual({ text: "Hi {{input.message}}", caret: 20 });
    expect(insertReference("Hi {{inp}} there", 8, "input.message")).toEqual({ text: "Hi {{input.message}} there", caret: 20 });
  });

  it("the text field opens the menu on {{ with types, and Enter inserts", () => {
    const scope = validate(triage, undefined).scope;
    let value = "Order ";
    const render = (): void => {
      const element = <TemplateInput value={value} onChange={(v) => { value = v; render(); }} candidates={() => referenceCandidates(scope, "done")} label="Prompt" />;
      if (mounted === undefined) mounted = mount(element);
      else mounted.rerender(element);
    };
    render();
    const input = mounted?.container.querySelector("input");
    if (input == null) throw new Error("no input");
    type(input, "Order {{order.bo");
    const items = [...(mounted?.container.querySelectorAll('[role="option"]') ?? [])];
    expect(items[0]?.getAttribute("data-ref")).toBe("order.body");
    expect(items.map((i) => i.querySelector(".ref-type")?.textContent)).toContain("number");
    key(input, "ArrowDown");
    const active = mounted?.container.querySelector('[role="option"][aria-selected="true"]')?.getAttribute("data-ref");
    expect(active).toMatch(/^order\.body\./);
    key(input, "Enter");
    expect(value).toBe(`Order {{${active ?? ""}}}`);
    expect(mounted?.container.querySelector('[role="listbox"]')).toBeNull();
  });

  it("says when nothing is in scope, and a click picks an option", () => {
    const scope = validate(triage, undefined).scope;
    let value = "";
    mounted = mount(<TemplateInput value={value} onChange={(v) => { value = v; }} candidates={() => referenceCandidates(scope, "order")} label="URL" />);
    const input = mounted.container.querySelector("input");
    if (input === null) throw new Error("no input");
    type(input, "{{zzz");
    expect(mounted.container.querySelector(".ref-empty")?.textContent).toMatch(/No references in scope/);
    type(input, "{{");
    const option = mounted.container.querySelector('[data-ref="input.orderId"]');
    if (option === null) throw new Error("no option");
    mouseDown(option);
    expect(value).toBe("{{input.orderId}}");
  });
});

describe("connections", () => {
  it("refuse cycles, unknown ports, self-loops and duplicates; accept the rest", () => {
    const doc = docFromGraph(triage);
    expect(connectionProblem(doc, { source: "reply", target: "order", sourceHandle: "out", targetHandle: "in" })).toBe("would create a cycle");
    expect(connectionProblem(doc, { source: "big", target: "done", sourceHandle: "maybe", targetHandle: "in" })).toBe("unknown out port");
    expect(connectionProblem(doc, { source: "order", target: "input", sourceHandle: "out", targetHandle: "in" })).toBe("the target has no such in port");
    expect(connectionProblem(doc, { source: "order", target: "order", sourceHandle: "out", targetHandle: "in" })).toBe("a node cannot connect to itself");
    expect(connectionProblem(doc, { source: "input", target: "order", sourceHandle: "out", targetHandle: "in" })).toBe("already connected");
    expect(connectionProblem(doc, { source: "big", target: "done", sourceHandle: "true", targetHandle: "in" })).toBeUndefined();
  });
});
