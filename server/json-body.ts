/** A JSON request body read without Express (invoke-fast-path.ts), with express.json's rules. */
import type { IncomingMessage } from "node:http";
import { ApiError, payloadTooLarge } from "./errors";

/** Whitespace JSON allows before a value; strict bodies start with `{` or `[` after it. */
const STRICT_START = /^[ \t\n\r]*[[{]/;

/**
 * The body of a UTF-8 JSON request, read up to `limitBytes`, with express.json's rules: an
 * empty body is `{}`; otherwise only an object or an array (strict). 413 past the limit (the
 * declared Content-Length is checked before anything is read), 400 INVALID_JSON when it does
 * not parse, 400 INVALID_BODY when the client goes away mid-body.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > limitBytes) return Promise.reject(payloadTooLarge(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fail?: ApiError): void => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      req.off("error", onClose);
      if (fail !== undefined) {
        reject(fail);
        return;
      }
      // In an event handler a throw would be uncaught: whatever parsing throws becomes the answer.
      try {
        resolve(parseStrictJson(Buffer.concat(chunks, size).toString("utf8")));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        // Node discards the rest of the body once the answer is written.
        settle(payloadTooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      settle();
    };
    const onClose = (): void => {
      settle(new ApiError(400, "INVALID_BODY", "the request was aborted while its body was read"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
    req.on("error", onClose);
  });
}

function parseStrictJson(text: string): unknown {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (body.length === 0) return {};
  if (!STRICT_START.test(body)) throw new ApiError(400, "INVALID_JSON", "the request body is not valid JSON: only an object or an array is accepted");
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new ApiError(400, "INVALID_JSON", `the request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
