/**
 * Every user-facing diagnostic, with its stable code (public API: never rename one),
 * default severity and the hint a builder reads. Messages are written at the call site
 * with the concrete names; the hint says what to do.
 */
export const diagnosticCatalog = {
  GRAPH_SCHEMA: { severity: "error", hint: "The file is not a toolwright.graph/v1 document; see docs/graph-format.md." },
  INVALID_TOOL_NAME: { severity: "error", hint: "Use 1–64 characters: letters, digits and _, starting with a letter (e.g. triage_refund)." },
  DUPLICATE_NODE_ID: { severity: "error", hint: "Give every node its own id." },
  DUPLICATE_EDGE_ID: { severity: "error", hint: "Give every edge its own id." },
  INVALID_NODE_ID: { severity: "error", hint: "Node ids are letters, digits, _ and -, starting with a letter, and not `item` or `index`." },
  UNKNOWN_KIND: { severity: "error", hint: "Use one of the node kinds in the palette." },
  INVALID_CONFIG: { severity: "error", hint: "Fix the field in the inspector." },
  MISSING_INPUT: { severity: "error", hint: "Add one node of kind `input` with id `input`." },
  MULTIPLE_INPUTS: { severity: "error", hint: "Keep exactly one input node, with id `input`." },
  NO_OUTPUT: { severity: "error", hint: "Add an `output` node that ends the run with a value." },
  UNKNOWN_NODE: { severity: "error", hint: "Connect the edge to a node that exists." },
  UNKNOWN_PORT: { severity: "error", hint: "Use one of the ports the node offers." },
  CYCLE: { severity: "error", hint: "Graphs are acyclic; repeat work with `for_each` instead." },
  UNREACHABLE_NODE: { severity: "error", hint: "Connect the node to the flow that starts at `input`, or delete it." },
  UNKNOWN_REFERENCE: { severity: "error", hint: "Reference an earlier node's output as {{node.path}}." },
  REFERENCE_NOT_GUARANTEED: {
    severity: "error",
    hint: "Reference only nodes that always run before this one; to use a value from exclusive branches, rejoin them with a `merge` node.",
  },
  TYPE_MISMATCH: { severity: "error", hint: "Use a value of the expected type." },
  OUTPUT_SHAPE_MISMATCH: { severity: "error", hint: "Give a field the same type in every output node." },
  MERGE_NOT_EXHAUSTIVE: { severity: "error", hint: "Add a candidate from every branch that can reach the merge." },
  UNKNOWN_TOOL: { severity: "error", hint: "Publish the called tool first, or fix its name and version." },
  OUTPUT_NOT_GUARANTEED: { severity: "error", hint: "Every branch must end in an `output` node; connect the open branch to one." },
  MULTIPLE_OUTPUTS_MAY_RUN: { severity: "error", hint: "Output nodes end the run: put them on exclusive branches (after a conditional or switch)." },
  INVALID_TEMPLATE: { severity: "error", hint: "Write references as {{node.path}} with a closing }}." },
  UNTYPED_REFERENCE: { severity: "error", hint: "Declare a schema for that output (e.g. http `response.schema`) to reference inside it." },
  INVALID_EDGE: { severity: "error", hint: "Connect an `out` port to an `in` port of another node." },
  UNUSED_OUTPUT: { severity: "warning", hint: "Reference this node's output, or delete the node if it is not needed." },
  OPTIONAL_IN_TEMPLATE: { severity: "warning", hint: "A missing value renders as an empty string; make the field required if that is not intended." },
  NAME_REJECTED_BY_TARGET: { severity: "warning", hint: "Rename so every agent ecosystem accepts the tool." },
  DESCRIPTION_REJECTED_BY_TARGET: { severity: "warning", hint: "Shorten the tool description to at most 1024 characters." },
  INPUT_NOT_STRICT: { severity: "warning", hint: "Simplify the input (fewer fields, enum values or nesting levels) so OpenAI's strict mode can guarantee valid arguments." },
  INTERNAL_VERIFICATION_FAILED: {
    severity: "error",
    hint: "The graph is valid but the generated code failed verification: this is a Toolwright bug; please report it with the graph.",
  },
} as const satisfies Record<string, { severity: "error" | "warning"; hint: string }>;

export type DiagnosticCode = keyof typeof diagnosticCatalog;
export type Severity = "error" | "warning";

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly hint: string;
  readonly nodeId?: string;
  readonly edgeId?: string;
  /** Where in the node: a JSON pointer-like path from the node, e.g. ["config", "url"]. */
  readonly path?: readonly (string | number)[];
}

export interface DiagnosticLocation {
  readonly nodeId?: string;
  readonly edgeId?: string;
  readonly path?: readonly (string | number)[];
}

export function diagnostic(code: DiagnosticCode, message: string, at: DiagnosticLocation = {}, hint?: string): Diagnostic {
  const entry = diagnosticCatalog[code];
  return { code, severity: entry.severity, message, hint: hint ?? entry.hint, ...at };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order: by node, then code, so outputs diff cleanly. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic): string => `${d.nodeId ?? ""}\u0000${d.edgeId ?? ""}\u0000${d.code}\u0000${(d.path ?? []).join(".")}\u0000${d.message}`;
  return [...diagnostics].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
