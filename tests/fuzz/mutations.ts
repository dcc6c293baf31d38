/**
 * Mutations of graphs: the edits a builder (or a broken client) can make that turn a
 * valid graph into an invalid one, or into another valid one. Each works in place on a
 * JSON copy of the graph and returns a one-line description for failure reports.
 */
import fc from "fast-check";
import { FIXED } from "./known-bugs";

export type MJson = string | number | boolean | null | MJson[] | { [key: string]: MJson };
export type MObject = { [key: string]: MJson };

export function isMObject(value: MJson | undefined): value is MObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep, mutable copy (own `__proto__` keys survive as own properties). */
export function mutableCopy(value: unknown): MJson {
  return JSON.parse(JSON.stringify(value)) as MJson;
}

const KINDS = ["input", "output", "http", "llm", "conditional", "switch", "transform", "merge", "call_tool", "for_each", "delay"] as const;
const PORTS = ["true", "false", "default", "out", "in", "gold", "1", ""] as const;
const IDS = ["input", "out", "x", "item", "index", "1abc", "a b", "", "constructor", "toString", "n-1", "é"] as const;
const SEGMENTS = [
  "a",
  "b",
  "missing",
  "0",
  "7",
  "length",
  "results",
  "body",
  "value",
  "result",
  "text",
  "data",
  ...(FIXED.inheritedPropertyReferences ? ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"] : []),
] as const;

/** Draws through fast-check inside a mutation. */
export class Pick {
  constructor(readonly g: fc.GeneratorValue) {}
  int(min: number, max: number): number {
    return this.g(fc.integer, { min, max });
  }
  bool(): boolean {
    return this.g(fc.boolean);
  }
  one<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[this.int(0, items.length - 1)];
  }
  json(): MJson {
    return mutableCopy(this.g(fc.jsonValue, { maxDepth: 3 }));
  }
  text(): string {
    return this.g(fc.string, { maxLength: 8 });
  }
}

/** A JSON value in a description (ids may be anything after a mutation). */
function show(value: MJson | undefined): string {
  return value === undefined ? "undefined" : JSON.stringify(value);
}

function arrayAt(graph: MObject, key: string): MJson[] {
  const value = graph[key];
  if (Array.isArray(value)) return value;
  const fresh: MJson[] = [];
  graph[key] = fresh;
  return fresh;
}

function objects(values: readonly MJson[]): MObject[] {
  return values.filter(isMObject);
}

function idOf(value: MJson | undefined): string | undefined {
  return isMObject(value) && typeof value.id === "string" ? value.id : undefined;
}

function nodeIds(graph: MObject): string[] {
  return arrayAt(graph, "nodes").flatMap((n) => idOf(n) ?? []);
}

type Place = [container: MObject | MJson[], key: string | number, path: readonly (string | number)[]];

/** Every [container, key] place inside a value (with its path), for in-place replacement. */
function places(value: MJson, path: readonly (string | number)[] = [], into: Place[] = []): Place[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      into.push([value, i, [...path, i]]);
      places(v, [...path, i], into);
    });
  } else if (isMObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      into.push([value, k, [...path, k]]);
      places(v, [...path, k], into);
    }
  }
  return into;
}

function setAt(container: MObject | MJson[], key: string | number, value: MJson): void {
  if (Array.isArray(container)) container[Number(key)] = value;
  else container[String(key)] = value;
}

/** Every string with a `{{` inside the nodes' configs, as places. */
function referencePlaces(graph: MObject): Place[] {
  return objects(arrayAt(graph, "nodes")).flatMap((n) =>
    places(n.config ?? null).filter(([container, key]) => {
      const v = Array.isArray(container) ? container[Number(key)] : container[String(key)];
      return typeof v === "string" && v.includes("{{");
    }),
  );
}

function getAt(container: MObject | MJson[], key: string | number): MJson | undefined {
  return Array.isArray(container) ? container[Number(key)] : container[String(key)];
}

type Mutation = (p: Pick, graph: MObject) => string;

