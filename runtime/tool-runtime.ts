/**
 * The Toolwright tool runtime: the contract generated tool code imports, the scheduler
 * that runs a node (waiting on incoming edges, retry, timeout, onError, tracing) and a
 * standalone ToolContext implementation. This file is vendored verbatim into every
 * generated package as `src/runtime.ts`, so it imports nothing but `openai`, and the
 * server runs tools through this very code.
 */
import OpenAI from "openai";

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly backoff: "fixed" | "linear" | "exponential";
  readonly initialDelayMs: number;
  readonly maxDelayMs?: number;
}

export interface NodeSpec {
  readonly id: string;
  readonly kind: string;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly onError?: "fail" | "continue";
}

/** What a node's promise resolves to: it ran (with the port it took) or it was skipped. */
export type Outcome<T> = { readonly ran: true; readonly value: T; readonly port: string } | { readonly ran: false };

/**
 * An incoming edge: the source node's outcome and the source port the edge leaves from; or,
 * when the source ran inline (a pure node evaluated before the first step started), whether the
 * edge was taken.
 */
export type Incoming = readonly [Promise<Outcome<unknown>>, string] | boolean;

export type SpanStatus = "succeeded" | "failed" | "skipped";

export interface Span {
  readonly nodeId: string;
  readonly kind: string;
  readonly status: SpanStatus;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly attempts: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
  readonly usage?: LlmUsage;
}

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly auth?: { readonly type: "bearer" | "header" | "basic"; readonly secret: string; readonly header?: string; readonly username?: string };
  readonly responseType: "json" | "text";
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export interface LlmUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

export interface LlmRequest {
  readonly model: string;
  readonly system?: string;
  readonly prompt: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly output: { readonly type: "text" } | { readonly type: "json"; readonly name: string; readonly schema: JsonValue };
}

export interface LlmResponse {
  readonly text: string;
  readonly data: unknown;
  readonly usage: LlmUsage;
}

export interface CallToolRequest {
  readonly tool: string;
  readonly version?: number;
  readonly input: unknown;
}

/** What generated code may do to the outside world. Everything else is pure. */
export interface ToolContext {
  /** Aborted when the caller goes away or the run's deadline passes. */
  readonly signal: AbortSignal;
  http(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse>;
  llm(request: LlmRequest, signal: AbortSignal): Promise<LlmResponse>;
  callTool(request: CallToolRequest, signal: AbortSignal): Promise<unknown>;
  /** Receives one span per node. */
  onSpan?(span: Span): void;
}

/** An error raised while running a node; always names the node. */
export class ToolError extends Error {
  override readonly name = "ToolError";
  constructor(
    readonly code: string,
    message: string,
    readonly nodeId?: string,
    readonly retryable = false,
    readonly details?: unknown,
  ) {
    super(nodeId === undefined ? message : `node "${nodeId}": ${message}`);
  }
}

/** The scope a node body runs in: its attempt's signal, and where it records its input. */
export interface NodeScope {
  readonly signal: AbortSignal;
  record<I>(input: I): I;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): ToolError {
  return abortReasonError(signal.reason);
}

function abortReasonError(reason: unknown): ToolError {
  if (isToolError(reason)) return reason;
  return new ToolError("CANCELLED", reason instanceof Error ? reason.message : "the run was cancelled");
}

export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  const base = policy.initialDelayMs;
  const raw = policy.backoff === "fixed" ? base : policy.backoff === "linear" ? base * failedAttempt : base * 2 ** (failedAttempt - 1);
  return policy.maxDelayMs === undefined ? raw : Math.min(raw, policy.maxDelayMs);
}

/**
 * Whether `error` is a ToolError, also one thrown by another copy of this file (the
 * server's context and a loaded tool's vendored runtime are separate copies).
 */
export function isToolError(error: unknown): error is ToolError {
  return error instanceof ToolError || (error instanceof Error && error.name === "ToolError" && typeof (error as { code?: unknown }).code === "string");
}

