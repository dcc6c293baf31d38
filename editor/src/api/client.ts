/**
 * The editor's only door to the server (issue 3's admin API, documented in docs/api.md).
 * Every response is decoded from `unknown` here, so the rest of the editor sees typed
 * values and the server's own error messages, verbatim.
 */
import type { Diagnostic, JsonValue, ObjectTypeSchema, ToolSignature, TypeSchema } from "../compiler";
import type { ReportedSpan } from "../../../server/runner";
import { serverEvents } from "./event-stream";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
  /** The key was refused: no key, unknown or revoked (401), or not an admin key (403). */
  get isAuth(): boolean {
    return this.status === 401 || this.status === 403;
  }
  /** Diagnostics the server attached (422 on publish/compile). */
  get diagnostics(): Diagnostic[] {
    return diagnosticsOf(this.details);
  }
}

export interface ToolSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** 0 when never published. */
  readonly latestVersion: number;
  readonly updatedAt: string;
  readonly lastRunStatus?: string;
}

export interface ToolDetail extends ToolSummary {
  readonly graph: unknown;
}

export interface VersionSummary {
  readonly version: number;
  readonly hash: string;
  readonly createdAt: string;
  readonly compilerVersion: string;
}

export interface Verification {
  readonly tscPassed: boolean;
  readonly eslintPassed: boolean;
  readonly anyTypesFound: number;
  readonly problems: readonly { readonly tool: string; readonly file: string; readonly line: number; readonly column: number; readonly message: string }[];
}

export interface CompileResponse {
  readonly success: boolean;
  readonly diagnostics: Diagnostic[];
  readonly files: Readonly<Record<string, string>>;
  readonly verification?: Verification;
  readonly hash?: string;
  readonly timings: Readonly<Record<string, number>>;
}

export type SpanStatus = ReportedSpan["status"];

/** A node's span as the server reports it; `tool` is set on spans of a called tool, not this graph's nodes. */
export type TraceSpan = ReportedSpan;

export interface RunError {
  readonly code: string;
  readonly message: string;
  readonly nodeId?: string;
}

export interface RunResult {
  readonly runId?: string;
  readonly ok: boolean;
  readonly output?: unknown;
  readonly error?: RunError;
  readonly trace: TraceSpan[];
  readonly durationMs?: number;
}

export interface RunSummary {
  readonly id: string;
  readonly status: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly version?: number;
  readonly error?: RunError;
}

export interface RunDetail extends RunSummary {
  readonly input: unknown;
  readonly output?: unknown;
  readonly trace: TraceSpan[];
}

/** A secret as the server lists it: never its value. */
export interface SecretSummary {
  readonly name: string;
  readonly updatedAt: string;
}

export interface PublishResult {
  readonly version: number;
  readonly hash: string;
}

// ---------------------------------------------------------------------------------------------
// Decoding helpers: the server's JSON is unknown until checked.

type Obj = Readonly<Record<string, unknown>>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : fallback;
}
function num(value: unknown, fallback = 0): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
function date(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? new Date(value).toISOString() : "";
}
function arr(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as readonly unknown[]) : [];
}
/** A list that the server may send bare or wrapped as `{ <key>: [...] }`. */
function listOf(body: unknown, ...keys: string[]): readonly unknown[] {
  if (Array.isArray(body)) return body as readonly unknown[];
  if (isObj(body)) for (const key of keys) if (Array.isArray(body[key])) return body[key] as readonly unknown[];
  return [];
}

export function diagnosticsOf(value: unknown): Diagnostic[] {
  const list = Array.isArray(value) ? (value as readonly unknown[]) : isObj(value) ? arr(value.diagnostics) : [];
  const out: Diagnostic[] = [];
  for (const d of list) {
    if (!isObj(d) || typeof d.code !== "string" || typeof d.message !== "string") continue;
    const path = arr(d.path).filter((p): p is string | number => typeof p === "string" || typeof p === "number");
    out.push({
      code: d.code as Diagnostic["code"],
      severity: d.severity === "warning" ? "warning" : "error",
      message: d.message,
      hint: str(d.hint),
      ...(typeof d.nodeId === "string" ? { nodeId: d.nodeId } : {}),
      ...(typeof d.edgeId === "string" ? { edgeId: d.edgeId } : {}),
      ...(path.length > 0 ? { path } : {}),
    });
  }
  return out;
}

