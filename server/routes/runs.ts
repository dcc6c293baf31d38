/** Run history (admin): newest first, filtered by tool, version and status, paged by time. */
import { Router } from "express";
import type { AppDeps } from "../deps";
import { badRequest, notFound } from "../errors";
import { runsQuery } from "../schemas";
import { param, parseQuery } from "../validation";
import { runSummaryView, runView } from "../views";

const DEFAULT_LIMIT = 50;

export function runsRouter(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get("/runs", async (req, res) => {
    const query = parseQuery(req, runsQuery);
    if (query.version !== undefined && query.tool === undefined) {
      throw badRequest("INVALID_QUERY", "invalid query: version: filter by version together with tool", { issues: [{ path: "version", message: "needs tool", code: "custom" }] });
    }
    let toolId: string | undefined;
    let toolVersionId: string | undefined;
    if (query.tool !== undefined) {
      // By name (the documented filter) or by id (what an editor holds).
      const tool = (await db.tools.getByName(query.tool)) ?? (await db.tools.get(query.tool));
      if (tool === null) {
        res.json({ runs: [], nextBefore: null });
        return;
      }
      toolId = tool.id;
      if (query.version !== undefined) {
        const version = await db.versions.get(tool.id, query.version);
        if (version === null) {
          res.json({ runs: [], nextBefore: null });
          return;
        }
        toolVersionId = version.id;
      }
    }
    const limit = query.limit ?? DEFAULT_LIMIT;
    const runs = await db.runs.list({
      toolId,
      toolVersionId,
      status: query.status,
      before: query.before === undefined ? undefined : new Date(query.before),
      limit,
    });
    const last = runs.at(-1);
    res.json({ runs: runs.map(runSummaryView), nextBefore: runs.length === limit && last !== undefined ? last.startedAt.toISOString() : null });
  });

  router.get("/runs/:id", async (req, res) => {
    const run = await db.runs.get(param(req, "id"));
    if (run === null) throw notFound(`no run with id ${JSON.stringify(param(req, "id"))}`);
    res.json(runView(run));
  });

  return router;
}
