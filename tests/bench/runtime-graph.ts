/**
 * The runtime benchmark's tool: 20 nodes of transforms, conditionals, a switch and merges
 * (no network), and a hand-written async TypeScript function that computes the same output.
 *
 *   input ─► norm ─► big ─true─► large ─┐
 *     │              └─false─► small ──┴► size ─► tier ─gold──► gold ────┐
 *     │                                          ├─silver─► silver ─────┤
 *     │                                          ├─bronze─► bronze ─────┤
 *     │                                          └─default► standard ───┴► perk ─► eu ─true──► euRegion ──┐
 *     │                                                                               └─false─► world ─────┴► region ─► summary ─┐
 *     └────────────────────────────────────────────────────────────► audit (runs concurrently) ─────────────────────────────────┴► join ─► out
 */

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

export interface BenchInput {
  readonly orderId: string;
  readonly amount: number;
  readonly tier: string;
  readonly country: string;
  readonly note: string;
}

export interface BenchOutput {
  readonly label: string;
  readonly size: string;
  readonly perk: string;
  readonly region: string;
  readonly vat: boolean;
  readonly summary: string;
  readonly audit: string;
  readonly amount: number;
}

const EU = ["DE", "FR", "NL", "IT", "ES"];

const node = (id: string, kind: string, config: Json): Json => ({ id, kind, config });
const edge = (n: number, source: string, target: string, sourcePort?: string): Json => ({ id: `e${String(n)}`, source, target, ...(sourcePort === undefined ? {} : { sourcePort }) });

export function benchGraph(name = "runtime_bench"): Json {
  const nodes: Json[] = [
    node("input", "input", {
      schema: {
        type: "object",
        properties: { orderId: { type: "string" }, amount: { type: "number" }, tier: { type: "string" }, country: { type: "string" }, note: { type: "string" } },
        required: ["orderId", "amount", "tier", "country", "note"],
      },
    }),
    node("norm", "transform", { values: { amount: "{{input.amount}}", label: "order {{input.orderId}}", country: "{{input.country}}" } }),
    node("big", "conditional", { combineWith: "AND", conditions: [{ left: "{{norm.amount}}", operator: "greater_than", right: 100 }] }),
    node("large", "transform", { values: { size: "large", shipping: "freight" } }),
    node("small", "transform", { values: { size: "small", shipping: "parcel" } }),
    node("size", "merge", { values: { size: ["{{large.size}}", "{{small.size}}"], shipping: ["{{large.shipping}}", "{{small.shipping}}"] } }),
    node("tier", "switch", { value: "{{input.tier}}", cases: ["gold", "silver", "bronze"] }),
    node("gold", "transform", { values: { perk: "free {{size.shipping}} shipping" } }),
    node("silver", "transform", { values: { perk: "10% off {{size.size}} orders" } }),
    node("bronze", "transform", { values: { perk: "a coupon" } }),
    node("standard", "transform", { values: { perk: "none" } }),
    node("perk", "merge", { values: { perk: ["{{gold.perk}}", "{{silver.perk}}", "{{bronze.perk}}", "{{standard.perk}}"] } }),
    node("eu", "conditional", { combineWith: "OR", conditions: [{ left: "{{norm.country}}", operator: "in", right: EU }] }),
    node("euRegion", "transform", { values: { region: "EU", vat: true } }),
    node("world", "transform", { values: { region: "world", vat: false } }),
    node("region", "merge", { values: { region: ["{{euRegion.region}}", "{{world.region}}"], vat: ["{{euRegion.vat}}", "{{world.vat}}"] } }),
    node("summary", "transform", { values: { text: "{{norm.label}}: {{size.size}}, {{perk.perk}}, {{region.region}}" } }),
    node("audit", "transform", { values: { line: "{{input.orderId}} by {{input.tier}} ({{input.note}})" } }),
    node("join", "transform", { values: { summary: "{{summary.text}}", audit: "{{audit.line}}" } }),
    node("out", "output", {
      values: {
        label: "{{norm.label}}",
        size: "{{size.size}}",
        perk: "{{perk.perk}}",
        region: "{{region.region}}",
        vat: "{{region.vat}}",
        summary: "{{join.summary}}",
        audit: "{{join.audit}}",
        amount: "{{norm.amount}}",
      },
    }),
  ];
  const edges: Json[] = [
    edge(1, "input", "norm"),
    edge(2, "norm", "big"),
    edge(3, "big", "large", "true"),
    edge(4, "big", "small", "false"),
    edge(5, "large", "size"),
    edge(6, "small", "size"),
    edge(7, "size", "tier"),
    edge(8, "tier", "gold", "gold"),
    edge(9, "tier", "silver", "silver"),
    edge(10, "tier", "bronze", "bronze"),
    edge(11, "tier", "standard", "default"),
    edge(12, "gold", "perk"),
    edge(13, "silver", "perk"),
    edge(14, "bronze", "perk"),
    edge(15, "standard", "perk"),
    edge(16, "perk", "eu"),
    edge(17, "eu", "euRegion", "true"),
    edge(18, "eu", "world", "false"),
    edge(19, "euRegion", "region"),
    edge(20, "world", "region"),
    edge(21, "region", "summary"),
    edge(22, "input", "audit"),
    edge(23, "summary", "join"),
    edge(24, "audit", "join"),
    edge(25, "join", "out"),
  ];
  return { format: "toolwright.graph/v1", tool: { name, description: "Runtime benchmark: 20 nodes, no network" }, nodes, edges };
}

