/**
 * `POST /tools/:ref/invoke` answered without Express. Invocations are the busiest path, and
 * Express's per-request machinery (its request and response prototypes, router, body parser and
 * res.json) costs more CPU per request than a typical tool run: measured on loopback, a bare
 * Express 5 route ~180 µs, the same work on node's http ~30 µs.
 *
 * It does what the Express route does, through the same parts: request id and the request's
 * log line and metrics, authentication, the per-key rate limit (one limiter for both paths),
 * the body limit, `invokeTool` and the JSON error answers. Requests it does not recognise as
 * plain are left to Express, whose route answers them the same way: another method or path
 * shape (a percent-encoded reference, a trailing slash), a body that is not declared as UTF-8
 * JSON or is compressed.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseQueryString } from "node:querystring";
import type { RequestCheck } from "./auth";
import { answerError } from "./errors";
import { readJsonBody } from "./json-body";
import type { Logger } from "./logging";
import type { RequestObserver } from "./request-observer";
import { beginRequest, requestIdOf } from "./request-state";
import type { InvokeTool } from "./routes/invoke";

export interface InvokeFastPathParts {
  readonly observer: RequestObserver;
  /** Authentication with the invoke scope, then the rate limit: the checks the Express route runs. */
  readonly checks: readonly RequestCheck[];
  readonly invoke: InvokeTool;
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
}

/** Answers the request and returns true, or returns false without touching it. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const ROUTE = "/tools/:ref/invoke";
const INVOKE_PATH = /^\/tools\/([A-Za-z0-9_@]{1,80})\/invoke(?:\?(.*))?$/;
const PLAIN_JSON = /^application\/json[ \t]*(?:;[ \t]*charset[ \t]*=[ \t]*(?:utf-8|"utf-8")[ \t]*)?$/i;

/** The tool reference and query text of a request the fast path answers; undefined for any other. */
export function fastInvokeTarget(req: Pick<IncomingMessage, "method" | "url" | "headers">): { readonly ref: string; readonly queryText: string } | undefined {
  if (req.method !== "POST") return undefined;
  const match = INVOKE_PATH.exec(req.url ?? "");
  const ref = match?.[1];
  const type = req.headers["content-type"];
  const encoding = req.headers["content-encoding"];
  const plainJson = type !== undefined && PLAIN_JSON.test(type) && (encoding === undefined || encoding.toLowerCase() === "identity");
  return ref === undefined || !plainJson ? undefined : { ref, queryText: match?.[2] ?? "" };
}

export function invokeFastPath(parts: InvokeFastPathParts): FastPath {
  const { observer, checks, invoke, bodyLimitBytes, logger } = parts;

  const answer = async (req: IncomingMessage, res: ServerResponse, ref: string, queryText: string): Promise<void> => {
    try {
      for (const check of checks) await check(req, res);
      const body = await readJsonBody(req, bodyLimitBytes);
      // The same parser as the Express app's "simple" query parser.
      await invoke({ req, res, ref, body, query: parseQueryString(queryText) });
    } catch (error) {
      // An answer already under way cannot become an error answer: cut it, as Express does.
      if (!answerError(logger, req, res, error)) res.destroy();
    }
  };

  return (req, res) => {
    const target = fastInvokeTarget(req);
    if (target === undefined) return false;
    beginRequest(req, res);
    observer.observe(req, res, () => ROUTE);
    answer(req, res, target.ref, target.queryText).catch((error: unknown) => {
      // Only a failure to answer an error lands here; the client must not wait for nothing.
      logger.error({ err: error, requestId: requestIdOf(req) }, "invocation could not be answered");
      res.destroy();
    });
    return true;
  };
}
