/**
 * The request bodies and queries of the HTTP API, as zod schemas: the routes validate with
 * them and /openapi.json describes them (z.toJSONSchema), so the two cannot drift.
 */
import { z } from "zod";
import { TOOL_NAME } from "../compiler/validate/structure";
import { API_KEY_SCOPES, RUN_STATUSES } from "./db/index";

/** A graph document: every JSON object passes here; the compiler judges the rest (with diagnostics). */
export const graphSchema = z.record(z.string(), z.unknown()).describe("A toolwright.graph/v1 document (see docs/graph-format.md)");

const required = (what: string) => z.unknown().refine((value) => value !== undefined, { message: `Required: ${what}` });

/** POST /api/validate */
export const validateBody = z.strictObject({ graph: graphSchema });

/** POST /api/compile */
export const compileBody = z.strictObject({
  graph: graphSchema,
  /** false: validate and generate only (fast preview); never used for publishing. */
  verify: z.boolean().optional(),
});

/** POST /api/tools and PUT /api/tools/:id */
export const toolBody = z.strictObject({ graph: graphSchema });

/** The part of a draft graph the tool record needs: its name (and description). */
export const draftIdentity = z.object({
  tool: z.object({
    name: z.string().regex(TOOL_NAME, "tool.name must be 1–64 letters, digits or _, starting with a letter"),
    description: z.string().max(4_000).optional(),
  }),
});

/**
 * POST /tools/:name/invoke: `{ input }`, or `{ arguments }` — the `function.arguments` string of
 * an OpenAI tool call made under the strict definition of GET /tools/openai (JSON; a null for an
 * optional field means absent). Exactly one of the two.
 */
export const invokeBody = z
  .strictObject({
    input: z.unknown().optional().describe("the tool input (a JSON object)"),
    arguments: z.string().optional().describe("the arguments string of an OpenAI tool call under the tool's strict definition (GET /tools/openai)"),
  })
  .refine((body) => (body.input === undefined) !== (body.arguments === undefined), {
    message: "Required: either input (the tool input, a JSON object) or arguments (the arguments string of an OpenAI tool call), not both",
  });

/** POST /api/tools/:id/test-run: runs the saved draft, or `graph` when given (unsaved edits). */
export const testRunBody = z.strictObject({ input: required("the tool input (a JSON object)"), graph: graphSchema.optional() });

const positiveInt = z.coerce.number().int().min(1);

/** GET /api/runs */
export const runsQuery = z.object({
  tool: z.string().min(1).optional().describe("tool name"),
  status: z.enum(RUN_STATUSES).optional(),
  version: positiveInt.optional().describe("version number (with tool)"),
  before: z.iso.datetime({ offset: true }).optional().describe("only runs started before this time (paging: pass the previous page's nextBefore)"),
  limit: positiveInt.max(1_000).optional(),
});

/** POST /api/keys */
export const keyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scope: z.enum(API_KEY_SCOPES),
});

/** PUT /api/secrets/:name */
export const secretBody = z.strictObject({ value: z.string().min(1).max(65_536) });

/** `?trace=1` (also true/yes). */
export const traceQuery = z.object({ trace: z.enum(["1", "true", "yes", "0", "false", "no"]).optional() });
