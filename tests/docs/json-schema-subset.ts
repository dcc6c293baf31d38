/**
 * A tiny JSON Schema (2020-12) checker for the keywords docs/graph.schema.json uses, so
 * the docs tests need no validator dependency. `unsupportedKeywords` lists keywords a
 * schema uses that this checker does not know: the test fails on them instead of
 * silently accepting more than the schema allows.
 */
export type Schema = boolean | { readonly [keyword: string]: unknown };

const ANNOTATIONS = new Set(["$schema", "$id", "$defs", "title", "description", "default", "examples"]);
const VALIDATORS = new Set([
  "$ref",
  "type",
  "const",
  "enum",
  "anyOf",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "minItems",
  "pattern",
]);

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

// Lengths count UTF-16 code units, as zod does (JSON Schema counts code points; the
// difference only matters for characters outside the Basic Multilingual Plane).
function matchesType(value: unknown, type: unknown): boolean {
  const actual = typeOf(value);
  const types = Array.isArray(type) ? (type as unknown[]) : [type];
  return types.some((t) => t === actual || (t === "number" && actual === "integer"));
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function unsupportedKeywords(schema: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema as unknown[]) unsupportedKeywords(item, found);
  if (!isObject(schema)) return found;
  for (const [keyword, value] of Object.entries(schema)) {
    if (!ANNOTATIONS.has(keyword) && !VALIDATORS.has(keyword)) found.add(keyword);
    if (keyword === "properties" || keyword === "$defs") {
      if (isObject(value)) for (const sub of Object.values(value)) unsupportedKeywords(sub, found);
    } else if (keyword !== "const" && keyword !== "enum" && keyword !== "default" && keyword !== "examples") {
      unsupportedKeywords(value, found);
    }
  }
  return found;
}

/** Every way `value` breaks `schema`, as "path: problem" lines (empty when it conforms). */
export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): Schema => {
    if (ref === "#") return root;
    const match = /^#\/\$defs\/(.+)$/.exec(ref);
    const defs = isObject(root) ? root.$defs : undefined;
    const target = match !== null && isObject(defs) ? defs[match[1] ?? ""] : undefined;
    if (typeof target === "boolean" || isObject(target)) return target;
    throw new Error(`unresolvable $ref ${ref}`);
  };
  const check = (schema: Schema, v: unknown, path: string, out: string[]): void => {
    if (schema === true) return;
    if (schema === false) {
      out.push(`${path}: not allowed`);
      return;
    }
    const at = path === "" ? "(root)" : path;
    if (typeof schema.$ref === "string") check(resolve(schema.$ref), v, path, out);
    if (schema.type !== undefined && !matchesType(v, schema.type)) {
      out.push(`${at}: expected ${JSON.stringify(schema.type)}, got ${typeOf(v)}`);
      return;
    }
    if ("const" in schema && !deepEqual(v, schema.const)) out.push(`${at}: must be ${JSON.stringify(schema.const)}`);
    if (Array.isArray(schema.enum) && !(schema.enum as unknown[]).some((e) => deepEqual(e, v))) out.push(`${at}: must be one of ${JSON.stringify(schema.enum)}`);
    if (Array.isArray(schema.anyOf)) {
      const options = schema.anyOf as Schema[];
      if (!options.some((option) => validateAt(option, v, path).length === 0)) out.push(`${at}: matches none of the ${String(options.length)} alternatives`);
    }
    if (typeof v === "string") {
      if (typeof schema.minLength === "number" && v.length < schema.minLength) out.push(`${at}: shorter than ${String(schema.minLength)}`);
      if (typeof schema.maxLength === "number" && v.length > schema.maxLength) out.push(`${at}: longer than ${String(schema.maxLength)}`);
      if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(v)) out.push(`${at}: does not match ${schema.pattern}`);
    }
    if (typeof v === "number") {
      if (typeof schema.minimum === "number" && v < schema.minimum) out.push(`${at}: below ${String(schema.minimum)}`);
      if (typeof schema.maximum === "number" && v > schema.maximum) out.push(`${at}: above ${String(schema.maximum)}`);
    }
    if (Array.isArray(v)) {
      const items = v as unknown[];
      if (typeof schema.minItems === "number" && items.length < schema.minItems) out.push(`${at}: fewer than ${String(schema.minItems)} items`);
      const itemSchema = schema.items;
      if (typeof itemSchema === "boolean" || isObject(itemSchema)) items.forEach((item, i) => { check(itemSchema, item, `${path}[${String(i)}]`, out); });
    }
    if (isObject(v)) {
      const properties = isObject(schema.properties) ? schema.properties : {};
      if (Array.isArray(schema.required)) {
        for (const key of schema.required as unknown[]) if (typeof key === "string" && !(key in v)) out.push(`${at}: missing required "${key}"`);
      }
      for (const [key, child] of Object.entries(v)) {
        const childPath = path === "" ? key : `${path}.${key}`;
        const propertySchema = properties[key];
        if (typeof propertySchema === "boolean" || isObject(propertySchema)) check(propertySchema, child, childPath, out);
        else if (schema.additionalProperties === false) out.push(`${at}: unknown key "${key}"`);
        else if (isObject(schema.additionalProperties)) check(schema.additionalProperties, child, childPath, out);
        if (isObject(schema.propertyNames)) check(schema.propertyNames, key, `${childPath} (name)`, out);
      }
    }
  };
  const validateAt = (schema: Schema, v: unknown, path: string): string[] => {
    const out: string[] = [];
    check(schema, v, path, out);
    return out;
  };
  check(root, value, "", errors);
  return errors;
}
