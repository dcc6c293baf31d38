import type { GraphNode, JsonValue } from "../graph/schema";
import type { Analysis } from "../infer/analyze";
import type { Reference } from "../parse/template";
import type { FieldSpec } from "../records/field-spec";
import type { RecordRegistry } from "../records/registry";
import { lookupPath } from "../types/path";
import { schemaType, type ValueType } from "../types/type-schema";
import { jsonLiteral, jsonSchemaOf, stringLiteral, zodOf } from "../generate/emit";
import { fieldsView, type Candidate, type FieldView, type LowerContext } from "./field-view";
import { activationCode, incomingCode, schedule, type Schedule } from "./schedule";

export type { FieldView } from "./field-view";

/**
 * Transforms the analysed graph into the IR the templates render: per node, code
 * fragments for every config field (already safe TypeScript expressions), whether it runs
 * inline or as a step (see schedule.ts), and what it needs there: its activation and port
 * variable inline; the references it awaits and its incoming edges as a step.
 */
export interface IrNode {
  readonly id: string;
  readonly kind: string;
  readonly varName: string;
  readonly idLiteral: string;
  /** The module-level constant holding the node's NodeSpec (id, kind, policies). */
  readonly specName: string;
  readonly specCode: string;
  readonly inline: boolean;
  /** Inline nodes that may be skipped: the condition under which they run. */
  readonly activationCode?: string;
  /** Inline nodes with ports: the variable holding the port they leave through. */
  readonly portVar?: string;
  /** Steps: their incoming edges. */
  readonly incomingCode: string;
  /** Steps: lines binding the values of the steps they reference (awaited inside the body). */
  readonly prelude: readonly string[];
  readonly c: Readonly<Record<string, FieldView>>;
  /** Names of module-level zod schemas the node parses with. */
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
  /** Whether some node runs as a step (else the run is straight-line code). */
  readonly hasSteps: boolean;
}

export function lower(analysis: Analysis, registry: RecordRegistry): IrModule {
  const plan = schedule(analysis, registry);
  const declarations: string[] = [];
  const nodes = analysis.topology.order.map((node) => lowerNode(node, analysis, registry, plan, declarations));
  return {
    toolName: analysis.graph.tool.name,
    description: analysis.graph.tool.description,
    inputZod: zodOf(analysis.toolInput, true),
    outputZod: zodOf(analysis.toolOutput),
    inputJsonSchema: jsonSchemaOf(analysis.toolInput),
    outputJsonSchema: jsonSchemaOf(analysis.toolOutput),
    declarations,
    nodes,
    hasSteps: plan.hasSteps,
  };
}

function lowerNode(node: GraphNode, analysis: Analysis, registry: RecordRegistry, plan: Schedule, declarations: string[]): IrNode {
  const own = plan.nodes.get(node.id);
  const varName = own?.varName ?? "";
  const types = analysis.nodes.get(node.id);
  const record = registry.get(node.kind)?.record;
  const decl: Record<string, string> = {};
  for (const [name, schema] of Object.entries(types?.schemas ?? {})) {
    const constName = `${varName}_${name}`;
    declarations.push(`// node ${node.id}: ${name} schema\nconst ${constName} = ${zodOf(schema)};`);
    decl[name] = constName;
  }
  const references = new References(analysis, plan, itemTypeOf(record?.config_schema.fields ?? {}, types?.values));
  const c = fieldsView(node.config, record?.config_schema.fields ?? {}, references);
  const spec: string[] = [`id: ${stringLiteral(node.id)}`, `kind: ${stringLiteral(node.kind)}`];
  if (node.retry) spec.push(`retry: ${jsonLiteral(node.retry)}`);
  if (node.timeoutMs !== undefined) spec.push(`timeoutMs: ${String(node.timeoutMs)}`);
  if (node.onError) spec.push(`onError: ${stringLiteral(node.onError.action)}`);
  const inline = own?.inline ?? false;
  const activation = inline ? activationCode(node, analysis, plan) : undefined;
  return {
    id: node.id,
    kind: node.kind,
    varName,
    idLiteral: stringLiteral(node.id),
    specName: `${varName}_spec`,
    specCode: `{ ${spec.join(", ")} }`,
    inline,
    ...(activation === undefined ? {} : { activationCode: activation }),
    ...(own?.portVar === undefined ? {} : { portVar: own.portVar }),
    incomingCode: inline ? "[]" : incomingCode(node, analysis, plan),
    prelude: references.prelude(),
    c,
    decl,
    ...(node.onError?.action === "continue" ? { fallbackCode: jsonLiteral(node.onError.fallback) } : {}),
    isOutput: node.kind === "output",
    isInput: node.kind === "input",
  };
}

/**
 * How a node's references read. An inline node's value is its variable: as it is when the
 * node always runs, through `ranOutput` (which the compiler proved cannot fail) when it may be
 * skipped. A step's value is awaited once, in the referencing step's prelude.
 */
class References implements LowerContext {
  private readonly awaited = new Map<string, string>();
  private readonly outcomes = new Map<string, string>();

  constructor(
    private readonly analysis: Analysis,
    private readonly plan: Schedule,
    private readonly itemType: ValueType,
  ) {}

  refCode(ref: Reference): string {
    if (ref.node === "index") return "index";
    if (ref.node === "item") return `item${accessPath(this.itemType, ref.path)}`;
    const target = this.plan.nodes.get(ref.node);
    const path = accessPath(this.outputType(ref.node), ref.path);
    if (target?.inline === true) return `${target.always ? target.varName : `ranOutput(${target.varName}, ${stringLiteral(ref.node)})`}${path}`;
    let local = this.awaited.get(ref.node);
    if (local === undefined) {
      local = `r_${target?.varName ?? ""}`;
      this.awaited.set(ref.node, local);
    }
    return local + path;
  }

  candidate(ref: Reference): Candidate {
    const target = this.plan.nodes.get(ref.node);
    const path = accessPath(this.outputType(ref.node), ref.path);
    if (target?.inline === true) return { ran: target.always ? "true" : `${target.varName} !== undefined`, value: target.varName + path };
    let outcome = this.outcomes.get(ref.node);
    if (outcome === undefined) {
      outcome = `o_${target?.varName ?? ""}`;
      this.outcomes.set(ref.node, outcome);
    }
    return { ran: `${outcome}.ran`, value: `${outcome}.value${path}` };
  }

  /** The lines a step's body starts with: one await per referenced step. */
  prelude(): string[] {
    const varName = (id: string): string => this.plan.nodes.get(id)?.varName ?? "";
    return [
      ...[...this.awaited].map(([id, local]) => `const ${local} = ranValue(await ${varName(id)}, ${stringLiteral(id)});`),
      ...[...this.outcomes].map(([id, outcome]) => `const ${outcome} = await ${varName(id)};`),
    ];
  }

  private outputType(nodeId: string): ValueType {
    return this.analysis.nodes.get(nodeId)?.output ?? schemaType({ type: "unknown" });
  }
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
