/** Small helpers the route modules share. */
import type { ServerResponse } from "node:http";
import type { CatalogCompile } from "../compile-service";
import { ApiError } from "../errors";
import { callerWatch, type CallerWatch, type RunFailure } from "../runner";

/**
 * `RunParams.whenCallerGone` for an HTTP request: the client went away before the response was
 * complete (one that left while the request was authenticated and looked up has closed it already).
 */
export function whenClientGone(res: ServerResponse): CallerWatch {
  return callerWatch(
    () => res.closed,
    (cancel) => {
      const onClose = (): void => {
        if (!res.writableFinished) cancel();
      };
      res.on("close", onClose);
      return () => {
        res.off("close", onClose);
      };
    },
  );
}

/** 422 with every diagnostic (and the verification result) when a compile failed. */
export function compileFailure(compiled: CatalogCompile, what: string): ApiError {
  const { result } = compiled;
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const first = errors[0];
  const summary = first === undefined ? "compilation failed" : `${first.code}${first.nodeId === undefined ? "" : ` (node ${first.nodeId})`}: ${first.message}`;
  const count = errors.length > 1 ? ` (and ${String(errors.length - 1)} more error(s))` : "";
  return new ApiError(422, "COMPILE_FAILED", `${what} does not compile: ${summary}${count}`, {
    diagnostics: result.diagnostics,
    ...(result.verification === undefined ? {} : { verification: result.verification }),
  });
}

const UPSTREAM = new Set(["HTTP_STATUS", "HTTP_UNREACHABLE", "HTTP_NOT_JSON", "LLM_STATUS", "LLM_UNREACHABLE", "LLM_NOT_JSON"]);
const TIMEOUTS = new Set(["DEADLINE_EXCEEDED", "TIMEOUT"]);

/**
 * The status of a failed invocation: 400 the caller's input does not fit the tool; 502 an
 * upstream HTTP or LLM call failed; 504 the run's deadline passed or a node timed out; 499 the
 * caller went away (logged only: nobody reads that response); 500 a Toolwright bug; 422 any
 * other tool failure (a node failed, a secret is missing, a host is not allowed…).
 */
export function failureStatus(failure: RunFailure): number {
  if (failure.code === "INVALID_INPUT" && failure.nodeId === undefined) return 400;
  if (UPSTREAM.has(failure.code)) return 502;
  if (TIMEOUTS.has(failure.code)) return 504;
  if (failure.code === "CANCELLED") return 499;
  if (failure.code === "INTERNAL") return 500;
  return 422;
}

/** `{ error: { code, message, nodeId?, runId, details? } }` for a failed run. */
export function failureBody(failure: RunFailure, runId: string) {
  const details = typeof failure.details === "object" && failure.details !== null && !Array.isArray(failure.details) ? failure.details : failure.details === undefined ? {} : { value: failure.details };
  return {
    error: {
      code: failure.code,
      message: failure.message,
      ...(failure.nodeId === undefined ? {} : { nodeId: failure.nodeId }),
      runId,
      details: { ...details, runId, ...(failure.nodeId === undefined ? {} : { nodeId: failure.nodeId }) },
    },
  };
}

/** Milliseconds with two decimals. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
