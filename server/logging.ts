/**
 * Structured logs (pino, JSON lines on stdout). One line per request with its request id
 * (also stored on the run), method, route, status, duration and the caller's key *id*.
 *
 * What is never logged: request or response bodies (tool inputs may be personal data), headers
 * (the Authorization header carries a key), secret values, keys. Redaction paths below are a
 * second line of defence for fields that should not be there in the first place.
 */
import type { RequestHandler } from "express";
import { pino, type DestinationStream, type Logger } from "pino";
import { callerOf, requestIdOf, requestStartedAt } from "./request-state";

export type { Logger } from "pino";

export interface LoggerOptions {
  /** Default: LOG_LEVEL, else "info". */
  readonly level?: string;
  /** Default: stdout. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  const config = {
    level,
    base: { service: "toolwright" },
    redact: { paths: ["authorization", "*.authorization", "headers.authorization", "*.headers.authorization", "key", "*.key", "secret", "*.secret", "value", "*.value"], censor: "[REDACTED]" },
  };
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}

/** Logs each finished (or abandoned) request. */
export function requestLogger(logger: Logger): RequestHandler {
  // This line is built below from fields that are never secret, so it skips the redaction
  // paths, which cost about three times the line itself (pino's wildcard redaction).
  const lines = logger.child({}, { redact: { paths: [] } });
  return (req, res, next) => {
    const done = (): void => {
      res.removeListener("finish", done);
      res.removeListener("close", done);
      const route: unknown = req.route;
      const routePath = typeof route === "object" && route !== null && "path" in route && typeof route.path === "string" ? `${req.baseUrl}${route.path}` : undefined;
      const status = res.writableFinished ? res.statusCode : 499;
      const entry = {
        requestId: requestIdOf(req),
        method: req.method,
        path: req.originalUrl.split("?")[0] ?? req.path,
        ...(routePath === undefined ? {} : { route: routePath }),
        status,
        durationMs: Math.round((performance.now() - requestStartedAt(req)) * 10) / 10,
        ...(callerOf(req) === undefined ? {} : { keyId: callerOf(req)?.id }),
      };
      if (status >= 500) lines.error(entry, "request");
      else if (status === 499) lines.warn(entry, "request abandoned by the client");
      else lines.info(entry, "request");
    };
    res.on("finish", done);
    res.on("close", done);
    next();
  };
}
