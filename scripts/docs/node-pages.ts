import { diagnosticCatalog } from "../../compiler/diagnostics/catalog";
import type { FieldSpec } from "../../compiler/records/field-spec";
import { componentRecordSchema, type ComponentRecord, type RecordTestCase } from "../../compiler/records/record-schema";
import type { RecordRegistry } from "../../compiler/records/registry";
import { bullets, code, compactJson, document, table } from "./markdown";

/**
 * Renders docs/nodes/<kind>.md and docs/nodes/README.md from the component records.
 * Node pages are never written by hand: change the record and run the generator.
 */
const GRAPH_FORMAT = "../graph-format.md";
const CATEGORY_TITLES: Readonly<Record<ComponentRecord["component"]["category"], string>> = {
  flow: "Flow",
  data: "Data",
  actions: "Actions",
  ai: "AI",
  tools: "Tools",
};

export function generatedNotice(source: string): string {
  return `<!-- Generated from ${source} by scripts/docs/generate-docs.ts. Do not edit: change the source and run \`npx tsx scripts/docs/generate-docs.ts\`. -->`;
}

/** The records sorted by kind, so every generated listing is stable. */
export function sortedRecords(registry: RecordRegistry): ComponentRecord[] {
  return [...registry.kinds.values()].map((k) => k.record).sort((a, b) => (a.component.kind < b.component.kind ? -1 : a.component.kind > b.component.kind ? 1 : 0));
}

/** A field spec's type as a reader understands it, with its constraints. */
export function describeFieldType(spec: FieldSpec): string {
  switch (spec.type) {
    case "string": {
      const limits = [
        spec.minLength === undefined ? undefined : spec.minLength === 1 ? "not empty" : `at least ${String(spec.minLength)} characters`,
        spec.maxLength === undefined ? undefined : `at most ${String(spec.maxLength)} characters`,
        spec.pattern !== undefined ? `matching ${code(spec.pattern)}` : undefined,
      ].filter((s) => s !== undefined);
      return `string${spec.multiline === true ? " (multi-line)" : ""}${limits.length > 0 ? `, ${limits.join(", ")}` : ""}`;
    }
    case "number":
    case "integer":
      return `${spec.type}${range(spec.min, spec.max)}`;
    case "boolean":
      return "boolean";
    case "enum":
      return `one of ${spec.values.map((v) => code(v)).join(", ")}`;
    case "template":
      return `[template](${GRAPH_FORMAT}#values-templates-and-references)${spec.multiline === true ? " (multi-line)" : ""}: text in which {{references}} are interpolated`;
    case "reference": {
      const expects = spec.expects === undefined || spec.expects === "any" ? "" : `, to ${spec.expects === "array" ? "an array" : `a ${spec.expects}`}`;
      const candidate = spec.candidate === true ? " (a merge candidate: upstream, need not be guaranteed)" : "";
      return `[reference](${GRAPH_FORMAT}#values-templates-and-references): exactly one {{node.path}}${expects}${candidate}`;
    }
    case "value": {
      const expects = spec.expects === undefined || spec.expects === "any" ? "" : ` of type ${spec.expects}`;
      return `[value](${GRAPH_FORMAT}#values-templates-and-references)${expects}: JSON literal, template or reference`;
    }
    case "scalar":
      return "string or number literal";
    case "type_schema":
      return `[type schema](${GRAPH_FORMAT}#the-type-language)`;
    case "object_schema":
      return `[object type schema](${GRAPH_FORMAT}#the-type-language)`;
    case "tool_name":
      return `tool name (${code("^[A-Za-z][A-Za-z0-9_]{0,63}$")})`;
    case "list":
      return `list${spec.minItems !== undefined ? ` (at least ${String(spec.minItems)})` : ""} of ${describeFieldType(spec.of)}`;
    case "map":
      return `map${spec.minEntries !== undefined ? ` (at least ${String(spec.minEntries)} entr${spec.minEntries === 1 ? "y" : "ies"})` : ""}: name → ${describeFieldType(spec.of)}`;
    case "object":
      return "object";
    case "variant":
      return `object selected by ${code(spec.discriminator)}: ${Object.keys(spec.variants).map((tag) => code(tag)).join(" or ")}`;
  }
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `, ${String(min)} to ${String(max)}`;
  if (min !== undefined) return `, at least ${String(min)}`;
  if (max !== undefined) return `, at most ${String(max)}`;
  return "";
}

interface FieldRow {
  readonly name: string;
  readonly spec: FieldSpec;
  readonly required: boolean;
  readonly note?: string;
}

/** Flattens nested fields (objects, variants, lists and maps of objects) into dotted rows. */
function fieldRows(fields: Readonly<Record<string, FieldSpec>>, prefix: string, note?: string): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const [name, spec] of Object.entries(fields)) {
    const path = `${prefix}${name}`;
    rows.push({ name: path, spec, required: spec.required === true, ...(note === undefined ? {} : { note }) });
    rows.push(...nestedRows(spec, path));
  }
  return rows;
}

