/**
 * What every request leaves behind once it finished (or the client abandoned it): one log
 * line and the HTTP metrics. Written against node's request and response, so the Express
 * application and the invoke fast path (invoke-fast-path.ts) observe requests the same way.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, RequestHandler } from "express";
import type { Logger } from "./logging";
import type { Metrics } from "./metrics";
import { callerOf, requestIdOf, requestPath, requestStartedAt } from "./request-state";

/** The matched route pattern ("/tools/:ref/invoke"), asked once the request is over. */
export type RouteOf = () => string | undefined;

export interface RequestObserver {
  /** Call right after `beginRequest`. */
  observe(req: IncomingMessage, res: ServerResponse, routeOf: RouteOf): void;
  /** The same for the Express application, the route taken from Express's match. */
  readonly middleware: RequestHandler;
}

/** Express sets req.route once a route matched; its pattern is relative to the mount point. */
function expressRoute(req: Request): string | undefined {
  const route: unknown = req.route;
  return typeof route === "object" && route !== null && "path" in route && typeof route.path === "string" ? `${req.baseUrl}${route.path}` : undefined;
}

export function createRequestObserver(logger: Logger, metrics: Metrics): RequestObserver {
  // This line is built below from fields that are never secret, so it skips the redaction
  // paths, which cost about three times the line itself (pino's wildcard redaction).
  const lines = logger.child({}, { redact: { paths: [] } });

  const observe = (req: IncomingMessage, res: ServerResponse, routeOf: RouteOf): void => {
    const path = requestPath(req);
    const method = req.method ?? "GET";
    const done = (): void => {
      res.removeListener("finish", done);
      res.removeListener("close", done);
      const route = routeOf();
      const finished = res.writableFinished;
      const status = finished ? res.statusCode : 499;
      const durationMs = performance.now() - requestStartedAt(req);
      const keyId = callerOf(req)?.id;
      const entry = {
        requestId: requestIdOf(req),
        method,
        path,
        ...(route === undefined ? {} : { route }),
        status,
        durationMs: Math.round(durationMs * 10) / 10,
        ...(keyId === undefined ? {} : { keyId }),
      };
      if (status >= 500) lines.error(entry, "request");
      else if (status === 499) lines.warn(entry, "request abandoned by the client");
      else lines.info(entry, "request");
      // Unmatched requests share one label value, so metrics stay bounded.
      if (finished) metrics.httpRequest(method, route ?? "unmatched", status, durationMs);
    };
    res.on("finish", done);
    res.on("close", done);
  };

  return {
    observe,
    middleware(req, res, next) {
      observe(req, res, () => expressRoute(req));
      next();
    },
  };
}
