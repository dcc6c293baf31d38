import { z } from "zod";

/**
 * The language records use to declare a node kind's config. One spec drives the config
 * validator (zod, below), the type checker (what each value field expects), the code
 * generator (which fields hold values) and the editor's inspector form.
 */
export type ScalarExpectation = "string" | "number" | "integer" | "boolean" | "any";

interface FieldCommon {
  readonly label?: string;
  readonly help?: string;
  readonly required?: boolean;
  readonly default?: unknown;
  /** Values inside may reference {{item}} and {{index}}: the elements of the array this sibling field references. */
  readonly item_scope?: string;
}

export type FieldSpec = FieldCommon &
  (
    | { readonly type: "string"; readonly minLength?: number; readonly maxLength?: number; readonly pattern?: string; readonly multiline?: boolean }
    | { readonly type: "number" | "integer"; readonly min?: number; readonly max?: number }
    | { readonly type: "boolean" }
    | { readonly type: "enum"; readonly values: readonly string[] }
    /** A string that may contain {{references}}; the result is always a string. */
    | { readonly type: "template"; readonly multiline?: boolean }
    /** Exactly one {{reference}}; `expects` constrains the referenced type; a `candidate` (merge) need only be upstream, not guaranteed to run. */
    | { readonly type: "reference"; readonly expects?: "array" | ScalarExpectation; readonly candidate?: boolean }
    /** Any value: JSON literal (nesting), template or exact reference. */
    | { readonly type: "value"; readonly expects?: ScalarExpectation }
    /** A string or number literal (switch cases). */
    | { readonly type: "scalar" }
    | { readonly type: "type_schema" }
    | { readonly type: "object_schema" }
    | { readonly type: "tool_name" }
    | { readonly type: "list"; readonly of: FieldSpec; readonly minItems?: number }
    | { readonly type: "map"; readonly of: FieldSpec; readonly minEntries?: number }
    | { readonly type: "object"; readonly fields: Readonly<Record<string, FieldSpec>> }
    | { readonly type: "variant"; readonly discriminator: string; readonly variants: Readonly<Record<string, Readonly<Record<string, FieldSpec>>>> }
  );

const common = {
  label: z.string().optional(),
  help: z.string().optional(),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  item_scope: z.string().optional(),
};

export const fieldSpecSchema: z.ZodType<FieldSpec> = z.lazy(() =>
  z.union([
    z.strictObject({ ...common, type: z.literal("string"), minLength: z.number().int().optional(), maxLength: z.number().int().optional(), pattern: z.string().optional(), multiline: z.boolean().optional() }),
    z.strictObject({ ...common, type: z.enum(["number", "integer"]), min: z.number().optional(), max: z.number().optional() }),
    z.strictObject({ ...common, type: z.literal("boolean") }),
    z.strictObject({ ...common, type: z.literal("enum"), values: z.array(z.string()).min(1) }),
    z.strictObject({ ...common, type: z.literal("template"), multiline: z.boolean().optional() }),
    z.strictObject({ ...common, type: z.literal("reference"), expects: z.enum(["array", "string", "number", "integer", "boolean", "any"]).optional(), candidate: z.boolean().optional() }),
    z.strictObject({ ...common, type: z.literal("value"), expects: z.enum(["string", "number", "integer", "boolean", "any"]).optional() }),
    z.strictObject({ ...common, type: z.enum(["scalar", "type_schema", "object_schema", "tool_name"]) }),
    z.strictObject({ ...common, type: z.literal("list"), of: fieldSpecSchema, minItems: z.number().int().optional() }),
    z.strictObject({ ...common, type: z.literal("map"), of: fieldSpecSchema, minEntries: z.number().int().optional() }),
    z.strictObject({ ...common, type: z.literal("object"), fields: z.record(z.string(), fieldSpecSchema) }),
    z.strictObject({
      ...common,
      type: z.literal("variant"),
      discriminator: z.string(),
      variants: z.record(z.string(), z.record(z.string(), fieldSpecSchema)),
    }),
  ]),
);
