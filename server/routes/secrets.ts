/**
 * Secrets (admin): names only on the way out; values go in, encrypted at rest, and are used by
 * http nodes' `auth` at run time. No route ever returns a value.
 */
import { Router } from "express";
import type { AppDeps } from "../deps";
import { ApiError, notFound } from "../errors";
import { SecretError } from "../secrets/index";
import { secretBody } from "../schemas";
import { param, parseBody } from "../validation";

function secretError(error: unknown): Error {
  if (!(error instanceof SecretError)) return error instanceof Error ? error : new Error(String(error));
  if (error.code === "invalid_name") return new ApiError(400, "INVALID_BODY", error.message, { issues: [{ path: "name", message: error.message, code: "invalid_name" }] });
  return new ApiError(503, "SERVICE_UNAVAILABLE", `the secret store is unavailable: ${error.message}`);
}

export function secretsRouter(deps: AppDeps): Router {
  const { secretStore, secrets } = deps;
  const router = Router();

  router.get("/secrets", async (_req, res) => {
    const list = await secretStore.list();
    res.json({ secrets: list.map((s) => ({ name: s.name, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() })) });
  });

  router.put("/secrets/:name", async (req, res) => {
    const name = param(req, "name");
    const { value } = parseBody(req, secretBody);
    try {
      await secretStore.set(name, value);
    } catch (error) {
      throw secretError(error);
    }
    secrets.forget(name);
    res.status(204).end();
  });

  router.delete("/secrets/:name", async (req, res) => {
    const name = param(req, "name");
    let deleted: boolean;
    try {
      deleted = await secretStore.delete(name);
    } catch (error) {
      throw secretError(error);
    }
    secrets.forget(name);
    if (!deleted) throw notFound(`no secret named ${JSON.stringify(name)}`);
    res.status(204).end();
  });

  return router;
}
