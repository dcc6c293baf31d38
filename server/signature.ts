/**
 * What a published version stores as its `signature`: the compiler's types of its input and
 * output (which `call_tool` and `for_each` in other graphs are checked against), their JSON
 * Schemas (for /tools, OpenAPI and agents), and `calls`: the version of every tool it calls
 * without naming a version, pinned when it was published.
 *
 * Why pin: an unpinned `call_tool` is type-checked against the callee's latest version at
 * publish time. Running it later against a newer callee version could break the types the
 * compiler proved, so a published version keeps calling exactly what it was checked against.
 * Publishing the caller again picks up the callee's new latest version.
 */
import { z } from "zod";
import type { ToolSignature } from "../compiler/api";
import { jsonSchemaOf } from "../compiler/generate/emit";
import type { ObjectTypeSchema, TypeSchema } from "../compiler/types/type-schema";
import type { JsonValue } from "./db/index";

export interface StoredSignature {
  readonly name: string;
  readonly description: string;
  readonly input: ObjectTypeSchema;
  readonly output: TypeSchema;
  readonly inputJsonSchema: JsonValue;
  readonly outputJsonSchema: JsonValue;
  /** Tool name → version number, for the calls the graph makes without a version. */
  readonly calls: Readonly<Record<string, number>>;
  /** Every tool the graph calls (pinned or not), by name. */
  readonly uses: readonly string[];
}

const description = z.string().optional();

/** The compiler's TypeSchema, including the inferred `unknown` (absent from the graph-facing schema). */
const typeSchema: z.ZodType<TypeSchema> = z.lazy(() =>
  z.union([
    z.object({ type: z.literal("string"), enum: z.array(z.string()).optional(), description }),
    z.object({ type: z.enum(["number", "integer", "boolean", "null", "unknown"]), description }),
    z.object({ type: z.literal("array"), items: typeSchema, description }),
    objectSchema,
  ]),
);

const objectSchema: z.ZodType<ObjectTypeSchema> = z.lazy(() =>
  z.object({ type: z.literal("object"), properties: z.record(z.string(), typeSchema), required: z.array(z.string()).optional(), description }),
);

const jsonValue: z.ZodType<JsonValue> = z.json();

const storedSignatureSchema = z.object({
  name: z.string(),
  description: z.string(),
  input: objectSchema,
  output: typeSchema,
  inputJsonSchema: jsonValue,
  outputJsonSchema: jsonValue,
  calls: z.record(z.string(), z.number().int().min(1)),
  uses: z.array(z.string()).default([]),
});

export function storedSignature(signature: ToolSignature, calls: Readonly<Record<string, number>>, uses: readonly string[]): StoredSignature {
  return {
    name: signature.name,
    description: signature.description,
    input: signature.input,
    output: signature.output,
    inputJsonSchema: jsonSchemaOf(signature.input),
    outputJsonSchema: jsonSchemaOf(signature.output),
    calls,
    uses: [...new Set(uses)].sort(),
  };
}

/** Reads a stored signature back; a row this server did not write is an error, not a guess. */
export function parseStoredSignature(value: unknown): StoredSignature {
  const parsed = storedSignatureSchema.safeParse(value);
  if (!parsed.success) throw new Error(`stored version signature is malformed: ${parsed.error.message}`);
  return parsed.data;
}

/** As parseStoredSignature, but undefined instead of an error. */
export function readStoredSignature(value: unknown): StoredSignature | undefined {
  const parsed = storedSignatureSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function toolSignature(stored: StoredSignature, version: number): ToolSignature {
  return { name: stored.name, version, description: stored.description, input: stored.input, output: stored.output };
}