function toToolError(error: unknown, nodeId: string): ToolError {
  if (isToolError(error)) {
    return error.nodeId === undefined ? new ToolError(error.code, error.message, nodeId, error.retryable, error.details) : error;
  }
  if (isZodLikeError(error)) return new ToolError("SCHEMA_MISMATCH", `value does not match the declared schema: ${error.message}`, nodeId);
  const message = error instanceof Error ? error.message : String(error);
  return new ToolError("NODE_FAILED", message, nodeId);
}

function isZodLikeError(error: unknown): error is Error {
  return error instanceof Error && error.name === "ZodError";
}

function errorSummary(error: ToolError): { code: string; message: string } {
  return { code: error.code, message: error.message };
}

/**
 * Runs the node's body once per try with the node's timeout, retrying retryable failures per
 * policy. Only a node with a timeout gets an AbortController (and a timer) per attempt;
 * otherwise the attempt runs on the run's own signal, which is all a per-attempt signal
 * would follow.
 */
async function withRetry<T>(ctx: ToolContext, spec: NodeSpec, record: <I>(input: I) => I, body: (scope: NodeScope) => Promise<T>): Promise<{ value: T; attempts: number }> {
  const maxAttempts = spec.retry?.maxAttempts ?? 1;
  for (let attemptNo = 1; ; attemptNo++) {
    try {
      const value = spec.timeoutMs === undefined ? await untimedAttempt(ctx, record, body) : await timedAttempt(ctx, spec, spec.timeoutMs, record, body);
      return { value, attempts: attemptNo };
    } catch (error) {
      const failure = toToolError(error, spec.id);
      if (isAborted(ctx) || !failure.retryable || attemptNo >= maxAttempts || spec.retry === undefined) {
        throw new AttemptsError(failure, attemptNo);
      }
      await sleep(backoffDelay(spec.retry, attemptNo), ctx.signal);
    }
  }
}

/**
 * One attempt on the run's signal. The effects a body can wait on (`ctx.http`, `ctx.llm`,
 * `ctx.callTool`, `sleep`) reject as soon as that signal aborts, and everything else a body
 * does finishes within the same turn; so checking the run before and after gives the attempt
 * the outcome a race against the signal would, without a listener per node.
 */
async function untimedAttempt<T>(ctx: ToolContext, record: <I>(input: I) => I, body: (scope: NodeScope) => Promise<T>): Promise<T> {
  throwIfAborted(ctx);
  const value = await body(new RunNodeScope(ctx, record));
  throwIfAborted(ctx);
  return value;
}

/** One attempt under `timeoutMs`: its own signal, aborted by the run's or by the timer, and never outlived. */
async function timedAttempt<T>(ctx: ToolContext, spec: NodeSpec, timeoutMs: number, record: <I>(input: I) => I, body: (scope: NodeScope) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  // The reason is always a ToolError, so a run aborted for whatever reason fails the attempt with it (CANCELLED unless a ToolError says otherwise).
  const onRunAbort = (): void => {
    controller.abort(abortError(ctx.signal));
  };
  if (ctx.signal.aborted) onRunAbort();
  ctx.signal.addEventListener("abort", onRunAbort, { once: true });
  const timer = setTimeout(() => {
    controller.abort(new ToolError("TIMEOUT", `timed out after ${String(timeoutMs)} ms`, spec.id, true));
  }, timeoutMs);
  try {
    return await raceAbort(body({ signal: controller.signal, record }), controller.signal);
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener("abort", onRunAbort);
  }
}

/**
 * A node's scope on the run's own signal. The signal is read only when the body asks for it
 * (bodies that call the outside world do; pure ones never), so a run of pure nodes creates
 * no AbortSignal at all (see RunContext).
 */
class RunNodeScope implements NodeScope {
  constructor(
    private readonly ctx: ToolContext,
    readonly record: <I>(input: I) => I,
  ) {}

  get signal(): AbortSignal {
    return this.ctx.signal;
  }
}

class AttemptsError extends Error {
  constructor(
    readonly failure: ToolError,
    readonly attempts: number,
  ) {
    super(failure.message);
  }
}

