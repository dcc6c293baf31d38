/**
 * Per-request state (request id, the caller's key) kept beside the request rather than on
 * `res.locals`, whose type is `Record<string, any>`: a WeakMap keeps it typed and lets it go
 * with the request. Keyed by node's request, so the Express routes and the invoke fast path
 * (invoke-fast-path.ts) share it.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { ApiKeyRecord } from "./keys/index";

interface RequestState {
  readonly requestId: string;
  readonly startedAt: number;
  key?: ApiKeyRecord;
}

const states = new WeakMap<IncomingMessage, RequestState>();

/** A caller-chosen X-Request-Id is kept when it is short and plain; otherwise a UUID. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = "x-request-id";

/** Starts the request's state, and sets the headers every answer carries (its id among them). */
export function beginRequest(req: IncomingMessage, res: ServerResponse): void {
  const given = req.headers[REQUEST_ID_HEADER];
  const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
  states.set(req, { requestId, startedAt: performance.now() });
  res.setHeader("X-Request-Id", requestId);
  res.setHeader("X-Content-Type-Options", "nosniff");
}

export const assignRequestId: RequestHandler = (req, res, next) => {
  beginRequest(req, res);
  next();
};

/** The request's path, without its query. */
export function requestPath(req: IncomingMessage): string {
  return (req.url ?? "/").split("?")[0] ?? "/";
}

function stateOf(req: IncomingMessage): RequestState {
  let state = states.get(req);
  if (state === undefined) {
    state = { requestId: randomUUID(), startedAt: performance.now() };
    states.set(req, state);
  }
  return state;
}

export function requestIdOf(req: IncomingMessage): string {
  return stateOf(req).requestId;
}

export function requestStartedAt(req: IncomingMessage): number {
  return stateOf(req).startedAt;
}

export function setCaller(req: IncomingMessage, key: ApiKeyRecord): void {
  stateOf(req).key = key;
}

/** The authenticated key; undefined before authentication (or on public routes). */
export function callerOf(req: IncomingMessage): ApiKeyRecord | undefined {
  return stateOf(req).key;
}

/** The authenticated key on a route behind `authenticate`: its absence is a bug. */
export function requireCaller(req: IncomingMessage): ApiKeyRecord {
  const key = stateOf(req).key;
  if (key === undefined) throw new Error("route is missing the authenticate middleware");
  return key;
}
