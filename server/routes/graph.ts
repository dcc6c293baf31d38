/** The compiler over HTTP (admin): POST /api/validate and POST /api/compile. */
import { Router } from "express";
import { compileWithCatalog } from "../compile-service";
import type { AppDeps } from "../deps";
import { compileBody, validateBody } from "../schemas";
import { parseBody } from "../validation";
import { compileView, validateView } from "../views";

export function graphRouter(deps: AppDeps): Router {
  const { catalog, metrics } = deps;
  const router = Router();

  // Both answer 200 with the result, whether or not the graph is valid: the request succeeded,
  // the graph's problems are the answer. (Publishing an invalid graph is what answers 422.)
  router.post("/validate", async (req, res) => {
    const { graph } = parseBody(req, validateBody);
    const compiled = await compileWithCatalog(catalog, graph, { verify: false });
    metrics.compile("validate", compiled.result.success, compiled.durationMs);
    res.json(validateView(compiled.result));
  });

  router.post("/compile", async (req, res) => {
    const { graph, verify } = parseBody(req, compileBody);
    const compiled = await compileWithCatalog(catalog, graph, { verify: verify ?? true });
    metrics.compile("compile", compiled.result.success, compiled.durationMs);
    res.json(compileView(compiled.result));
  });

  return router;
}