/**
 * Settles with `work`, or rejects as soon as `signal` aborts: with the abort reason when it
 * is an Error, else `CANCELLED`. A `work` that loses the race may still reject later; that
 * rejection is consumed, so it never surfaces as an unhandled rejection. The server races a
 * whole run with this, and a timed node attempt its body (so a timeout is never outlived).
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      const reason: unknown = signal.reason;
      reject(reason instanceof Error ? reason : new ToolError("CANCELLED", "the run was cancelled"));
    };
    if (signal.aborted) {
      onAbort();
      work.catch(() => undefined);
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Every skipped node's outcome: it carries nothing, so one frozen object serves them all. */
const SKIPPED: Outcome<never> = Object.freeze({ ran: false });

/** `scope.record` when nothing is traced: nobody reads the recorded input. */
const keepInput = <I>(input: I): I => input;

function isTaken(outcome: Outcome<unknown>, port: string | undefined): boolean {
  return outcome.ran && outcome.port === port;
}

/** Whether at least one incoming edge was taken, once every one is taken or ruled out. */
async function anyTaken(incoming: readonly Incoming[]): Promise<boolean> {
  const first = incoming[0];
  if (incoming.length === 1 && first !== undefined) return typeof first === "boolean" ? first : isTaken(await first[0], first[1]);
  const taken = await Promise.all(incoming.map((edge) => (typeof edge === "boolean" ? Promise.resolve(edge) : edge[0].then((outcome) => isTaken(outcome, edge[1])))));
  return taken.includes(true);
}

/**
 * Runs one node: waits until every incoming edge is taken or ruled out, skips the node
 * when none was taken, else runs `body` under the node's retry, timeout and onError
 * policy, and reports a span. `port` names the port the result leaves from.
 *
 * This is the hot path of every run (once per node), so it does no work nobody asked for:
 * one incoming edge is awaited directly (no Promise.all), and without `ctx.onSpan` there
 * are no clocks, spans or recorded inputs.
 */
export async function step<T>(
  ctx: ToolContext,
  spec: NodeSpec,
  incoming: readonly Incoming[],
  body: (scope: NodeScope) => Promise<T>,
  options: { readonly port?: (value: NoInfer<T>) => string; readonly fallback?: () => NoInfer<T> } = {},
): Promise<Outcome<T>> {
  if (incoming.length > 0) {
    if (!(await anyTaken(incoming))) {
      ctx.onSpan?.({ nodeId: spec.id, kind: spec.kind, status: "skipped", startedAt: Date.now(), durationMs: 0, attempts: 0 });
      return SKIPPED;
    }
  }
  const tracing = ctx.onSpan !== undefined;
  const startedAt = tracing ? Date.now() : 0;
  const started = tracing ? performance.now() : 0;
  let recorded: unknown;
  const record = tracing
    ? <I>(input: I): I => {
        recorded = input;
        return input;
      }
    : keepInput;
  try {
    let value: T;
    let attempts = 1;
    if (spec.retry === undefined && spec.timeoutMs === undefined) {
      // Most nodes: one attempt on the run's signal (untimedAttempt, inlined).
      throwIfAborted(ctx);
      value = await body(new RunNodeScope(ctx, record));
      throwIfAborted(ctx);
    } else {
      ({ value, attempts } = await withRetry(ctx, spec, record, body));
    }
    if (ctx.onSpan !== undefined) {
      const usage = usageOf(value);
      const durationMs = performance.now() - started;
      ctx.onSpan(
        usage === undefined
          ? { nodeId: spec.id, kind: spec.kind, status: "succeeded", startedAt, durationMs, attempts, input: recorded, output: value }
          : { nodeId: spec.id, kind: spec.kind, status: "succeeded", startedAt, durationMs, attempts, input: recorded, output: value, usage },
      );
    }
    return { ran: true, value, port: options.port ? options.port(value) : "out" };
  } catch (error) {
    const { failure, attempts } = error instanceof AttemptsError ? error : { failure: toToolError(error, spec.id), attempts: 1 };
    const durationMs = tracing ? performance.now() - started : 0;
    if (options.fallback !== undefined && !isAborted(ctx)) {
      const value = options.fallback();
      ctx.onSpan?.({ nodeId: spec.id, kind: spec.kind, status: "succeeded", startedAt, durationMs, attempts, input: recorded, error: errorSummary(failure), output: value });
      return { ran: true, value, port: options.port ? options.port(value) : "out" };
    }
    ctx.onSpan?.({ nodeId: spec.id, kind: spec.kind, status: "failed", startedAt, durationMs, attempts, input: recorded, error: errorSummary(failure) });
    throw failure;
  }
}

