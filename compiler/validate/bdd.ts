/**
 * A small reduced ordered binary decision diagram, used to reason about which branch
 * decisions let a node run. Nodes are integers; 0 is false, 1 is true. Hash-consing makes
 * equal functions equal integers, so `implies(a, b)` is one `and` and a comparison.
 */
export const FALSE = 0;
export const TRUE = 1;
const PAIR = 2 ** 26;

export class Bdd {
  private readonly variable: number[] = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  private readonly low: number[] = [0, 1];
  private readonly high: number[] = [0, 1];
  // Keys pack two node ids into one number (ids stay below 2^26), so lookups allocate nothing.
  private readonly unique = new Map<number, number>();
  private readonly andMemo = new Map<number, number>();
  private readonly orMemo = new Map<number, number>();
  private readonly notMemo = new Map<number, number>();
  /** unique table, second level: (variable, low) → high → node. */
  private readonly levels: Map<number, number>[] = [];

  /** The function "variable v is true". */
  variableNode(v: number): number {
    return this.make(v, FALSE, TRUE);
  }

  not(a: number): number {
    if (a === FALSE) return TRUE;
    if (a === TRUE) return FALSE;
    const memo = this.notMemo.get(a);
    if (memo !== undefined) return memo;
    const result = this.make(this.varOf(a), this.not(this.lowOf(a)), this.not(this.highOf(a)));
    this.notMemo.set(a, result);
    return result;
  }

  and(a: number, b: number): number {
    if (a === FALSE || b === FALSE) return FALSE;
    if (a === TRUE) return b;
    if (b === TRUE || a === b) return a;
    return this.apply(a, b, this.andMemo, (x, y) => this.and(x, y));
  }

  or(a: number, b: number): number {
    if (a === TRUE || b === TRUE) return TRUE;
    if (a === FALSE) return b;
    if (b === FALSE || a === b) return a;
    return this.apply(a, b, this.orMemo, (x, y) => this.or(x, y));
  }

  implies(a: number, b: number): boolean {
    return this.and(a, this.not(b)) === FALSE;
  }

  /** One assignment (variable → value) that makes `a` true, or undefined when `a` is false. */
  witness(a: number): Map<number, boolean> | undefined {
    if (a === FALSE) return undefined;
    const assignment = new Map<number, boolean>();
    let node = a;
    while (node !== TRUE) {
      const goLow = this.lowOf(node) !== FALSE;
      assignment.set(this.varOf(node), !goLow);
      node = goLow ? this.lowOf(node) : this.highOf(node);
    }
    return assignment;
  }

  private apply(a: number, b: number, memo: Map<number, number>, recurse: (x: number, y: number) => number): number {
    const key = a < b ? a * PAIR + b : b * PAIR + a;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const va = this.varOf(a);
    const vb = this.varOf(b);
    const v = Math.min(va, vb);
    const [aLow, aHigh] = va === v ? [this.lowOf(a), this.highOf(a)] : [a, a];
    const [bLow, bHigh] = vb === v ? [this.lowOf(b), this.highOf(b)] : [b, b];
    const result = this.make(v, recurse(aLow, bLow), recurse(aHigh, bHigh));
    memo.set(key, result);
    return result;
  }

  private make(v: number, low: number, high: number): number {
    if (low === high) return low;
    let level = this.unique.get(v * PAIR + low);
    if (level === undefined) {
      level = this.levels.length;
      this.levels.push(new Map());
      this.unique.set(v * PAIR + low, level);
    }
    const byHigh = this.levels[level] as Map<number, number>;
    const existing = byHigh.get(high);
    if (existing !== undefined) return existing;
    const id = this.variable.length;
    this.variable.push(v);
    this.low.push(low);
    this.high.push(high);
    byHigh.set(high, id);
    return id;
  }

  private varOf(n: number): number {
    return this.variable[n] ?? Number.MAX_SAFE_INTEGER;
  }
  private lowOf(n: number): number {
    return this.low[n] ?? FALSE;
  }
  private highOf(n: number): number {
    return this.high[n] ?? FALSE;
  }
}
