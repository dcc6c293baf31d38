/**
 * Runs compiled tools for the server: loads the verified package by content hash, gives it the
 * server's ToolContext (secret store, SSRF guard, OpenAI settings, published tools for
 * call_tool/for_each), enforces the run's deadline and the caller's disconnect through one
 * AbortSignal, collects the trace, redacts secrets, and records every run — succeeded, failed,
 * timed out or cancelled — before the caller gets an answer.
 */
import { loadTool } from "../runtime/loader";
import { guardedFetch } from "../runtime/ssrf";
import { createContext, invoke, isToolError, ToolError, type CallToolRequest, type HttpRequest, type Span, type ToolContext } from "../runtime/tool-runtime";
import type { Catalog, PublishedVersion } from "./catalog";
import type { Database, NewRun } from "./db/index";
import type { Logger } from "./logging";
import type { Metrics } from "./metrics";
import { Redactor } from "./redact";
import type { RunRecorder } from "./run-recorder";
import type { SecretSource } from "./secret-source";
import { SecretError } from "./secrets/index";
import { newRunId } from "./db/run-id";
import { issuesOf } from "./validation";

/** What to run: a published version, or a compiled draft. */
export interface RunTarget {
  readonly toolId: string;
  readonly toolName: string;
  /** Undefined for a draft (test run). */
  readonly version?: PublishedVersion;
  readonly hash: string;
  readonly files: Readonly<Record<string, string>>;
  /** Versions for the calls the graph makes without one (see signature.ts). */
  readonly calls: Readonly<Record<string, number>>;
}

export interface RunParams {
  readonly target: RunTarget;
  readonly input: unknown;
  readonly callerKeyId: string | null;
  readonly requestId: string | null;
  /**
   * How the run learns that its caller went away: called once with `cancel` when the run starts,
   * it returns the function that stops listening, called when the run is over. `whenAborted(signal)`
   * adapts an AbortSignal; HTTP routes listen to the response (routes/shared.ts).
   */
  readonly whenCallerGone?: CallerWatch;
  /** Each span as soon as it is recorded, secrets redacted (a streamed test run). */
  readonly onSpan?: (span: unknown) => void;
}

export interface RunFailure {
  readonly code: string;
  readonly message: string;
  readonly nodeId?: string;
  readonly details?: unknown;
}

export interface RunResult {
  readonly runId: string;
  readonly ok: boolean;
  readonly output?: unknown;
  readonly error?: RunFailure;
  /** The spans, secrets redacted. */
  readonly trace: unknown;
  readonly durationMs: number;
  readonly startedAt: Date;
}

/** Calls `cancel` once the caller is gone; returns the function that stops watching. */
export type CallerWatch = (cancel: () => void) => () => void;

/**
 * A CallerWatch from a departure that may already have happened (`gone()`: cancel at once, or a
 * listener added now would wait forever) or is still to come (`listen` returns its unlisten).
 */
export function callerWatch(gone: () => boolean, listen: CallerWatch): CallerWatch {
  return (cancel) => {
    if (!gone()) return listen(cancel);
    cancel();
    return () => undefined;
  };
}

/** `RunParams.whenCallerGone` for a caller that signals its departure with an AbortSignal. */
export function whenAborted(signal: AbortSignal): CallerWatch {
  return callerWatch(
    () => signal.aborted,
    (cancel) => {
      signal.addEventListener("abort", cancel, { once: true });
      return () => {
        signal.removeEventListener("abort", cancel);
      };
    },
  );
}

export interface RunnerOptions {
  readonly db: Database;
  readonly catalog: Catalog;
  readonly secrets: SecretSource;
  readonly recorder: RunRecorder;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly openai: { readonly apiKey?: string | undefined; readonly baseURL?: string | undefined };
  /** Private hosts the http node may call anyway (TOOLWRIGHT_ALLOW_HOSTS plus options). */
  readonly allowHosts: ReadonlySet<string>;
  readonly runTimeoutMs: number;
  readonly maxCallDepth?: number;
}

export interface Runner {
  run(params: RunParams): Promise<RunResult>;
  /** Resolves once every run started so far has finished and handed its record to the recorder. */
  idle(): Promise<void>;
}

/** Spans kept per run: a for_each over thousands of items must not make a trace unbounded. */
const MAX_SPANS = 5_000;
const DEFAULT_MAX_CALL_DEPTH = 8;

