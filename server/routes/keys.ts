/** API keys (admin): list, create (the key is in the response, once), revoke. */
import { Router } from "express";
import type { AppDeps } from "../deps";
import { conflict, notFound } from "../errors";
import { createApiKey } from "../keys/index";
import { keyBody } from "../schemas";
import { param, parseBody } from "../validation";
import { keyView } from "../views";

export function keysRouter(deps: AppDeps): Router {
  const { db, keys } = deps;
  const router = Router();

  router.get("/keys", async (_req, res) => {
    res.json({ keys: (await db.apiKeys.list()).map(keyView) });
  });

  router.post("/keys", async (req, res) => {
    const { name, scope } = parseBody(req, keyBody);
    const created = await createApiKey(db, { name, scope });
    res.status(201).json({ ...keyView(created.apiKey), key: created.key });
  });

  router.delete("/keys/:id", async (req, res) => {
    const id = param(req, "id");
    const key = await db.apiKeys.get(id);
    if (key === null) throw notFound(`no key with id ${JSON.stringify(id)}`);
    // Revoking the last admin key would lock everyone out of the admin API.
    if (key.scope === "admin" && key.revokedAt === null && (await db.apiKeys.countActive("admin")) <= 1) {
      throw conflict("LAST_ADMIN_KEY", "this is the last active admin key; create another admin key before revoking it");
    }
    const revoked = await keys.revoke(id);
    if (revoked === null) throw notFound(`no key with id ${JSON.stringify(id)}`);
    res.json(keyView(revoked));
  });

  return router;
}
