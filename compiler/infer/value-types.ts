import type { JsonValue } from "../graph/schema";
import { parseString, type Reference } from "../parse/template";
import { joinSchemas } from "../types/assignable";
import { schemaType, unknownSchema, type TypeSchema, type ValueType } from "../types/type-schema";

/** Resolves a reference to its type, reporting problems itself; undefined when it cannot. */
export type ReferenceResolver = (ref: Reference, at: readonly (string | number)[]) => ValueType | undefined;

export interface TemplateIssue {
  readonly at: readonly (string | number)[];
  readonly message: string;
}

export interface TypedValue {
  readonly type: ValueType;
  /** False when a reference inside could not be resolved (already reported). */
  readonly sound: boolean;
}

/**
 * The type of a value: a JSON literal (objects and arrays nest values), a template
 * string (always a string) or an exact reference (the referenced type).
 */
export function typeOfValue(
  value: JsonValue,
  at: readonly (string | number)[],
  resolve: ReferenceResolver,
  onTemplateIssue: (issue: TemplateIssue) => void,
  onOptionalInterpolation: (ref: Reference, at: readonly (string | number)[]) => void,
): TypedValue {
  if (typeof value === "string") {
    const parsed = parseString(value);
    switch (parsed.kind) {
      case "literal":
        return { type: schemaType({ type: "string" }), sound: true };
      case "invalid":
        onTemplateIssue({ at, message: parsed.message });
        return { type: schemaType({ type: "string" }), sound: false };
      case "reference": {
        const type = resolve(parsed.ref, at);
        return type === undefined ? { type: schemaType(unknownSchema), sound: false } : { type, sound: true };
      }
      case "template": {
        let sound = true;
        for (const part of parsed.parts) {
          if (!("ref" in part)) continue;
          const type = resolve(part.ref, at);
          if (type === undefined) sound = false;
          else if (type.optional) onOptionalInterpolation(part.ref, at);
        }
        return { type: schemaType({ type: "string" }), sound };
      }
    }
  }
  // Integers beyond 2^53 are not integers to zod (or to JSON consumers): type them as numbers.
  if (typeof value === "number") return { type: schemaType({ type: Number.isSafeInteger(value) ? "integer" : "number" }), sound: true };
  if (typeof value === "boolean") return { type: schemaType({ type: "boolean" }), sound: true };
  if (value === null) return { type: schemaType({ type: "null" }), sound: true };
  const recurse = (v: JsonValue, p: string | number): TypedValue => typeOfValue(v, [...at, p], resolve, onTemplateIssue, onOptionalInterpolation);
  if (isArray(value)) {
    const items = value.map((v, i) => recurse(v, i));
    let item: TypeSchema | undefined = items[0]?.type.schema;
    for (const t of items.slice(1)) item = item === undefined ? undefined : joinSchemas(item, t.type.schema);
    const sound = items.every((t) => t.sound);
    const optionalInside = items.some((t) => t.type.optional);
    return { type: schemaType({ type: "array", items: item === undefined || optionalInside ? unknownSchema : item }), sound };
  }
  const properties: Record<string, TypeSchema> = {};
  const required: string[] = [];
  let sound = true;
  for (const [key, v] of Object.entries(value)) {
    const t = recurse(v, key);
    sound &&= t.sound;
    properties[key] = t.type.schema;
    if (!t.type.optional) required.push(key);
  }
  return { type: schemaType({ type: "object", properties, required }), sound };
}

function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}
