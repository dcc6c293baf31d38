import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { graphJsonSchema } from "../../compiler/graph/schema";
import type { ComponentRecord } from "../../compiler/records/record-schema";
import type { RecordRegistry } from "../../compiler/records/registry";
import { diagnosticsTable } from "./diagnostics";
import { code, table } from "./markdown";
import { nodeIndex, nodePage, sortedRecords } from "./node-pages";

/**
 * Everything the docs generator produces, as pure functions over the records, the
 * diagnostic catalog and the graph schema. The CLI (generate-docs.ts) writes the result;
 * tests/docs compares it with the files on disk.
 */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const GRAPH_FORMAT_DOC = "docs/graph-format.md";
export const GRAPH_JSON_SCHEMA = "docs/graph.schema.json";
export const NODES_DIR = "docs/nodes";

/** The hand-written doc's generated regions: name → renderer. */
type Regions = Readonly<Record<string, (registry: RecordRegistry) => string>>;

const GRAPH_FORMAT_REGIONS: Regions = {
  "node-kinds": nodeKindsTable,
  diagnostics: (registry) => diagnosticsTable(registry, "nodes"),
};

/** The graph format as JSON Schema: exactly what `graphJsonSchema()` returns. */
export function graphSchemaFile(): string {
  return `${JSON.stringify(graphJsonSchema(), null, 2)}\n`;
}

/**
 * Replaces the body of every generated region of a hand-written Markdown file:
 *   <!-- generated:NAME begin … -->  …  <!-- generated:NAME end -->
 * Fails when a region is missing, so the doc cannot silently lose one.
 */
export function fillRegions(markdown: string, regions: Regions, registry: RecordRegistry, file: string): string {
  let result = markdown;
  for (const [name, render] of Object.entries(regions)) {
    const pattern = new RegExp(`(<!-- generated:${name} begin[^>]*-->)[\\s\\S]*?(<!-- generated:${name} end -->)`);
    if (!pattern.test(result)) throw new Error(`${file}: missing the generated region "${name}" (<!-- generated:${name} begin --> … <!-- generated:${name} end -->)`);
    const body = render(registry);
    result = result.replace(pattern, (_match, begin: string, end: string) => `${begin}\n${body}\n${end}`);
  }
  return result;
}

/** The kinds table of docs/graph-format.md: config fields, output and ports per kind. */
export function nodeKindsTable(registry: RecordRegistry): string {
  const rows = sortedRecords(registry).map((record) => [
    `[${code(record.component.kind)}](nodes/${record.component.kind}.md)`,
    configSummary(record),
    record.output_type.description.trim(),
    portsSummary(record),
  ]);
  return table(["kind", "config (`?` optional)", "output (what `{{id.…}}` reads)", "out ports"], rows);
}

function configSummary(record: ComponentRecord): string {
  const fields = Object.entries(record.config_schema.fields).map(([name, spec]) => code(`${name}${spec.required === true ? "" : "?"}`));
  return fields.length === 0 ? "—" : fields.join(", ");
}

function portsSummary(record: ComponentRecord): string {
  const { out } = record.ports;
  const parts = [...(out.from_config === undefined ? [] : [`one per ${code(out.from_config)} entry`]), ...out.static.map((p) => code(p))];
  return parts.length === 0 ? "none" : parts.join(", ");
}

/**
 * Every generated file, path (relative to the repo root, POSIX) → content. The
 * hand-written graph-format.md is read from `root` and returned with its regions filled.
 */
export function expectedDocs(registry: RecordRegistry, root: string = REPO_ROOT): Map<string, string> {
  const files = new Map<string, string>();
  files.set(GRAPH_JSON_SCHEMA, graphSchemaFile());
  files.set(`${NODES_DIR}/README.md`, nodeIndex(registry));
  for (const record of sortedRecords(registry)) files.set(`${NODES_DIR}/${record.component.kind}.md`, nodePage(record, registry));
  const graphFormat = readFileSync(join(root, GRAPH_FORMAT_DOC), "utf8");
  files.set(GRAPH_FORMAT_DOC, fillRegions(graphFormat, GRAPH_FORMAT_REGIONS, registry, GRAPH_FORMAT_DOC));
  return files;
}

/** Files in docs/nodes that the generator does not produce (pages of kinds that no longer exist). */
export function staleDocs(expected: ReadonlyMap<string, string>, root: string = REPO_ROOT): string[] {
  const dir = join(root, NODES_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((file) => `${NODES_DIR}/${file}`)
    .filter((path) => !expected.has(path))
    .sort();
}

/** Paths whose content on disk differs from what the generator produces. */
export function outdatedDocs(expected: ReadonlyMap<string, string>, root: string = REPO_ROOT): string[] {
  return [...expected]
    .filter(([path, content]) => {
      const file = join(root, path);
      return !existsSync(file) || readFileSync(file, "utf8") !== content;
    })
    .map(([path]) => path);
}

