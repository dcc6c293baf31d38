/**
 * Hash tables over typed arrays for the BDD: finding or adding an entry allocates nothing.
 * (Maps keyed by two packed node ids held a heap number per entry, and the unique table a
 * Map per (variable, low) pair: most of validation's garbage on large graphs.)
 */

const EMPTY = -1;

/** Mixes two int32 into a well-spread int32 hash. */
export function mixHash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x27d4eb2d, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** An exact map from a pair of non-negative int32 (node ids) to a non-negative int32. */
export class PairTable {
  private first = new Int32Array(64).fill(EMPTY);
  private second = new Int32Array(64);
  private values = new Int32Array(64);
  private size = 0;

  /** The value stored for (a, b), or -1. */
  get(a: number, b: number): number {
    const mask = this.first.length - 1;
    for (let i = mixHash(a, b) & mask; ; i = (i + 1) & mask) {
      const key = this.first[i] ?? EMPTY;
      if (key === EMPTY) return EMPTY;
      if (key === a && this.second[i] === b) return this.values[i] ?? EMPTY;
    }
  }

  /** Stores a value for a pair that is not in the table yet. */
  add(a: number, b: number, value: number): void {
    if ((this.size + 1) * 2 > this.first.length) this.grow();
    this.insert(a, b, value);
    this.size++;
  }

  private insert(a: number, b: number, value: number): void {
    const mask = this.first.length - 1;
    let i = mixHash(a, b) & mask;
    while (this.first[i] !== EMPTY) i = (i + 1) & mask;
    this.first[i] = a;
    this.second[i] = b;
    this.values[i] = value;
  }

  private grow(): void {
    const { first, second, values } = this;
    this.first = new Int32Array(first.length * 2).fill(EMPTY);
    this.second = new Int32Array(first.length * 2);
    this.values = new Int32Array(first.length * 2);
    for (let i = 0; i < first.length; i++) {
      const a = first[i] ?? EMPTY;
      if (a !== EMPTY) this.insert(a, second[i] ?? 0, values[i] ?? 0);
    }
  }
}
