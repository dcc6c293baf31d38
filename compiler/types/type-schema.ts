import { z } from "zod";

/**
 * The type language of graphs: a JSON Schema subset that maps one-to-one to zod,
 * TypeScript, OpenAI function parameters and MCP tool schemas.
 */
export type TypeSchema =
  | { readonly type: "string"; readonly enum?: readonly string[]; readonly description?: string }
  | { readonly type: "number"; readonly description?: string }
  | { readonly type: "integer"; readonly description?: string }
  | { readonly type: "boolean"; readonly description?: string }
  | { readonly type: "null"; readonly description?: string }
  | { readonly type: "array"; readonly items: TypeSchema; readonly description?: string }
  | ObjectTypeSchema
  /** Any JSON value of no declared shape (JSON Schema `{}`); inferred, never written in graphs. */
  | { readonly type: "unknown"; readonly description?: string };

export interface ObjectTypeSchema {
  readonly type: "object";
  readonly properties: Readonly<Record<string, TypeSchema>>;
  readonly required?: readonly string[];
  readonly description?: string;
}

const description = z.string().max(10_000).optional();

export const typeSchemaSchema: z.ZodType<TypeSchema> = z.lazy(() =>
  z.union([
    z.strictObject({ type: z.literal("string"), enum: z.array(z.string()).min(1).optional(), description }),
    z.strictObject({ type: z.enum(["number", "integer", "boolean", "null"]), description }),
    z.strictObject({ type: z.literal("array"), items: typeSchemaSchema, description }),
    objectTypeSchemaSchema,
  ]),
);

export const objectTypeSchemaSchema: z.ZodType<ObjectTypeSchema> = z.lazy(() =>
  z.strictObject({
    type: z.literal("object"),
    properties: z.record(z.string(), typeSchemaSchema),
    required: z.array(z.string()).optional(),
    description,
  }),
);

/** What the type checker works with: a schema, and whether the value may be absent. */
export interface ValueType {
  readonly schema: TypeSchema;
  readonly optional: boolean;
}

export const unknownSchema: TypeSchema = { type: "unknown" };

export function schemaType(schema: TypeSchema, optional = false): ValueType {
  return { schema, optional };
}

export function isRequired(schema: ObjectTypeSchema, key: string): boolean {
  return schema.required?.includes(key) ?? false;
}

export function objectSchema(
  properties: Readonly<Record<string, TypeSchema>>,
  required: readonly string[] = Object.keys(properties),
): ObjectTypeSchema {
  return { type: "object", properties, required };
}
