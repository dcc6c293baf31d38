import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnosticCatalog } from "../../compiler/diagnostics/catalog";
import { graphSchema } from "../../compiler/graph/schema";
import { loadRecords } from "../../compiler/records/load-records";
import { expectedDocs, GRAPH_FORMAT_DOC, GRAPH_JSON_SCHEMA, outdatedDocs, REPO_ROOT, staleDocs } from "../../scripts/docs/docs";
import { generateDocs } from "../../scripts/docs/generate-docs";
import { unsupportedKeywords, validate, type Schema } from "./json-schema-subset";

const REGENERATE = "run `npx tsx scripts/docs/generate-docs.ts` and commit the result";
const GOLDEN_GRAPHS = join(REPO_ROOT, "tests/golden/graphs");

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8")) as unknown;
}

function schemaOnDisk(): Schema {
  const schema = readJson(join(REPO_ROOT, GRAPH_JSON_SCHEMA));
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) throw new Error(`${GRAPH_JSON_SCHEMA} is not a JSON Schema object`);
  return schema as Schema;
}

function goldenGraphs(): { name: string; graph: unknown }[] {
  return readdirSync(GOLDEN_GRAPHS)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ name: file, graph: readJson(join(GOLDEN_GRAPHS, file)) }));
}

describe("generated docs", () => {
  const expected = expectedDocs(loadRecords());

  it("are up to date", () => {
    expect(outdatedDocs(expected), `these docs are out of date: ${REGENERATE}`).toEqual([]);
  });

  it("leave no page of a kind that has no record", () => {
    expect(staleDocs(expected), `stale files in docs/nodes: ${REGENERATE}`).toEqual([]);
  });

  it("have a page for every record", () => {
    for (const kind of loadRecords().kinds.keys()) expect(expected.has(`docs/nodes/${kind}.md`), kind).toBe(true);
  });

  it("are written by the generator, which also removes stale pages", () => {
    const root = mkdtempSync(join(tmpdir(), "toolwright-docs-"));
    try {
      cpSync(join(REPO_ROOT, "docs"), join(root, "docs"), { recursive: true });
      writeFileSync(join(root, "docs/nodes/http.md"), "edited by hand\n");
      writeFileSync(join(root, "docs/nodes/retired_kind.md"), "a kind that no longer exists\n");
      rmSync(join(root, GRAPH_JSON_SCHEMA));
      const changes = generateDocs(root, loadRecords());
      expect(changes).toEqual(expect.arrayContaining(["updated docs/nodes/http.md", "updated docs/graph.schema.json", "removed docs/nodes/retired_kind.md"]));
      expect(existsSync(join(root, "docs/nodes/retired_kind.md"))).toBe(false);
      const regenerated = expectedDocs(loadRecords(), root);
      expect(outdatedDocs(regenerated, root)).toEqual([]);
      expect(generateDocs(root, loadRecords())).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("document every diagnostic code with its catalog hint", () => {
    const doc = expected.get(GRAPH_FORMAT_DOC) ?? "";
    for (const [code, entry] of Object.entries(diagnosticCatalog)) {
      const row = doc.split("\n").find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, `${code} is missing from the diagnostics table of ${GRAPH_FORMAT_DOC}`).toBeDefined();
      expect(row).toContain(`| ${entry.severity} |`);
      expect(row).toContain(entry.hint.replace(/\|/g, "\\|"));
    }
  });
});

describe("docs/graph.schema.json", () => {
  const schema = schemaOnDisk();

  it("uses only keywords the docs test can check", () => {
    expect([...unsupportedKeywords(schema)]).toEqual([]);
  });

  it("has at least one golden graph to check", () => {
    expect(goldenGraphs().length).toBeGreaterThan(0);
  });

  it.each(goldenGraphs())("judges the golden graph $name as the zod schema does", ({ graph }) => {
    const problems = validate(schema, graph);
    expect(problems.length === 0, `JSON Schema problems: ${problems.join("; ") || "none"}`).toBe(graphSchema.safeParse(graph).success);
  });

  it("accepts the example graph of DESIGN.md", () => {
    expect(validate(schema, readJson(join(GOLDEN_GRAPHS, "triage_refund.json")))).toEqual([]);
  });

  it("rejects documents the zod schema rejects", () => {
    const [first] = goldenGraphs();
    if (first === undefined) throw new Error("no golden graph");
    const base = first.graph as { nodes: Record<string, unknown>[]; [key: string]: unknown };
    const firstNode = base.nodes[0] ?? {};
    const broken: [string, unknown][] = [
      ["no format", { ...base, format: undefined }],
      ["another format", { ...base, format: "toolwright.graph/v2" }],
      ["an unknown top-level key", { ...base, extra: true }],
      ["a node without kind", { ...base, nodes: [{ ...firstNode, kind: undefined }, ...base.nodes.slice(1)] }],
      ["a node with an unknown key", { ...base, nodes: [{ ...firstNode, colour: "red" }, ...base.nodes.slice(1)] }],
      ["an edge without target", { ...base, edges: [{ id: "x", source: "input" }] }],
      ["retry without maxAttempts", { ...base, nodes: [{ ...firstNode, retry: { backoff: "fixed" } }, ...base.nodes.slice(1)] }],
      ["onError continue without fallback", { ...base, nodes: [{ ...firstNode, onError: { action: "continue" } }, ...base.nodes.slice(1)] }],
    ];
    for (const [what, graph] of broken) {
      const document = JSON.parse(JSON.stringify(graph)) as unknown;
      expect(validate(schema, document), what).not.toEqual([]);
      expect(graphSchema.safeParse(document).success, what).toBe(false);
    }
  });
});
