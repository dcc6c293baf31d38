/** Small helpers for benchmark figures: percentiles, formatting, per-phase aggregation. */

/** Nearest-rank percentile (q in 0..1) of the samples; NaN when there are none. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  return samples.reduce((sum, x) => sum + x, 0) / samples.length;
}

/** Milliseconds with a precision that suits the magnitude. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  if (value >= 0.1) return `${value.toFixed(2)} ms`;
  return `${(value * 1000).toFixed(1)} µs`;
}

export function ratio(value: number, base: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(base) || base <= 0) return "n/a";
  const r = value / base;
  return r >= 100 ? `${r.toFixed(0)}×` : `${r.toFixed(1)}×`;
}

export function perMinute(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 60_000) / elapsedMs : Number.NaN;
}

export function verdict(met: boolean): string {
  return met ? "MET" : "MISSED";
}

/** Collects the compiler's per-phase timings over many compilations. */
export class PhaseTimes {
  private readonly samples = new Map<string, number[]>();

  add(timings: Readonly<Record<string, number>>): void {
    for (const [phase, value] of Object.entries(timings)) {
      const list = this.samples.get(phase) ?? [];
      list.push(value);
      this.samples.set(phase, list);
    }
  }

  /** "phase p50 (share of the summed p50s)" in pipeline order, dominant phase marked. */
  summary(): string {
    const medians = [...this.samples.entries()].map(([phase, values]) => [phase, percentile(values, 0.5)] as const);
    const total = medians.reduce((sum, [, value]) => sum + value, 0);
    const top = medians.reduce<readonly [string, number] | undefined>((best, entry) => (best === undefined || entry[1] > best[1] ? entry : best), undefined);
    return medians
      .map(([phase, value]) => `${phase} ${ms(value)} (${total > 0 ? ((value / total) * 100).toFixed(0) : "0"}%)${top !== undefined && phase === top[0] ? " ◀" : ""}`)
      .join(", ");
  }

  dominant(): string {
    let best: string | undefined;
    let bestValue = -1;
    for (const [phase, values] of this.samples) {
      const value = percentile(values, 0.5);
      if (value > bestValue) {
        best = phase;
        bestValue = value;
      }
    }
    return best ?? "n/a";
  }
}
