import type { GraphNode, JsonValue } from "../graph/schema";
import type { Analysis } from "../infer/analyze";
import { isObject } from "../infer/config-walk";
import { parseString, type Reference } from "../parse/template";
import type { FieldSpec } from "../records/field-spec";
import type { RecordRegistry } from "../records/registry";
import { lookupPath } from "../types/path";
import { schemaType, type TypeSchema, type ValueType } from "../types/type-schema";
import { identifierFor, jsonLiteral, jsonSchemaOf, propertyKey, stringLiteral, zodOf } from "../generate/emit";

/**
 * Transforms the analysed graph into the IR the templates render: per node, code
 * fragments for every config field (already safe TypeScript expressions), the
 * references it awaits, its scheduling spec and incoming edges.
 */
export interface FieldView {
  readonly $code: string;
  readonly $value: JsonValue | undefined;
  readonly $missing: boolean;
  readonly $items?: readonly FieldView[];
  readonly $entries?: readonly { readonly key: string; readonly prop: string; readonly keyRaw: string; readonly value: FieldView }[];
  readonly $zod?: string;
  readonly $json?: string;
  readonly $candidate?: { readonly outcome: string; readonly value: string };
  readonly [field: string]: unknown;
}

export interface IrNode {
  readonly id: string;
  readonly kind: string;
  readonly varName: string;
  readonly idLiteral: string;
  readonly specCode: string;
  readonly incomingCode: string;
  /** Lines binding the referenced nodes' values (awaited inside the node's body). */
  readonly prelude: readonly string[];
  readonly c: Readonly<Record<string, FieldView>>;
  /** Names of module-level zod schemas the body parses with. */
  readonly decl: Readonly<Record<string, string>>;
  readonly fallbackCode?: string;
  readonly isOutput: boolean;
  readonly isInput: boolean;
}

export interface IrModule {
  readonly toolName: string;
  readonly description: string;
  readonly inputZod: string;
  readonly outputZod: string;
  readonly inputJsonSchema: JsonValue;
  readonly outputJsonSchema: JsonValue;
  readonly declarations: readonly string[];
  readonly nodes: readonly IrNode[];
}

export function lower(analysis: Analysis, registry: RecordRegistry): IrModule {
  const varNames = new Map(analysis.topology.order.map((n, i) => [n.id, identifierFor(n.id, i)]));
  const declarations: string[] = [];
  const nodes = analysis.topology.order.map((node) => lowerNode(node, analysis, registry, varNames, declarations));
  return {
    toolName: analysis.graph.tool.name,
    description: analysis.graph.tool.description,
    inputZod: zodOf(analysis.toolInput, true),
    outputZod: zodOf(analysis.toolOutput),
    inputJsonSchema: jsonSchemaOf(analysis.toolInput),
    outputJsonSchema: jsonSchemaOf(analysis.toolOutput),
    declarations,
    nodes,
  };
}

function lowerNode(node: GraphNode, analysis: Analysis, registry: RecordRegistry, varNames: ReadonlyMap<string, string>, declarations: string[]): IrNode {
  const varName = varNames.get(node.id) ?? "";
  const types = analysis.nodes.get(node.id);
  const record = registry.get(node.kind)?.record;
  const decl: Record<string, string> = {};
  for (const [name, schema] of Object.entries(types?.schemas ?? {})) {
    const constName = `${varName}_${name}`;
    declarations.push(`// node ${node.id}: ${name} schema\nconst ${constName} = ${zodOf(schema)};`);
    decl[name] = constName;
  }
  const awaited = new Map<string, string>();
  const candidates = new Map<string, string>();
  const itemType = itemTypeOf(record?.config_schema.fields ?? {}, types?.values);
  const refCode = (ref: Reference): string => {
    if (ref.node === "index") return "index";
    if (ref.node === "item") return `item${accessPath(itemType, ref.path)}`;
    const target = varNames.get(ref.node) ?? "";
    let local = awaited.get(ref.node);
    if (local === undefined) {
      local = `r_${target}`;
      awaited.set(ref.node, local);
    }
    const base = analysis.nodes.get(ref.node)?.output ?? schemaType({ type: "unknown" });
    return local + accessPath(base, ref.path);
  };
  const ctx: LowerContext = {
    refCode,
    candidate: (ref) => {
      const target = varNames.get(ref.node) ?? "";
      let outcome = candidates.get(ref.node);
      if (outcome === undefined) {
        outcome = `o_${target}`;
        candidates.set(ref.node, outcome);
      }
      const base = analysis.nodes.get(ref.node)?.output ?? schemaType({ type: "unknown" });
      return { outcome, value: `${outcome}.value${accessPath(base, ref.path)}` };
    },
  };
  const c = fieldsView(node.config, record?.config_schema.fields ?? {}, ctx);
  const prelude = [
    ...[...awaited].map(([id, local]) => `const ${local} = ranValue(await ${varNames.get(id) ?? ""}, ${stringLiteral(id)});`),
    ...[...candidates].map(([id, outcome]) => `const ${outcome} = await ${varNames.get(id) ?? ""};`),
  ];
  const incoming = (analysis.topology.incoming.get(node.id) ?? []).map((e) => `[${varNames.get(e.source.id) ?? ""}, ${stringLiteral(e.sourcePort)}]`);
  const spec: string[] = [`id: ${stringLiteral(node.id)}`, `kind: ${stringLiteral(node.kind)}`];
  if (node.retry) spec.push(`retry: ${jsonLiteral(node.retry)}`);
  if (node.timeoutMs !== undefined) spec.push(`timeoutMs: ${String(node.timeoutMs)}`);
  if (node.onError) spec.push(`onError: ${stringLiteral(node.onError.action)}`);
  return {
    id: node.id,
    kind: node.kind,
    varName,
    idLiteral: stringLiteral(node.id),
    specCode: `{ ${spec.join(", ")} }`,
    incomingCode: `[${incoming.join(", ")}]`,
    prelude,
    c,
    decl,
    ...(node.onError?.action === "continue" ? { fallbackCode: jsonLiteral(node.onError.fallback) } : {}),
    isOutput: node.kind === "output",
    isInput: node.kind === "input",
  };
}

