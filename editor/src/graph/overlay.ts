import { useSyncExternalStore } from "react";
import type { SpanStatus } from "../api/client";

/**
 * Per-node decorations that change independently of the graph: validation badges and
 * run statuses. Each node subscribes to its own entry, so a new validation or a run
 * re-renders only the nodes whose decoration changed.
 */
export interface RunMark {
  /** A finished node's span status, or "running" while a run is in flight (live-run.ts). */
  readonly status: SpanStatus | "running";
  readonly durationMs?: number;
  readonly attempts?: number;
}

export interface NodeOverlay {
  readonly errors: number;
  readonly warnings: number;
  readonly message?: string;
  readonly run?: RunMark;
}

const EMPTY: NodeOverlay = { errors: 0, warnings: 0 };

export class OverlayStore {
  private entries = new Map<string, NodeOverlay>();
  private readonly listeners = new Map<string, Set<() => void>>();

  get(id: string): NodeOverlay {
    return this.entries.get(id) ?? EMPTY;
  }

  subscribe(id: string, listener: () => void): () => void {
    let set = this.listeners.get(id);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private replace(next: Map<string, NodeOverlay>): void {
    const changed = new Set<string>();
    for (const [id, value] of next) if (!sameOverlay(this.entries.get(id), value)) changed.add(id);
    for (const id of this.entries.keys()) if (!next.has(id)) changed.add(id);
    this.entries = next;
    for (const id of changed) for (const l of this.listeners.get(id) ?? []) l();
  }

  setDiagnostics(byNode: ReadonlyMap<string, { readonly errors: number; readonly warnings: number; readonly first?: { readonly message: string } }>): void {
    const next = new Map<string, NodeOverlay>();
    for (const [id, entry] of this.entries) if (entry.run) next.set(id, { errors: 0, warnings: 0, run: entry.run });
    for (const [id, d] of byNode) {
      const run = next.get(id)?.run;
      next.set(id, { errors: d.errors, warnings: d.warnings, ...(d.first ? { message: d.first.message } : {}), ...(run ? { run } : {}) });
    }
    this.replace(next);
  }

  /** Run statuses by node (graph/live-run.ts), or none. */
  setRun(runs: ReadonlyMap<string, RunMark> | undefined): void {
    const next = new Map<string, NodeOverlay>();
    for (const [id, entry] of this.entries) if (entry.errors + entry.warnings > 0) next.set(id, { errors: entry.errors, warnings: entry.warnings, ...(entry.message !== undefined ? { message: entry.message } : {}) });
    for (const [id, run] of runs ?? []) next.set(id, { ...(next.get(id) ?? EMPTY), run });
    this.replace(next);
  }
}

function sameOverlay(a: NodeOverlay | undefined, b: NodeOverlay): boolean {
  return a !== undefined && a.errors === b.errors && a.warnings === b.warnings && a.message === b.message && a.run?.status === b.run?.status && a.run?.durationMs === b.run?.durationMs && a.run?.attempts === b.run?.attempts;
}

export function useNodeOverlay(store: OverlayStore, id: string): NodeOverlay {
  return useSyncExternalStore(
    (listener) => store.subscribe(id, listener),
    () => store.get(id),
  );
}
