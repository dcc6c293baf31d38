/**
 * A small reduced ordered binary decision diagram, used to reason about which branch
 * decisions let a node run. Nodes are integers; 0 is false, 1 is true. Hash-consing makes
 * equal functions equal integers; `implies(a, b)` walks both diagrams and builds nothing.
 */
import { mixHash, PairTable } from "./int-tables";

export const FALSE = 0;
export const TRUE = 1;

export class Bdd {
  private readonly variable: number[] = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  private readonly low: number[] = [0, 1];
  private readonly high: number[] = [0, 1];
  /** The unique table: open addressing over node ids (0, a terminal, marks an empty slot). */
  private unique = new Int32Array(64);
  private readonly andMemo = new PairTable();
  private readonly orMemo = new PairTable();
  private readonly notMemo = new Map<number, number>();
  /** implies(a, b) as 1 or 0. */
  private readonly impliesMemo = new PairTable();

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
    const cached = this.impliesMemo.get(a, b);
    if (cached !== -1) return cached === 1;
    const va = this.varOf(a);
    const vb = this.varOf(b);
    const v = Math.min(va, vb);
    const result =
      this.implies(va === v ? this.lowOf(a) : a, vb === v ? this.lowOf(b) : b) &&
      this.implies(va === v ? this.highOf(a) : a, vb === v ? this.highOf(b) : b);
    this.impliesMemo.add(a, b, result ? 1 : 0);
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
    // Both operations commute: one entry per unordered pair.
    const x = Math.min(a, b);
    const y = Math.max(a, b);
    const cached = memo.get(x, y);
    if (cached !== -1) return cached;
    const va = this.varOf(a);
    const vb = this.varOf(b);
    const v = Math.min(va, vb);
    const low = this.apply(va === v ? this.lowOf(a) : a, vb === v ? this.lowOf(b) : b, conjunction);
    const high = this.apply(va === v ? this.highOf(a) : a, vb === v ? this.highOf(b) : b, conjunction);
    const result = this.make(v, low, high);
    memo.add(x, y, result);
    return result;
  }

  private make(v: number, low: number, high: number): number {
    if (low === high) return low;
    const mask = this.unique.length - 1;
    let i = mixHash(mixHash(v, low), high) & mask;
    for (let id = this.unique[i] ?? FALSE; id !== FALSE; id = this.unique[i] ?? FALSE) {
      if (this.variable[id] === v && this.low[id] === low && this.high[id] === high) return id;
      i = (i + 1) & mask;
    }
    const id = this.variable.length;
    this.variable.push(v);
    this.low.push(low);
    this.high.push(high);
    this.unique[i] = id;
    if (id * 2 > this.unique.length) this.growUnique();
    return id;
  }

  private growUnique(): void {
    this.unique = new Int32Array(this.unique.length * 2);
    const mask = this.unique.length - 1;
    for (let id = 2; id < this.variable.length; id++) {
      let i = mixHash(mixHash(this.varOf(id), this.lowOf(id)), this.highOf(id)) & mask;
      while (this.unique[i] !== FALSE) i = (i + 1) & mask;
      this.unique[i] = id;
    }
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