/** The element type `{{item}}` ranges over: the items of the array the item_scope field references. */
function itemTypeOf(fields: Readonly<Record<string, FieldSpec>>, values: ReadonlyMap<string, { readonly type: ValueType }> | undefined): ValueType {
  const scope = Object.values(fields).find((f) => f.item_scope !== undefined)?.item_scope;
  const items = scope === undefined ? undefined : values?.get(scope)?.type.schema;
  return schemaType(items?.type === "array" ? items.items : { type: "unknown" });
}

/** Property access along a reference path, with `?.` after any step that may be missing. */
function accessPath(base: ValueType, path: readonly string[]): string {
  let code = "";
  for (const [i, segment] of path.entries()) {
    const before = lookupPath(base, path.slice(0, i));
    const optional = before.ok && before.type.optional;
    const isIndex = before.ok && before.type.schema.type === "array" && /^(0|[1-9][0-9]*)$/.test(segment);
    code += `${optional ? "?." : ""}[${isIndex ? segment : stringLiteral(segment)}]`;
  }
  return code;
}

interface LowerContext {
  refCode(ref: Reference): string;
  candidate(ref: Reference): { outcome: string; value: string };
}

const MISSING: FieldView = { $code: "undefined", $value: undefined, $missing: true };

function fieldsView(config: Readonly<Record<string, JsonValue>>, fields: Readonly<Record<string, FieldSpec>>, ctx: LowerContext): Record<string, FieldView> {
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

function fieldView(value: JsonValue, spec: FieldSpec, ctx: LowerContext): FieldView {
  const plain = { $value: value, $missing: false };
  switch (spec.type) {
    case "template":
    case "reference":
    case "value": {
      if (spec.type === "template" && typeof value === "string") {
        // A template is always text, also when it is exactly one reference to a non-string.
        const parsed = parseString(value);
        if (parsed.kind === "reference") return { ...plain, $code: `text(${ctx.refCode(parsed.ref)})` };
      }
      if (spec.type === "reference" && spec.candidate === true && typeof value === "string") {
        const parsed = parseString(value);
        if (parsed.kind === "reference") {
          const candidate = ctx.candidate(parsed.ref);
          return { ...plain, $code: candidate.value, $candidate: candidate };
        }
      }
      return { ...plain, $code: valueCode(value, ctx) };
    }
    case "type_schema":
    case "object_schema": {
      const schema = value as unknown as TypeSchema;
      return { ...plain, $code: jsonLiteral(value), $zod: zodOf(schema), $json: jsonLiteral(jsonSchemaOf(schema)) };
    }
    case "list": {
      const items = Array.isArray(value) ? (value as readonly JsonValue[]).map((v) => fieldView(v, spec.of, ctx)) : [];
      return { ...plain, $code: `[${items.map((i) => i.$code).join(", ")}]`, $items: items };
    }
    case "map": {
      const entries = isObject(value) ? Object.entries(value).map(([k, v]) => ({ key: stringLiteral(k), prop: propertyKey(k), keyRaw: k, value: fieldView(v, spec.of, ctx) })) : [];
      return { ...plain, $code: objectCode(entries.map((e) => [e.keyRaw, e.value.$code] as const)), $entries: entries };
    }
    case "object":
    case "variant": {
      if (!isObject(value)) return { ...plain, $code: "undefined" };
      const tag = spec.type === "variant" ? value[spec.discriminator] : undefined;
      const fields = spec.type === "object" ? spec.fields : { [spec.discriminator]: { type: "string" } as FieldSpec, ...(typeof tag === "string" && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : {}) };
      const children = fieldsView(value, fields, ctx);
      const code = objectCode(Object.entries(children).filter(([, v]) => !v.$missing).map(([k, v]) => [k, v.$code] as const));
      return { ...plain, ...children, $code: code };
    }
    default:
      return { ...plain, $code: jsonLiteral(value) };
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
