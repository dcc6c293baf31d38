/** JSON answers over node's response, the same for the Express routes and the invoke fast path. */
import type { ServerResponse } from "node:http";

/** Answers `value` as JSON, as Express's res.json does (without an ETag: the app disables it). */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}