function decodeToolSummary(value: unknown): ToolSummary {
  const o = isObj(value) ? value : {};
  const lastRun = isObj(o.lastRun) ? o.lastRun.status : o.lastRunStatus;
  const latest = isObj(o.latestVersion) ? o.latestVersion.version ?? o.latestVersion.number : o.latestVersion ?? o.version;
  return {
    id: str(o.id),
    name: str(o.name),
    description: str(o.description),
    latestVersion: num(latest),
    updatedAt: date(o.updatedAt),
    ...(typeof lastRun === "string" ? { lastRunStatus: lastRun } : {}),
  };
}

/** A span, or undefined for a value that is not one (no node id, or a status no run reports). */
function decodeSpan(value: unknown): TraceSpan | undefined {
  if (!isObj(value) || typeof value.nodeId !== "string") return undefined;
  const status = value.status;
  if (status !== "succeeded" && status !== "failed" && status !== "skipped") return undefined;
  const error = isObj(value.error) ? { code: str(value.error.code), message: str(value.error.message) } : undefined;
  return {
    nodeId: value.nodeId,
    kind: str(value.kind),
    status,
    startedAt: num(value.startedAt),
    durationMs: num(value.durationMs),
    attempts: num(value.attempts, 1),
    ...("input" in value ? { input: value.input } : {}),
    ...("output" in value ? { output: value.output } : {}),
    ...(error ? { error } : {}),
    ...(typeof value.tool === "string" ? { tool: value.tool } : {}),
  };
}

/** The spans of a trace answer; values that are not spans are left out. */
export function decodeTrace(value: unknown): TraceSpan[] {
  return arr(value).flatMap((s) => {
    const span = decodeSpan(s);
    return span ? [span] : [];
  });
}

function decodeRunError(value: unknown): RunError | undefined {
  if (!isObj(value)) return undefined;
  const nodeId = typeof value.nodeId === "string" ? value.nodeId : isObj(value.details) && typeof value.details.nodeId === "string" ? value.details.nodeId : undefined;
  return { code: str(value.code, "ERROR"), message: str(value.message), ...(nodeId !== undefined ? { nodeId } : {}) };
}

function decodeRunResult(body: unknown): RunResult {
  const o = isObj(body) ? body : {};
  const error = decodeRunError(o.error);
  return {
    ok: o.ok !== false && error === undefined,
    trace: decodeTrace(o.trace),
    ...("output" in o ? { output: o.output } : {}),
    ...(error ? { error } : {}),
    ...(typeof o.runId === "string" ? { runId: o.runId } : typeof o.id === "string" ? { runId: o.id } : {}),
    ...(typeof o.durationMs === "number" ? { durationMs: o.durationMs } : {}),
  };
}

