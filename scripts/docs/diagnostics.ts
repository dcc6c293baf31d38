import { diagnosticCatalog, type DiagnosticCode } from "../../compiler/diagnostics/catalog";
import type { RecordRegistry } from "../../compiler/records/registry";
import { code, table } from "./markdown";

/** The compiler phase that reports a code (see ARCHITECTURE.md, "The pipeline"). */
type Phase = "parse" | "validate" | "infer" | "verify" | "reserved";

interface Meaning {
  readonly phase: Phase;
  readonly meaning: string;
}

/**
 * What each diagnostic means, for docs/graph-format.md. The catalog holds the stable
 * code, severity and hint; this table adds the explanation a reader needs. Typed as a
 * total record over the catalog's codes, so a new code does not type-check until it is
 * documented here.
 */
export const DIAGNOSTIC_MEANINGS: Readonly<Record<DiagnosticCode, Meaning>> = {
  GRAPH_SCHEMA: {
    phase: "parse",
    meaning:
      "The document does not match the graph format (wrong `format`, a missing `tool` or `nodes`, an unknown key, a value of the wrong JSON type). One diagnostic per problem, naming its path; nothing else is checked until the document parses.",
  },
  INVALID_TOOL_NAME: { phase: "validate", meaning: "`tool.name` does not match `^[A-Za-z][A-Za-z0-9_]{0,63}$` (the names OpenAI function calling and MCP accept)." },
  DUPLICATE_NODE_ID: { phase: "validate", meaning: "Two nodes share an id; the second is ignored by the other checks." },
  DUPLICATE_EDGE_ID: { phase: "validate", meaning: "Two edges share an id." },
  INVALID_NODE_ID: {
    phase: "validate",
    meaning: "A node id does not match `^[A-Za-z][A-Za-z0-9_-]{0,99}$`, or is `item` or `index` (reserved inside `for_each` input), so references could not name it.",
  },
  UNKNOWN_KIND: { phase: "validate", meaning: "A node's `kind` has no component record; the hint lists the kinds that exist." },
  INVALID_CONFIG: {
    phase: "validate",
    meaning:
      "A node's `config` does not match its record's `config_schema` (one diagnostic per problem, with the path), or breaks a kind-specific rule: a binary condition without `right`, an invalid regular expression, a duplicate switch case or a case named `default`, an `llm` JSON output whose schema is not an object.",
  },
  MISSING_INPUT: { phase: "validate", meaning: "There is no node of kind `input`, or its id is not `input`." },
  MULTIPLE_INPUTS: { phase: "validate", meaning: "More than one node has kind `input`; each extra one is reported." },
  NO_OUTPUT: { phase: "validate", meaning: "No node has kind `output`, so no run could produce a result." },
  UNKNOWN_NODE: { phase: "validate", meaning: "An edge's `source` or `target` is not the id of a node." },
  UNKNOWN_PORT: {
    phase: "validate",
    meaning:
      "An edge leaves from a port its source does not offer (or omits `sourcePort` where the source has several ports, or none, like `output`), or enters a node through a port it lacks (`input` has no in port).",
  },
  CYCLE: { phase: "validate", meaning: "An edge connects a node to itself, or edges form a cycle; the message names the nodes on or after it." },
  UNREACHABLE_NODE: { phase: "validate", meaning: "No path of edges leads from `input` to the node, so it could never run." },
  UNKNOWN_REFERENCE: {
    phase: "infer",
    meaning:
      "A `{{reference}}` names no node, names an `output` node (which has no value), or follows a path the referenced type does not have; the hint lists the properties that exist.",
  },
  REFERENCE_NOT_GUARANTEED: {
    phase: "infer",
    meaning:
      "The referenced node is not an ancestor of the referencing node, or some execution runs the referencing node without running it; the message names the branch decision that skips it (see \"The guarantee rule\").",
  },
  TYPE_MISMATCH: {
    phase: "infer",
    meaning:
      "A value does not have the type its place needs: a field's `expects` (e.g. `for_each.items` must be an array), condition operands that do not suit the operator, a switch case of the wrong type, merge candidates of incompatible types, or `call_tool`/`for_each` input that does not fit the called tool's input schema (unknown, missing or mistyped fields).",
  },
  OUTPUT_SHAPE_MISMATCH: { phase: "infer", meaning: "Two output nodes give one field types that do not join (e.g. a number in one, a string in the other)." },
  MERGE_NOT_EXHAUSTIVE: {
    phase: "infer",
    meaning: "Some execution reaches a `merge` node in which none of a field's candidates ran; the message names the branch decisions of such an execution.",
  },
  UNKNOWN_TOOL: {
    phase: "infer",
    meaning: "The tool a `call_tool` or `for_each` node calls (by name and optional version) is unknown to the compiler's tool resolver, or no resolver was given.",
  },
  OUTPUT_NOT_GUARANTEED: { phase: "infer", meaning: "Some execution reaches no `output` node; the message names the branch decisions of one such execution." },
  MULTIPLE_OUTPUTS_MAY_RUN: { phase: "infer", meaning: "Two `output` nodes can both run in one execution (they are not on exclusive branches)." },
  INVALID_TEMPLATE: { phase: "infer", meaning: "A string has `{{` without a closing `}}`, or text between the braces that is not a reference." },
  UNTYPED_REFERENCE: {
    phase: "infer",
    meaning: "A reference reads inside a value of no declared shape (unknown JSON), e.g. `{{call.body.x}}` on an `http` node whose JSON response has no `schema`.",
  },
  INVALID_EDGE: { phase: "reserved", meaning: "Reserved in the catalog; compiler 0.1.0 does not report it (edge problems are reported as `UNKNOWN_NODE`, `UNKNOWN_PORT` or `CYCLE`)." },
  UNUSED_OUTPUT: { phase: "infer", meaning: "Nothing references the output of a `transform` or `merge` node, so the node has no effect." },
  OPTIONAL_IN_TEMPLATE: { phase: "infer", meaning: "A template interpolates a value that may be missing (an optional field, an array element); a missing value renders as an empty string." },
  NAME_REJECTED_BY_TARGET: {
    phase: "validate",
    meaning:
      "An agent ecosystem would refuse a name: the tool name (OpenAI function names `^[a-zA-Z0-9_-]{1,64}$`, MCP tool names `^[A-Za-z0-9._-]{1,128}$`; unreachable while `INVALID_TOOL_NAME` is stricter), or a top-level input field name outside `^[a-zA-Z0-9_.-]{1,64}$`, which Anthropic's API (Claude, and MCP clients built on it) refuses for the whole request. See [agents.md](agents.md).",
  },
  DESCRIPTION_REJECTED_BY_TARGET: {
    phase: "validate",
    meaning: "The tool description is longer than the 1024 characters OpenAI function calling accepts; the OpenAI definition carries its first 1024 characters.",
  },
  INPUT_NOT_STRICT: {
    phase: "validate",
    meaning:
      "The input exceeds a limit of OpenAI's strict mode (5000 properties, 10 levels of object nesting, 1000 enum values, 120,000 characters of names and enum values), so the OpenAI definition is served with `strict: false`. Optional fields are not a reason: strict definitions make them required and nullable. See [agents.md](agents.md).",
  },
  INTERNAL_VERIFICATION_FAILED: {
    phase: "verify",
    meaning:
      "The graph validated, but the generated package failed verification (`tsc` strict, ESLint, or the `any` scan); the message lists the problems. No files are handed out. This is a Toolwright bug — except for a `continue` fallback of the wrong type, which only verification catches today (see `onError`).",
  },
};

