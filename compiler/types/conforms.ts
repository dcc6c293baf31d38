import type { JsonValue } from "../graph/schema";
import { describeSchema } from "./describe";
import { isRequired, type TypeSchema } from "./type-schema";

/**
 * Whether a JSON literal is a value of `schema` (exactly: no extra object keys, as
 * TypeScript's excess-property check demands of a literal). Returns the first problem.
 */
export function conformanceProblem(value: JsonValue, schema: TypeSchema, path: readonly (string | number)[] = []): { path: (string | number)[]; message: string } | undefined {
  const fail = (message: string) => ({ path: [...path], message });
  switch (schema.type) {
    case "unknown":
      return undefined;
    case "string":
      if (typeof value !== "string") return fail(`needs ${describeSchema(schema)}`);
      return schema.enum === undefined || schema.enum.includes(value) ? undefined : fail(`needs one of ${describeSchema(schema)}`);
    case "number":
      return typeof value === "number" ? undefined : fail("needs a number");
    case "integer":
      return typeof value === "number" && Number.isSafeInteger(value) ? undefined : fail("needs an integer");
    case "boolean":
      return typeof value === "boolean" ? undefined : fail("needs a boolean");
    case "null":
      return value === null ? undefined : fail("needs null");
    case "array": {
      if (!Array.isArray(value)) return fail(`needs an array (${describeSchema(schema)})`);
      for (const [i, item] of (value as readonly JsonValue[]).entries()) {
        const problem = conformanceProblem(item, schema.items, [...path, i]);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(`needs an object ${describeSchema(schema)}`);
      const record = value as Readonly<Record<string, JsonValue>>;
      for (const key of Object.keys(record)) {
        if (!Object.hasOwn(schema.properties, key)) return fail(`has no field \`${key}\``);
      }
      for (const [key, prop] of Object.entries(schema.properties)) {
        const item = Object.hasOwn(record, key) ? record[key] : undefined;
        if (item === undefined) {
          if (isRequired(schema, key)) return fail(`misses required field \`${key}\``);
          continue;
        }
        const problem = conformanceProblem(item, prop, [...path, key]);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
  }
}
