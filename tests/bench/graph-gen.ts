/**
 * Deterministic generator of valid toolwright.graph/v1 graphs of an exact node count, for
 * benchmarks. The shape is a spine of blocks chosen by a seeded PRNG with a realistic mix:
 * http (+ a transform reading its body), llm (text or JSON output), transforms with exact
 * references and interpolation, delays, conditionals whose branches rejoin in a merge,
 * switches whose cases rejoin in a merge, and early exits (a conditional with an output on
 * one branch), so there is one output per exclusive branch plus the final output.
 *
 * Why the seed also varies literals: the compiler caches verification by content hash, so
 * every seed must yield different generated code, or the cache would flatter throughput.
 */
import type { z } from "zod";
import type { graphSchema } from "../../compiler/graph/schema";

export type GraphDocument = z.input<typeof graphSchema>;
type NodeDocument = GraphDocument["nodes"][number];
type EdgeDocument = NonNullable<GraphDocument["edges"]>[number];
type ConfigValue = NonNullable<NodeDocument["config"]>[string];

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type BlockKind = "http" | "llm" | "transform" | "delay" | "diamond" | "switch" | "exit";

/** Nodes each block adds (the diamond has an optional delay on one branch: its size is fixed per draw). */
const BLOCK_WEIGHTS: readonly (readonly [BlockKind, number])[] = [
  ["http", 18],
  ["llm", 14],
  ["transform", 20],
  ["delay", 6],
  ["diamond", 20],
  ["switch", 10],
  ["exit", 12],
];

const RESPONSE_SCHEMA: ConfigValue = {
  type: "object",
  properties: {
    score: { type: "number", description: "Relevance score" },
    label: { type: "string" },
    tags: { type: "array", items: { type: "string" } },
  },
  required: ["score", "label", "tags"],
};

const LLM_JSON_SCHEMA: ConfigValue = {
  type: "object",
  properties: { sentiment: { type: "string" }, confidence: { type: "number" } },
  required: ["sentiment", "confidence"],
};

export interface GeneratedGraph {
  readonly graph: GraphDocument;
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * A valid graph of exactly `size` nodes (size ≥ 3). The same (size, seed) always yields the
 * same graph; different seeds yield different shapes and literals.
 */
export function generateGraph(size: number, seed: number): GeneratedGraph {
  if (!Number.isInteger(size) || size < 3) throw new Error(`graph size must be an integer ≥ 3, got ${String(size)}`);
  const random = prng(size * 1_000_003 + seed);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  };
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

  const nodes: NodeDocument[] = [];
  const edges: EdgeDocument[] = [];
  const counts: Record<string, number> = {};
  // References guaranteed on the spine (every node after this point may use them).
  const numbers: string[] = ["{{input.amount}}"];
  const strings: string[] = ["{{input.message}}", "{{input.customer}}"];
  let tail: { id: string; port?: string } = { id: "input" };
  let column = 0;
  let block = 0;

  const add = (node: NodeDocument, row = 0): string => {
    nodes.push({ ...node, position: { x: column * 240, y: row * 140 } });
    counts[node.kind] = (counts[node.kind] ?? 0) + 1;
    return node.id;
  };
  const connect = (source: { id: string; port?: string }, target: string): void => {
    const edge: EdgeDocument = { id: `e${String(edges.length + 1)}`, source: source.id, target };
    edges.push(source.port === undefined ? edge : { ...edge, sourcePort: source.port });
  };
  const appendToSpine = (node: NodeDocument): string => {
    const id = add(node);
    connect(tail, id);
    tail = { id };
    column += 1;
    return id;
  };
  const num = (): string => pick(numbers);
  const str = (): string => pick(strings);
  const remember = (list: string[], ref: string): void => {
    list.push(ref);
    // Keep the pool recent, as real tools mostly read their neighbours (and bound its size).
    if (list.length > 12) list.splice(1, 1);
  };

  add({
    id: "input",
    kind: "input",
    config: {
      schema: {
        type: "object",
        properties: {
          customer: { type: "string", description: "Customer id" },
          message: { type: "string" },
          amount: { type: "number" },
          tier: { type: "string", enum: ["gold", "silver", "bronze"] },
          urgent: { type: "boolean" },
        },
        required: ["customer", "message", "amount", "tier"],
      },
    },
  });
  column += 1;

