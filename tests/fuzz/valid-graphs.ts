/**
 * A generator of valid graphs of random shape over the kinds that need no outside
 * service at compile time: input, transform, conditional, switch, merge, delay, output,
 * call_tool and for_each (against `fuzzResolver`'s one callee).
 *
 * Graphs are built as structured blocks, so validity holds by construction:
 * - a block is a sequence of statements: a simple node, a parallel fan-out (arms of
 *   simple nodes and rejoining branches, joined by the next node), or a branch
 *   (conditional/switch) whose arms either end the run in their own output or rejoin
 *   in a merge (or a plain node) that continues the block;
 * - a run always reaches exactly one output: outputs appear only at the end of a
 *   terminal block, never inside parallel arms;
 * - a node only references what is in its scope: ancestors that run whenever it runs
 *   (nodes inside a branch arm leave the scope when the arms rejoin; merges pick one
 *   candidate per rejoining arm, so they are exhaustive);
 * - types are tracked per reference, so comparisons, switch cases, merge candidates,
 *   call inputs and shared output fields are well typed.
 */
import fc from "fast-check";
import type { ObjectTypeSchema, TypeSchema } from "../../compiler/types/type-schema";
import { FIXED } from "./known-bugs";
import { CALLEE_NAME, CALLEE_OUTPUT, GRAPH_FORMAT, type FuzzEdge, type FuzzGraph, type FuzzNode, type FuzzTest, type JsonValue } from "./support";

