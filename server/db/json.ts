/** JSON columns: values are stored as JSON text and parsed on the way out. */
import { DatabaseError } from "./errors";
import type { JsonValue } from "./types";

// JSON.stringify returns undefined for undefined, functions and symbols (its type says string).
const stringify = (value: unknown): string | undefined => JSON.stringify(value);

export function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = stringify(value);
  } catch (error) {
    throw new DatabaseError("invalid_json", `${what} cannot be stored as JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (text === undefined) {
    throw new DatabaseError("invalid_json", `${what} cannot be stored as JSON (it is ${typeof value})`);
  }
  return text;
}

/** undefined and null become SQL NULL. */
export function toJsonOrNull(value: unknown, what: string): string | null {
  return value === undefined || value === null ? null : toJson(value, what);
}

export function fromJson(text: string): JsonValue {
  return JSON.parse(text) as JsonValue;
}

export function fromJsonOrNull(text: string | null): JsonValue | null {
  return text === null ? null : fromJson(text);
}

export function isJsonObject(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
