import type { JsonValue } from "../graph/schema";
import { isRequired, type TypeSchema } from "../types/type-schema";

/** No quote, backslash, control character, lone surrogate (JSON escapes those) or U+2028/U+2029. */
const NOTHING_TO_ESCAPE = /^[^"\\\p{Cc}\p{Cs}\u2028\u2029]*$/u;

/**
 * Emitters that turn graph content into TypeScript source. Every string that came from
 * a graph leaves through `stringLiteral`, so no graph content can change the program's
 * structure.
 */
export function stringLiteral(value: string): string {
  // Most graph strings need no escape: quoted as they are, that is what JSON.stringify gives, 3× faster.
  if (NOTHING_TO_ESCAPE.test(value)) return `"${value}"`;
  // JSON is a valid TS string literal; escape the two line terminators JSON leaves raw.
  const json = JSON.stringify(value);
  return /[\u2028\u2029]/.test(json) ? json.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029") : json;
}

/** An object key: quoted, and computed for `__proto__` so it stays an own property. */
export function propertyKey(name: string): string {
  return name === "__proto__" ? `[${stringLiteral(name)}]` : stringLiteral(name);
}

export function jsonLiteral(value: JsonValue): string {
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${(value as readonly JsonValue[]).map(jsonLiteral).join(", ")}]`;
  const entries = Object.entries(value as Readonly<Record<string, JsonValue>>).map(([k, v]) => `${propertyKey(k)}: ${jsonLiteral(v)}`);
  return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
}

/** The zod schema expression of a type. */
export function zodOf(schema: TypeSchema, strictRoot = false): string {
  const base = ((): string => {
    switch (schema.type) {
      case "string":
        return schema.enum ? `z.enum([${schema.enum.map(stringLiteral).join(", ")}])` : "z.string()";
      case "number":
        return "z.number()";
      case "integer":
        return "z.number().int()";
      case "boolean":
        return "z.boolean()";
      case "null":
        return "z.null()";
      case "unknown":
        return "z.unknown()";
      case "array":
        return `z.array(${zodOf(schema.items)})`;
      case "object": {
        const fields = Object.entries(schema.properties).map(([key, prop]) => `${propertyKey(key)}: ${zodOf(prop)}${isRequired(schema, key) ? "" : ".optional()"}`);
        return `${strictRoot ? "z.strictObject" : "z.object"}({${fields.length > 0 ? ` ${fields.join(", ")} ` : ""}})`;
      }
    }
  })();
  return schema.description === undefined ? base : `${base}.describe(${stringLiteral(schema.description)})`;
}

/** The JSON Schema of a type (standard JSON Schema; `unknown` becomes `{}`). */
export function jsonSchemaOf(schema: TypeSchema, strict = false): JsonValue {
  const description: Record<string, JsonValue> = schema.description === undefined ? {} : { description: schema.description };
  switch (schema.type) {
    case "unknown":
      return { ...description };
    case "array":
      return { type: "array", items: jsonSchemaOf(schema.items, strict), ...description };
    case "object":
      return {
        type: "object",
        properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, jsonSchemaOf(v, strict)])),
        required: [...(schema.required ?? [])],
        additionalProperties: false,
        ...description,
      };
    case "string":
      return schema.enum ? { type: "string", enum: [...schema.enum], ...description } : { type: "string", ...description };
    default:
      return { type: schema.type, ...description };
  }
}

export function identifierFor(id: string, index: number): string {
  return `n${String(index)}_${id.replace(/[^A-Za-z0-9_]/g, "_")}`;
}
