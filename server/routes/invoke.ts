/**
 * The invocation API (invoke or admin key): GET /tools lists the published tools with their
 * schemas; POST /tools/:name/invoke runs the latest version, /tools/:name@:version/invoke a
 * pinned one. Body `{ "input": … }` (or `{ "arguments": "…" }`, an OpenAI tool call's arguments
 * under GET /tools/openai's strict definition) → `{ runId, output, durationMs }` (and `trace`
 * with ?trace=1). Every call is recorded as a run, failed ones included.
 *
 * `invokeTool` is written against node's request and response: most invocations reach it
 * through the fast path (../invoke-fast-path.ts), the rest through the Express route below.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Router } from "express";
import { fromStrictArguments } from "../../runtime/agents/openai";
import type { JsonValue } from "../db/index";
import type { AppDeps } from "../deps";
import { badRequest, notFound } from "../errors";
import { requestIdOf, requireCaller } from "../request-state";
import { invokeBody, traceQuery } from "../schemas";
import { sendJson } from "../send-json";
import { param, parseWith } from "../validation";
import { publishedToolView } from "../views";
import { whenClientGone, failureBody, failureStatus, roundMs } from "./shared";

/** `name` or `name@version`. */
export function parseToolRef(ref: string): { name: string; version?: number } | undefined {
  const match = /^([A-Za-z][A-Za-z0-9_]{0,63})(?:@([1-9][0-9]{0,8}))?$/.exec(ref);
  if (match?.[1] === undefined) return undefined;
  return match[2] === undefined ? { name: match[1] } : { name: match[1], version: Number(match[2]) };
}

/** A model's arguments under the tool's strict OpenAI definition (runtime/agents/openai.ts) as the tool's input. */
function openAiArguments(text: string, inputJsonSchema: JsonValue): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest("INVALID_BODY", `arguments is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return fromStrictArguments(parsed, inputJsonSchema);
}

/** One authenticated invocation: the tool reference from the path, the parsed body and query. */
export interface Invocation {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly ref: string;
  readonly body: unknown;
  readonly query: unknown;
}

export type InvokeTool = (invocation: Invocation) => Promise<void>;

/** Runs the tool and answers; throws the ApiError to answer when the request itself is wrong. */
export function invokeTool(deps: Pick<AppDeps, "catalog" | "runner">): InvokeTool {
  const { catalog, runner } = deps;
  return async ({ req, res, ref: text, body: rawBody, query }) => {
    const ref = parseToolRef(text);
    const version = ref === undefined ? null : await catalog.resolve(ref.name, ref.version);
    if (ref === undefined || version === null) {
      throw notFound(ref?.version === undefined ? `no published tool named ${JSON.stringify(ref?.name ?? text)}` : `tool "${ref.name}" has no published version ${String(ref.version)}`);
    }
    const body = parseWith(invokeBody, rawBody, "INVALID_BODY", "request body");
    const input = body.arguments === undefined ? body.input : openAiArguments(body.arguments, version.signature.inputJsonSchema);
    const { trace } = parseWith(traceQuery, query, "INVALID_QUERY", "query");
    const withTrace = trace === "1" || trace === "true" || trace === "yes";

    const run = await runner.run({
      target: { toolId: version.toolId, toolName: version.toolName, version, hash: version.hash, files: version.files, calls: version.signature.calls },
      input,
      callerKeyId: requireCaller(req).id,
      requestId: requestIdOf(req),
      whenCallerGone: whenClientGone(res),
    });
    res.setHeader("X-Run-Id", run.runId);
    if (run.ok) {
      sendJson(res, 200, { runId: run.runId, output: run.output, durationMs: roundMs(run.durationMs), ...(withTrace ? { trace: run.trace } : {}) });
      return;
    }
    const failure = run.error ?? { code: "INTERNAL", message: "the run failed" };
    sendJson(res, failureStatus(failure), { ...failureBody(failure, run.runId), ...(withTrace ? { trace: run.trace } : {}) });
  };
}

export function invokeRouter(deps: AppDeps, invoke: InvokeTool): Router {
  const { catalog } = deps;
  const router = Router();

  router.get("/", async (_req, res) => {
    res.json({ tools: (await catalog.published()).map(publishedToolView) });
  });

  router.post("/:ref/invoke", async (req, res) => {
    const body: unknown = req.body;
    const query: unknown = req.query;
    await invoke({ req, res, ref: param(req, "ref"), body, query });
  });

  return router;
}
