/**
 * Transforms a tool's signature into an OpenAI function-calling definition, and the arguments
 * a model sends under that definition back into the tool's input. Pure and browser-safe; the
 * server's `GET /tools/openai` and the generated package's `src/openai.ts` both use it, so a
 * tool has one definition wherever it is served.
 *
 * Decision (docs/agents.md, "OpenAI function calling"): definitions are **strict**. Strict
 * mode needs every property listed in `required` and `additionalProperties: false` on every
 * object, so an optional input field becomes required and nullable — `"type": [T, "null"]`
 * for a scalar, `"anyOf": [schema, { "type": "null" }]` for an enum, array or object — and a
 * null the model sends for it means "absent" (`fromStrictArguments`). A field whose own type
 * accepts null keeps its null. Only when the input exceeds strict mode's documented limits is
 * the definition served non-strict (`strict: false`, the plain JSON Schema); the compiler
 * warns about it (INPUT_NOT_STRICT).
 */
import type { JsonValue } from "../graph/schema";
import { jsonSchemaOf } from "../generate/emit";
import { isRequired, type ObjectTypeSchema, type TypeSchema } from "../types/type-schema";

/** `^[a-zA-Z0-9_-]{1,64}$`: function names OpenAI accepts (FunctionDefinition.name). */
export const OPENAI_FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** OpenAI refuses a request whose function description is longer (`string_above_max_length`). */
export const OPENAI_DESCRIPTION_MAX = 1024;

/**
 * Strict mode's limits (OpenAI Structured Outputs guide, "Supported schemas", as of 2025):
 * object properties in total, object nesting levels, enum values across all enums, and the
 * total length of property names and enum values.
 */
export const STRICT_LIMITS = { properties: 5000, depth: 10, enumValues: 1000, stringLength: 120_000, largeEnum: 250, largeEnumLength: 15_000 } as const;

/** An OpenAI Chat Completions function tool (`ChatCompletionFunctionTool` of the `openai` package). */
export interface OpenAiFunctionTool {
  readonly type: "function";
  readonly function: {
    readonly name: string;
    readonly description?: string;
    readonly parameters: JsonValue;
    readonly strict: boolean;
  };
}

/** Why strict mode cannot take this input (empty: it can). */
export function strictProblems(input: ObjectTypeSchema): string[] {
  let properties = 0;
  let depth = 0;
  let enumValues = 0;
  let stringLength = 0;
  const problems: string[] = [];
  const walk = (schema: TypeSchema, level: number, path: string): void => {
    switch (schema.type) {
      case "object":
        depth = Math.max(depth, level);
        for (const [key, property] of Object.entries(schema.properties)) {
          properties++;
          stringLength += key.length;
          walk(property, level + 1, path === "" ? key : `${path}.${key}`);
        }
        return;
      case "array":
        walk(schema.items, level, `${path}[]`);
        return;
      case "string":
        if (schema.enum !== undefined) {
          const length = schema.enum.reduce((sum, value) => sum + value.length, 0);
          enumValues += schema.enum.length;
          stringLength += length;
          if (schema.enum.length > STRICT_LIMITS.largeEnum && length > STRICT_LIMITS.largeEnumLength) {
            problems.push(`enum \`${path}\` has ${String(schema.enum.length)} values of ${String(length)} characters in all (at most ${String(STRICT_LIMITS.largeEnumLength)} for an enum of more than ${String(STRICT_LIMITS.largeEnum)} values)`);
          }
        }
        return;
      case "unknown":
        problems.push(`\`${path}\` has no declared type`);
        return;
      default:
        return;
    }
  };
  walk(input, 1, "");
  if (properties > STRICT_LIMITS.properties) problems.push(`${String(properties)} properties (at most ${String(STRICT_LIMITS.properties)})`);
  if (depth > STRICT_LIMITS.depth) problems.push(`${String(depth)} levels of object nesting (at most ${String(STRICT_LIMITS.depth)})`);
  if (enumValues > STRICT_LIMITS.enumValues) problems.push(`${String(enumValues)} enum values (at most ${String(STRICT_LIMITS.enumValues)})`);
  if (stringLength > STRICT_LIMITS.stringLength) problems.push(`${String(stringLength)} characters of property names and enum values (at most ${String(STRICT_LIMITS.stringLength)})`);
  return problems;
}

/** The strict-mode JSON Schema of a type: every property required, optional ones nullable. */
export function strictJsonSchema(schema: TypeSchema): JsonValue {
  const description: Record<string, JsonValue> = schema.description === undefined ? {} : { description: schema.description };
  switch (schema.type) {
    case "object": {
      const properties = Object.fromEntries(
        Object.entries(schema.properties).map(([key, property]) => [key, isRequired(schema, key) || property.type === "null" ? strictJsonSchema(property) : nullable(property)]),
      );
      return { type: "object", properties, required: Object.keys(schema.properties), additionalProperties: false, ...description };
    }
    case "array":
      return { type: "array", items: strictJsonSchema(schema.items), ...description };
    default:
      return jsonSchemaOf(schema);
  }
}

/** `[T, "null"]` for a scalar; `anyOf` with null for an enum, array or object. The description stays outside. */
function nullable(schema: TypeSchema): JsonValue {
  const description: Record<string, JsonValue> = schema.description === undefined ? {} : { description: schema.description };
  switch (schema.type) {
    case "number":
    case "integer":
    case "boolean":
      return { type: [schema.type, "null"], ...description };
    case "string":
      if (schema.enum === undefined) return { type: ["string", "null"], ...description };
      return { anyOf: [strictJsonSchema({ ...schema, description: undefined }), { type: "null" }], ...description };
    default:
      return { anyOf: [strictJsonSchema({ ...schema, description: undefined }), { type: "null" }], ...description };
  }
}

/** Cuts a description to OpenAI's limit, on a code point boundary. */
export function openAiDescription(description: string): string {
  if (description.length <= OPENAI_DESCRIPTION_MAX) return description;
  const cut = description.slice(0, OPENAI_DESCRIPTION_MAX);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The function definition of a tool: strict when strict mode can take its input. */
export function openAiFunctionTool(name: string, description: string, input: ObjectTypeSchema): OpenAiFunctionTool {
  const strict = strictProblems(input).length === 0;
  const text = openAiDescription(description);
  return {
    type: "function",
    function: {
      name,
      ...(text === "" ? {} : { description: text }),
      parameters: strict ? strictJsonSchema(input) : jsonSchemaOf(input),
      strict,
    },
  };
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

/**
 * The tool input a model meant under a strict definition: a null for an optional field is
 * dropped (the field is absent), unless the field's own type is null. Everything else is
 * returned as is, for the tool's schema to judge.
 */
export function fromStrictArguments(value: unknown, schema: TypeSchema): unknown {
  if (schema.type === "array") return isList(value) ? value.map((item) => fromStrictArguments(item, schema.items)) : value;
  if (schema.type !== "object" || !isRecord(value)) return value;
  // Object.fromEntries defines own properties, so even a `__proto__` key stays data.
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, field]): [string, unknown][] => {
      const property = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
      if (property === undefined) return [[key, field]];
      if (field === null && !isRequired(schema, key) && property.type !== "null") return [];
      return [[key, fromStrictArguments(field, property)]];
    }),
  );
}