/** A test run the server refused (422 does not compile, …) as a failed result; other errors are not results. */
function refusedRun(error: unknown): RunResult | undefined {
  if (!(error instanceof ApiError) || error.isAuth || error.status === 0 || error.status === 404) return undefined;
  const details = isObj(error.details) ? error.details : {};
  const nodeId = typeof details.nodeId === "string" ? details.nodeId : undefined;
  return {
    ok: false,
    error: { code: error.code, message: error.message, ...(nodeId !== undefined ? { nodeId } : {}) },
    trace: decodeTrace(details.trace),
    ...(typeof details.runId === "string" ? { runId: details.runId } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function decodeRunSummary(value: unknown): RunSummary {
  const o = isObj(value) ? value : {};
  const error = decodeRunError(o.error);
  const version = isObj(o.version) ? o.version.number : o.version ?? o.versionNumber;
  return {
    id: str(o.id),
    status: str(o.status, "unknown"),
    startedAt: date(o.startedAt ?? o.createdAt),
    durationMs: num(o.durationMs),
    ...(typeof version === "number" ? { version } : {}),
    ...(error ? { error } : {}),
  };
}

// ---------------------------------------------------------------------------------------------

export interface ApiClientOptions {
  readonly key: string;
  /** Called when the server refuses the key, so the app can return to sign-in. */
  readonly onAuthError?: (error: ApiError) => void;
  readonly baseUrl?: string;
}

/** What a streamed test run reports while it is in flight. */
export interface RunStreamHandlers {
  /** The draft compiled and the run began. */
  readonly onStart: () => void;
  /** A node of the graph (or of a tool it called, `span.tool`) finished. */
  readonly onSpan: (span: TraceSpan) => void;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  /** The server's response when it is a success; its error (verbatim) otherwise. An abort is rethrown as is. */
  private async send(method: string, path: string, body?: unknown, extra?: { readonly accept: string; readonly signal: AbortSignal }): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.key}`, ...(extra ? { accept: extra.accept } : {}) };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl ?? ""}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(extra ? { signal: extra.signal } : {}) });
    } catch (cause) {
      if (extra?.signal.aborted === true) throw cause;
      throw new ApiError(0, "NETWORK", `Cannot reach the server (${cause instanceof Error ? cause.message : String(cause)}).`, undefined);
    }
    if (!response.ok) {
      const error = await errorOf(response);
      if (error.isAuth) this.options.onAuthError?.(error);
      throw error;
    }
    return response;
  }

  private async request(method: string, path: string, body?: unknown, accept: "json" | "blob" = "json"): Promise<unknown> {
    const response = await this.send(method, path, body);
    if (accept === "blob") return response.blob();
    if (response.status === 204) return undefined;
    const text = await response.text();
    if (text === "") return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(response.status, "BAD_RESPONSE", `The server answered ${path} with something that is not JSON.`, text.slice(0, 200));
    }
  }

  /** Checks the key: resolves when it is an admin key. */
  async verify(): Promise<void> {
    await this.request("GET", "/api/tools");
  }

  async listTools(): Promise<ToolSummary[]> {
    return listOf(await this.request("GET", "/api/tools"), "tools", "items").map(decodeToolSummary);
  }

  async getTool(id: string): Promise<ToolDetail> {
    const body = await this.request("GET", `/api/tools/${encodeURIComponent(id)}`);
    const o = isObj(body) && isObj(body.tool) ? { ...body.tool, ...body } : isObj(body) ? body : {};
    return { ...decodeToolSummary(o), graph: o.graph ?? o.draftGraph ?? (isObj(o.tool) ? o.tool.graph : undefined) };
  }

  async createTool(graph: unknown): Promise<{ id: string; name: string }> {
    const body = await this.request("POST", "/api/tools", { graph });
    const o = isObj(body) && isObj(body.tool) ? body.tool : isObj(body) ? body : {};
    return { id: str(o.id), name: str(o.name) };
  }

  async saveTool(id: string, graph: unknown): Promise<void> {
    await this.request("PUT", `/api/tools/${encodeURIComponent(id)}`, { graph });
  }

  async deleteTool(id: string): Promise<void> {
    await this.request("DELETE", `/api/tools/${encodeURIComponent(id)}`);
  }

  async compile(graph: unknown): Promise<CompileResponse> {
    let body: unknown;
    try {
      body = await this.request("POST", "/api/compile", { graph });
    } catch (error) {
      // A graph that does not compile may come back as 422 with the same body shape.
      if (error instanceof ApiError && error.status === 422) body = isObj(error.details) ? { success: false, ...error.details } : { success: false, diagnostics: error.diagnostics };
      else throw error;
    }
    const o = isObj(body) ? body : {};
    // The server sends `sources` (path → content) with `files` as the list of paths.
    const filesValue = isObj(o.sources) ? o.sources : o.files;
    const files: Record<string, string> = {};
    if (isObj(filesValue)) for (const [path, content] of Object.entries(filesValue)) files[path] = str(content);
    else for (const f of arr(filesValue)) if (isObj(f)) files[str(f.path)] = str(f.content);
    const v = o.verification;
    const verification: Verification | undefined = isObj(v)
      ? {
          tscPassed: v.tscPassed === true,
          eslintPassed: v.eslintPassed === true,
          anyTypesFound: num(v.anyTypesFound),
          problems: arr(v.problems).flatMap((p) => (isObj(p) ? [{ tool: str(p.tool), file: str(p.file), line: num(p.line), column: num(p.column), message: str(p.message) }] : [])),
        }
      : undefined;
    const timings: Record<string, number> = {};
    if (isObj(o.timings)) for (const [phase, ms] of Object.entries(o.timings)) if (typeof ms === "number") timings[phase] = ms;
    return {
      success: o.success === true,
      diagnostics: diagnosticsOf(o.diagnostics),
      files,
      ...(verification ? { verification } : {}),
      ...(typeof o.hash === "string" ? { hash: o.hash } : {}),
      timings,
    };
  }

  async publish(id: string): Promise<PublishResult> {
    const body = await this.request("POST", `/api/tools/${encodeURIComponent(id)}/publish`);
    const o = isObj(body) ? body : {};
    return { version: num(o.version ?? o.number), hash: str(o.hash ?? o.contentHash) };
  }

  async listVersions(id: string): Promise<VersionSummary[]> {
    return listOf(await this.request("GET", `/api/tools/${encodeURIComponent(id)}/versions`), "versions", "items").map((v) => {
      const o = isObj(v) ? v : {};
      return { version: num(o.version ?? o.number), hash: str(o.hash ?? o.contentHash), createdAt: date(o.createdAt), compilerVersion: str(o.compilerVersion) };
    });
  }

  async downloadVersion(id: string, version: number): Promise<Blob> {
    const body = await this.request("GET", `/api/tools/${encodeURIComponent(id)}/versions/${String(version)}/download`, undefined, "blob");
    if (body instanceof Blob) return body;
    throw new ApiError(0, "BAD_RESPONSE", "The download did not return a file.", undefined);
  }

  /** Runs the saved draft with an input. A tool error is a result (with its trace), not an exception. */
  async testRun(id: string, input: JsonValue, graph?: unknown): Promise<RunResult> {
    try {
      return decodeRunResult(await this.request("POST", `/api/tools/${encodeURIComponent(id)}/test-run`, graph === undefined ? { input } : { input, graph }));
    } catch (error) {
      const refused = refusedRun(error);
      if (refused !== undefined) return refused;
      throw error;
    }
  }

  /**
   * `testRun`, streamed: the handlers hear of the run's start and of each span as it happens.
   * Aborting `signal` closes the stream, which cancels the run on the server.
   */
  async testRunStream(id: string, input: JsonValue, graph: unknown, handlers: RunStreamHandlers, signal: AbortSignal): Promise<RunResult> {
    let response: Response;
    try {
      response = await this.send("POST", `/api/tools/${encodeURIComponent(id)}/test-run`, { input, graph }, { accept: "text/event-stream", signal });
    } catch (error) {
      const refused = refusedRun(error);
      if (refused !== undefined) return refused;
      throw error;
    }
    if (response.body === null || !(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) return decodeRunResult(parseJson(await response.text()));
    const spans: TraceSpan[] = [];
    for await (const { event, data } of serverEvents(response.body)) {
      const value = parseJson(data);
      if (event === "start") handlers.onStart();
      else if (event === "result") return decodeRunResult(value);
      else if (event === "error") return { ok: false, error: decodeRunError(isObj(value) ? value.error : undefined) ?? { code: "ERROR", message: data }, trace: spans };
      else if (event === "span") {
        const span = decodeSpan(value);
        if (span !== undefined) {
          spans.push(span);
          handlers.onSpan(span);
        }
      }
    }
    throw new ApiError(0, "STREAM_ENDED", "The server closed the run's stream before sending its result.", undefined);
  }

  /** Published tools with their signatures (GET /tools), for call_tool and for_each. */
  async publishedTools(): Promise<ToolSignature[]> {
    return listOf(await this.request("GET", "/tools"), "tools", "items").flatMap((t) => {
      if (!isObj(t) || typeof t.name !== "string") return [];
      const input = t.inputSchema ?? t.input;
      const output = t.outputSchema ?? t.output;
      if (!isObj(input) || !isObj(output)) return [];
      const inputType = toTypeSchema(input);
      if (inputType.type !== "object") return [];
      return [{ name: t.name, version: num(t.version, 1), description: str(t.description), input: inputType, output: toTypeSchema(output) }];
    });
  }

  async listSecrets(): Promise<SecretSummary[]> {
    return listOf(await this.request("GET", "/api/secrets"), "secrets").flatMap((s) => (isObj(s) && typeof s.name === "string" ? [{ name: s.name, updatedAt: date(s.updatedAt) }] : []));
  }

  /** Creates or replaces a secret; the value goes to the server and is never read back. */
  async setSecret(name: string, value: string): Promise<void> {
    await this.request("PUT", `/api/secrets/${encodeURIComponent(name)}`, { value });
  }

  async deleteSecret(name: string): Promise<void> {
    await this.request("DELETE", `/api/secrets/${encodeURIComponent(name)}`);
  }

  async listRuns(toolId?: string): Promise<(RunSummary & { readonly toolId?: string })[]> {
    const query = toolId === undefined ? "" : `?tool=${encodeURIComponent(toolId)}`;
    return listOf(await this.request("GET", `/api/runs${query}`), "runs", "items").map((r) => ({ ...decodeRunSummary(r), ...(isObj(r) && typeof r.toolId === "string" ? { toolId: r.toolId } : {}) }));
  }

  async getRun(runId: string): Promise<RunDetail> {
    const body = await this.request("GET", `/api/runs/${encodeURIComponent(runId)}`);
    const o = isObj(body) && isObj(body.run) ? body.run : isObj(body) ? body : {};
    return { ...decodeRunSummary(o), input: o.input, ...("output" in o ? { output: o.output } : {}), trace: decodeTrace(o.trace) };
  }
}

/** A JSON Schema (as the server publishes it) read into the compiler's type language; anything else is unknown. */
export function toTypeSchema(value: unknown, depth = 0): TypeSchema {
  if (!isObj(value) || depth > 20) return { type: "unknown" };
  const description = typeof value.description === "string" ? { description: value.description } : {};
  switch (value.type) {
    case "string": {
      const values = arr(value.enum).filter((v): v is string => typeof v === "string");
      return { type: "string", ...(values.length > 0 ? { enum: values } : {}), ...description };
    }
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return { type: value.type, ...description };
    case "array":
      return { type: "array", items: toTypeSchema(value.items, depth + 1), ...description };
    case "object": {
      const properties: Record<string, TypeSchema> = {};
      if (isObj(value.properties)) for (const [k, v] of Object.entries(value.properties)) properties[k] = toTypeSchema(v, depth + 1);
      const required = arr(value.required).filter((r): r is string => typeof r === "string");
      const schema: ObjectTypeSchema = { type: "object", properties, required, ...description };
      return schema;
    }
    default:
      return { type: "unknown", ...description };
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  const e = isObj(body) && isObj(body.error) ? body.error : undefined;
  if (e !== undefined) {
    const details = e.details ?? (isObj(body) && "diagnostics" in body ? { diagnostics: body.diagnostics } : undefined);
    return new ApiError(response.status, str(e.code, `HTTP_${String(response.status)}`), str(e.message, response.statusText), details);
  }
  const fallback = response.status === 401 ? "The server refused the key." : `The server answered ${String(response.status)} ${response.statusText}.`;
  return new ApiError(response.status, `HTTP_${String(response.status)}`, text !== "" && text.length < 300 && !text.startsWith("<") ? text : fallback, body);
}
