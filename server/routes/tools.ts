/**
 * Tools and their drafts (admin): CRUD, publish (the next immutable version) and test runs of
 * the draft.
 */
import { Router, type Request } from "express";
import { loadTool as loadCompiledTool } from "../../runtime/loader";
import { compileWithCatalog } from "../compile-service";
import type { AppDeps } from "../deps";
import { ApiError, conflict, notFound } from "../errors";
import { requestIdOf, requireCaller } from "../request-state";
import { draftIdentity, testRunBody, toolBody } from "../schemas";
import { storedSignature } from "../signature";
import { issuesOf, param, parseBody } from "../validation";
import { toolDetailView, toolView } from "../views";
import { openEventStream, wantsEventStream } from "./event-stream";
import { compileFailure, whenClientGone, roundMs } from "./shared";
import type { ToolRecord } from "../db/index";

/** Name and description of a draft: the graph's `tool` block, which must at least name the tool. */
function identityOf(graph: Readonly<Record<string, unknown>>): { name: string; description: string | undefined } {
  const parsed = draftIdentity.safeParse(graph);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error.issues).map((issue) => ({ ...issue, path: issue.path === "" ? "graph" : `graph.${issue.path}` }));
    throw new ApiError(400, "INVALID_BODY", `invalid request body: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { issues });
  }
  return { name: parsed.data.tool.name, description: parsed.data.tool.description };
}

function sameCalls(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

export function toolsRouter(deps: AppDeps): Router {
  const { db, catalog, runner, metrics } = deps;
  const router = Router();

  const findTool = async (req: Request): Promise<ToolRecord> => {
    const tool = await db.tools.get(param(req, "id"));
    if (tool === null) throw notFound(`no tool with id ${JSON.stringify(param(req, "id"))}`);
    return tool;
  };

  router.get("/tools", async (_req, res) => {
    res.json({ tools: (await db.tools.list()).map(toolView) });
  });

  router.post("/tools", async (req, res) => {
    const { graph } = parseBody(req, toolBody);
    const { name, description } = identityOf(graph);
    const tool = await db.tools.create({ name, description, draftGraph: graph });
    res.status(201).location(`/api/tools/${tool.id}`).json(toolDetailView(tool));
  });

  router.get("/tools/:id", async (req, res) => {
    res.json(toolDetailView(await findTool(req)));
  });

  router.put("/tools/:id", async (req, res) => {
    const { graph } = parseBody(req, toolBody);
    const { name, description } = identityOf(graph);
    const tool = await findTool(req);
    // A published tool's name is its address (/tools/<name>/invoke) and is compiled into every
    // version; renaming it would silently break its callers.
    if (name !== tool.name && tool.latestVersion > 0) {
      throw conflict("TOOL_PUBLISHED", `"${tool.name}" is published and cannot be renamed to "${name}"; create a new tool instead`);
    }
    const updated = await db.tools.update(tool.id, { name, description: description ?? "", draftGraph: graph });
    res.json(toolDetailView(updated));
  });

  router.delete("/tools/:id", async (req, res) => {
    const tool = await findTool(req);
    const force = req.query.force === "1" || req.query.force === "true";
    if (!force && tool.latestVersion > 0) {
      const callers = (await catalog.published()).filter((p) => p.toolName !== tool.name && p.signature.uses.includes(tool.name)).map((p) => p.toolName);
      if (callers.length > 0) {
        throw conflict("TOOL_IN_USE", `"${tool.name}" is called by published tools: ${callers.join(", ")}; delete or republish them first, or pass ?force=1`, { callers });
      }
    }
    await db.tools.delete(tool.id);
    res.status(204).end();
  });

  router.post("/tools/:id/publish", async (req, res) => {
    const tool = await findTool(req);
    const compiled = await compileWithCatalog(catalog, tool.draftGraph, { verify: true });
    const { result } = compiled;
    metrics.compile("publish", result.success, compiled.durationMs);
    if (!result.success || result.files === undefined || result.hash === undefined || result.signature === undefined) {
      throw compileFailure(compiled, `the draft of "${tool.name}"`);
    }
    if (result.signature.name !== tool.name) {
      throw conflict("NAME_MISMATCH", `the draft names the tool "${result.signature.name}", but this tool is "${tool.name}"; save the draft again to rename it`);
    }
    if (tool.latestVersion > 0) {
      const latest = await catalog.resolve(tool.name, tool.latestVersion);
      if (latest !== null && latest.hash === result.hash && sameCalls(latest.signature.calls, compiled.calls)) {
        res.status(200).json({ id: latest.versionId, version: latest.number, hash: latest.hash, createdAt: latest.createdAt.toISOString(), unchanged: true });
        return;
      }
    }
    const record = await db.versions.create(tool.id, {
      graph: tool.draftGraph,
      files: result.files,
      contentHash: result.hash,
      compilerVersion: result.compilerVersion,
      verification: result.verification ?? null,
      signature: storedSignature(result.signature, compiled.calls, compiled.uses),
    });
    catalog.remember(tool.name, record);
    // Bundle and import the new version now, so its first caller does not wait for it.
    loadCompiledTool(record.contentHash, record.files).catch((error: unknown) => {
      deps.logger.error({ tool: tool.name, version: record.number, err: { message: error instanceof Error ? error.message : String(error) } }, "preloading the published version failed");
    });
    deps.logger.info({ requestId: requestIdOf(req), tool: tool.name, version: record.number, hash: record.contentHash }, "published");
    res
      .status(201)
      .location(`/api/tools/${tool.id}/versions/${String(record.number)}`)
      .json({ id: record.id, version: record.number, hash: record.contentHash, createdAt: record.createdAt.toISOString(), unchanged: false });
  });

  // With `Accept: text/event-stream` the answer is a stream: `start` once the draft compiled, a
  // `span` per finished node, then `result` (the JSON answer's body) or `error`. Refusals that
  // come before the run (404, 400, 422) are ordinary JSON errors. Closing the stream cancels the run.
  router.post("/tools/:id/test-run", async (req, res) => {
    const tool = await findTool(req);
    const body = parseBody(req, testRunBody);
    const compiled = await compileWithCatalog(catalog, body.graph ?? tool.draftGraph, { verify: true });
    const { result } = compiled;
    metrics.compile("test-run", result.success, compiled.durationMs);
    if (!result.success || result.files === undefined || result.hash === undefined) throw compileFailure(compiled, `the draft of "${tool.name}"`);
    const stream = wantsEventStream(req) ? openEventStream(res) : undefined;
    stream?.send("start", {});
    try {
      const run = await runner.run({
        target: { toolId: tool.id, toolName: tool.name, hash: result.hash, files: result.files, calls: compiled.calls },
        input: body.input,
        callerKeyId: requireCaller(req).id,
        requestId: requestIdOf(req),
        whenCallerGone: whenClientGone(res),
        ...(stream === undefined ? {} : { onSpan: (span: unknown) => { stream.send("span", span); } }),
      });
      const answer = { ok: run.ok, runId: run.runId, ...(run.ok ? { output: run.output } : { error: run.error }), trace: run.trace, durationMs: roundMs(run.durationMs) };
      if (stream === undefined) res.json(answer);
      else stream.send("result", answer);
    } catch (error) {
      if (stream === undefined) throw error;
      // The status line is gone: the failure becomes the stream's last event.
      deps.logger.error({ requestId: requestIdOf(req), tool: tool.name, err: { message: error instanceof Error ? error.message : String(error) } }, "streamed test run failed");
      stream.send("error", { error: { code: "INTERNAL", message: "the test run failed unexpectedly; see the server log" } });
    } finally {
      stream?.end();
    }
  });

  return router;
}