function usageOf(value: unknown): LlmUsage | undefined {
  if (typeof value !== "object" || value === null || !("usage" in value)) return undefined;
  const usage = value.usage;
  if (typeof usage !== "object" || usage === null || !("totalTokens" in usage)) return undefined;
  return usage as LlmUsage;
}

/** The value of a node the compiler proved has run; anything else is a Toolwright bug. */
export function ranValue<T>(outcome: Outcome<T>, nodeId: string): T {
  if (!outcome.ran) throw new ToolError("INTERNAL", `the compiler proved "${nodeId}" ran before this point, but it did not`, nodeId);
  return outcome.value;
}

/** The output of a node run inline that the compiler proved has run; anything else is a Toolwright bug. */
export function ranOutput<T>(value: T | undefined, nodeId: string): T {
  if (value === undefined) throw new ToolError("INTERNAL", `the compiler proved "${nodeId}" ran before this point, but it did not`, nodeId);
  return value;
}

/** For `merge`: no candidate ran, which the compiler proved cannot happen. */
export function noCandidate(nodeId: string, field: string): never {
  throw new ToolError("INTERNAL", `no candidate for field "${field}" ran`, nodeId);
}

/**
 * The context of one run: the caller's context with a child signal, so the first failure
 * can cancel the nodes still running. The child AbortController is created only when a node
 * asks for the signal (to pass it to `ctx.http`, `ctx.llm`, `ctx.callTool`, `sleep`);
 * until then whether the run is aborted is read from the caller's signal and `cancel`.
 * Creating an AbortSignal costs more than running a pure node, and most nodes are pure.
 */
class RunContext implements ToolContext {
  readonly onSpan: ((span: Span) => void) | undefined;
  private controller: AbortController | undefined;
  private cancelled: { readonly reason: ToolError } | undefined;
  private released = false;
  private readonly onOuterAbort = (): void => {
    this.controller?.abort(this.outer.signal.reason);
  };

  constructor(private readonly outer: ToolContext) {
    this.onSpan =
      outer.onSpan === undefined
        ? undefined
        : (span): void => {
            outer.onSpan?.(span);
          };
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.cancelled !== undefined) controller.abort(this.cancelled.reason);
      else if (this.outer.signal.aborted) controller.abort(this.outer.signal.reason);
      else if (!this.released) this.outer.signal.addEventListener("abort", this.onOuterAbort, { once: true });
    }
    return this.controller.signal;
  }

  /** Whether the run was cancelled or its caller aborted, without creating the signal. */
  get aborted(): boolean {
    return this.controller === undefined ? this.cancelled !== undefined || this.outer.signal.aborted : this.controller.signal.aborted;
  }

  /** Why the run was aborted (valid when `aborted`). */
  get reason(): unknown {
    const reason: unknown = this.controller === undefined ? (this.cancelled?.reason ?? this.outer.signal.reason) : this.controller.signal.reason;
    return reason;
  }

  http(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    return this.outer.http(request, signal);
  }

  llm(request: LlmRequest, signal: AbortSignal): Promise<LlmResponse> {
    return this.outer.llm(request, signal);
  }

  callTool(request: CallToolRequest, signal: AbortSignal): Promise<unknown> {
    return this.outer.callTool(request, signal);
  }

  cancel(reason: ToolError | undefined): void {
    if (this.controller !== undefined) this.outer.signal.removeEventListener("abort", this.onOuterAbort);
    this.released = true;
    if (reason === undefined || this.aborted) return;
    this.cancelled = { reason };
    this.controller?.abort(reason);
  }
}

function isAborted(ctx: ToolContext): boolean {
  return ctx instanceof RunContext ? ctx.aborted : ctx.signal.aborted;
}

/** Throws the run's abort reason as a ToolError (CANCELLED unless it is one) when the run was aborted. */
export function throwIfAborted(ctx: ToolContext): void {
  if (ctx instanceof RunContext) {
    if (ctx.aborted) throw abortReasonError(ctx.reason);
  } else if (ctx.signal.aborted) throw abortError(ctx.signal);
}

