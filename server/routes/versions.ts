/** Published versions (admin): list, one version with its files, and the zip download. */
import { Router, type Request } from "express";
import type { AppDeps } from "../deps";
import type { ToolRecord, ToolVersionRecord } from "../db/index";
import { notFound } from "../errors";
import { param } from "../validation";
import { versionSummaryView, versionView } from "../views";
import { zipPackage } from "../zip";

export function versionsRouter(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();

  const findTool = async (req: Request): Promise<ToolRecord> => {
    const tool = await db.tools.get(param(req, "id"));
    if (tool === null) throw notFound(`no tool with id ${JSON.stringify(param(req, "id"))}`);
    return tool;
  };

  const loadVersion = async (req: Request): Promise<{ tool: ToolRecord; version: ToolVersionRecord }> => {
    const tool = await findTool(req);
    const text = param(req, "n");
    const number = /^[1-9][0-9]{0,8}$/.test(text) ? Number(text) : undefined;
    const version = number === undefined ? null : await db.versions.get(tool.id, number);
    if (version === null) throw notFound(`"${tool.name}" has no version ${JSON.stringify(text)}`);
    return { tool, version };
  };

  router.get("/tools/:id/versions", async (req, res) => {
    const tool = await findTool(req);
    res.json({ versions: (await db.versions.list(tool.id)).map(versionSummaryView) });
  });

  router.get("/tools/:id/versions/:n", async (req, res) => {
    const { version } = await loadVersion(req);
    res.json(versionView(version));
  });

  router.get("/tools/:id/versions/:n/download", async (req, res) => {
    const { tool, version } = await loadVersion(req);
    const zip = zipPackage(tool.name, version.files, version.createdAt);
    res
      .status(200)
      .type("application/zip")
      .attachment(`${tool.name}-v${String(version.number)}.zip`)
      .setHeader("ETag", `"${version.contentHash}"`)
      .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
  });

  return router;
}