/** Draws values from fast-check inside a builder (keeps seeds and shrinking). */
class Draw {
  constructor(private readonly g: fc.GeneratorValue) {}
  int(min: number, max: number): number {
    return this.g(fc.integer, { min, max });
  }
  bool(probabilityTrue = 0.5): boolean {
    return this.int(1, 1000) <= probabilityTrue * 1000;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
  subset<T>(items: readonly T[]): T[] {
    return items.filter(() => this.bool());
  }
  text(maxLength = 8): string {
    return this.g(() => fc.string({ maxLength }).filter((s) => !s.includes("{{")));
  }
  double(): number {
    return this.g(fc.double, { min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
  }
  /** Any JSON value (without `__proto__` keys, which graphs refuse). */
  json(): JsonValue {
    const text = JSON.stringify(this.g(() => fc.jsonValue({ maxDepth: 2 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'))));
    return JSON.parse(text) as JsonValue;
  }
  /** A number whose literal is typed `number` (not `integer`). */
  fraction(): number {
    return this.int(-100000, 100000) + 0.5;
  }
}

/** Property names used in schemas and values: all legal reference path segments. */
const KEYS = ["a", "b", "name", "total", "x_1", "with-dash", "$d", "length", "0", "Items"] as const;
const REGEXES = ["^a", "b$", "[0-9]+", "^(x|y)$", "", "\\s"] as const;
/** Output fields shared by several outputs keep one base type, so outputs join. */
type SharedBase = "string" | "number" | "boolean";
const PLAIN_SHARED_FIELDS: Readonly<Record<string, SharedBase>> = { message: "string", count: "number", flag: "boolean" };
/** Names every object inherits, as (often optional) output fields: a known bug until fixed. */
const INHERITED_NAME_FIELDS: Readonly<Record<string, SharedBase>> = Object.fromEntries([
  ["toString", "string"],
  ["constructor", "number"],
  ["valueOf", "boolean"],
] as const);
const SHARED_OUTPUT_FIELDS: Readonly<Record<string, SharedBase>> = FIXED.inheritedNameOutputFields ? { ...PLAIN_SHARED_FIELDS, ...INHERITED_NAME_FIELDS } : PLAIN_SHARED_FIELDS;

type Base = "string" | "integer" | "number" | "boolean";

/** A guaranteed reference: `{{node.path}}` with the type it reads. */
export interface Ref {
  readonly node: string;
  readonly path: readonly string[];
  readonly schema: TypeSchema;
  readonly optional: boolean;
}

export function refText(ref: Ref): string {
  return `{{${[ref.node, ...ref.path].join(".")}}}`;
}

interface Typed {
  readonly value: JsonValue;
  readonly schema: TypeSchema;
  readonly optional: boolean;
}

/** Every reference into a node's output, down to a bounded depth. */
function refsOf(node: string, schema: TypeSchema, optional = false, path: readonly string[] = [], depth = 0): Ref[] {
  const refs: Ref[] = [{ node, path, schema, optional }];
  if (depth >= 4) return refs;
  if (schema.type === "object") {
    for (const [key, prop] of Object.entries(schema.properties)) {
      refs.push(...refsOf(node, prop, optional || !(schema.required ?? []).includes(key), [...path, key], depth + 1));
    }
  } else if (schema.type === "array") {
    refs.push({ node, path: [...path, "length"], schema: { type: "integer" }, optional });
    refs.push(...refsOf(node, schema.items, true, [...path, "0"], depth + 1));
  }
  return refs;
}

function baseOf(schema: TypeSchema): Base | undefined {
  switch (schema.type) {
    case "string":
    case "integer":
    case "number":
    case "boolean":
      return schema.type;
    default:
      return undefined;
  }
}

interface Block {
  /** Edges the next node receives: a source node and the port it leaves from. */
  readonly tails: readonly { readonly from: string; readonly port?: string }[];
  readonly scope: readonly Ref[];
}

export interface ValidGraphOptions {
  readonly maxNodes: number;
  readonly callTools: boolean;
}

class Builder {
  readonly nodes: FuzzNode[] = [];
  readonly edges: FuzzEdge[] = [];
  private counter = 0;

  constructor(
    private readonly d: Draw,
    private readonly options: ValidGraphOptions,
  ) {}

  private get full(): boolean {
    return this.nodes.length >= this.options.maxNodes;
  }

  private add(prefix: string, kind: string, config: Record<string, JsonValue>, incoming: Block["tails"], extra: Partial<FuzzNode> = {}): string {
    const id = `${prefix}${String(this.counter++)}`;
    this.nodes.push({ id, kind, config, ...this.policy(), ...extra });
    for (const tail of incoming) this.connect(tail.from, id, tail.port);
    return id;
  }

  private connect(source: string, target: string, port?: string): void {
    this.edges.push({ id: `e${String(this.edges.length + 1)}`, source, target, ...(port === undefined ? {} : { sourcePort: port }) });
  }

  /** Sometimes a retry policy, a timeout or onError fail (all valid). */
  private policy(): Partial<FuzzNode> {
    const policy: Partial<FuzzNode> = {};
    if (this.d.bool(0.1)) policy.retry = { maxAttempts: this.d.int(1, 5), backoff: this.d.pick(["fixed", "linear", "exponential"] as const), initialDelayMs: this.d.int(0, 1000) };
    // Generous timeouts: the graphs are also run, and a timeout is not what is under test.
    if (this.d.bool(0.1)) policy.timeoutMs = this.d.int(5000, 60000);
    if (this.d.bool(0.05)) policy.onError = { action: "fail" };
    return policy;
  }

  // ---- types and values ------------------------------------------------------------

  schema(depth: number): TypeSchema {
    const kinds = depth >= 2 ? ["string", "number", "integer", "boolean", "enum"] : ["string", "number", "integer", "boolean", "enum", "array", "object", "null"];
    const kind = this.d.pick(kinds);
    const description = this.d.bool(0.15) ? { description: this.d.text(12) } : {};
    switch (kind) {
      case "enum": {
        const values = [...new Set(Array.from({ length: this.d.int(1, 3) }, () => this.d.text(5)))];
        return { type: "string", enum: values, ...description };
      }
      case "array":
        return { type: "array", items: this.schema(depth + 1), ...description };
      case "object":
        return { ...this.objectSchema(depth + 1), ...description };
      case "string":
      case "number":
      case "integer":
      case "boolean":
      case "null":
        return { type: kind, ...description };
      default:
        throw new Error(`unexpected schema kind ${kind}`);
    }
  }

  objectSchema(depth: number): ObjectTypeSchema {
    const keys = this.d.subset(KEYS).slice(0, 5);
    const properties: Record<string, TypeSchema> = {};
    for (const key of keys) properties[key] = this.schema(depth);
    return { type: "object", properties, required: this.d.subset(keys) };
  }

  private literal(base: Base): Typed {
    switch (base) {
      case "string":
        return { value: this.d.text(), schema: { type: "string" }, optional: false };
      case "integer":
        return { value: this.d.int(-1000, 1000), schema: { type: "integer" }, optional: false };
      case "number":
        return { value: this.d.fraction(), schema: { type: "number" }, optional: false };
      case "boolean":
        return { value: this.d.bool(), schema: { type: "boolean" }, optional: false };
    }
  }

  private refs(scope: readonly Ref[], accept: (ref: Ref) => boolean): Ref[] {
    return scope.filter(accept);
  }

  /** A value of exactly `base` (literal, exact reference or, for strings, a template). */
  private valueOf(base: Base, scope: readonly Ref[], allowOptional: boolean): Typed {
    const candidates = this.refs(scope, (r) => baseOf(r.schema) === base && (allowOptional || !r.optional));
    const choice = this.d.int(0, 2);
    if (choice === 0 && candidates.length > 0) {
      const ref = this.d.pick(candidates);
      return { value: refText(ref), schema: ref.schema, optional: ref.optional };
    }
    if (choice === 1 && base === "string") return { value: this.template(scope), schema: { type: "string" }, optional: false };
    return this.literal(base);
  }

  /** Text around references (interpolating any reference, optional ones included). */
  private template(scope: readonly Ref[]): string {
    const parts = [this.d.text(4)];
    for (let i = 0; i < this.d.int(1, 3); i++) {
      parts.push(scope.length > 0 ? refText(this.d.pick(scope)) : "", this.d.text(4));
    }
    const joined = parts.join(" ");
    return joined.includes("{{") ? joined : `${joined} {{input}}`;
  }

  /** Any value: nested literals, references and templates, with the type the compiler infers. */
  private anyValue(scope: readonly Ref[], depth: number): Typed {
    const choice = this.d.int(0, depth >= 2 ? 5 : 7);
    switch (choice) {
      case 0:
      case 1:
        if (scope.length > 0) {
          const ref = this.d.pick(scope);
          return { value: refText(ref), schema: ref.schema, optional: ref.optional };
        }
        return this.literal("string");
      case 2:
        return { value: this.template(scope), schema: { type: "string" }, optional: false };
      case 3:
        if (FIXED.unsafeIntegerLiterals && this.d.bool(0.2)) return { value: this.d.pick([2 ** 53, 1e21, -(2 ** 60)]), schema: { type: "number" }, optional: false };
        return this.literal(this.d.pick(["string", "integer", "number", "boolean"] as const));
      case 4:
        return { value: null, schema: { type: "null" }, optional: false };
      case 5:
        return this.literal("string");
      case 6: {
        // Homogeneous scalar arrays keep a precise item type; empty ones are unknown[].
        const base = this.d.pick(["string", "integer", "boolean"] as const);
        const items = Array.from({ length: this.d.int(0, 3) }, () => this.literal(base).value);
        return { value: items, schema: { type: "array", items: items.length === 0 ? { type: "unknown" } : { type: base } }, optional: false };
      }
      default: {
        const fields = this.fields(scope, depth + 1, this.d.int(0, 3));
        return { value: fields.values, schema: fields.schema, optional: false };
      }
    }
  }

  /** A map of fields (transform or nested object literal values). */
  private fields(scope: readonly Ref[], depth: number, count: number): { values: Record<string, JsonValue>; schema: ObjectTypeSchema } {
    const values: Record<string, JsonValue> = {};
    const properties: Record<string, TypeSchema> = {};
    const required: string[] = [];
    for (const key of this.d.subset(KEYS).slice(0, count)) {
      const typed = this.anyValue(scope, depth);
      values[key] = typed.value;
      properties[key] = typed.schema;
      if (!typed.optional) required.push(key);
    }
    return { values, schema: { type: "object", properties, required } };
  }

  // ---- nodes -----------------------------------------------------------------------

  private transform(block: Block, minFields = 1): Block {
    const { values, schema } = this.fields(block.scope, 0, this.d.int(minFields, 4));
    if (Object.keys(values).length === 0) values.a = this.d.text();
    const output: ObjectTypeSchema = Object.keys(schema.properties).length === 0 ? { type: "object", properties: { a: { type: "string" } }, required: ["a"] } : schema;
    const id = this.add("t", "transform", { values }, block.tails);
    return { tails: [{ from: id }], scope: [...block.scope, ...refsOf(id, output)] };
  }

  private delay(block: Block): Block {
    const extra: Partial<FuzzNode> = this.d.bool(0.2) ? { onError: { action: "continue", fallback: {} } } : {};
    const id = this.add("d", "delay", { ms: this.d.pick([0, 1, 2]) }, block.tails, extra);
    return { tails: [{ from: id }], scope: [...block.scope, ...refsOf(id, { type: "object", properties: {}, required: [] })] };
  }

  private callInput(scope: readonly Ref[], itemRefs: readonly Ref[]): Record<string, JsonValue> {
    const all = [...scope, ...itemRefs];
    const input: Record<string, JsonValue> = { text: this.valueOf("string", all, false).value };
    // `count` is optional in the callee, so an optional integer may be passed.
    if (this.d.bool()) input.count = this.valueOf("integer", all, true).value;
    return input;
  }

  private callTool(block: Block): Block {
    const config: Record<string, JsonValue> = { tool: CALLEE_NAME, input: this.callInput(block.scope, []) };
    if (this.d.bool(0.3)) config.version = 1;
    const id = this.add("call", "call_tool", config, block.tails);
    return { tails: [{ from: id }], scope: [...block.scope, ...refsOf(id, CALLEE_OUTPUT)] };
  }

  private forEach(block: Block): Block | undefined {
    const arrays = block.scope.filter((r) => r.schema.type === "array" && !r.optional);
    if (arrays.length === 0) return undefined;
    const items = this.d.pick(arrays);
    const itemSchema = items.schema.type === "array" ? items.schema.items : ({ type: "unknown" } as const);
    const index: Ref = { node: "index", path: [], schema: { type: "integer" }, optional: false };
    const itemRefs = FIXED.forEachItemPaths ? [...refsOf("item", itemSchema), index] : [{ node: "item", path: [], schema: itemSchema, optional: false }, index];
    const config: Record<string, JsonValue> = { items: refText(items), tool: CALLEE_NAME, input: this.callInput([], itemRefs) };
    if (this.d.bool(0.5)) config.concurrency = this.d.int(1, 64);
    const id = this.add("each", "for_each", config, block.tails);
    return { tails: [{ from: id }], scope: [...block.scope, ...refsOf(id, { type: "object", properties: { results: { type: "array", items: CALLEE_OUTPUT } }, required: ["results"] })] };
  }

  private simple(block: Block): Block {
    const kind = this.d.pick(this.options.callTools ? ["transform", "transform", "delay", "call_tool", "for_each"] : ["transform", "transform", "delay"]);
    if (kind === "delay") return this.delay(block);
    if (kind === "call_tool") return this.callTool(block);
    if (kind === "for_each") return this.forEach(block) ?? this.transform(block);
    return this.transform(block);
  }

  /** One typed condition over the scope (optional operands only where the operator takes them). */
  private condition(scope: readonly Ref[]): Record<string, JsonValue> {
    const usable = scope.filter((r) => r.schema.type !== "unknown");
    const required = usable.filter((r) => !r.optional);
    const left = required.length > 0 && this.d.bool(0.85) ? this.d.pick(required) : undefined;
    const leftBase = left === undefined ? undefined : left.schema.type;
    if (left === undefined) {
      // Operators that accept a possibly missing left operand, or a literal left operand.
      const optional = usable.length > 0 && this.d.bool() ? this.d.pick(usable) : undefined;
      if (optional === undefined) return { left: this.d.int(0, 9), operator: this.d.pick(["greater_than", "less_or_equal", "equals"]), right: this.d.int(0, 9) };
      const base = baseOf(optional.schema);
      const operator = this.d.pick(base === undefined ? ["is_empty", "is_not_empty", "in"] : ["is_empty", "is_not_empty", "in", "equals", "not_equals"]);
      if (operator === "in") return { left: refText(optional), operator, right: [this.d.text(3), this.d.text(3)] };
      if (base === undefined || operator === "is_empty" || operator === "is_not_empty") return { left: refText(optional), operator };
      return { left: refText(optional), operator, right: this.literal(base).value };
    }
    const leftText = refText(left);
    switch (leftBase) {
      case "number":
      case "integer": {
        const operator = this.d.pick(["greater_than", "greater_or_equal", "less_than", "less_or_equal", "equals", "not_equals"]);
        const others = required.filter((r) => r.schema.type === "number" || r.schema.type === "integer");
        const right = others.length > 0 && this.d.bool(0.3) ? refText(this.d.pick(others)) : this.d.bool() ? this.d.int(-50, 50) : this.d.fraction();
        return { left: leftText, operator, right };
      }
      case "string": {
        const operator = this.d.pick(["equals", "not_equals", "contains", "matches", "in", "is_empty", "is_not_empty"]);
        if (operator === "matches") return { left: leftText, operator, right: this.d.pick(REGEXES) };
        if (operator === "in") return { left: leftText, operator, right: this.d.bool(0.8) ? [this.d.text(3), this.d.text(3)] : this.d.text(6) };
        if (operator === "is_empty" || operator === "is_not_empty") return { left: leftText, operator };
        return { left: leftText, operator, right: this.valueOf("string", required, false).value };
      }
      case "boolean":
        return { left: leftText, operator: this.d.pick(["equals", "not_equals"]), right: this.valueOf("boolean", required, false).value };
      case "array": {
        // contains needs an element of the array's item type.
        const item = left.schema.type === "array" ? baseOf(left.schema.items) : undefined;
        const operator = this.d.pick(item === undefined ? ["is_empty", "is_not_empty"] : ["contains", "is_empty", "is_not_empty"]);
        return operator === "contains" && item !== undefined ? { left: leftText, operator, right: this.literal(item).value } : { left: leftText, operator };
      }
      case "null":
        return { left: leftText, operator: this.d.pick(["equals", "not_equals"]), right: null };
      default:
        return { left: leftText, operator: this.d.pick(["is_empty", "is_not_empty"]) };
    }
  }

  /** A conditional or switch node; returns its id, out ports and the refs its output adds. */
  private branchNode(block: Block): { id: string; ports: string[]; refs: Ref[] } {
    const switchable = block.scope.filter((r) => !r.optional && (r.schema.type === "string" || r.schema.type === "integer" || r.schema.type === "number"));
    if (switchable.length > 0 && this.d.bool(0.4)) {
      const value = this.d.pick(switchable);
      const numeric = value.schema.type !== "string";
      const count = this.d.int(1, 3);
      const cases: (string | number)[] = numeric
        ? [...new Set(Array.from({ length: count }, () => this.d.int(-5, 5)))]
        : [...new Set(Array.from({ length: count }, () => this.d.text(5)).filter((c) => c !== "" && c !== "default"))];
      if (cases.length === 0) cases.push("case");
      const id = this.add("sw", "switch", { value: refText(value), cases }, block.tails);
      return { id, ports: [...cases.map(String), "default"], refs: refsOf(id, { type: "object", properties: { value: value.schema }, required: ["value"] }) };
    }
    const conditions = Array.from({ length: this.d.int(1, 3) }, () => this.condition(block.scope));
    const id = this.add("c", "conditional", { combineWith: this.d.pick(["AND", "OR"]), conditions }, block.tails);
    return { id, ports: this.d.bool() ? ["true", "false"] : ["false", "true"], refs: refsOf(id, { type: "object", properties: { result: { type: "boolean" } }, required: ["result"] }) };
  }

  /**
   * A branch. Arms either end the run in outputs (when outputs are allowed) or rejoin
   * in a merge (or a plain transform) after which the block continues. Returns
   * undefined when every arm ended the run.
   */
  private branch(block: Block, depth: number, allowOutputs: boolean, mustRejoin: boolean, outputs: OutputFields): Block | undefined {
    const node = this.branchNode(block);
    const pre: Block = { tails: [], scope: [...block.scope, ...node.refs] };
    const terminal = node.ports.map(() => allowOutputs && this.d.bool(0.35));
    // An open block continues after the branch, so at least one arm must rejoin.
    if (mustRejoin && !terminal.includes(false)) terminal[this.d.int(0, terminal.length - 1)] = false;
    for (const [i, port] of node.ports.entries()) {
      if (terminal[i] === true) this.block({ tails: [{ from: node.id, port }], scope: pre.scope }, depth + 1, "terminal", allowOutputs, outputs);
    }
    const rejoining = node.ports.filter((_, i) => terminal[i] !== true);
    if (rejoining.length === 0) return undefined;

    // Merge fields: one base type each; every rejoining arm provides a candidate.
    const fieldBases = Array.from({ length: this.d.int(1, 3) }, () => this.d.pick(["string", "integer", "number", "boolean"] as const));
    const preCandidates = fieldBases.map((base) => pre.scope.filter((r) => !r.optional && baseOf(r.schema) === base && r.schema.type === base));
    const canBeEmpty = preCandidates.every((c) => c.length > 0);
    const arms: { tails: Block["tails"]; candidate?: string }[] = [];
    for (const port of rejoining) {
      if (canBeEmpty && this.d.bool(0.25)) {
        arms.push({ tails: [{ from: node.id, port }] });
        continue;
      }
      const body = this.full ? { tails: [{ from: node.id, port }], scope: pre.scope } : this.block({ tails: [{ from: node.id, port }], scope: pre.scope }, depth + 1, "open", allowOutputs, outputs);
      if (body === undefined) throw new Error("an open block always continues");
      // The arm's result: a transform holding one value per merge field.
      const values: Record<string, JsonValue> = {};
      fieldBases.forEach((base, i) => {
        values[`m${String(i)}`] = this.valueOf(base, body.scope, false).value;
      });
      const id = this.add("arm", "transform", { values }, body.tails);
      arms.push({ tails: [{ from: id }], candidate: id });
    }
    const incoming = arms.flatMap((a) => a.tails);
    if (this.d.bool(0.2)) {
      // Exclusive branches may also rejoin in a plain node, which reads only what ran before the branch.
      return this.transform({ tails: incoming, scope: pre.scope });
    }
    const values: Record<string, JsonValue> = {};
    const properties: Record<string, TypeSchema> = {};
    fieldBases.forEach((base, i) => {
      const field = `m${String(i)}`;
      const candidates = arms.flatMap((a) => (a.candidate === undefined ? [] : [`{{${a.candidate}.${field}}}`]));
      const fallback = preCandidates[i] ?? [];
      // A candidate that always ran covers the empty arms; it goes last so arm values win.
      if (arms.some((a) => a.candidate === undefined) || fallback.length > 0 && this.d.bool(0.2)) {
        if (fallback.length > 0) candidates.push(refText(this.d.pick(fallback)));
      }
      values[field] = candidates;
      properties[field] = { type: base };
    });
    const id = this.add("m", "merge", { values }, incoming);
    return { tails: [{ from: id }], scope: [...pre.scope, ...refsOf(id, { type: "object", properties, required: Object.keys(properties) })] };
  }

  /** Fan-out: arms run concurrently and the next node joins them. */
  private parallel(block: Block, depth: number, outputs: OutputFields): Block {
    const arms = Array.from({ length: this.d.int(2, 3) }, () => {
      const first = this.simple(block);
      return this.full ? first : (this.block(first, depth + 1, "open", false, outputs) ?? first);
    });
    return { tails: arms.flatMap((a) => a.tails), scope: [...new Map(arms.flatMap((a) => a.scope).map((r) => [refText(r), r])).values()] };
  }

  block(start: Block, depth: number, mode: "open" | "terminal", allowOutputs: boolean, outputs: OutputFields): Block | undefined {
    let current = start;
    const statements = this.d.int(depth === 0 ? 2 : 0, depth === 0 ? 5 : 3);
    for (let i = 0; i < statements && !this.full; i++) {
      const choice = this.d.int(0, depth >= 3 ? 0 : 3);
      if (choice === 0 || choice === 1) current = this.simple(current);
      else if (choice === 2) current = this.parallel(current, depth, outputs);
      else {
        const next = this.branch(current, depth, allowOutputs, mode === "open", outputs);
        if (next === undefined) {
          if (mode === "terminal") return undefined;
          throw new Error("an open block's branch must rejoin");
        }
        current = next;
      }
    }
    if (mode === "open") return current;
    this.output(current, outputs);
    return undefined;
  }

  private output(block: Block, outputs: OutputFields): void {
    const values: Record<string, JsonValue> = {};
    const id = `out${String(this.counter)}`;
    for (let i = 0; i < this.d.int(0, 4); i++) {
      if (this.d.bool()) {
        const field = this.d.pick(Object.keys(SHARED_OUTPUT_FIELDS));
        const base = SHARED_OUTPUT_FIELDS[field] ?? "string";
        values[field] = (base === "number" ? this.valueOfNumeric(block.scope) : this.valueOf(base, block.scope, true)).value;
      } else {
        values[`${id}_${String(i)}`] = this.anyValue(block.scope, 0).value;
      }
    }
    outputs.count++;
    this.add("out", "output", { values }, block.tails);
  }

  /** Integer or number: both join into `number` across outputs. */
  private valueOfNumeric(scope: readonly Ref[]): Typed {
    return this.valueOf(this.d.pick(["integer", "number"] as const), scope, true);
  }
}

interface OutputFields {
  count: number;
}

/** A type schema as the JSON a graph carries. */
export function schemaJson(schema: TypeSchema): JsonValue {
  const description: Record<string, JsonValue> = schema.description === undefined ? {} : { description: schema.description };
  switch (schema.type) {
    case "object": {
      const properties: Record<string, JsonValue> = {};
      for (const [key, prop] of Object.entries(schema.properties)) properties[key] = schemaJson(prop);
      return { type: "object", properties, required: [...(schema.required ?? [])], ...description };
    }
    case "array":
      return { type: "array", items: schemaJson(schema.items), ...description };
    case "string":
      return schema.enum === undefined ? { type: "string", ...description } : { type: "string", enum: [...schema.enum], ...description };
    default:
      return { type: schema.type, ...description };
  }
}

export interface GeneratedGraph {
  readonly graph: FuzzGraph;
  readonly inputSchema: ObjectTypeSchema;
}

export function buildValidGraph(g: fc.GeneratorValue, options: ValidGraphOptions = { maxNodes: 24, callTools: true }): GeneratedGraph {
  const d = new Draw(g);
  const builder = new Builder(d, options);
  const inputSchema = builder.objectSchema(0);
  builder.nodes.push({ id: "input", kind: "input", config: { schema: schemaJson(inputSchema) } });
  builder.block({ tails: [{ from: "input" }], scope: refsOf("input", inputSchema) }, 0, "terminal", true, { count: 0 });
  // Saved test cases become the generated test file, which is verified too.
  const tests: FuzzTest[] = Array.from({ length: d.int(0, 2) }, (_, i) => {
    const name = `${d.text(10)} ${String(i)}`;
    const input = objectValueOfSchema(g, inputSchema);
    if (d.bool(0.3)) return { name, input, expectError: d.bool() ? { nodeId: d.pick(builder.nodes).id } : {} };
    const expectOutput: Record<string, JsonValue> = {};
    for (const key of d.subset(KEYS)) expectOutput[key] = d.json();
    return { name, input, expectOutput };
  });
  const graph: FuzzGraph = {
    format: GRAPH_FORMAT,
    tool: { name: `fuzz_${String(d.int(0, 9999))}`, description: d.text(20) },
    nodes: builder.nodes,
    edges: builder.edges,
    ...(tests.length > 0 ? { tests } : {}),
  };
  return { graph, inputSchema };
}

/** A random value of a schema (what a caller may pass as input). */
export function valueOfSchema(g: fc.GeneratorValue, schema: TypeSchema): JsonValue {
  switch (schema.type) {
    case "string": {
      const values = schema.enum;
      return values === undefined ? g(fc.string, { maxLength: 10 }) : g(() => fc.constantFrom(...values));
    }
    case "number":
      return g(fc.double, { noNaN: true, noDefaultInfinity: true });
    case "integer":
      return g(fc.integer, {});
    case "boolean":
      return g(fc.boolean);
    case "null":
    case "unknown":
      return null;
    case "array":
      return Array.from({ length: g(fc.integer, { min: 0, max: 3 }) }, () => valueOfSchema(g, schema.items));
    case "object":
      return objectValueOfSchema(g, schema);
  }
}

/** A random value of an object schema: every required property, some optional ones. */
export function objectValueOfSchema(g: fc.GeneratorValue, schema: ObjectTypeSchema): Record<string, JsonValue> {
  const value: Record<string, JsonValue> = {};
  for (const [key, prop] of Object.entries(schema.properties)) {
    if ((schema.required ?? []).includes(key) || g(fc.boolean)) value[key] = valueOfSchema(g, prop);
  }
  return value;
}

/** An arbitrary of valid graphs (drawn through `fc.gen`, so seeds replay them). */
export function validGraph(options?: ValidGraphOptions): fc.Arbitrary<FuzzGraph> {
  return fc.gen().map((g) => buildValidGraph(g, options).graph);
}