/** Which records list a code among their validation rules. */
function kindsRaising(registry: RecordRegistry): Map<string, string[]> {
  const byCode = new Map<string, string[]>();
  for (const [kind, { record }] of [...registry.kinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const rule of record.validation_rules) {
      const kinds = byCode.get(rule.code) ?? [];
      if (!kinds.includes(kind)) kinds.push(kind);
      byCode.set(rule.code, kinds);
    }
  }
  return byCode;
}

/** The table of every diagnostic code in catalog order: severity, phase, meaning, hint, and the kinds whose records list it. */
export function diagnosticsTable(registry: RecordRegistry, nodePagesDir: string): string {
  const kinds = kindsRaising(registry);
  const rows = (Object.keys(diagnosticCatalog) as DiagnosticCode[]).map((diagnosticCode) => {
    const entry = diagnosticCatalog[diagnosticCode];
    const { phase, meaning } = DIAGNOSTIC_MEANINGS[diagnosticCode];
    const listedBy = (kinds.get(diagnosticCode) ?? []).map((kind) => `[${kind}](${nodePagesDir}/${kind}.md)`).join(", ");
    return [code(diagnosticCode), entry.severity, phase, meaning, entry.hint, listedBy];
  });
  return table(["code", "severity", "phase", "meaning", "hint", "record rules"], rows);
}
