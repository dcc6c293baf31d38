import type { JsonValue } from "../graph/schema";
import { isObject } from "../infer/config-walk";
import { parseString, type Reference } from "../parse/template";
import type { FieldSpec } from "../records/field-spec";
import type { TypeSchema } from "../types/type-schema";
import { jsonLiteral, jsonSchemaOf, propertyKey, stringLiteral, zodOf } from "../generate/emit";

/**
 * Transforms a node's config into its field view: every field as a safe TypeScript
 * expression (`$code`), with lists and maps broken into `$items` and `$entries` and type
 * schemas into `$zod` and `$json`, for the record's template.
 */
export interface FieldView {
  readonly $code: string;
  readonly $value: JsonValue | undefined;
  readonly $missing: boolean;
  readonly $items?: readonly FieldView[];
  readonly $entries?: readonly { readonly key: string; readonly prop: string; readonly keyRaw: string; readonly value: FieldView }[];
  readonly $zod?: string;
  readonly $json?: string;
  /** A merge candidate: whether its node ran, and its value when it did. */
  readonly $candidate?: Candidate;
  readonly [field: string]: unknown;
}

export interface Candidate {
  readonly ran: string;
  readonly value: string;
}

export interface LowerContext {
  refCode(ref: Reference): string;
  candidate(ref: Reference): Candidate;
}

const MISSING: FieldView = { $code: "undefined", $value: undefined, $missing: true };

export function fieldsView(config: Readonly<Record<string, JsonValue>>, fields: Readonly<Record<string, FieldSpec>>, ctx: LowerContext): Record<string, FieldView> {
  const view: Record<string, FieldView> = {};
  for (const [name, spec] of Object.entries(fields)) {
    const value = config[name];
    view[name] = value === undefined ? MISSING : fieldView(value, spec, ctx);
  }
  return view;
}

function objectCode(entries: readonly (readonly [string, string])[]): string {
  return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${propertyKey(k)}: ${v}`).join(", ")} }`;
}

/** A present field's view: its value, its code and what else the template reads (one object, no spread copies). */
function present(value: JsonValue, $code: string): FieldView {
  return { $value: value, $missing: false, $code };
}

function fieldView(value: JsonValue, spec: FieldSpec, ctx: LowerContext): FieldView {
  switch (spec.type) {
    case "template":
    case "reference":
    case "value": {
      if (spec.type === "template" && typeof value === "string") {
        // A template is always text, also when it is exactly one reference to a non-string.
        const parsed = parseString(value);
        if (parsed.kind === "reference") return present(value, `text(${ctx.refCode(parsed.ref)})`);
      }
      if (spec.type === "reference" && spec.candidate === true && typeof value === "string") {
        const parsed = parseString(value);
        if (parsed.kind === "reference") {
          const candidate = ctx.candidate(parsed.ref);
          return { $value: value, $missing: false, $code: candidate.value, $candidate: candidate };
        }
      }
      return present(value, valueCode(value, ctx));
    }
    case "type_schema":
    case "object_schema": {
      const schema = value as unknown as TypeSchema;
      return { $value: value, $missing: false, $code: jsonLiteral(value), $zod: zodOf(schema), $json: jsonLiteral(jsonSchemaOf(schema)) };
    }
    case "list": {
      const items = Array.isArray(value) ? (value as readonly JsonValue[]).map((v) => fieldView(v, spec.of, ctx)) : [];
      return { $value: value, $missing: false, $code: `[${items.map((i) => i.$code).join(", ")}]`, $items: items };
    }
    case "map": {
      const entries = isObject(value) ? Object.entries(value).map(([k, v]) => ({ key: stringLiteral(k), prop: propertyKey(k), keyRaw: k, value: fieldView(v, spec.of, ctx) })) : [];
      return { $value: value, $missing: false, $code: objectCode(entries.map((e) => [e.keyRaw, e.value.$code] as const)), $entries: entries };
    }
    case "object":
    case "variant": {
      if (!isObject(value)) return present(value, "undefined");
      const tag = spec.type === "variant" ? value[spec.discriminator] : undefined;
      const fields = spec.type === "object" ? spec.fields : { [spec.discriminator]: { type: "string" } as FieldSpec, ...(typeof tag === "string" && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : {}) };
      const children = fieldsView(value, fields, ctx);
      const code = objectCode(Object.entries(children).filter(([, v]) => !v.$missing).map(([k, v]) => [k, v.$code] as const));
      return { $value: value, $missing: false, ...children, $code: code };
    }
    default:
      return present(value, jsonLiteral(value));
  }
}

/** A value's expression: literal, exact reference, or string interpolation of text and references. */
function valueCode(value: JsonValue, ctx: LowerContext): string {
  if (typeof value === "string") {
    const parsed = parseString(value);
    switch (parsed.kind) {
      case "literal":
      case "invalid":
        return stringLiteral(value);
      case "reference":
        return ctx.refCode(parsed.ref);
      case "template": {
        const parts = parsed.parts.map((p) => ("ref" in p ? `text(${ctx.refCode(p.ref)})` : stringLiteral(p.text)));
        return parts.length === 1 ? (parts[0] ?? '""') : `(${parts.join(" + ")})`;
      }
    }
  }
  if (Array.isArray(value)) return `[${(value as readonly JsonValue[]).map((v) => valueCode(v, ctx)).join(", ")}]`;
  if (isObject(value)) return objectCode(Object.entries(value).map(([k, v]) => [k, valueCode(v, ctx)] as const));
  return jsonLiteral(value);
}
