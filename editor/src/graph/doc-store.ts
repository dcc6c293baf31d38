import type { Doc } from "./model";

/**
 * The editor's document with undo/redo. Every edit goes through `update`:
 * - `history: "push"` records one undo step (a delete with its edges, an added node);
 * - a string coalesces consecutive edits with the same key into one step (typing in a field);
 * - `"none"` changes the document without a step (selection, measuring, a drag in progress:
 *   the drag's step is recorded by `checkpoint()` when it starts).
 * `dirty` tracks what was saved; selection and measurements never make it dirty.
 */
export type HistoryMode = "push" | "none" | { readonly coalesce: string };

const LIMIT = 200;
const COALESCE_MS = 1200;

export class DocStore {
  private past: Doc[] = [];
  private future: Doc[] = [];
  private present: Doc;
  private coalesce: { key: string; at: number } | undefined;
  private readonly listeners = new Set<() => void>();
  /** Increments on every change that is saved with the graph. */
  revision = 0;
  savedRevision = 0;

  constructor(doc: Doc) {
    this.present = doc;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): Doc => this.present;

  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }
  get dirty(): boolean {
    return this.revision !== this.savedRevision;
  }

  update(fn: (doc: Doc) => Doc, history: HistoryMode, options: { readonly dirty?: boolean } = {}): void {
    const next = fn(this.present);
    if (next === this.present) return;
    if (history === "push") this.record();
    else if (history !== "none") {
      const now = Date.now();
      if (this.coalesce === undefined || this.coalesce.key !== history.coalesce || now - this.coalesce.at > COALESCE_MS) this.record();
      this.coalesce = { key: history.coalesce, at: now };
    }
    if (history !== "none" || options.dirty === true) this.revision++;
    this.present = next;
    this.emit();
  }

  /** Records the current document as an undo step (before a drag). */
  checkpoint(): void {
    this.record();
  }

  /** Replaces the document (a load): no undo step, clean. */
  reset(doc: Doc): void {
    this.past = [];
    this.future = [];
    this.present = doc;
    this.coalesce = undefined;
    this.revision++;
    this.savedRevision = this.revision;
    this.emit();
  }

  undo(): void {
    const previous = this.past.pop();
    if (previous === undefined) return;
    this.future.push(this.present);
    this.present = keepMeasured(previous, this.present);
    this.coalesce = undefined;
    this.revision++;
    this.emit();
  }

  redo(): void {
    const next = this.future.pop();
    if (next === undefined) return;
    this.past.push(this.present);
    this.present = keepMeasured(next, this.present);
    this.coalesce = undefined;
    this.revision++;
    this.emit();
  }

  markSaved(revision: number): void {
    this.savedRevision = revision;
    this.emit();
  }

  private record(): void {
    this.past.push(this.present);
    if (this.past.length > LIMIT) this.past.shift();
    this.future = [];
    this.coalesce = undefined;
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

/** Restored nodes keep the current measurements and selection, so React Flow need not re-measure. */
function keepMeasured(doc: Doc, current: Doc): Doc {
  const now = new Map(current.nodes.map((n) => [n.id, n]));
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const c = now.get(n.id);
      if (c === undefined) return n;
      return { ...n, ...(c.measured ? { measured: c.measured } : {}), selected: c.selected ?? false };
    }),
  };
}
