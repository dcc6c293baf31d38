// @vitest-environment jsdom
/**
 * Edge diagnostics: the validator's diagnostic on an edge styles that edge on the canvas
 * (drawn even when the port it names does not exist), and the problems panel lists it with
 * its edge and hands it back when clicked.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseGraph, type Diagnostic } from "../../editor/src/compiler";
import { edgesWithDiagnostics } from "../../editor/src/graph/edge-diagnostics";
import { docFromGraph, graphFromDoc, type Doc } from "../../editor/src/graph/model";
import { validate } from "../../editor/src/graph/validation";
import { ProblemsPanel } from "../../editor/src/panels/ProblemsPanel";
import { click, mount, type Mounted } from "./dom";

let mounted: Mounted | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

/** input → check (conditional) → yes / no outputs, with e3 leaving from a port the conditional does not have. */
function docWithBadPort(): Doc {
  const parsed = parseGraph({
    format: "toolwright.graph/v1",
    tool: { name: "edges", description: "Edge diagnostics" },
    nodes: [
      { id: "input", kind: "input", config: { schema: { type: "object", properties: { n: { type: "number" } }, required: ["n"] } } },
      { id: "check", kind: "conditional", config: { combineWith: "AND", conditions: [{ left: "{{input.n}}", operator: "greater_than", right: 1 }] } },
      { id: "yes", kind: "output", config: { values: { big: true } } },
      { id: "no", kind: "output", config: { values: { big: false } } },
    ],
    edges: [
      { id: "e1", source: "input", target: "check" },
      { id: "e2", source: "check", sourcePort: "true", target: "yes" },
      { id: "e3", source: "check", sourcePort: "maybe", target: "no" },
    ],
  });
  if (parsed.graph === undefined) throw new Error(parsed.diagnostics.map((d) => d.message).join("; "));
  return docFromGraph(parsed.graph);
}

describe("edges with diagnostics", () => {
  it("styles the edge the validator names and draws it from an existing port, leaving the others untouched", () => {
    const doc = docWithBadPort();
    const { diagnostics } = validate(graphFromDoc(doc), undefined);
    const onEdge = diagnostics.find((d) => d.edgeId === "e3");
    expect(onEdge).toMatchObject({ code: "UNKNOWN_PORT", severity: "error" });

    const shown = edgesWithDiagnostics(doc.edges, doc.nodes, diagnostics);
    const bad = shown.find((e) => e.id === "e3");
    expect(bad).toMatchObject({ className: "edge-error", sourceHandle: null, label: "maybe (no such port)" });
    expect(bad?.ariaLabel).toContain(onEdge?.message ?? "?");
    expect(shown.find((e) => e.id === "e2")).toBe(doc.edges.find((e) => e.id === "e2"));
    // The document keeps the edge as the builder wrote it.
    expect(doc.edges.find((e) => e.id === "e3")?.sourceHandle).toBe("maybe");
  });

  it("uses the warning style when an edge has only warnings, and changes nothing without edge diagnostics", () => {
    const doc = docWithBadPort();
    const warning: Diagnostic = { code: "UNKNOWN_PORT", severity: "warning", message: "looks odd", hint: "", edgeId: "e2" };
    expect(edgesWithDiagnostics(doc.edges, doc.nodes, [warning]).find((e) => e.id === "e2")).toMatchObject({ className: "edge-warning", sourceHandle: "true" });
    expect(edgesWithDiagnostics(doc.edges, doc.nodes, [])).toBe(doc.edges);
  });
});

describe("problems panel", () => {
  it("names the edge of a diagnostic and hands the diagnostic back when clicked", () => {
    const doc = docWithBadPort();
    const { diagnostics } = validate(graphFromDoc(doc), undefined);
    const picked: Diagnostic[] = [];
    mounted = mount(<ProblemsPanel diagnostics={diagnostics} ms={1} onPick={(d) => picked.push(d)} />);
    const row = mounted.container.querySelector('button[data-edge="e3"]');
    if (row === null) throw new Error("no problem row for edge e3");
    expect(row.textContent).toContain("edge e3");
    click(row);
    expect(picked).toHaveLength(1);
    expect(picked[0]?.edgeId).toBe("e3");
  });
});
