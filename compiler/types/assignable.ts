import { isRequired, type TypeSchema, type ValueType } from "./type-schema";

/** Whether every value of `source` is a value of `target` (structural, JSON Schema semantics). */
export function isSchemaAssignable(source: TypeSchema, target: TypeSchema): boolean {
  switch (target.type) {
    case "unknown":
      return true;
    case "string":
      if (source.type !== "string") return false;
      if (!target.enum) return true;
      return source.enum !== undefined && source.enum.every((v) => target.enum?.includes(v) ?? false);
    case "number":
      return source.type === "number" || source.type === "integer";
    case "integer":
    case "boolean":
    case "null":
      return source.type === target.type;
    case "array":
      return source.type === "array" && isSchemaAssignable(source.items, target.items);
    case "object": {
      if (source.type !== "object") return false;
      return Object.entries(target.properties).every(([key, targetProp]) => {
        const sourceProp = Object.hasOwn(source.properties, key) ? source.properties[key] : undefined;
        if (sourceProp === undefined) return !isRequired(target, key);
        if (isRequired(target, key) && !isRequired(source, key)) return false;
        return isSchemaAssignable(sourceProp, targetProp);
      });
    }
  }
}

export function isAssignable(source: ValueType, target: ValueType): boolean {
  if (source.optional && !target.optional) return false;
  return isSchemaAssignable(source.schema, target.schema);
}

/** Two schemas describe the same values (used to join output fields and merge candidates). */
export function sameSchema(a: TypeSchema, b: TypeSchema): boolean {
  return isSchemaAssignable(a, b) && isSchemaAssignable(b, a);
}

/** The least type covering both, when the subset can express it without unions. */
export function joinSchemas(a: TypeSchema, b: TypeSchema): TypeSchema | undefined {
  if (isSchemaAssignable(a, b)) return b;
  if (isSchemaAssignable(b, a)) return a;
  if (a.type === "string" && b.type === "string") return { type: "string" };
  return undefined;
}
