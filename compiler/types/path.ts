import { isRequired, schemaType, type ValueType } from "./type-schema";

export type PathLookup =
  | { readonly ok: true; readonly type: ValueType }
  | { readonly ok: false; readonly reason: "untyped" | "missing-property" | "not-indexable"; readonly at: number };

/**
 * The type reached by following `path` into `type`. Array indexes are numeric segments;
 * an index may be out of range, so the result is optional.
 */
export function lookupPath(type: ValueType, path: readonly string[]): PathLookup {
  let current = type;
  for (const [at, segment] of path.entries()) {
    const schema = current.schema;
    if (schema.type === "unknown") return { ok: false, reason: "untyped", at };
    if (schema.type === "object") {
      // Own properties only: `constructor` or `toString` are not fields of a schema.
      const prop = Object.hasOwn(schema.properties, segment) ? schema.properties[segment] : undefined;
      if (prop === undefined) return { ok: false, reason: "missing-property", at };
      current = schemaType(prop, current.optional || !isRequired(schema, segment));
    } else if (schema.type === "array" && /^(0|[1-9][0-9]*)$/.test(segment)) {
      current = schemaType(schema.items, true);
    } else if (schema.type === "array" && segment === "length") {
      current = schemaType({ type: "integer" }, current.optional);
    } else {
      return { ok: false, reason: "not-indexable", at };
    }
  }
  return { ok: true, type: current };
}
