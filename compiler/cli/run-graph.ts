import { parseArgs } from "node:util";
import { loadTool } from "../../runtime/loader";
import { guardedFetch } from "../../runtime/ssrf";
import { createContext, invoke, isToolError, type CallToolRequest, type Span } from "../../runtime/tool-runtime";
import { compileGraph } from "../compile";
import { readGraph } from "./graph-commands";
import { formatDiagnostic, UsageError, type Print } from "./main";
import { loadToolFolder, type ToolFolder } from "./tool-folder";

/** Calls a tool of the folder: compiled (verified), loaded by hash, run with the same context options. */
function callFromFolder(folder: ToolFolder, fetchVetted: typeof fetch, onSpan: (span: Span) => void) {
  const call = async (request: CallToolRequest, signal: AbortSignal): Promise<unknown> => {
    const compiled = folder.compiled(request.tool);
    if (compiled?.success !== true || compiled.files === undefined || compiled.hash === undefined) {
      throw new Error(`tool "${request.tool}" is not available`);
    }
    const tool = await loadTool(compiled.hash, compiled.files);
    return invoke(tool, request.input, createContext({ signal, fetch: fetchVetted, callTool: call, onSpan }));
  };
  return call;
}

/** `toolwright run`: compile, load, run and print the output (and trace). */
export async function runGraph(argv: readonly string[], out: Print): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { input: { type: "string" }, tools: { type: "string" }, trace: { type: "boolean" }, json: { type: "boolean" } },
  });
  let input: unknown;
  try {
    input = JSON.parse(values.input ?? "{}") as unknown;
  } catch (error) {
    throw new UsageError(`--input is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const graph = readGraph(positionals[0]);
  const folder = loadToolFolder(values.tools);
  const result = compileGraph(graph, { resolveTool: folder.resolveTool });
  const trace: Span[] = [];
  const json = values.json === true;
  if (!result.success || result.files === undefined || result.hash === undefined) {
    const first = result.diagnostics.find((d) => d.severity === "error");
    if (json) out(JSON.stringify({ ok: false, error: { code: first?.code ?? "COMPILE_FAILED", message: first?.message ?? "compilation failed", ...(first?.nodeId === undefined ? {} : { nodeId: first.nodeId }) }, diagnostics: result.diagnostics, trace }, null, 2));
    else for (const d of result.diagnostics) out(formatDiagnostic(d));
    return 1;
  }
  const tool = await loadTool(result.hash, result.files);
  const onSpan = (span: Span): void => {
    trace.push(span);
  };
  // One SSRF-guarded fetch (and its connection pool) for the run and the tools it calls.
  const fetchVetted = guardedFetch();
  const ctx = createContext({ fetch: fetchVetted, callTool: callFromFolder(folder, fetchVetted, onSpan), onSpan });
  try {
    const output = await invoke(tool, input, ctx);
    if (json) out(JSON.stringify({ ok: true, output, trace }, null, 2));
    else {
      out(JSON.stringify(output, null, 2));
      if (values.trace === true) for (const s of trace) out(`${s.status.padEnd(9)} ${s.nodeId} (${s.kind}) ${s.durationMs.toFixed(1)} ms, ${String(s.attempts)} attempt(s)${s.error ? `: ${s.error.message}` : ""}`);
    }
    return 0;
  } catch (error) {
    const failure = isToolError(error) ? { code: error.code, message: error.message, ...(error.nodeId === undefined ? {} : { nodeId: error.nodeId }) } : { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) };
    if (json) out(JSON.stringify({ ok: false, error: failure, trace }, null, 2));
    else {
      out(`error ${failure.code}${"nodeId" in failure ? ` (node ${failure.nodeId})` : ""}: ${failure.message}`);
      if (values.trace === true) for (const s of trace) out(`${s.status.padEnd(9)} ${s.nodeId} (${s.kind})${s.error ? `: ${s.error.message}` : ""}`);
    }
    return 1;
  }
}