/** Inputs that take every branch between them (both sizes, every tier, EU and not). */
export const BENCH_INPUTS: readonly BenchInput[] = [
  { orderId: "A1", amount: 250, tier: "gold", country: "DE", note: "rush" },
  { orderId: "B2", amount: 40, tier: "silver", country: "US", note: "" },
  { orderId: "C3", amount: 120, tier: "bronze", country: "FR", note: "gift" },
  { orderId: "D4", amount: 99.5, tier: "none", country: "JP", note: "n/a" },
];

/**
 * What a developer would write by hand for the same tool: one async function, the same
 * branches and the same strings, no per-node machinery.
 */
export async function handWritten(input: BenchInput): Promise<BenchOutput> {
  const norm = { amount: input.amount, label: `order ${input.orderId}`, country: input.country };
  const audit = `${input.orderId} by ${input.tier} (${input.note})`;
  const size = norm.amount > 100 ? { size: "large", shipping: "freight" } : { size: "small", shipping: "parcel" };
  let perk: string;
  switch (input.tier) {
    case "gold":
      perk = `free ${size.shipping} shipping`;
      break;
    case "silver":
      perk = `10% off ${size.size} orders`;
      break;
    case "bronze":
      perk = "a coupon";
      break;
    default:
      perk = "none";
  }
  const region = EU.includes(norm.country) ? { region: "EU", vat: true } : { region: "world", vat: false };
  const summary = `${norm.label}: ${size.size}, ${perk}, ${region.region}`;
  return Promise.resolve({ label: norm.label, size: size.size, perk, region: region.region, vat: region.vat, summary, audit, amount: norm.amount });
}

/** A step's result as a settled promise, for the variant below. */
function later<T>(value: T): Promise<T> {
  return Promise.resolve(value);
}

/**
 * The same, written as one awaited promise per step (as a developer splitting the work into
 * async functions might): the cost of 20 awaits with no runtime around them.
 */
export async function handWrittenSteps(input: BenchInput): Promise<BenchOutput> {
  const auditP = later(`${input.orderId} by ${input.tier} (${input.note})`);
  const norm = await later({ amount: input.amount, label: `order ${input.orderId}`, country: input.country });
  const big = await later(norm.amount > 100);
  const large = big ? await later({ size: "large", shipping: "freight" }) : undefined;
  const small = big ? undefined : await later({ size: "small", shipping: "parcel" });
  const size = await later(large ?? small ?? { size: "", shipping: "" });
  const tier = await later(input.tier);
  const gold = tier === "gold" ? await later(`free ${size.shipping} shipping`) : undefined;
  const silver = tier === "silver" ? await later(`10% off ${size.size} orders`) : undefined;
  const bronze = tier === "bronze" ? await later("a coupon") : undefined;
  const standard = gold === undefined && silver === undefined && bronze === undefined ? await later("none") : undefined;
  const perk = await later(gold ?? silver ?? bronze ?? standard ?? "");
  const eu = await later(EU.includes(norm.country));
  const euRegion = eu ? await later({ region: "EU", vat: true }) : undefined;
  const world = eu ? undefined : await later({ region: "world", vat: false });
  const region = await later(euRegion ?? world ?? { region: "", vat: false });
  const summary = await later(`${norm.label}: ${size.size}, ${perk}, ${region.region}`);
  const audit = await auditP;
  const join = await later({ summary, audit });
  return later({ label: norm.label, size: size.size, perk, region: region.region, vat: region.vat, summary: join.summary, audit: join.audit, amount: norm.amount });
}
