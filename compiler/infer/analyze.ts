import type { ToolResolver, ToolSignature } from "../api";
import { diagnostic, type Diagnostic } from "../diagnostics/catalog";
import type { Graph, GraphNode, JsonValue } from "../graph/schema";
import { referenceName, type Reference } from "../parse/template";
import type { RecordRegistry } from "../records/registry";
import { isAssignable } from "../types/assignable";
import { describeType } from "../types/describe";
import { conformanceProblem } from "../types/conforms";
import { lookupPath } from "../types/path";
import { schemaType, type ObjectTypeSchema, type TypeSchema, type ValueType } from "../types/type-schema";
import { FALSE, TRUE } from "../validate/bdd";
import type { Guards } from "../validate/guards";
import type { Topology } from "../validate/structure";
import { pathKey, valueSites, type ValueSite } from "./config-walk";
import { derivers, type DeriveContext } from "./derivers";
import { inferToolOutput } from "./tool-output";
import { typeOfValue, type TypedValue } from "./value-types";

/** What inference learned about one node. */
export interface NodeTypes {
  /** The type a reference `{{id}}` sees; undefined for output nodes and nodes with errors. */
  readonly output?: ValueType;
  /** Named schemas the generated code parses values with (e.g. an http body). */
  readonly schemas: Readonly<Record<string, TypeSchema>>;
  /** The resolved signature of a called tool. */
  readonly callee?: ToolSignature;
  /** The type of each value site, by config path. */
  readonly values: ReadonlyMap<string, TypedValue>;
}

export interface Analysis {
  readonly graph: Graph;
  readonly topology: Topology;
  readonly guards: Guards;
  readonly nodes: ReadonlyMap<string, NodeTypes>;
  readonly toolInput: ObjectTypeSchema;
  readonly toolOutput: ObjectTypeSchema;
}

/**
 * Infers every node's output type in topological order, checking each reference
 * (exists, guaranteed to have run, typed path) and each value against what its field
 * expects; then infers the tool's output type and checks run-level guarantees.
 */