/** A span as a run reports it: spans of a tool that `call_tool`/`for_each` called name it (`name@version`). */
export type ReportedSpan = Span & { readonly tool?: string };

/** Per-run state shared by the run's context and the contexts of the tools it calls. */
interface RunState {
  readonly spans: ReportedSpan[];
  droppedSpans: number;
  readonly secretValues: Map<string, string>;
  readonly redactor: Redactor;
  readonly onSpan: ((span: unknown) => void) | undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type IssueLike = { readonly path: readonly PropertyKey[]; readonly message: string; readonly code?: string };

function isIssueList(value: unknown): value is readonly IssueLike[] {
  return Array.isArray(value) && value.every((item: unknown) => typeof item === "object" && item !== null && "path" in item && Array.isArray(item.path) && "message" in item && typeof item.message === "string");
}

function toFailure(error: unknown): RunFailure {
  if (!isToolError(error)) return { code: "INTERNAL", message: `the run failed unexpectedly: ${errorMessage(error)}` };
  if (error.code === "INVALID_INPUT" && isIssueList(error.details)) {
    return { code: error.code, message: error.message, details: { issues: issuesOf(error.details) } };
  }
  return {
    code: error.code,
    message: error.message,
    ...(error.nodeId === undefined ? {} : { nodeId: error.nodeId }),
    ...(error.details === undefined ? {} : { details: error.details }),
  };
}

export function createRunner(options: RunnerOptions): Runner {
  // The SSRF guard: literal IPs are checked before a request, names in the connection's own lookup.
  const fetchVetted = guardedFetch(new Set(options.allowHosts));
  const maxDepth = options.maxCallDepth ?? DEFAULT_MAX_CALL_DEPTH;

  async function resolveSecret(state: RunState, auth: NonNullable<HttpRequest["auth"]>): Promise<void> {
    let value: string | undefined;
    try {
      value = await options.secrets.get(auth.secret);
    } catch (error) {
      const reason = error instanceof SecretError ? error.message : "the secret store is unavailable";
      throw new ToolError("SECRET_UNAVAILABLE", `secret "${auth.secret}" cannot be read: ${reason}`);
    }
    if (value === undefined) return; // the runtime answers MISSING_SECRET
    state.secretValues.set(auth.secret, value);
    state.redactor.add(value);
    if (auth.type === "basic") state.redactor.add(Buffer.from(`${auth.username ?? ""}:${value}`).toString("base64"));
  }

  function contextFor(state: RunState, signal: AbortSignal, calls: Readonly<Record<string, number>>, depth: number, tag: string | undefined): ToolContext {
    const base = createContext({
      signal,
      secret: (name) => state.secretValues.get(name),
      openai: options.openai,
      fetch: fetchVetted,
      callTool: (request, callSignal) => callTool(state, request, callSignal, calls, depth),
      onSpan: (span) => {
        if (state.spans.length >= MAX_SPANS) {
          state.droppedSpans++;
          return;
        }
        const kept = tag === undefined ? span : { ...span, tool: tag };
        state.spans.push(kept);
        state.onSpan?.(state.redactor.value(kept));
      },
    });
    return {
      ...base,
      http: async (request, httpSignal) => {
        if (request.auth !== undefined) await resolveSecret(state, request.auth);
        return base.http(request, httpSignal);
      },
    };
  }

  /** call_tool / for_each: a published version, run inside the caller's run (same deadline, trace, secrets). */
  async function callTool(state: RunState, request: CallToolRequest, signal: AbortSignal, calls: Readonly<Record<string, number>>, depth: number): Promise<unknown> {
    if (depth >= maxDepth) throw new ToolError("CALL_DEPTH_EXCEEDED", `tools call each other more than ${String(maxDepth)} levels deep`);
    const number = request.version ?? calls[request.tool];
    const version = await options.catalog.resolve(request.tool, number);
    if (version === null) {
      throw new ToolError("UNKNOWN_TOOL", `tool "${request.tool}"${number === undefined ? "" : ` version ${String(number)}`} is not published`);
    }
    const tool = await loadTool(version.hash, version.files);
    const tag = `${version.toolName}@${String(version.number)}`;
    try {
      return await invoke(tool, request.input, contextFor(state, signal, version.signature.calls, depth + 1, tag));
    } catch (error) {
      if (!isToolError(error)) throw error;
      // The callee's node ids mean nothing in the caller's graph: name the callee, and let the
      // caller's node (call_tool / for_each) attach its own id.
      throw new ToolError(error.code, `${tag}: ${error.message}`, undefined, error.retryable, { tool: version.toolName, version: version.number, ...(error.nodeId === undefined ? {} : { nodeId: error.nodeId }) });
    }
  }

  async function execute(params: RunParams): Promise<RunResult> {
    const { target } = params;
    const runId = newRunId();
    const startedAt = new Date();
    const started = performance.now();
    const state: RunState = { spans: [], droppedSpans: 0, secretValues: new Map(), redactor: new Redactor(), onSpan: params.onSpan };
    state.redactor.add(options.openai.apiKey);

    // The deadline and the caller's departure abort the nodes (the context's signal) and answer at
    // once (`stopped`), whether or not the tool's code is still running. Both are ours to call, so
    // nothing listens on the signal: an AbortSignal listener added and removed costs ~4 µs a run.
    const controller = new AbortController();
    let rejectStopped: (reason: ToolError) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => {
      rejectStopped = reject;
    });
    stopped.catch(() => undefined);
    const stop = (reason: ToolError): void => {
      controller.abort(reason);
      rejectStopped(reason);
    };
    const timer = setTimeout(() => {
      stop(new ToolError("DEADLINE_EXCEEDED", `the run did not finish within its deadline of ${String(options.runTimeoutMs)} ms`));
    }, options.runTimeoutMs);
    const stopListening = params.whenCallerGone?.(() => {
      stop(new ToolError("CANCELLED", "the caller closed the connection before the run finished"));
    });

    let output: unknown;
    let failure: RunFailure | undefined;
    try {
      const tool = await loadTool(target.hash, target.files);
      const ctx = contextFor(state, controller.signal, target.calls, 0, undefined);
      output = await Promise.race([invoke(tool, params.input, ctx), stopped]);
    } catch (error) {
      failure = toFailure(error);
    } finally {
      clearTimeout(timer);
      stopListening?.();
    }
    const durationMs = performance.now() - started;

    const redactor = state.redactor;
    const trace = redactor.value(state.spans);
    const redactedFailure: RunFailure | undefined =
      failure === undefined ? undefined : { ...failure, message: redactor.text(failure.message), ...(failure.details === undefined ? {} : { details: redactor.value(failure.details) }) };
    const redactedOutput = failure === undefined ? redactor.value(output) : undefined;
    if (state.droppedSpans > 0) options.logger.warn({ runId, tool: target.toolName, dropped: state.droppedSpans }, "trace truncated");

    const record: NewRun = {
      id: runId,
      toolId: target.toolId,
      toolVersionId: target.version?.versionId ?? null,
      status: failure === undefined ? "succeeded" : "failed",
      input: redactor.value(params.input) ?? null,
      output: redactedOutput,
      error: redactedFailure === undefined ? null : { code: redactedFailure.code, message: redactedFailure.message, nodeId: redactedFailure.nodeId, details: redactedFailure.details },
      trace,
      startedAt,
      durationMs,
      callerKeyId: params.callerKeyId,
      requestId: params.requestId,
    };
    try {
      await options.recorder.record(record);
    } catch (error) {
      options.metrics.runRecordFailed();
      options.logger.error({ runId, tool: target.toolName, requestId: params.requestId, err: { message: redactor.text(errorMessage(error)) } }, "run could not be recorded");
    }

    if (target.version !== undefined) options.metrics.invocation(target.toolName, record.status, durationMs, redactedFailure?.code);
    if (redactedFailure !== undefined) {
      options.logger.info(
        { runId, requestId: params.requestId, tool: target.toolName, version: target.version?.number ?? "draft", code: redactedFailure.code, nodeId: redactedFailure.nodeId },
        "run failed",
      );
    }
    return {
      runId,
      ok: failure === undefined,
      ...(redactedFailure === undefined ? { output: redactedOutput } : { error: redactedFailure }),
      trace,
      durationMs,
      startedAt,
    };
  }

  // Shutdown waits for these: a run whose caller was cut off still records itself afterwards.
  const active = new Set<Promise<RunResult>>();
  return {
    run(params) {
      const running = execute(params);
      active.add(running);
      void running.finally(() => active.delete(running)).catch(() => undefined);
      return running;
    },
    async idle() {
      while (active.size > 0) await Promise.allSettled([...active]);
    },
  };
}