/**
 * A child context for one run, so the first failure can cancel the nodes still running.
 * `cancel(reason)` aborts the run's nodes; `cancel()` (what `finish` calls once every node
 * has settled) only lets go of the outer signal, so a long-lived outer signal does not
 * collect one listener per run.
 */
export function runScope(outer: ToolContext): { ctx: ToolContext; cancel: (reason?: ToolError) => void } {
  const ctx = new RunContext(outer);
  return {
    ctx,
    cancel: (reason) => {
      ctx.cancel(reason);
    },
  };
}

/**
 * Waits for every step (failing fast on the first failure, which cancels the rest) and
 * returns the value of the output node that ran: `inlineOutput`, the output of an output
 * node run inline (undefined when none ran), else the first step output that ran.
 */
export async function finish<O>(all: readonly Promise<Outcome<unknown>>[], outputs: readonly Promise<Outcome<O>>[], cancel: (reason?: ToolError) => void, inlineOutput?: O): Promise<O> {
  try {
    await Promise.all(all);
  } catch (error) {
    cancel(toToolError(error, "run"));
    throw error;
  }
  cancel();
  if (inlineOutput !== undefined) return inlineOutput;
  for (const output of outputs) {
    const outcome = await output;
    if (outcome.ran) return outcome.value;
  }
  return noOutput();
}

/** No output node ran, which the compiler proved cannot happen. */
export function noOutput(): never {
  throw new ToolError("NO_OUTPUT", "the run ended without reaching an output node");
}

// ---- nodes run inline -----------------------------------------------------------------

/**
 * Spans of the nodes a run evaluates inline: pure nodes whose ancestors are all pure run as
 * plain statements before the first step starts, back to back, so each starts when the previous
 * one ended and one clock read per node serves both.
 */
export class InlineTrace {
  private last = performance.now();
  private readonly origin = Date.now() - this.last;

  constructor(private readonly ctx: ToolContext) {}

  ran(spec: NodeSpec, input: unknown, output: unknown): void {
    const startedAt = this.last;
    this.last = performance.now();
    this.ctx.onSpan?.({ nodeId: spec.id, kind: spec.kind, status: "succeeded", startedAt: Math.round(this.origin + startedAt), durationMs: this.last - startedAt, attempts: 1, input, output });
  }

  skipped(spec: NodeSpec): void {
    this.ctx.onSpan?.({ nodeId: spec.id, kind: spec.kind, status: "skipped", startedAt: Math.round(this.origin + this.last), durationMs: 0, attempts: 0 });
  }

  failed(spec: NodeSpec, failure: ToolError): void {
    const startedAt = this.last;
    this.last = performance.now();
    this.ctx.onSpan?.({ nodeId: spec.id, kind: spec.kind, status: "failed", startedAt: Math.round(this.origin + startedAt), durationMs: this.last - startedAt, attempts: 1, error: errorSummary(failure) });
  }
}

/** The inline spans' recorder, or undefined when nothing is traced (one check per node then). */
export function inlineTrace(ctx: ToolContext): InlineTrace | undefined {
  return ctx.onSpan === undefined ? undefined : new InlineTrace(ctx);
}

/**
 * The error a run fails with when a node run inline throws: a ToolError carrying the id of
 * `at`, the node that was running (reported as a failed span).
 */
export function inlineFailure(error: unknown, at: NodeSpec, trace: InlineTrace | undefined): ToolError {
  const failure = toToolError(error, at.id);
  trace?.failed(at, failure);
  return failure;
}

// ---- values ---------------------------------------------------------------------------

/** How a value reads inside a template string: strings as they are, other values as JSON, missing as "". */
export function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value);
}

export function at<T>(items: readonly T[], index: number): T | undefined {
  return items[index];
}

export function equals(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  const leftEntries = Object.entries(left as Readonly<Record<string, unknown>>);
  const rightRecord = new Map(Object.entries(right as Readonly<Record<string, unknown>>));
  return leftEntries.length === rightRecord.size && leftEntries.every(([key, value]) => rightRecord.has(key) && equals(value, rightRecord.get(key)));
}

