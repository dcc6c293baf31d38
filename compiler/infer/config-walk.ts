import type { JsonValue } from "../graph/schema";
import type { FieldSpec } from "../records/field-spec";

/** A place in a node's config that holds a value (template, reference or value field). */
export interface ValueSite {
  readonly path: readonly (string | number)[];
  readonly spec: FieldSpec & { readonly type: "template" | "reference" | "value" };
  readonly value: JsonValue;
  /** The sibling field whose array elements `{{item}}` ranges over, when in scope. */
  readonly itemScope?: string;
}

export function pathKey(path: readonly (string | number)[]): string {
  return path.join(".");
}

/** Every value site of a config, walked by its record's field specs (config already validated). */
export function valueSites(config: Readonly<Record<string, JsonValue>>, fields: Readonly<Record<string, FieldSpec>>): ValueSite[] {
  const sites: ValueSite[] = [];
  walkFields(config, fields, [], undefined, sites);
  return sites;
}

function walkFields(
  config: Readonly<Record<string, JsonValue>>,
  fields: Readonly<Record<string, FieldSpec>>,
  path: readonly (string | number)[],
  itemScope: string | undefined,
  sites: ValueSite[],
): void {
  for (const [name, spec] of Object.entries(fields)) {
    const value = config[name];
    if (value !== undefined) walk(value, spec, [...path, name], spec.item_scope ?? itemScope, sites);
  }
}

function walk(value: JsonValue, spec: FieldSpec, path: readonly (string | number)[], itemScope: string | undefined, sites: ValueSite[]): void {
  switch (spec.type) {
    case "template":
    case "reference":
    case "value":
      sites.push(itemScope === undefined ? { path, spec, value } : { path, spec, value, itemScope });
      return;
    case "list":
      if (Array.isArray(value)) (value as readonly JsonValue[]).forEach((v, i) => { walk(v, spec.of, [...path, i], itemScope, sites); });
      return;
    case "map":
      if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, spec.of, [...path, k], itemScope, sites);
      return;
    case "object":
      if (isObject(value)) walkFields(value, spec.fields, path, itemScope, sites);
      return;
    case "variant": {
      if (!isObject(value)) return;
      const tag = value[spec.discriminator];
      const fields = typeof tag === "string" && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : undefined;
      if (fields !== undefined) walkFields(value, fields, path, itemScope, sites);
      return;
    }
    default:
      return;
  }
}

export function isObject(value: JsonValue | undefined): value is Readonly<Record<string, JsonValue>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
