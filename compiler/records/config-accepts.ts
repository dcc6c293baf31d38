import { isPlainJson, isPlainObject } from "../types/plain-json";
import { typeSchemaAccepts } from "../types/type-schema";
import type { FieldSpec } from "./field-spec";

/**
 * A quick test that a node's config passes its kind's validator (`configValidator`): one
 * walk over the config instead of zod's unions, which try their options one by one at
 * every level and were most of a config's validation. It may say false for a config the
 * validator accepts (then the validator decides and reports its problems), but never true
 * for one the validator refuses: every rule below is the validator's, or stricter.
 */
export function configAccepts(fields: Readonly<Record<string, FieldSpec>>): (config: unknown) => boolean {
  return (config) => objectAccepts(fields, config);
}

function objectAccepts(fields: Readonly<Record<string, FieldSpec>>, value: unknown, extraKey?: string): boolean {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(fields, key) && key !== extraKey) return false;
  }
  for (const [name, spec] of Object.entries(fields)) {
    const field = Object.hasOwn(value, name) ? value[name] : undefined;
    if (field === undefined ? spec.required === true || Object.hasOwn(value, name) : !fieldAccepts(spec, field)) return false;
  }
  return true;
}

const REFERENCE = /^\{\{[^{}]+\}\}$/;
const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function fieldAccepts(spec: FieldSpec, value: unknown): boolean {
  switch (spec.type) {
    case "string":
      return (
        typeof value === "string" &&
        (spec.minLength === undefined || value.length >= spec.minLength) &&
        (spec.maxLength === undefined || value.length <= spec.maxLength) &&
        (spec.pattern === undefined || new RegExp(spec.pattern).test(value))
      );
    case "number":
    case "integer":
      return (
        (spec.type === "integer" ? Number.isSafeInteger(value) : Number.isFinite(value)) &&
        typeof value === "number" &&
        (spec.min === undefined || value >= spec.min) &&
        (spec.max === undefined || value <= spec.max)
      );
    case "boolean":
      return typeof value === "boolean";
    case "enum":
      return typeof value === "string" && spec.values.includes(value);
    case "template":
      return typeof value === "string" && value.length <= 1_000_000;
    case "reference":
      return typeof value === "string" && REFERENCE.test(value);
    case "value":
      return isPlainJson(value);
    case "scalar":
      return typeof value === "string" || Number.isFinite(value);
    case "type_schema":
      return typeSchemaAccepts(value);
    case "object_schema":
      return isPlainObject(value) && value.type === "object" && typeSchemaAccepts(value);
    case "tool_name":
      return typeof value === "string" && TOOL_NAME.test(value);
    case "list":
      return Array.isArray(value) && (spec.minItems === undefined || value.length >= spec.minItems) && everyItem(value, (item) => fieldAccepts(spec.of, item));
    case "map":
      return isPlainObject(value) && (spec.minEntries === undefined || Object.keys(value).length >= spec.minEntries) && Object.values(value).every((item) => item !== undefined && fieldAccepts(spec.of, item));
    case "object":
      return objectAccepts(spec.fields, value);
    case "variant": {
      if (!isPlainObject(value)) return false;
      const tag = value[spec.discriminator];
      const fields = typeof tag === "string" && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : undefined;
      return fields !== undefined && objectAccepts(fields, value, spec.discriminator);
    }
  }
}

/** Arrays with holes are refused (a hole reads as undefined, which no validator takes). */
function everyItem(items: readonly unknown[], accepts: (item: unknown) => boolean): boolean {
  for (let i = 0; i < items.length; i++) if (!accepts(items[i])) return false;
  return true;
}
