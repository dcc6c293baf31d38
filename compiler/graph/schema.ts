import { z } from "zod";
import { copyPlainJson, isPlainJson } from "../types/plain-json";

/** The interchange contract: graph format v1 (see docs/graph-format.md). Browser-safe. */
export const GRAPH_FORMAT = "toolwright.graph/v1";

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isFinite, "numbers must be finite"),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

const identifier = z.string().min(1).max(200);

export const retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20),
  backoff: z.enum(["fixed", "linear", "exponential"]).default("exponential"),
  initialDelayMs: z.number().int().min(0).max(600_000).default(200),
  maxDelayMs: z.number().int().min(0).max(3_600_000).optional(),
});

export const positionSchema = z.strictObject({ x: z.number(), y: z.number() });

export const edgeSchema = z.strictObject({
  id: identifier,
  source: identifier,
  target: identifier,
  sourcePort: z.string().min(1).optional(),
  targetPort: z.string().min(1).optional(),
});

/** The schemas that hold JSON values, over a schema of JSON values. */
function schemasOver(jsonValue: z.ZodType<JsonValue>) {
  const onErrorSchema = z.union([
    z.strictObject({ action: z.literal("fail") }),
    z.strictObject({ action: z.literal("continue"), fallback: jsonValue }),
  ]);

  const nodeSchema = z.strictObject({
    id: identifier,
    kind: z.string().min(1),
    label: z.string().max(200).optional(),
    position: positionSchema.default({ x: 0, y: 0 }),
    config: z.record(z.string(), jsonValue).default({}),
    retry: retrySchema.optional(),
    timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
    onError: onErrorSchema.optional(),
  });

  const toolTestSchema = z.strictObject({
    name: z.string().min(1).max(200),
    input: z.record(z.string(), jsonValue),
    expectOutput: z.record(z.string(), jsonValue).optional(),
    expectError: z.strictObject({ nodeId: z.string().optional() }).optional(),
  });

  const graphSchema = z.strictObject({
    format: z.literal(GRAPH_FORMAT),
    tool: z.strictObject({
      name: z.string(),
      description: z.string().max(4_000).default(""),
      version: z.string().optional(),
    }),
    nodes: z.array(nodeSchema),
    edges: z.array(edgeSchema).default([]),
    tests: z.array(toolTestSchema).optional(),
  });

  return { onErrorSchema, nodeSchema, toolTestSchema, graphSchema };
}

export const { onErrorSchema, nodeSchema, toolTestSchema, graphSchema } = schemasOver(jsonValueSchema);

/**
 * The graph schema for a document whose JSON values are all plain JSON (`isPlainJson`):
 * there it takes and returns exactly what `graphSchema` does (a copy of each value), without
 * the union of `jsonValueSchema`, which tries its options one by one at every level. Where it
 * refuses a document, `graphSchema` decides and reports.
 */
export const plainJsonGraphSchema = schemasOver(z.custom<JsonValue>(isPlainJson).transform(copyPlainJson)).graphSchema;

export type Graph = z.infer<typeof graphSchema>;
export type GraphNode = z.infer<typeof nodeSchema>;
export type GraphEdge = z.infer<typeof edgeSchema>;
export type RetryPolicy = z.infer<typeof retrySchema>;
export type OnErrorPolicy = z.infer<typeof onErrorSchema>;
export type ToolTest = z.infer<typeof toolTestSchema>;

/** The graph format as JSON Schema, for editors and other tools. */
export function graphJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(graphSchema, { io: "input", unrepresentable: "any" });
}
