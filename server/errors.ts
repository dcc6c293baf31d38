/**
 * API errors: every failure leaves the server as JSON `{ "error": { "code", "message", … } }`
 * with a status that says what went wrong. Codes are stable, upper-case, and public API.
 * Nothing else (no stack trace, no driver message) ever reaches a caller.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { CompileTimeoutError } from "./compile-pool";
import { isDatabaseError } from "./db/index";
import { requestIdOf, requestPath } from "./request-state";
import { sendJson } from "./send-json";

export type ApiErrorCode =
  | "INVALID_BODY"
  | "INVALID_QUERY"
  | "INVALID_JSON"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "NAME_TAKEN"
  | "NAME_MISMATCH"
  | "TOOL_PUBLISHED"
  | "TOOL_IN_USE"
  | "LAST_ADMIN_KEY"
  | "PAYLOAD_TOO_LARGE"
  | "COMPILE_FAILED"
  | "RATE_LIMITED"
  | "SERVICE_UNAVAILABLE"
  | "COMPILE_TIMEOUT"
  | "INTERNAL";

/**
 * An error the API answers with on purpose. `details` is JSON for the caller (zod issues,
 * diagnostics…); `fields` are a few well-known members placed beside code and message
 * (`nodeId`, `runId`).
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
    readonly fields?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export const badRequest = (code: ApiErrorCode, message: string, details?: Readonly<Record<string, unknown>>): ApiError => new ApiError(400, code, message, details);
export const notFound = (message: string): ApiError => new ApiError(404, "NOT_FOUND", message);
export const conflict = (code: ApiErrorCode, message: string, details?: Readonly<Record<string, unknown>>): ApiError => new ApiError(409, code, message, details);

export const payloadTooLarge = (limitBytes: number | undefined): ApiError =>
  new ApiError(413, "PAYLOAD_TOO_LARGE", "the request body is too large", limitBytes === undefined ? undefined : { limit: limitBytes });

/** The JSON body of an error response. */
export function errorBody(error: ApiError): { error: Record<string, unknown> } {
  return { error: { code: error.code, message: error.message, ...(error.fields ?? {}), ...(error.details === undefined ? {} : { details: error.details }) } };
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, errorBody(error));
}

/** body-parser's errors carry `type` and `status`; map the ones a caller can cause. */
function bodyParserError(error: unknown): ApiError | undefined {
  if (!(error instanceof Error) || !("type" in error) || typeof error.type !== "string") return undefined;
  switch (error.type) {
    case "entity.parse.failed":
      return new ApiError(400, "INVALID_JSON", `the request body is not valid JSON: ${error.message}`);
    case "entity.too.large":
      return payloadTooLarge("limit" in error && typeof error.limit === "number" ? error.limit : undefined);
    case "encoding.unsupported":
    case "charset.unsupported":
      return new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", error.message);
    case "request.aborted":
      return new ApiError(400, "INVALID_BODY", "the request was aborted while its body was read");
    default:
      return undefined;
  }
}

/** Maps a thrown value to the API error the caller sees. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const parsed = bodyParserError(error);
  if (parsed !== undefined) return parsed;
  if (isDatabaseError(error, "name_taken")) return conflict("NAME_TAKEN", error.message);
  if (isDatabaseError(error, "not_found")) return notFound(error.message);
  if (error instanceof CompileTimeoutError) return new ApiError(503, "COMPILE_TIMEOUT", error.message, { timeoutMs: error.timeoutMs });
  return new ApiError(500, "INTERNAL", "internal server error");
}

/**
 * Answers a request that failed with `error`, logging unexpected errors (with the request id).
 * False when the response had begun already, so nothing could be answered.
 */
export function answerError(logger: Logger, req: IncomingMessage, res: ServerResponse, error: unknown): boolean {
  const apiError = toApiError(error);
  if (apiError.status >= 500) {
    logger.error({ err: error, requestId: requestIdOf(req), method: req.method, path: requestPath(req) }, "request failed");
  }
  if (res.headersSent) return false;
  sendError(res, apiError);
  return true;
}

/** The last middleware: answers JSON through answerError. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (!answerError(logger, req, res, error)) next(error);
  };
}

/** 404 for any route nobody answered. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, notFound(`no route for ${req.method} ${req.path}`));
};
