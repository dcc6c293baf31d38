/**
 * Request validation with zod: a body, query or parameter that does not match answers 400
 * with every issue listed as `{ path, message, code }`.
 */
import type { Request } from "express";
import type { z } from "zod";
import { ApiError, type ApiErrorCode } from "./errors";

export interface Issue {
  /** Dotted path into the value ("" for the value itself). */
  readonly path: string;
  readonly message: string;
  readonly code: string;
}

export function issuesOf(issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string; readonly code?: string }[]): Issue[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message, code: issue.code ?? "invalid" }));
}

function describe(issues: readonly Issue[]): string {
  return issues.map((issue) => `${issue.path === "" ? "(root)" : issue.path}: ${issue.message}`).join("; ");
}

/** `value` parsed by `schema`, or a 400 with `code` listing every issue. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, code: ApiErrorCode, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesOf(result.error.issues);
  throw new ApiError(400, code, `invalid ${what}: ${describe(issues)}`, { issues });
}

/** The JSON body, validated. A missing or non-JSON body is validated as `undefined`. */
export function parseBody<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  const body: unknown = req.body;
  return parseWith(schema, body, "INVALID_BODY", "request body");
}

export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  const query: unknown = req.query;
  return parseWith(schema, query, "INVALID_QUERY", "query");
}

/** A route parameter as a single string. */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === "string" ? value : (value ?? []).join("/");
}