export function contains(container: string | readonly unknown[], item: unknown): boolean {
  if (typeof container === "string") return typeof item === "string" && container.includes(item);
  // A primitive equals only what is === to it: indexOf compares just so, without a callback per element.
  if (typeof item !== "object" || item === null) return container.indexOf(item) >= 0;
  return container.some((element) => equals(element, item));
}

export function isIn(item: unknown, list: string | readonly unknown[]): boolean {
  return contains(list, item);
}

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

export function matches(value: string, pattern: RegExp): boolean {
  return pattern.test(value);
}

/** The port a switch takes: the matching case, else `default`. */
export function switchPort(value: string | number, cases: readonly (string | number)[]): string {
  return cases.includes(value) ? String(value) : "default";
}

/** Maps `items` through `work` with at most `concurrency` in flight, keeping order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, signal: AbortSignal, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (signal.aborted) throw abortError(signal);
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

// ---- the tool module contract ---------------------------------------------------------

/** The shape a schema library must offer to validate input and output (zod does). */
export interface Validator<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export interface ToolModule<I, O> {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Validator<I>;
  readonly outputSchema: Validator<O>;
  readonly inputJsonSchema: JsonValue;
  readonly outputJsonSchema: JsonValue;
  run(input: I, ctx: ToolContext): Promise<O>;
}

export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`).join("; ");
}

/** Validates input, runs the tool, validates its output. */
export async function invoke<I, O>(tool: ToolModule<I, O>, input: unknown, ctx: ToolContext): Promise<O> {
  const parsedInput = tool.inputSchema.safeParse(input);
  if (!parsedInput.success) {
    throw new ToolError("INVALID_INPUT", `invalid input for ${tool.name}: ${describeIssues(parsedInput.error.issues)}`, undefined, false, parsedInput.error.issues);
  }
  const output = await tool.run(parsedInput.data, ctx);
  const parsedOutput = tool.outputSchema.safeParse(output);
  if (!parsedOutput.success) {
    throw new ToolError("INVALID_OUTPUT", `output of ${tool.name} does not match its schema: ${describeIssues(parsedOutput.error.issues)}`);
  }
  return parsedOutput.data;
}

// ---- standalone context ---------------------------------------------------------------

export interface ContextOptions {
  readonly signal?: AbortSignal;
  /** Secret lookup by name; defaults to environment variables. */
  readonly secret?: (name: string) => string | undefined;
  readonly openai?: { readonly apiKey?: string; readonly baseURL?: string };
  /** Called before every outgoing HTTP request (e.g. an SSRF guard); throw to refuse. */
  readonly checkUrl?: (url: URL) => Promise<void>;
  readonly callTool?: (request: CallToolRequest, signal: AbortSignal) => Promise<unknown>;
  readonly onSpan?: (span: Span) => void;
  readonly fetch?: typeof fetch;
}

export function createContext(options: ContextOptions = {}): ToolContext {
  const secret = options.secret ?? ((name: string): string | undefined => process.env[name]);
  const fetchImpl = options.fetch ?? fetch;
  let client: OpenAI | undefined;
  const openai = (): OpenAI => {
    client ??= new OpenAI({
      apiKey: options.openai?.apiKey ?? process.env.OPENAI_API_KEY ?? "",
      baseURL: options.openai?.baseURL ?? process.env.OPENAI_BASE_URL,
      maxRetries: 0,
    });
    return client;
  };
  return {
    signal: options.signal ?? new AbortController().signal,
    http: (request, signal) => httpRequest(request, signal, secret, fetchImpl, options.checkUrl),
    llm: (request, signal) => llmRequest(openai(), request, signal),
    callTool: (request, signal) => {
      if (options.callTool === undefined) return Promise.reject(new ToolError("NO_TOOL_RESOLVER", `cannot call tool "${request.tool}": no tool resolver is configured`));
      return options.callTool(request, signal);
    },
    ...(options.onSpan ? { onSpan: options.onSpan } : {}),
  };
}

function requireSecret(secret: (name: string) => string | undefined, name: string): string {
  const value = secret(name);
  if (value === undefined || value === "") throw new ToolError("MISSING_SECRET", `secret "${name}" is not set`);
  return value;
}

async function httpRequest(
  request: HttpRequest,
  signal: AbortSignal,
  secret: (name: string) => string | undefined,
  fetchImpl: typeof fetch,
  checkUrl: ((url: URL) => Promise<void>) | undefined,
): Promise<HttpResponse> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new ToolError("INVALID_URL", `"${request.url}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ToolError("INVALID_URL", `only http and https URLs are allowed, not ${url.protocol}`);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.append(key, value);
  if (checkUrl) await checkUrl(url);
  const headers = new Headers(request.headers);
  if (request.auth) {
    const value = requireSecret(secret, request.auth.secret);
    if (request.auth.type === "bearer") headers.set("authorization", `Bearer ${value}`);
    else if (request.auth.type === "basic") headers.set("authorization", `Basic ${Buffer.from(`${request.auth.username ?? ""}:${value}`).toString("base64")}`);
    else headers.set(request.auth.header ?? "x-api-key", value);
  }
  let body: string | undefined;
  if (request.body !== undefined && request.method !== "GET" && request.method !== "HEAD") {
    body = typeof request.body === "string" ? request.body : JSON.stringify(request.body);
    if (!headers.has("content-type")) headers.set("content-type", typeof request.body === "string" ? "text/plain" : "application/json");
  }
  let response: Response;
  try {
    response = await fetchImpl(url, { method: request.method, headers, body, signal, redirect: "manual" });
  } catch (error) {
    if (signal.aborted) throw abortError(signal);
    // A fetch that refuses with a code of its own (the server's SSRF-guarded fetch) keeps it.
    if (isToolError(error)) throw error;
    throw new ToolError("HTTP_UNREACHABLE", `${request.method} ${url.origin}${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}`, undefined, true);
  }
  const raw = await response.text();
  if (!response.ok) {
    const retryable = response.status === 429 || response.status >= 500;
    throw new ToolError("HTTP_STATUS", `${request.method} ${url.origin}${url.pathname} answered ${String(response.status)}: ${raw.slice(0, 500)}`, undefined, retryable);
  }
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    responseHeaders[key] = value;
  });
  if (request.responseType === "text") return { status: response.status, headers: responseHeaders, body: raw };
  try {
    return { status: response.status, headers: responseHeaders, body: raw === "" ? null : (JSON.parse(raw) as unknown) };
  } catch {
    throw new ToolError("HTTP_NOT_JSON", `${request.method} ${url.origin}${url.pathname} did not answer JSON: ${raw.slice(0, 200)}`);
  }
}

