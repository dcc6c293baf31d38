import { z } from "zod";
import { jsonValueSchema } from "../graph/schema";
import { objectTypeSchemaSchema, typeSchemaSchema } from "../types/type-schema";
import type { FieldSpec } from "./field-spec";

/** Derives the zod validator of a node kind's config from its record's field specs. */
export function configValidator(fields: Readonly<Record<string, FieldSpec>>): z.ZodType {
  return objectOf(fields);
}

function objectOf(fields: Readonly<Record<string, FieldSpec>>): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(fields)) {
    const field = fieldValidator(spec);
    shape[name] = spec.required === true ? field : field.optional();
  }
  return z.strictObject(shape);
}

const templateString = z.string().max(1_000_000);

function fieldValidator(spec: FieldSpec): z.ZodType {
  switch (spec.type) {
    case "string": {
      let s = z.string();
      if (spec.minLength !== undefined) s = s.min(spec.minLength);
      if (spec.maxLength !== undefined) s = s.max(spec.maxLength);
      if (spec.pattern !== undefined) s = s.regex(new RegExp(spec.pattern), `must match ${spec.pattern}`);
      return s;
    }
    case "number":
    case "integer": {
      let n = spec.type === "integer" ? z.number().int() : z.number();
      if (spec.min !== undefined) n = n.min(spec.min);
      if (spec.max !== undefined) n = n.max(spec.max);
      return n;
    }
    case "boolean":
      return z.boolean();
    case "enum":
      return z.enum(spec.values as [string, ...string[]]);
    case "template":
      return templateString;
    case "reference":
      return z.string().regex(/^\{\{[^{}]+\}\}$/, "must be exactly one {{reference}}");
    case "value":
      return jsonValueSchema;
    case "scalar":
      return z.union([z.string(), z.number()]);
    case "type_schema":
      return typeSchemaSchema;
    case "object_schema":
      return objectTypeSchemaSchema;
    case "tool_name":
      return z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "must be a tool name");
    case "list": {
      const list = z.array(fieldValidator(spec.of));
      return spec.minItems === undefined ? list : list.min(spec.minItems);
    }
    case "map": {
      const map = z.record(z.string(), fieldValidator(spec.of));
      const min = spec.minEntries;
      return min === undefined ? map : map.refine((m) => Object.keys(m).length >= min, `needs at least ${String(min)} entr${min === 1 ? "y" : "ies"}`);
    }
    case "object":
      return objectOf(spec.fields);
    case "variant": {
      const options = Object.entries(spec.variants).map(([tag, fields]) =>
        z.strictObject({ [spec.discriminator]: z.literal(tag) }).extend((objectOf(fields) as z.ZodObject).shape),
      );
      return z.union(options);
    }
  }
}