function nestedRows(spec: FieldSpec, path: string): FieldRow[] {
  switch (spec.type) {
    case "object":
      return fieldRows(spec.fields, `${path}.`);
    case "variant":
      return Object.entries(spec.variants).flatMap(([tag, fields]) => fieldRows(fields, `${path}.`, `when ${code(spec.discriminator)} is ${code(tag)}`));
    case "list":
      return nestedRows(spec.of, `${path}[]`);
    case "map":
      return nestedRows(spec.of, `${path}.<name>`);
    default:
      return [];
  }
}

function describeRow(row: FieldRow): string {
  const parts: string[] = [];
  if (row.spec.help !== undefined) parts.push(row.spec.help);
  if (row.note !== undefined) parts.push(`(${row.note})`);
  if (row.spec.item_scope !== undefined) {
    parts.push(`Values inside may use {{item}} (an element of ${code(row.spec.item_scope)}) and {{index}} (its position, from 0).`);
  }
  const text = parts.join(" ");
  if (row.spec.label === undefined) return text;
  return text === "" ? `**${row.spec.label}**` : `**${row.spec.label}**: ${text}`;
}

function configSection(record: ComponentRecord): string {
  const fields = record.config_schema.fields;
  const rows = fieldRows(fields, "");
  if (rows.length === 0) return "## Config\n\nThis kind takes no configuration.";
  const body = table(
    ["field", "type", "required", "default", "description"],
    rows.map((row) => [code(row.name), describeFieldType(row.spec), row.required ? "yes" : "", row.spec.default === undefined ? "" : code(compactJson(row.spec.default)), describeRow(row)]),
  );
  return [
    "## Config",
    `Fields of the node's \`config\` (from the record's \`config_schema\`). Unknown fields are refused (\`INVALID_CONFIG\`); a nested field (\`a.b\`, \`a[].b\`) is required only where its parent is given. References (\`{{node.path}}\`) are read only in template, reference and value fields; see [graph format](${GRAPH_FORMAT}#references).`,
    body,
  ].join("\n\n");
}

function portsSection(record: ComponentRecord): string {
  const { ports } = record;
  const inPorts = ports.in.length === 0 ? "none: nothing connects into this node" : ports.in.map((p) => code(p)).join(", ");
  const dynamic = ports.out.from_config === undefined ? [] : [`one port per entry of ${code(ports.out.from_config)}, named by its text`];
  const outParts = [...dynamic, ...ports.out.static.map((p) => code(p))];
  const staticPorts = ports.out.static.map((p) => code(p)).join(", ");
  const outPorts = outParts.length === 0 ? "none: the run's result is this node's value" : [...dynamic, ...(staticPorts === "" ? [] : [staticPorts])].join(", plus ");
  const omit =
    ports.out.static.length + dynamic.length === 1 && ports.out.from_config === undefined
      ? " An edge from this node may omit `sourcePort`."
      : outParts.length > 0
        ? " Edges from this node name their `sourcePort`; exactly one port is taken per run."
        : "";
  return ["## Ports", bullets([`In: ${inPorts}.`, `Out: ${outPorts}.${omit}`])].join("\n\n");
}

function outputSection(record: ComponentRecord): string {
  const { derive, description } = record.output_type;
  const reads =
    derive === "none"
      ? "Nothing can reference this node."
      : `This is what a reference \`{{${record.component.kind === "input" ? "input" : "<id>"}.…}}\` to the node reads; the compiler derives it with \`${derive}\` (compiler/infer/derivers.ts).`;
  return ["## Output", description.trim(), reads].join("\n\n");
}

function validationSection(record: ComponentRecord): string {
  const rows = record.validation_rules.map((rule) => [`[${code(rule.code)}](${GRAPH_FORMAT}#diagnostics)`, rule.severity, rule.message, rule.when, diagnosticCatalog[rule.code as keyof typeof diagnosticCatalog].hint]);
  return ["## Validation", "Besides the checks every node gets (references, types, guarantees):", table(["code", "severity", "message", "when", "hint"], rows)].join("\n\n");
}

function expectation(test: RecordTestCase): string {
  const { expect } = test;
  const parts: string[] = [];
  if (expect.diagnostics !== undefined) parts.push(expect.diagnostics.length === 0 ? "no diagnostics" : `diagnostics ${expect.diagnostics.map((d) => code(d)).join(", ")}`);
  if (expect.generatedContains !== undefined) parts.push(`generated code contains ${expect.generatedContains.map((s) => code(s)).join(", ")}`);
  if (expect.output !== undefined) parts.push(`output ${code(compactJson(expect.output))}`);
  if (expect.errorNode !== undefined || expect.errorCode !== undefined) {
    parts.push(`fails${expect.errorNode === undefined ? "" : ` at ${code(expect.errorNode)}`}${expect.errorCode === undefined ? "" : ` with ${code(expect.errorCode)}`}`);
  }
  return parts.join("; ");
}

