import type { JsonValue } from "../graph/schema";

/**
 * An object literal's kind of object, which zod's records and objects take: its own keys
 * are exactly its enumerable string keys (no symbols, no hidden keys), none `__proto__`.
 */
export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    !Object.hasOwn(value, "__proto__") &&
    Reflect.ownKeys(value).length === Object.keys(value).length
  );
}

/** A JSON value as `jsonValueSchema` takes it: finite numbers, plain objects and arrays all the way down. */
export function isPlainJson(value: unknown): value is JsonValue {
  if (typeof value === "string" || typeof value === "boolean" || value === null) return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) {
    // A hole reads as undefined, which is no JSON value.
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i])) return false;
    return true;
  }
  return isPlainObject(value) && Object.values(value).every(isPlainJson);
}

/** A deep copy of a plain JSON value, keys in the same order: what `jsonValueSchema` returns for it. */
export function copyPlainJson(value: JsonValue): JsonValue {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return (value as readonly JsonValue[]).map(copyPlainJson);
  const copy: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value as Readonly<Record<string, JsonValue>>)) copy[key] = copyPlainJson(item);
  return copy;
}