const mutations: Record<string, Mutation> = {
  deleteNode(p, graph) {
    const nodes = arrayAt(graph, "nodes");
    const i = p.int(0, Math.max(0, nodes.length - 1));
    const [removed] = nodes.splice(i, 1);
    const id = idOf(removed);
    if (id !== undefined && p.bool()) graph.edges = arrayAt(graph, "edges").filter((e) => !(isMObject(e) && (e.source === id || e.target === id)));
    return `delete node ${show(id)}`;
  },
  deleteEdge(p, graph) {
    const edges = arrayAt(graph, "edges");
    const [removed] = edges.splice(p.int(0, Math.max(0, edges.length - 1)), 1);
    return `delete edge ${show(idOf(removed))}`;
  },
  retargetEdge(p, graph) {
    const edge = p.one(objects(arrayAt(graph, "edges")));
    if (edge === undefined) return "retarget: no edge";
    const field = p.one(["source", "target", "sourcePort", "targetPort"] as const) ?? "target";
    const value = field.endsWith("Port") ? (p.one([...PORTS, p.text()]) ?? "") : (p.one([...nodeIds(graph), p.text()]) ?? "");
    edge[field] = value;
    return `edge ${show(edge.id)}.${field} = ${JSON.stringify(value)}`;
  },
  renameNode(p, graph) {
    const node = p.one(objects(arrayAt(graph, "nodes")));
    if (node === undefined || typeof node.id !== "string") return "rename: no node";
    const from = node.id;
    const to = p.one([...IDS, ...nodeIds(graph), `${from}_2`, p.text()]) ?? "x";
    node.id = to;
    if (p.bool()) {
      // A consistent rename: edges and references follow.
      for (const edge of objects(arrayAt(graph, "edges"))) {
        if (edge.source === from) edge.source = to;
        if (edge.target === from) edge.target = to;
      }
      for (const [container, key] of referencePlaces(graph)) {
        const v = getAt(container, key);
        if (typeof v === "string") setAt(container, key, v.split(`{{${from}`).join(`{{${to}`));
      }
    }
    return `rename node ${from} → ${JSON.stringify(to)}`;
  },
  replaceConfigValue(p, graph) {
    const node = p.one(objects(arrayAt(graph, "nodes")));
    if (node === undefined) return "replace: no node";
    const config = node.config;
    // Malformed type schemas crash the compiler (known bug): keep replacements out of them until fixed.
    const spots = (isMObject(config) ? places(config) : []).filter(([, , path]) => FIXED.malformedTypeSchemas || !path.includes("schema"));
    const spot = p.one(spots);
    const value = p.json();
    if (spot === undefined) node.config = isMObject(value) || !p.bool() ? value : { values: value };
    else setAt(spot[0], spot[1], value);
    return `node ${show(node.id)} config${spot === undefined ? "" : `.${spot[2].join(".")}`} = ${JSON.stringify(value)}`;
  },
  breakReference(p, graph) {
    const spot = p.one(referencePlaces(graph));
    if (spot === undefined) return "break reference: none";
    const before = getAt(spot[0], spot[1]);
    if (typeof before !== "string") return "break reference: not a string";
    const segment = p.one(SEGMENTS) ?? "missing";
    const other = p.one([...nodeIds(graph), "nope", "item", "index", "input"]) ?? "nope";
    const edits = [
      (s: string) => s.replace(/\{\{\s*[A-Za-z][A-Za-z0-9_-]*/, `{{${other}`),
      (s: string) => s.replace("}}", `.${segment}}}`),
      (s: string) => s.replace(/\.[A-Za-z0-9_$-]+\}\}/, "}}"),
      (s: string) => s.replace("}}", ""),
      (s: string) => `${s} {{`,
      (s: string) => s.replace("{{", "{{ "),
      (s: string) => s.replace(/\{\{[^}]*\}\}/, "{{item}}"),
      (s: string) => s.replace(/\{\{[^}]*\}\}/, "{{index.x}}"),
      (s: string) => s.replace("{{", "{{{"),
      (s: string) => `${s}${s}`,
    ];
    const edit = p.one(edits) ?? ((s: string) => s);
    const after = edit(before);
    setAt(spot[0], spot[1], after);
    return `reference ${JSON.stringify(before)} → ${JSON.stringify(after)}`;
  },
  injectCycle(p, graph) {
    const edges = objects(arrayAt(graph, "edges"));
    const edge = p.one(edges);
    const ids = nodeIds(graph);
    const source = edge !== undefined && p.bool() ? edge.target : p.one(ids);
    const target = edge !== undefined && p.bool() ? edge.source : p.one(ids);
    if (typeof source !== "string" || typeof target !== "string") return "cycle: no nodes";
    arrayAt(graph, "edges").push({ id: `cycle${String(edges.length)}`, source, target, ...(p.bool() ? { sourcePort: p.one(PORTS) ?? "out" } : {}) });
    return `edge ${source} → ${target}`;
  },
  changeKind(p, graph) {
    const node = p.one(objects(arrayAt(graph, "nodes")));
    if (node === undefined) return "kind: no node";
    const kind = p.one([...KINDS, "unknown_kind", ""]) ?? "transform";
    const before = node.kind;
    node.kind = kind;
    return `node ${show(node.id)} kind ${show(before)} → ${kind}`;
  },
  dropRequired(p, graph) {
    const input = objects(arrayAt(graph, "nodes")).find((n) => n.kind === "input");
    const schema = isMObject(input?.config) ? input.config.schema : undefined;
    if (!isMObject(schema) || !Array.isArray(schema.required) || schema.required.length === 0) return "required: none";
    const [dropped] = schema.required.splice(p.int(0, schema.required.length - 1), 1);
    return `input field ${JSON.stringify(dropped)} no longer required`;
  },
  duplicateNode(p, graph) {
    const nodes = arrayAt(graph, "nodes");
    const node = p.one(objects(nodes));
    if (node === undefined) return "duplicate: no node";
    const copy = mutableCopy(node);
    if (isMObject(copy) && p.bool()) copy.id = `${show(node.id)}_copy`;
    nodes.push(copy);
    if (isMObject(copy) && p.bool()) arrayAt(graph, "edges").push({ id: "dup_edge", source: typeof node.id === "string" ? node.id : "input", target: show(copy.id) });
    return `duplicate node ${show(node.id)}`;
  },
  policy(p, graph) {
    const node = p.one(objects(arrayAt(graph, "nodes")));
    if (node === undefined) return "policy: no node";
    const choice = p.int(0, FIXED.fallbackTypes ? 3 : 2);
    if (choice === 0) node.retry = p.bool() ? { maxAttempts: p.int(-1, 30), backoff: p.one(["fixed", "linear", "exponential", "never"]) ?? "fixed", initialDelayMs: p.int(-5, 1000) } : p.json();
    else if (choice === 1) node.timeoutMs = p.bool() ? p.int(-1, 5000) : p.json();
    else if (choice === 2) node.onError = p.bool() ? { action: "fail" } : p.json();
    else if (node.kind === "output" && !FIXED.outputFallbacks) node.onError = { action: "fail" };
    else node.onError = { action: "continue", fallback: p.json() };
    return `node ${show(node.id)} policy ${String(choice)}`;
  },
  corruptDocument(p, graph) {
    const key = p.one(["format", "tool", "nodes", "edges", "tests", "extra"]) ?? "tool";
    const value = p.json();
    if (key === "tool" && p.bool()) graph.tool = { name: p.one(["", "1bad", "a".repeat(70), "ok_name", p.text()]) ?? "", description: p.bool() ? p.text() : value };
    else if (key === "nodes" && p.bool()) arrayAt(graph, "nodes").push(value);
    else graph[key] = value;
    return `document.${key} corrupted`;
  },
};

const MUTATIONS = Object.entries(mutations).filter(([name]) => name !== "dropRequired" || FIXED.optionalOperands);

/** Applies 1–3 random mutations in place; returns what was done. */
export function mutate(p: Pick, graph: MObject): string[] {
  const done: string[] = [];
  for (let i = p.int(1, 3); i > 0; i--) {
    const entry = p.one(MUTATIONS);
    if (entry === undefined) break;
    done.push(`${entry[0]}: ${entry[1](p, graph)}`);
  }
  return done;
}
