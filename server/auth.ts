/**
 * `Authorization: Bearer <key>` on every route but /health and the editor's static files.
 * 401 when the key is missing, malformed, unknown or revoked (one message for all three, so
 * the answer tells an attacker nothing); 403 when a valid key lacks the scope (an invoke key
 * on the admin API). Then the per-key rate limit, when configured.
 *
 * Each check is written against node's request and response and throws the ApiError to
 * answer; the Express middleware below and the invoke fast path (invoke-fast-path.ts) share it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import { ApiError } from "./errors";
import { parseBearer, scopeAllows, type ApiKeyScope, type KeyVerifier } from "./keys/index";
import { callerOf, setCaller } from "./request-state";

export type RequestCheck = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function authenticateRequest(verifier: KeyVerifier, scope: ApiKeyScope): RequestCheck {
  return async (req, res) => {
    const presented = parseBearer(req.headers.authorization);
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
  };
}

const WINDOW_MS = 60_000;

export interface WindowTake {
  readonly allowed: boolean;
  /** Requests left in the key's window. */
  readonly remaining: number;
  /** Seconds until the key's window starts over. */
  readonly resetSeconds: number;
}

/**
 * Fixed one-minute windows, one per key, each starting at the key's first request after the
 * previous one ended. `take` counts a request.
 */
export function keyWindows(perMinute: number, now: () => number = Date.now): (keyId: string) => WindowTake {
  const windows = new Map<string, { used: number; resetAt: number }>();
  return (keyId) => {
    const at = now();
    let window = windows.get(keyId);
    if (window === undefined || window.resetAt <= at) {
      // Ended windows of other keys go too, so the map holds only keys active this minute.
      for (const [id, other] of windows) if (other.resetAt <= at) windows.delete(id);
      window = { used: 0, resetAt: at + WINDOW_MS };
      windows.set(keyId, window);
    }
    window.used += 1;
    return { allowed: window.used <= perMinute, remaining: Math.max(0, perMinute - window.used), resetSeconds: Math.max(0, Math.ceil((window.resetAt - at) / 1000)) };
  };
}

/**
 * At most `perMinute` requests per key per minute (keyWindows; per process: with several server
 * processes each enforces its own share); 0 disables it. Must run after authentication. Every
 * answer under a limit carries the RateLimit-Policy and RateLimit headers of the IETF draft, and
 * a refusal Retry-After.
 */
export function perKeyRateLimit(perMinute: number): RequestCheck {
  if (perMinute <= 0) return () => undefined;
  const take = keyWindows(perMinute);
  const policy = `"per-key";q=${String(perMinute)};w=${String(WINDOW_MS / 1000)}`;
  return (req, res) => {
    const keyId = callerOf(req)?.id;
    if (keyId === undefined) throw new Error("the rate limit runs after authentication");
    const { allowed, remaining, resetSeconds } = take(keyId);
    res.setHeader("RateLimit-Policy", policy);
    res.setHeader("RateLimit", `"per-key";r=${String(remaining)};t=${String(resetSeconds)}`);
    if (!allowed) {
      res.setHeader("Retry-After", String(resetSeconds));
      throw new ApiError(429, "RATE_LIMITED", `too many requests for this key: at most ${String(perMinute)} per minute`);
    }
  };
}

/** Runs the checks in order as one Express middleware; a failed check answers through the error handler. */
export function checksMiddleware(...checks: readonly RequestCheck[]): RequestHandler {
  return async (req, res, next) => {
    for (const check of checks) await check(req, res);
    next();
  };
}
