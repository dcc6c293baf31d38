import { z } from "zod";
import { isPlainObject } from "./plain-json";

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

const DESCRIPTION_MAX = 10_000;
const description = z.string().max(DESCRIPTION_MAX).optional();

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

const SCALAR_TYPES: ReadonlySet<unknown> = new Set(["number", "integer", "boolean", "null"]);

/**
 * Whether `typeSchemaSchema` takes a value, in one walk (its union tries each option at
 * every level). Never true where the schema refuses; false only for what it refuses, too.
 */
export function typeSchemaAccepts(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const allowed = value.type === "string" ? STRING_KEYS : value.type === "array" ? ARRAY_KEYS : value.type === "object" ? OBJECT_KEYS : SCALAR_TYPES.has(value.type) ? SCALAR_KEYS : undefined;
  if (allowed === undefined || !Object.keys(value).every((key) => allowed.has(key))) return false;
  const { description } = value;
  if (description !== undefined && !(typeof description === "string" && description.length <= DESCRIPTION_MAX)) return false;
  switch (value.type) {
    case "string":
      return value.enum === undefined || (isStringArray(value.enum) && value.enum.length > 0);
    case "array":
      return typeSchemaAccepts(value.items);
    case "object":
      return isPlainObject(value.properties) && Object.values(value.properties).every(typeSchemaAccepts) && (value.required === undefined || isStringArray(value.required));
    default:
      return true;
  }
}

const SCALAR_KEYS: ReadonlySet<string> = new Set(["type", "description"]);
const STRING_KEYS: ReadonlySet<string> = new Set(["type", "enum", "description"]);
const ARRAY_KEYS: ReadonlySet<string> = new Set(["type", "items", "description"]);
const OBJECT_KEYS: ReadonlySet<string> = new Set(["type", "properties", "required", "description"]);

function isStringArray(value: unknown): value is readonly string[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string") return false;
  return true;
}

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
