/**
 * The built editor (`dist/editor`, written by `vite build`; `npm start` builds it when needed),
 * served at `/`. Without a build, `/` says how to get one and where the API is.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { Router } from "express";

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Toolwright</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Toolwright is running</h1>
<p>The editor is not built. Run <code>npm start</code> (it builds the editor when needed) or <code>npm run build:editor</code>.</p>
<p>The HTTP API is described at <a href="/openapi.json">/openapi.json</a> (send your key as <code>Authorization: Bearer &lt;key&gt;</code>); readiness at <a href="/health">/health</a>.</p>
</body></html>`;

export function editorRouter(dir: string | undefined): Router {
  const router = Router();
  if (dir !== undefined && existsSync(join(dir, "index.html"))) {
    // Vite's hashed assets may be cached for good; everything else is revalidated.
    router.use(
      express.static(dir, {
        index: "index.html",
        setHeaders: (res, path) => {
          res.setHeader("Cache-Control", path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
        },
      }),
    );
    return router;
  }
  router.get("/", (_req, res) => {
    res.type("html").send(NOT_BUILT);
  });
  return router;
}