  const blockSize = (kind: BlockKind, delayInDiamond: boolean): number => {
    switch (kind) {
      case "http":
        return 2;
      case "llm":
      case "transform":
      case "delay":
        return 1;
      case "diamond":
        return delayInDiamond ? 5 : 4;
      case "switch":
        return 5;
      case "exit":
        return 2;
    }
  };
  const totalWeight = BLOCK_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  const drawBlock = (): BlockKind => {
    let r = random() * totalWeight;
    for (const [kind, weight] of BLOCK_WEIGHTS) {
      r -= weight;
      if (r < 0) return kind;
    }
    return "transform";
  };

  // Reserve one node for the final output.
  while (nodes.length < size - 1) {
    const remaining = size - 1 - nodes.length;
    block += 1;
    const b = String(block);
    let kind = drawBlock();
    const delayInDiamond = random() < 0.3;
    if (blockSize(kind, delayInDiamond) > remaining) kind = remaining >= 2 && random() < 0.5 ? "http" : "transform";
    if (blockSize(kind, delayInDiamond) > remaining) kind = "transform";

    switch (kind) {
      case "http": {
        const h = appendToSpine({
          id: `h${b}`,
          kind: "http",
          config: {
            method: pick(["GET", "POST"]),
            url: `https://api${String(seed % 7)}.example.com/v1/items/{{input.customer}}?step=${b}`,
            headers: { "x-request-tag": `bench-${String(seed)}-${b}`, "x-source": str() },
            query: { q: str() },
            body: { customer: "{{input.customer}}", amount: num(), note: `seed ${String(seed)}: ${str()}` },
            response: { type: "json", schema: RESPONSE_SCHEMA },
          },
          retry: { maxAttempts: int(1, 4), backoff: pick(["fixed", "linear", "exponential"]), initialDelayMs: 100 },
          timeoutMs: 5_000,
        });
        const t = appendToSpine({
          id: `t${b}`,
          kind: "transform",
          config: {
            values: {
              score: `{{${h}.body.score}}`,
              label: `{{${h}.body.label}} (${String(seed)}/${b})`,
              tags: `{{${h}.body.tags}}`,
              status: `{{${h}.status}}`,
            },
          },
        });
        remember(numbers, `{{${t}.score}}`);
        remember(numbers, `{{${t}.status}}`);
        remember(strings, `{{${t}.label}}`);
        break;
      }
      case "llm": {
        const json = random() < 0.4;
        const l = appendToSpine({
          id: `l${b}`,
          kind: "llm",
          config: {
            model: "gpt-4o-mini",
            system: `You are assistant ${String(seed)}. Answer briefly.`,
            prompt: `Step ${b}: summarise ${str()} for a customer whose amount is ${num()}.`,
            temperature: 0.2,
            maxTokens: 256,
            output: json ? { type: "json", schema: LLM_JSON_SCHEMA } : { type: "text" },
          },
        });
        if (json) {
          remember(numbers, `{{${l}.data.confidence}}`);
          remember(strings, `{{${l}.data.sentiment}}`);
        } else {
          remember(strings, `{{${l}.text}}`);
        }
        remember(numbers, `{{${l}.usage.totalTokens}}`);
        break;
      }
      case "transform": {
        const t = appendToSpine({
          id: `t${b}`,
          kind: "transform",
          config: {
            values: {
              total: num(),
              text: `step ${b} of ${String(seed)}: ${str()}`,
              flags: [true, false, seed % 2 === 0],
              nested: { amount: num(), name: str(), constant: seed + block },
            },
          },
        });
        remember(numbers, `{{${t}.total}}`);
        remember(numbers, `{{${t}.nested.amount}}`);
        remember(strings, `{{${t}.text}}`);
        break;
      }
      case "delay": {
        appendToSpine({ id: `d${b}`, kind: "delay", config: { ms: 5 + ((seed + block) % 50) } });
        break;
      }
      case "diamond": {
        const c = appendToSpine({
          id: `c${b}`,
          kind: "conditional",
          config: {
            combineWith: pick(["AND", "OR"]),
            conditions: [
              { left: num(), operator: pick(["greater_than", "less_or_equal", "not_equals"]), right: (seed % 97) + block },
              { left: str(), operator: pick(["is_not_empty", "contains"]), right: "refund" },
            ],
          },
        });
        const a = add({ id: `a${b}`, kind: "transform", config: { values: { v: num(), note: `high ${b}: ${str()}` } } }, -1);
        connect({ id: c, port: "true" }, a);
        let falseFrom: { id: string; port?: string } = { id: c, port: "false" };
        if (delayInDiamond) {
          const d = add({ id: `w${b}`, kind: "delay", config: { ms: 10 + (seed % 40) } }, 1);
          connect(falseFrom, d);
          falseFrom = { id: d };
        }
        const z = add({ id: `z${b}`, kind: "transform", config: { values: { v: seed + block, note: `low ${b}` } } }, 1);
        connect(falseFrom, z);
        column += 1;
        const m = add({ id: `m${b}`, kind: "merge", config: { values: { v: [`{{${a}.v}}`, `{{${z}.v}}`], note: [`{{${a}.note}}`, `{{${z}.note}}`] } } });
        connect({ id: a }, m);
        connect({ id: z }, m);
        tail = { id: m };
        column += 1;
        remember(numbers, `{{${m}.v}}`);
        remember(strings, `{{${m}.note}}`);
        break;
      }
      case "switch": {
        const s = appendToSpine({ id: `s${b}`, kind: "switch", config: { value: "{{input.tier}}", cases: ["gold", "silver"] } });
        const branches = ["gold", "silver", "default"].map((port, row) => {
          const id = add({ id: `k${port}${b}`, kind: "transform", config: { values: { rate: (row + 1) * 5 + (seed % 3), label: `${port} ${b}: ${str()}` } } }, row - 1);
          connect({ id: s, port }, id);
          return id;
        });
        column += 1;
        const m = add({
          id: `r${b}`,
          kind: "merge",
          config: { values: { rate: branches.map((id) => `{{${id}.rate}}`), label: branches.map((id) => `{{${id}.label}}`) } },
        });
        for (const id of branches) connect({ id }, m);
        tail = { id: m };
        column += 1;
        remember(numbers, `{{${m}.rate}}`);
        remember(strings, `{{${m}.label}}`);
        break;
      }
      case "exit": {
        const x = appendToSpine({
          id: `x${b}`,
          kind: "conditional",
          config: { combineWith: "AND", conditions: [{ left: num(), operator: "less_than", right: -((seed % 13) + block) }] },
        });
        const o = add({ id: `o${b}`, kind: "output", config: { values: { status: "rejected", score: num(), summary: `rejected at ${b}: ${str()}` } } }, -1);
        connect({ id: x, port: "true" }, o);
        tail = { id: x, port: "false" };
        break;
      }
    }
  }

  appendToSpine({ id: "out", kind: "output", config: { values: { status: "ok", score: num(), summary: str(), detail: `seed ${String(seed)}` } } });
  if (nodes.length !== size) throw new Error(`generator produced ${String(nodes.length)} nodes for size ${String(size)}`);
  return {
    graph: {
      format: "toolwright.graph/v1",
      tool: { name: `bench_${String(size)}_${String(seed)}`, description: `Generated benchmark graph of ${String(size)} nodes (seed ${String(seed)})` },
      nodes,
      edges,
    },
    counts,
  };
}

/** The smallest useful graph (input → transform → output): a baseline for ratios. */
export function trivialGraph(seed: number): GraphDocument {
  return {
    format: "toolwright.graph/v1",
    tool: { name: `trivial_${String(seed)}`, description: "Baseline" },
    nodes: [
      { id: "input", kind: "input", config: { schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } } },
      { id: "greet", kind: "transform", config: { values: { text: `Hello {{input.name}} #${String(seed)}` } } },
      { id: "out", kind: "output", config: { values: { text: "{{greet.text}}" } } },
    ],
    edges: [
      { id: "e1", source: "input", target: "greet" },
      { id: "e2", source: "greet", target: "out" },
    ],
  };
}