async function llmRequest(client: OpenAI, request: LlmRequest, signal: AbortSignal): Promise<LlmResponse> {
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
  if (request.system !== undefined) messages.push({ role: "system", content: request.system });
  messages.push({ role: "user", content: request.prompt });
  let completion: OpenAI.Chat.ChatCompletion;
  try {
    completion = await client.chat.completions.create(
      {
        model: request.model,
        messages,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.maxTokens === undefined ? {} : { max_completion_tokens: request.maxTokens }),
        ...(request.output.type === "json"
          ? { response_format: { type: "json_schema", json_schema: { name: request.output.name, strict: true, schema: request.output.schema as Record<string, unknown> } } }
          : {}),
      },
      { signal },
    );
  } catch (error) {
    if (signal.aborted) throw abortError(signal);
    if (error instanceof OpenAI.APIError) {
      const status = (error as { readonly status?: number }).status ?? 0;
      throw new ToolError("LLM_STATUS", `the model server answered ${String(status)}: ${error.message}`, undefined, status === 429 || status >= 500 || status === 0);
    }
    throw new ToolError("LLM_UNREACHABLE", error instanceof Error ? error.message : String(error), undefined, true);
  }
  const content = completion.choices[0]?.message.content ?? "";
  const usage: LlmUsage = {
    promptTokens: completion.usage?.prompt_tokens ?? 0,
    completionTokens: completion.usage?.completion_tokens ?? 0,
    totalTokens: completion.usage?.total_tokens ?? 0,
  };
  if (request.output.type === "text") return { text: content, data: undefined, usage };
  try {
    return { text: content, data: JSON.parse(content) as unknown, usage };
  } catch {
    throw new ToolError("LLM_NOT_JSON", `the model did not answer JSON: ${content.slice(0, 200)}`, undefined, true);
  }
}
