/**
 * What OpenAI function calling accepts, for the compiler's warnings (check.ts). The definitions
 * themselves are made at run time by runtime/agents/openai.ts (vendored into every package and
 * used by the server), from a tool's JSON Schema; its strict-mode limits are the ones below,
 * and tests/agents/openai-definition.test.ts checks that both agree on when an input is too big
 * for strict mode. Pure and browser-safe: the editor runs it on every edit.
 */
import type { ObjectTypeSchema, TypeSchema } from "../types/type-schema";

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
