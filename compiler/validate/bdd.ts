/**
 * A small reduced ordered binary decision diagram, used to reason about which branch
 * decisions let a node run. Nodes are integers; 0 is false, 1 is true. Hash-consing makes
 * equal functions equal integers; `implies(a, b)` walks both diagrams and builds nothing.
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
  private readonly impliesMemo = new Map<number, boolean>();
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
    return this.apply(a, b, true);
  }

  or(a: number, b: number): number {
    return this.apply(a, b, false);
  }

  /** Whether every assignment that makes `a` true makes `b` true; builds no nodes. */
  implies(a: number, b: number): boolean {
    if (a === FALSE || b === TRUE || a === b) return true;
    // Reduced diagrams: TRUE is the only tautology and FALSE the only contradiction.
    if (a === TRUE || b === FALSE) return false;
    const key = a * PAIR + b;
    const cached = this.impliesMemo.get(key);
    if (cached !== undefined) return cached;
    const va = this.varOf(a);
    const vb = this.varOf(b);
    const v = Math.min(va, vb);
    const result =
      this.implies(va === v ? this.lowOf(a) : a, vb === v ? this.lowOf(b) : b) &&
      this.implies(va === v ? this.highOf(a) : a, vb === v ? this.highOf(b) : b);
    this.impliesMemo.set(key, result);
    return result;
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

  /** `a AND b` (conjunction) or `a OR b`; recursion allocates nothing but the nodes it makes. */
  private apply(a: number, b: number, conjunction: boolean): number {
    const absorbing = conjunction ? FALSE : TRUE;
    if (a === absorbing || b === absorbing) return absorbing;
    const neutral = conjunction ? TRUE : FALSE;
    if (a === neutral) return b;
    if (b === neutral || a === b) return a;
    const memo = conjunction ? this.andMemo : this.orMemo;
    const key = a < b ? a * PAIR + b : b * PAIR + a;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const va = this.varOf(a);
    const vb = this.varOf(b);
    const v = Math.min(va, vb);
    const low = this.apply(va === v ? this.lowOf(a) : a, vb === v ? this.lowOf(b) : b, conjunction);
    const high = this.apply(va === v ? this.highOf(a) : a, vb === v ? this.highOf(b) : b, conjunction);
    const result = this.make(v, low, high);
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
