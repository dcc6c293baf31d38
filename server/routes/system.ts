/** /health (public), /metrics (admin key, or public when configured), /openapi.json (any key). */
import { Router, type RequestHandler } from "express";
import { COMPILER_VERSION } from "../../compiler/version";
import { compilerReady } from "../compile-service";
import type { AppDeps } from "../deps";
import { openApiDocument } from "../openapi";

export function systemRouter(deps: AppDeps, guards: { readonly metrics: RequestHandler; readonly openapi: RequestHandler }): Router {
  const { db, metrics, catalog } = deps;
  const router = Router();
  const started = Date.now();

  // Ready when the database answers and the compiler is warm; 503 otherwise, so a load
  // balancer sends no traffic to a server that cannot serve it.
  router.get("/health", async (_req, res) => {
    const database = await db.health();
    const compiler = compilerReady();
    const ok = database && compiler;
    res
      .status(ok ? 200 : 503)
      .setHeader("Cache-Control", "no-store")
      .json({
        status: ok ? "ok" : "unavailable",
        database: { ok: database, provider: db.provider },
        compiler: { ready: compiler, version: COMPILER_VERSION },
        version: deps.serverVersion,
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
      });
  });

  router.get("/metrics", guards.metrics, async (_req, res) => {
    res.setHeader("Content-Type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  router.get("/openapi.json", guards.openapi, async (_req, res) => {
    res.json(openApiDocument(await catalog.published(), deps.serverVersion));
  });

  return router;
}
