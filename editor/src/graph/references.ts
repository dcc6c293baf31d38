import { describeType, FALSE_GUARD, type Guards, type TypeSchema, type ValueType } from "./scope-types";

/**
 * Reference autocomplete: which `{{node.path}}` a field of a node may use, with types.
 * The candidates are exactly what the compiler accepts (docs/graph-format.md, "The
 * guarantee rule"): ancestors whose guard is implied by the node's own guard. A merge
 * candidate field needs only ancestors.
 */
export interface RefCandidate {
  /** What goes between the braces: `order.body.amount`. */
  readonly ref: string;
  readonly nodeId: string;
  /** Human type: `number`, `string (may be missing)`. */
  readonly type: string;
  readonly depth: number;
}

export interface Scope {
  /** Node ids in topological order (candidates are listed in this order). */
  readonly order: readonly string[];
  readonly kinds: ReadonlyMap<string, string>;
  readonly guards?: Guards;
  /** The output type a reference sees, per node (possibly from an earlier analysis). */
  readonly types: ReadonlyMap<string, ValueType>;
}

export interface CandidateOptions {
  /** Merge candidates: upstream is enough. */
  readonly candidate?: boolean;
  /** Inside a for_each input: the type of `{{item}}`. */
  readonly item?: ValueType;
  readonly maxDepth?: number;
}

const MAX_PER_NODE = 120;

export function referenceCandidates(scope: Scope, nodeId: string, options: CandidateOptions = {}): RefCandidate[] {
  const out: RefCandidate[] = [];
  if (options.item !== undefined) {
    paths("item", "item", options.item, 0, options.maxDepth ?? 4, out);
    out.push({ ref: "index", nodeId: "index", type: "integer", depth: 0 });
  }
  const guards = scope.guards;
  if (guards === undefined) return out;
  const selfRuns = guards.runs.get(nodeId);
  if (selfRuns === undefined) return out;
  for (const id of scope.order) {
    if (id === nodeId || scope.kinds.get(id) === "output") continue;
    if (!guards.isAncestor(id, nodeId)) continue;
    if (options.candidate !== true && !guards.bdd.implies(selfRuns, guards.runs.get(id) ?? FALSE_GUARD)) continue;
    const type = scope.types.get(id);
    if (type === undefined) {
      out.push({ ref: id, nodeId: id, type: "unknown (fix this node's errors)", depth: 0 });
      continue;
    }
    const before = out.length;
    paths(id, id, type, 0, options.maxDepth ?? 4, out);
    if (out.length - before > MAX_PER_NODE) out.length = before + MAX_PER_NODE;
  }
  return out;
}

function paths(nodeId: string, prefix: string, type: ValueType, depth: number, maxDepth: number, out: RefCandidate[]): void {
  out.push({ ref: prefix, nodeId, type: describeType(type), depth });
  if (depth >= maxDepth) return;
  const schema: TypeSchema = type.schema;
  if (schema.type === "object") {
    const required = new Set(schema.required ?? []);
    for (const [key, prop] of Object.entries(schema.properties)) {
      if (!/^[A-Za-z0-9_$-]+$/.test(key)) continue;
      paths(nodeId, `${prefix}.${key}`, { schema: prop, optional: type.optional || !required.has(key) }, depth + 1, maxDepth, out);
    }
  } else if (schema.type === "array") {
    out.push({ ref: `${prefix}.length`, nodeId, type: describeType({ schema: { type: "integer" }, optional: type.optional }), depth: depth + 1 });
    paths(nodeId, `${prefix}.0`, { schema: schema.items, optional: true }, depth + 1, maxDepth, out);
  }
}

/** Candidates matching what was typed after `{{`, best first. */
export function filterCandidates(candidates: readonly RefCandidate[], query: string, limit = 50): RefCandidate[] {
  const q = query.trim().toLowerCase();
  if (q === "") return candidates.filter((c) => c.depth <= 1).slice(0, limit);
  const starts: RefCandidate[] = [];
  const contains: RefCandidate[] = [];
  for (const c of candidates) {
    const ref = c.ref.toLowerCase();
    if (ref.startsWith(q)) starts.push(c);
    else if (ref.includes(q)) contains.push(c);
  }
  // After a dot, show the next level first: `order.` lists order.body, order.status…
  const level = q.split(".").length - 1;
  starts.sort((a, b) => Math.abs(a.depth - level) - Math.abs(b.depth - level));
  return [...starts, ...contains].slice(0, limit);
}

/** The `{{…` being typed at the caret: where it starts and the query so far, or undefined. */
export function openReferenceAt(text: string, caret: number): { start: number; query: string } | undefined {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf("{{");
  if (open === -1) return undefined;
  const between = before.slice(open + 2);
  if (between.includes("}}") || /[^\sA-Za-z0-9_.$-]/.test(between)) return undefined;
  return { start: open, query: between.trim() };
}

/** Inserts `{{ref}}` for the open reference at the caret; returns the new text and caret. */
export function insertReference(text: string, caret: number, ref: string): { text: string; caret: number } {
  const open = openReferenceAt(text, caret);
  const start = open?.start ?? caret;
  let end = caret;
  // Swallow what is left of a reference the caret sits in: `{{or|der.body}}`.
  const rest = /^[A-Za-z0-9_.$-]*\s*(\}\})?/.exec(text.slice(caret));
  if (rest !== null) end = caret + rest[0].length;
  const inserted = `{{${ref}}}`;
  return { text: text.slice(0, start) + inserted + text.slice(end), caret: start + inserted.length };
}