export function analyze(
  graph: Graph,
  topology: Topology,
  guards: Guards,
  registry: RecordRegistry,
  resolveTool: ToolResolver | undefined,
  invalidConfig: ReadonlySet<string> = new Set(),
): { analysis?: Analysis; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const nodes = new Map<string, NodeTypes>();
  const referenced = new Set<string>();
  const nodesById = new Map(graph.nodes.map((n) => [n.id, n]));

  for (const node of topology.order) {
    const kind = registry.get(node.kind);
    if (kind === undefined) continue;
    // A config that failed validation (already reported) has no type to infer from.
    if (invalidConfig.has(node.id)) {
      nodes.set(node.id, { schemas: {}, values: new Map() });
      continue;
    }
    const config = node.config;
    const sites = valueSites(config, kind.record.config_schema.fields);
    const values = new Map<string, TypedValue>();
    const resolveFor = (site: ValueSite) => (ref: Reference, at: readonly (string | number)[]): ValueType | undefined => {
      if (site.itemScope !== undefined && (ref.node === "item" || ref.node === "index")) {
        const items = values.get(site.itemScope);
        const base: ValueType =
          ref.node === "index"
            ? schemaType({ type: "integer" })
            : items !== undefined && items.type.schema.type === "array"
              ? schemaType(items.type.schema.items)
              : schemaType({ type: "unknown" });
        return lookup(node, ref, base, at);
      }
      const candidate = site.spec.type === "reference" && site.spec.candidate === true;
      return resolveReference(node, ref, at, candidate);
    };
    const resolveReference = (from: GraphNode, ref: Reference, at: readonly (string | number)[], candidate: boolean): ValueType | undefined => {
      const where = { nodeId: from.id, path: ["config", ...at] };
      const target = nodesById.get(ref.node);
      if (target === undefined) {
        diagnostics.push(diagnostic("UNKNOWN_REFERENCE", `\`${from.id}\` references \`${ref.node}\`, which is not a node of the graph`, where));
        return undefined;
      }
      if (target.kind === "output") {
        diagnostics.push(diagnostic("UNKNOWN_REFERENCE", `\`${from.id}\` references output node \`${ref.node}\`, which has no value to read`, where));
        return undefined;
      }
      referenced.add(target.id);
      if (target.id === from.id || !guards.isAncestor(target.id, from.id)) {
        diagnostics.push(diagnostic("REFERENCE_NOT_GUARANTEED", `\`${from.id}\` references \`${referenceName(ref)}\`, but \`${target.id}\` is not upstream of \`${from.id}\`, so it has not run yet`, where, "Connect the referenced node before this one, or reference another node."));
        return undefined;
      }
      const fromRuns = guards.runs.get(from.id) ?? FALSE;
      const targetRuns = guards.runs.get(target.id) ?? FALSE;
      // Fast paths before BDD work: a node that always runs, or runs exactly when this one does.
      const trivially = candidate || targetRuns === TRUE || targetRuns === fromRuns;
      const witness = trivially ? undefined : guards.bdd.witness(guards.bdd.and(fromRuns, guards.bdd.not(targetRuns)));
      if (witness !== undefined) {
        const when = guards.describe(witness);
        diagnostics.push(
          diagnostic(
            "REFERENCE_NOT_GUARANTEED",
            `\`${from.id}\` references \`${referenceName(ref)}\`, but \`${target.id}\` may not have run: \`${from.id}\` also runs when ${when.length > 0 ? when.join(" and ") : "another branch is taken"}, and then \`${target.id}\` is skipped`,
            where,
          ),
        );
        return undefined;
      }
      const targetType = nodes.get(target.id)?.output;
      if (targetType === undefined) return undefined;
      return lookup(from, ref, targetType, at);
    };
    const lookup = (from: GraphNode, ref: Reference, base: ValueType, at: readonly (string | number)[]): ValueType | undefined => {
      const found = lookupPath(base, ref.path);
      if (found.ok) return found.type;
      const where = { nodeId: from.id, path: ["config", ...at] };
      const prefix = [ref.node, ...ref.path.slice(0, found.at)].join(".");
      const segment = ref.path[found.at] ?? "";
      if (found.reason === "untyped") {
        diagnostics.push(diagnostic("UNTYPED_REFERENCE", `\`${from.id}\` reads \`${segment}\` inside \`${prefix}\`, which has no declared schema`, where));
      } else {
        const prefixType = lookupPath(base, ref.path.slice(0, found.at));
        const has = prefixType.ok && prefixType.type.schema.type === "object" ? Object.keys(prefixType.type.schema.properties) : [];
        const hint = has.length > 0 ? `\`${prefix}\` has: ${has.map((k) => `\`${k}\``).join(", ")}.` : `\`${prefix}\` is ${prefixType.ok ? describeType(prefixType.type) : "not an object"}.`;
        diagnostics.push(diagnostic("UNKNOWN_REFERENCE", `\`${from.id}\` references \`${referenceName(ref)}\`, but \`${prefix}\` has no \`${segment}\``, where, hint));
      }
      return undefined;
    };

    for (const site of sites) {
      const typed = typeOfValue(
        site.value,
        site.path,
        resolveFor(site),
        (issue) => diagnostics.push(diagnostic("INVALID_TEMPLATE", `\`${node.id}\` config.${pathKey(issue.at)}: ${issue.message}`, { nodeId: node.id, path: ["config", ...issue.at] })),
        (ref, at) => diagnostics.push(diagnostic("OPTIONAL_IN_TEMPLATE", `\`${node.id}\` interpolates \`${referenceName(ref)}\`, which may be missing`, { nodeId: node.id, path: ["config", ...at] })),
      );
      values.set(pathKey(site.path), typed);
      checkExpectation(node, site, typed, diagnostics);
    }

    const ctx: DeriveContext = {
      node,
      config,
      values,
      resolveTool,
      report: (code, message, path, hint) => diagnostics.push(diagnostic(code, message, { nodeId: node.id, ...(path ? { path: ["config", ...path] } : {}) }, hint)),
    };
    const derived = derivers[kind.record.output_type.derive](ctx);
    nodes.set(node.id, { ...derived, values });
    // An output node's value (what a fallback replaces) is its values object.
    const produced = kind.record.output_type.derive === "none" ? derivers.values_object(ctx).output : derived.output;
    if (node.onError?.action === "continue" && produced !== undefined) {
      const problem = conformanceProblem(node.onError.fallback, produced.schema);
      if (problem !== undefined) {
        diagnostics.push(
          diagnostic("TYPE_MISMATCH", `\`${node.id}\` onError fallback${problem.path.length > 0 ? `.${problem.path.join(".")}` : ""} ${problem.message}: the fallback must have the node's output type (${describeType(produced)})`, {
            nodeId: node.id,
            path: ["onError", "fallback", ...problem.path],
          }),
        );
      }
    }
    if (kind.record.output_type.derive === "merge_fields") checkMergeExhaustive(node, guards, diagnostics);
  }

  for (const node of topology.order) {
    const derive = registry.get(node.kind)?.record.output_type.derive;
    if ((derive === "values_object" || derive === "merge_fields") && !referenced.has(node.id)) {
      diagnostics.push(diagnostic("UNUSED_OUTPUT", `nothing references the output of \`${node.id}\``, { nodeId: node.id }));
    }
  }
  checkRunGuarantees(topology, guards, diagnostics);

  const inputType = nodes.get("input")?.output;
  const toolInput: ObjectTypeSchema = inputType?.schema.type === "object" ? inputType.schema : { type: "object", properties: {}, required: [] };
  const toolOutput = inferToolOutput(topology, nodes, diagnostics);
  if (toolOutput === undefined) return { diagnostics };
  return { analysis: { graph, topology, guards, nodes, toolInput, toolOutput }, diagnostics };
}

