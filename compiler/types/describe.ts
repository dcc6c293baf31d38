import type { TypeSchema, ValueType } from "./type-schema";

/** A short human name of a type, as builders read it in diagnostics: `number`, `string[]`, `{ amount }`. */
export function describeSchema(schema: TypeSchema): string {
  switch (schema.type) {
    case "string":
      return schema.enum ? schema.enum.map((v) => JSON.stringify(v)).join(" | ") : "string";
    case "array":
      return `${describeSchema(schema.items)}[]`;
    case "object": {
      const keys = Object.keys(schema.properties);
      return keys.length === 0 ? "{}" : `{ ${keys.join(", ")} }`;
    }
    case "unknown":
      return "unknown JSON";
    default:
      return schema.type;
  }
}

export function describeType(type: ValueType): string {
  const base = describeSchema(type.schema);
  return type.optional ? `${base} (may be missing)` : base;
}
