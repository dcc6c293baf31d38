import { z } from "zod";
import { diagnosticCatalog } from "../diagnostics/catalog";
import { fieldSpecSchema } from "./field-spec";

/**
 * The schema of a component record: the single source of truth for one node kind.
 * Sections follow DESIGN.md ("Component records").
 */
const nonEmptyText = z.string().trim().min(1);

const diagnosticCode = z.string().refine((code) => code in diagnosticCatalog, { message: "is not a code of compiler/diagnostics/catalog.ts" });

export const OUTPUT_DERIVERS = [
  "input_schema",
  "none",
  "http_response",
  "llm_result",
  "condition_result",
  "switch_value",
  "values_object",
  "merge_fields",
  "called_tool_output",
  "for_each_results",
  "empty",
] as const;

export type OutputDeriver = (typeof OUTPUT_DERIVERS)[number];

export const testCaseSchema = z.strictObject({
  name: nonEmptyText,
  category: z.enum(["happy", "error", "edge"]),
  /** compile: checks diagnostics or generated code; run: also executes the compiled tool. */
  level: z.enum(["compile", "run"]),
  graph: z.record(z.string(), z.unknown()),
  input: z.record(z.string(), z.unknown()).optional(),
  /** Tools the graph may call, by name: graphs compiled first and made callable. */
  tools: z.array(z.record(z.string(), z.unknown())).optional(),
  expect: z.strictObject({
    diagnostics: z.array(diagnosticCode).optional(),
    generatedContains: z.array(z.string()).optional(),
    output: z.unknown().optional(),
    errorNode: z.string().optional(),
    errorCode: z.string().optional(),
  }),
});

export const componentRecordSchema = z.strictObject({
  component: z.strictObject({
    kind: z.string().regex(/^[a-z][a-z_]*$/),
    name: nonEmptyText,
    category: z.enum(["flow", "data", "actions", "ai", "tools"]),
    summary: nonEmptyText,
    aliases: z.array(z.string()).default([]),
  }),
  purpose: nonEmptyText,
  schema_decisions: z
    .array(z.strictObject({ decision: nonEmptyText, why: nonEmptyText, alternatives_rejected: z.array(nonEmptyText).min(1) }))
    .min(1),
  config_schema: z.strictObject({ fields: z.record(z.string(), fieldSpecSchema) }),
  ports: z.strictObject({
    in: z.array(z.string()),
    out: z.strictObject({ static: z.array(z.string()).default([]), from_config: z.string().optional() }),
  }),
  output_type: z.strictObject({ derive: z.enum(OUTPUT_DERIVERS), description: nonEmptyText }),
  validation_rules: z
    .array(z.strictObject({ code: diagnosticCode, severity: z.enum(["error", "warning"]), message: nonEmptyText, when: nonEmptyText }))
    .min(1),
  /**
   * Handlebars. A node that does synchronous work gives its value as an `expression`, so it
   * can run inline as a plain statement; `recorded` (over `{{value}}`, the node's value) is
   * what its trace span records as input. A node that waits on the outside world gives a
   * `body` of statements that runs inside `step(…)` and returns its value. `port` (over
   * `{{value}}`) picks the out port.
   */
  template: z
    .strictObject({ body: nonEmptyText.optional(), expression: nonEmptyText.optional(), recorded: z.string().optional(), port: z.string().optional() })
    .refine((t) => (t.body === undefined) !== (t.expression === undefined), { message: "a template has either a body or an expression" }),
  test_cases: z.array(testCaseSchema).min(1),
  lessons_learned: z.array(nonEmptyText).min(1),
  related_components: z.array(z.string()).min(1),
  future_improvements: z.array(nonEmptyText).min(1),
});

export type ComponentRecord = z.infer<typeof componentRecordSchema>;
export type RecordTestCase = z.infer<typeof testCaseSchema>;

export const REQUIRED_SECTIONS = Object.keys(componentRecordSchema.shape);
