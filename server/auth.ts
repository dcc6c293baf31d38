/**
 * `Authorization: Bearer <key>` on every route but /health and the editor's static files.
 * 401 when the key is missing, malformed, unknown or revoked (one message for all three, so
 * the answer tells an attacker nothing); 403 when a valid key lacks the scope (an invoke key
 * on the admin API). Then the per-key rate limit, when configured.
 */
import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { ApiError, sendError } from "./errors";
import { parseBearer, scopeAllows, type ApiKeyScope, type KeyVerifier } from "./keys/index";
import { callerOf, setCaller } from "./request-state";

export function authenticate(verifier: KeyVerifier, scope: ApiKeyScope): RequestHandler {
  return async (req, res, next) => {
    const presented = parseBearer(req.get("authorization"));
    if (presented === undefined) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="toolwright"');
      throw new ApiError(401, "UNAUTHORIZED", "an API key is required: send Authorization: Bearer <key>");
    }
    const key = await verifier.verify(presented);
    if (key === null) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="toolwright", error="invalid_token"');
      throw new ApiError(401, "UNAUTHORIZED", "the API key is unknown or revoked");
    }
    setCaller(req, key);
    if (!scopeAllows(key.scope, scope)) {
      throw new ApiError(403, "FORBIDDEN", `this ${key.scope} key may not use this route; it needs an ${scope} key`);
    }
    next();
  };
}

/**
 * At most `perMinute` requests per key per minute (a sliding window per process: with several
 * server processes each enforces its own share). 0 disables it.
 */
export function perKeyRateLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) {
    return (_req, _res, next) => {
      next();
    };
  }
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    // Keys, not IP addresses, are limited: the library's IP and proxy checks do not apply.
    validate: false,
    // Only reached after authenticate, so there is always a key id.
    keyGenerator: (req) => callerOf(req)?.id ?? "anonymous",
    handler: (_req, res) => {
      sendError(res, new ApiError(429, "RATE_LIMITED", `too many requests for this key: at most ${String(perMinute)} per minute`));
    },
  });
}
