import type { TraceSpan } from "../api/client";
import type { RunMark } from "./overlay";

/** What a run's node statuses depend on: the nodes and the edges of the graph that was run. */
export interface RunTopology {
  readonly nodeIds: readonly string[];
  readonly edges: readonly { readonly source: string; readonly target: string }[];
}

/** The statuses of a trace's spans, by node (spans of called tools excluded: they are not this graph's nodes). */
export function runMarks(trace: readonly TraceSpan[]): Map<string, RunMark> {
  const marks = new Map<string, RunMark>();
  for (const span of trace) if (span.tool === undefined) marks.set(span.nodeId, { status: span.status, durationMs: span.durationMs, attempts: span.attempts });
  return marks;
}

/**
 * The statuses while a run is in flight: finished nodes from their spans, and "running" for a
 * node without a span whose incoming edges' sources have all finished with at least one of
 * them succeeded and none failed. That is the runtime's rule (runtime/tool-runtime.ts `step`): a node waits
 * for every incoming edge to settle — joins and merges alike — and runs when at least one was
 * taken; a failed source fails the run. When no edge can have been taken it will be skipped, or never
 * reached, so it is not shown running. References need no edge: the compiler only allows
 * ancestors, which have finished by then. A conditional's untaken side may show "running"
 * until its skipped span arrives (the span does not say which port was taken).
 */
export function liveRunMarks(topology: RunTopology, spans: readonly TraceSpan[]): Map<string, RunMark> {
  const finished = runMarks(spans);
  const sources = new Map<string, string[]>();
  for (const edge of topology.edges) sources.set(edge.target, [...(sources.get(edge.target) ?? []), edge.source]);
  const marks = new Map(finished);
  for (const id of topology.nodeIds) {
    if (finished.has(id)) continue;
    const from = (sources.get(id) ?? []).map((source) => finished.get(source)?.status);
    const mayRun = from.length === 0 || (from.includes("succeeded") && !from.includes("failed") && !from.includes(undefined));
    if (mayRun) marks.set(id, { status: "running" });
  }
  return marks;
}

/**
 * Collects a streamed run's spans and reports the statuses at most once per animation frame,
 * so a burst of spans (pure nodes finish together) costs one overlay update, and the overlay
 * re-renders only the nodes whose status changed.
 */
export class LiveRun {
  private readonly spans: TraceSpan[] = [];
  private started = false;
  private frame: number | undefined;

  constructor(
    private readonly topology: RunTopology,
    private readonly report: (marks: Map<string, RunMark>, spans: readonly TraceSpan[]) => void,
  ) {}

  /** The run began (the draft compiled): the nodes without dependencies are running. */
  start(): void {
    this.started = true;
    this.schedule();
  }

  add(span: TraceSpan): void {
    this.spans.push(span);
    this.schedule();
  }

  /** The spans so far. */
  get trace(): readonly TraceSpan[] {
    return this.spans;
  }

  /** No more reports (the run ended or was cancelled). */
  stop(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
  }

  private schedule(): void {
    this.frame ??= requestAnimationFrame(() => {
      this.frame = undefined;
      this.report(this.started ? liveRunMarks(this.topology, this.spans) : runMarks(this.spans), [...this.spans]);
    });
  }
}