function testsSection(record: ComponentRecord): string {
  const rows = record.test_cases.map((t) => [t.name, t.category, t.level, t.input === undefined ? "" : code(compactJson(t.input)), expectation(t)]);
  const example = record.test_cases.find((t) => t.category === "happy") ?? record.test_cases[0];
  const blocks = [
    "## Test cases",
    "The record's `test_cases`, executed by the test suite (`compile`: diagnostics and generated code; `run`: the compiled tool is also run).",
    table(["case", "category", "level", "input", "expects"], rows),
  ];
  if (example !== undefined) {
    blocks.push(`### Example: ${example.name}`, "Nodes and edges of the test case's graph (the test adds `format` and `tool`):", exampleGraph(example));
    if (JSON.stringify(example.graph).includes("$FIXTURE_URL")) blocks.push("`$FIXTURE_URL` stands for the test suite's local HTTP server.");
  }
  return blocks.join("\n\n");
}

function exampleGraph(test: RecordTestCase): string {
  const listing = (name: string, items: unknown): string | undefined => {
    if (!Array.isArray(items)) return undefined;
    return `  ${JSON.stringify(name)}: [\n${(items as readonly unknown[]).map((item) => `    ${compactJson(item)}`).join(",\n")}\n  ]`;
  };
  const sections = [listing("nodes", test.graph.nodes), listing("edges", test.graph.edges)].filter((s) => s !== undefined);
  return ["```json", "{", sections.join(",\n"), "}", "```"].join("\n");
}

function decisionsSection(record: ComponentRecord): string {
  const decisions = record.schema_decisions.map((d) =>
    [`### ${d.decision.trim()}`, d.why.trim(), `Alternatives rejected:\n\n${bullets(d.alternatives_rejected)}`].join("\n\n"),
  );
  return ["## Schema decisions", ...decisions].join("\n\n");
}

function relatedSection(record: ComponentRecord, registry: RecordRegistry): string {
  const items = record.related_components.map((kind) => {
    const related = registry.get(kind)?.record;
    return related === undefined ? code(kind) : `[${related.component.name} (${code(kind)})](${kind}.md): ${related.component.summary.trim()}`;
  });
  return ["## Related components", bullets(items)].join("\n\n");
}

function templateSection(record: ComponentRecord): string {
  const { body, expression, recorded, port } = record.template;
  const over = (title: string, source: string | undefined): string[] => (source === undefined ? [] : ["", title, "", "```handlebars", source.trim(), "```"]);
  const how =
    expression === undefined
      ? "The body runs inside `step(…)`"
      : "The expression is the node's value: inline as a plain statement when the node and its ancestors do synchronous work without retry, timeout or onError, else inside `step(…)`";
  return [
    "## Generated code",
    "",
    "<details><summary>The record's handlebars template</summary>",
    "",
    `${how} (see [ARCHITECTURE.md](../../ARCHITECTURE.md#generated-code)); \`c.<field>.$code\` is the field as a safe TypeScript expression.`,
    "",
    "```handlebars",
    (expression ?? body ?? "").trim(),
    "```",
    ...over("Recorded in the trace span as input (an expression over `value`, the node's value):", recorded),
    ...over("Port (an expression over `value`, the node's value):", port),
    "",
    "</details>",
  ].join("\n");
}

/** docs/nodes/<kind>.md */
export function nodePage(record: ComponentRecord, registry: RecordRegistry): string {
  const { component } = record;
  const meta = [`Category: ${CATEGORY_TITLES[component.category]}`];
  if (component.aliases.length > 0) meta.push(`search aliases: ${component.aliases.join(", ")}`);
  return document([
    generatedNotice(`component-records/${component.kind}.yaml`),
    `# ${component.name} (\`${component.kind}\`)`,
    component.summary.trim(),
    `${meta.join(" · ")} · [all node kinds](README.md)`,
    `## Purpose\n\n${record.purpose.trim()}`,
    configSection(record),
    portsSection(record),
    outputSection(record),
    validationSection(record),
    testsSection(record),
    decisionsSection(record),
    `## Lessons learned\n\n${bullets(record.lessons_learned)}`,
    relatedSection(record, registry),
    `## Future improvements\n\n${bullets(record.future_improvements)}`,
    templateSection(record),
  ]);
}

/** docs/nodes/README.md: every kind, grouped by category in the record schema's order. */
export function nodeIndex(registry: RecordRegistry): string {
  const records = sortedRecords(registry);
  const groups = componentRecordSchema.shape.component.shape.category.options.map((category) => {
    const members = records.filter((r) => r.component.category === category);
    if (members.length === 0) return undefined;
    const rows = members.map((r) => [`[${code(r.component.kind)}](${r.component.kind}.md)`, r.component.name, r.component.summary.trim(), r.component.aliases.join(", ")]);
    return `## ${CATEGORY_TITLES[category]}\n\n${table(["kind", "name", "summary", "aliases"], rows)}`;
  });
  return document([
    generatedNotice("component-records/*.yaml"),
    "# Node kinds",
    `Every node kind of graph format v1, one page each, generated from its component record (\`component-records/<kind>.yaml\`, the single source of truth for the kind). How graphs, references, ports and types work: [graph format](${GRAPH_FORMAT}).`,
    ...groups,
  ]);
}
