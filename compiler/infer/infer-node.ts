import type { ToolResolver } from "../api";
import { diagnostic, type Diagnostic } from "../diagnostics/catalog";
import type { GraphNode, JsonValue } from "../graph/schema";
import { referenceName, type Reference } from "../parse/template";
import type { KindDefinition } from "../records/registry";
import { isAssignable } from "../types/assignable";
import { conformanceProblem } from "../types/conforms";
import { describeType } from "../types/describe";
import { lookupPath } from "../types/path";
import { schemaType, type TypeSchema, type ValueType } from "../types/type-schema";
import { FALSE, TRUE } from "../validate/bdd";
import type { Guards } from "../validate/guards";
import type { ValidationCache } from "../validate/validation-cache";
import type { NodeTypes } from "./analyze";
import { pathKey, valueSites, type ValueSite } from "./config-walk";
import { derivers, type DeriveContext } from "./derivers";
import { typeOfValue, type TypedValue } from "./value-types";

/** What a node's inference reads besides the node itself. */
export interface InferenceEnv {
  readonly nodesById: ReadonlyMap<string, GraphNode>;
  /** The nodes inferred so far (those before this one in topological order). */
  readonly nodes: ReadonlyMap<string, NodeTypes>;
  readonly guards: Guards;
  readonly resolveTool: ToolResolver | undefined;
}

/** What a reference found when it was resolved: no such node, an output node, or a node and its output type then. */
interface Read {
  readonly id: string;
  readonly state: "missing" | "output" | "node";
  readonly output: ValueType | undefined;
}

/** One node's inference: its types, its diagnostics in order, and what it read. */
export interface NodeInference {
  readonly types: NodeTypes;
  readonly diagnostics: readonly Diagnostic[];
  /** The nodes it references (for UNUSED_OUTPUT). */
  readonly referenced: readonly string[];
  readonly kind: KindDefinition;
  readonly guards: Guards;
  readonly resolveTool: ToolResolver | undefined;
  readonly reads: readonly Read[];
}

function stateOf(target: GraphNode | undefined): Read["state"] {
  return target === undefined ? "missing" : target.kind === "output" ? "output" : "node";
}

/**
 * A node's inference, reused from the cache when the node is the same object and what it
 * read is unchanged: the same kind, guards and tool resolver, and for every reference the
 * same kind of target with the same output type object.
 */
export function inferNodeReusing(node: GraphNode, kind: KindDefinition, env: InferenceEnv, cache: ValidationCache | undefined): NodeInference {
  const known = cache?.inferences.get(node);
  if (known !== undefined && cache !== undefined && readsUnchanged(known, kind, env)) {
    rememberOutput(node.id, known.types.output, cache);
    return known;
  }
  const fresh = inferNode(node, kind, env);
  if (cache === undefined) return fresh;
  const previous = cache.outputs.get(node.id);
  const output = fresh.types.output;
  // An equal type is the same object as before, so the nodes that read it are reused too.
  const inferred = previous !== undefined && output !== undefined && output !== previous && JSON.stringify(output) === JSON.stringify(previous) ? { ...fresh, types: { ...fresh.types, output: previous } } : fresh;
  rememberOutput(node.id, inferred.types.output, cache);
  cache.inferences.set(node, inferred);
  return inferred;
}

function rememberOutput(id: string, output: ValueType | undefined, cache: ValidationCache): void {
  if (output === undefined) cache.outputs.delete(id);
  else cache.outputs.set(id, output);
}

function readsUnchanged(known: NodeInference, kind: KindDefinition, env: InferenceEnv): boolean {
  if (known.kind !== kind || known.guards !== env.guards || known.resolveTool !== env.resolveTool) return false;
  return known.reads.every((read) => stateOf(env.nodesById.get(read.id)) === read.state && env.nodes.get(read.id)?.output === read.output);
}

/**
 * Types every value site of a node's config, checking each reference (exists, guaranteed
 * to have run, typed path) and each value against what its field expects; then derives
 * the node's output type and checks its fallback and, for a merge, exhaustiveness.
 */
export function inferNode(node: GraphNode, kind: KindDefinition, env: InferenceEnv): NodeInference {
  const { nodesById, nodes, guards, resolveTool } = env;
  const diagnostics: Diagnostic[] = [];
  const referenced = new Set<string>();
  const reads: Read[] = [];
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
      // Built only for a diagnostic: most references resolve.
      const where = (): { nodeId: string; path: (string | number)[] } => ({ nodeId: from.id, path: ["config", ...at] });
      const target = nodesById.get(ref.node);
      reads.push({ id: ref.node, state: stateOf(target), output: nodes.get(ref.node)?.output });
      if (target === undefined) {
        diagnostics.push(diagnostic("UNKNOWN_REFERENCE", `\`${from.id}\` references \`${ref.node}\`, which is not a node of the graph`, where()));
        return undefined;
      }
      if (target.kind === "output") {
        diagnostics.push(diagnostic("UNKNOWN_REFERENCE", `\`${from.id}\` references output node \`${ref.node}\`, which has no value to read`, where()));
        return undefined;
      }
      referenced.add(target.id);
      if (target.id === from.id || !guards.isAncestor(target.id, from.id)) {
        diagnostics.push(diagnostic("REFERENCE_NOT_GUARANTEED", `\`${from.id}\` references \`${referenceName(ref)}\`, but \`${target.id}\` is not upstream of \`${from.id}\`, so it has not run yet`, where(), "Connect the referenced node before this one, or reference another node."));
        return undefined;
      }
      const fromRuns = guards.runs.get(from.id) ?? FALSE;
      const targetRuns = guards.runs.get(target.id) ?? FALSE;
      // Only a reference that is not guaranteed needs the diagram of its counterexample.
      const guaranteed = candidate || targetRuns === TRUE || guards.bdd.implies(fromRuns, targetRuns);
      const witness = guaranteed ? undefined : guards.bdd.witness(guards.bdd.and(fromRuns, guards.bdd.not(targetRuns)));
      if (witness !== undefined) {
        const when = guards.describe(witness);
        diagnostics.push(
          diagnostic(
            "REFERENCE_NOT_GUARANTEED",
            `\`${from.id}\` references \`${referenceName(ref)}\`, but \`${target.id}\` may not have run: \`${from.id}\` also runs when ${when.length > 0 ? when.join(" and ") : "another branch is taken"}, and then \`${target.id}\` is skipped`,
            where(),
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
    const types: NodeTypes = { ...derived, values };
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
  return { types, diagnostics, referenced: [...referenced], kind, guards, resolveTool, reads };
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
    const gap = bdd.implies(mergeRuns, covered) ? undefined : bdd.witness(bdd.and(mergeRuns, bdd.not(covered)));
    if (gap === undefined) continue;
    const when = guards.describe(gap);
    diagnostics.push(
      diagnostic("MERGE_NOT_EXHAUSTIVE", `\`${node.id}\` can run with no candidate for \`${field}\`${when.length > 0 ? `: when ${when.join(" and ")}` : ""}`, { nodeId: node.id, path: ["config", "values", field] }),
    );
  }
}
