/**
 * Secret redaction for everything a run leaves behind (trace, output, error, logs).
 *
 * Generated code and spans only ever hold a secret's *name*; the value is resolved inside the
 * server's `http` capability. But an upstream can echo it back (a request inspector, an error
 * page quoting the Authorization header), so every value resolved during a run is registered
 * here, with the encodings it was sent in, and scrubbed from every string before the run is
 * stored, returned or logged.
 */

export const REDACTED = "[REDACTED]";

/** Shorter values would scrub ordinary text; a real token is far longer. */
const MIN_LENGTH = 4;

export class Redactor {
  private readonly values = new Set<string>();

  /** Registers a secret value (and nothing shorter than 4 characters). */
  add(value: string | undefined): void {
    if (value !== undefined && value.length >= MIN_LENGTH) this.values.add(value);
  }

  get size(): number {
    return this.values.size;
  }

  text(value: string): string {
    let result = value;
    for (const secret of this.values) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    return result;
  }

  /** A deep copy of a JSON-like value with every registered secret replaced (keys included). */
  value(value: unknown): unknown {
    if (this.values.size === 0) return value;
    return this.walk(value, 0);
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === "string") return this.text(value);
    if (typeof value !== "object" || value === null || depth > 200) return value;
    if (Array.isArray(value)) return value.map((item: unknown) => this.walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[this.text(key)] = this.walk(item, depth + 1);
    return out;
  }
}