function checkExpectation(node: GraphNode, site: ValueSite, typed: TypedValue, diagnostics: Diagnostic[]): void {
  if (!typed.sound) return;
  const expects = site.spec.type === "template" ? undefined : site.spec.expects;
  if (expects === undefined || expects === "any") return;
  const target: TypeSchema = expects === "array" ? { type: "array", items: { type: "unknown" } } : { type: expects };
  if (isAssignable(typed.type, schemaType(target))) return;
  diagnostics.push(
    diagnostic("TYPE_MISMATCH", `\`${node.id}\` config.${pathKey(site.path)} needs ${expects === "array" ? "an array" : `a ${expects}`}, but ${describeValue(site.value)} is ${describeType(typed.type)}`, {
      nodeId: node.id,
      path: ["config", ...site.path],
    }),
  );
}

export function describeValue(value: JsonValue): string {
  if (typeof value === "string") return value.startsWith("{{") && value.endsWith("}}") ? `\`${value.slice(2, -2).trim()}\`` : JSON.stringify(value);
  return JSON.stringify(value);
}

/** Every execution reaches exactly one output node. */
function checkRunGuarantees(topology: Topology, guards: Guards, diagnostics: Diagnostic[]): void {
  const outputs = topology.order.filter((n) => n.kind === "output");
  if (outputs.length === 0) return;
  const { bdd } = guards;
  const always = guards.runs.get("input") ?? FALSE;
  let anyOutput = FALSE;
  for (const o of outputs) anyOutput = bdd.or(anyOutput, guards.runs.get(o.id) ?? FALSE);
  const open = bdd.witness(bdd.and(always, bdd.not(anyOutput)));
  if (open !== undefined) {
    const when = guards.describe(open);
    diagnostics.push(diagnostic("OUTPUT_NOT_GUARANTEED", `a run can end without reaching an output node${when.length > 0 ? `: when ${when.join(" and ")}` : ""}`, {}));
  }
  // One pass finds each output that can run together with an earlier one; only then are the
  // earlier outputs searched for the partner (pairwise checks would be quadratic).
  let earlier = FALSE;
  for (const [i, b] of outputs.entries()) {
    const bRuns = guards.runs.get(b.id) ?? FALSE;
    const overlaps = bdd.and(earlier, bRuns) !== FALSE;
    earlier = bdd.or(earlier, bRuns);
    if (!overlaps) continue;
    for (const a of outputs.slice(0, i)) {
      const both = bdd.witness(bdd.and(guards.runs.get(a.id) ?? FALSE, guards.runs.get(b.id) ?? FALSE));
      if (both === undefined) continue;
      const when = guards.describe(both);
      diagnostics.push(diagnostic("MULTIPLE_OUTPUTS_MAY_RUN", `outputs \`${a.id}\` and \`${b.id}\` can both run in one execution${when.length > 0 ? ` (when ${when.join(" and ")})` : ""}`, { nodeId: b.id }));
    }
  }
}

/** Every execution that reaches a merge has, for each field, at least one candidate that ran. */
function checkMergeExhaustive(node: GraphNode, guards: Guards, diagnostics: Diagnostic[]): void {
  const fields = node.config.values;
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) return;
  const { bdd } = guards;
  const mergeRuns = guards.runs.get(node.id) ?? FALSE;
  for (const [field, candidates] of Object.entries(fields)) {
    if (!Array.isArray(candidates)) continue;
    let covered = FALSE;
    for (const c of candidates) {
      const id = typeof c === "string" ? /^\{\{\s*([A-Za-z][A-Za-z0-9_-]*)/.exec(c)?.[1] : undefined;
      if (id !== undefined) covered = bdd.or(covered, guards.runs.get(id) ?? FALSE);
    }
    const gap = bdd.witness(bdd.and(mergeRuns, bdd.not(covered)));
    if (gap === undefined) continue;
    const when = guards.describe(gap);
    diagnostics.push(
      diagnostic("MERGE_NOT_EXHAUSTIVE", `\`${node.id}\` can run with no candidate for \`${field}\`${when.length > 0 ? `: when ${when.join(" and ")}` : ""}`, { nodeId: node.id, path: ["config", "values", field] }),
    );
  }
}
