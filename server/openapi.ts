/**
 * /openapi.json: an OpenAPI 3.1 document of the HTTP API — the admin API, the invocation API,
 * and one `invoke_<tool>` operation per published tool with that tool's input and output JSON
 * Schemas, so an agent framework or a client generator can call each tool by name. Request
 * bodies are converted from the same zod schemas the routes validate with.
 */
import { z } from "zod";
import type { JsonValue } from "./db/index";
import type { PublishedInfo } from "./catalog";
import * as schemas from "./schemas";

type Json = JsonValue;
type JsonObject = { readonly [key: string]: Json };

function bodySchema(schema: z.ZodType): Json {
  const converted: unknown = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  const parsed = z.record(z.string(), z.json()).parse(converted);
  // OpenAPI 3.1 documents have one dialect; the per-schema `$schema` is noise.
  return Object.fromEntries(Object.entries(parsed).filter(([key]) => key !== "$schema"));
}

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

function json(schema: Json, description: string): JsonObject {
  return { description, content: { "application/json": { schema } } };
}

const errorResponse = (description: string): JsonObject => json(ref("Error"), description);

const STANDARD_ERRORS: JsonObject = {
  "400": errorResponse("Invalid body or query (details.issues lists each problem)"),
  "401": errorResponse("Missing, unknown or revoked API key"),
  "403": errorResponse("The key's scope does not allow this route"),
  "429": errorResponse("Rate limited (per key)"),
};

function operation(spec: {
  readonly id: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly body?: Json;
  readonly params?: readonly JsonObject[];
  readonly responses: JsonObject;
  readonly auth?: boolean;
  readonly description?: string;
}): JsonObject {
  return {
    operationId: spec.id,
    summary: spec.summary,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    tags: [...spec.tags],
    ...(spec.params === undefined ? {} : { parameters: [...spec.params] }),
    ...(spec.body === undefined ? {} : { requestBody: { required: true, content: { "application/json": { schema: spec.body } } } }),
    responses: spec.auth === false ? spec.responses : { ...STANDARD_ERRORS, ...spec.responses },
    ...(spec.auth === false ? { security: [] } : {}),
  };
}

const pathParam = (name: string, description: string, schema: Json = { type: "string" }): JsonObject => ({ name, in: "path", required: true, description, schema });
const queryParam = (name: string, description: string, schema: Json): JsonObject => ({ name, in: "query", required: false, description, schema });

const toolId = pathParam("id", "Tool id");
const versionNumber = pathParam("n", "Version number", { type: "integer", minimum: 1 });
const traceParam = queryParam("trace", "1 to include the run's trace (one span per node)", { type: "string", enum: ["1", "0", "true", "false"] });

const object = (properties: JsonObject, required: readonly string[] = Object.keys(properties)): JsonObject => ({ type: "object", properties, required: [...required] });

const testRunResult = object({ ok: { type: "boolean" }, runId: { type: "string" }, output: {}, error: { type: "object" }, trace: { type: "array", items: ref("Span") }, durationMs: { type: "number" } }, ["ok", "runId", "trace", "durationMs"]);

const COMPONENTS: JsonObject = {
  securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A Toolwright API key (tw_…): admin keys for /api, invoke or admin keys for /tools" } },
  schemas: {
    Error: object(
      {
        error: object(
          {
            code: { type: "string", description: "Stable error code, e.g. INVALID_BODY, NOT_FOUND, COMPILE_FAILED, HTTP_STATUS" },
            message: { type: "string" },
            nodeId: { type: "string", description: "The node that failed (tool errors)" },
            runId: { type: "string", description: "The recorded run (tool errors)" },
            details: { type: "object", description: "issues (400), diagnostics (422 compile), tool error details" },
          },
          ["code", "message"],
        ),
      },
      ["error"],
    ),
    Tool: object({
      id: { type: "string" },
      name: { type: "string" },
      description: { type: "string" },
      latestVersion: { type: ["integer", "null"] },
      createdAt: { type: "string", format: "date-time" },
      updatedAt: { type: "string", format: "date-time" },
    }),
    ToolDetail: { allOf: [ref("Tool"), object({ graph: { type: "object" } })] },
    VersionSummary: object({
      id: { type: "string" },
      version: { type: "integer" },
      hash: { type: "string" },
      compilerVersion: { type: "string" },
      createdAt: { type: "string", format: "date-time" },
      inputSchema: { type: "object" },
      outputSchema: {},
      calls: { type: "object", additionalProperties: { type: "integer" } },
    }),
    Version: { allOf: [ref("VersionSummary"), object({ graph: { type: "object" }, files: { type: "object", additionalProperties: { type: "string" } }, verification: { type: "object" } })] },
    Span: object(
      {
        nodeId: { type: "string" },
        kind: { type: "string" },
        status: { type: "string", enum: ["succeeded", "failed", "skipped"] },
        startedAt: { type: "number", description: "epoch ms" },
        durationMs: { type: "number" },
        attempts: { type: "integer" },
        input: {},
        output: {},
        error: object({ code: { type: "string" }, message: { type: "string" } }),
        usage: { type: "object" },
        tool: { type: "string", description: "name@version, for spans of a called tool" },
      },
      ["nodeId", "kind", "status", "startedAt", "durationMs", "attempts"],
    ),
    RunSummary: object({
      id: { type: "string" },
      toolId: { type: "string" },
      tool: { type: "string" },
      version: { type: ["integer", "null"], description: "null for a test run of the draft" },
      status: { type: "string", enum: ["succeeded", "failed"] },
      error: { type: ["object", "null"] },
      startedAt: { type: "string", format: "date-time" },
      durationMs: { type: "integer" },
      callerKeyId: { type: ["string", "null"] },
      requestId: { type: ["string", "null"] },
    }),
    Run: { allOf: [ref("RunSummary"), object({ input: {}, output: {}, trace: { type: "array", items: ref("Span") } })] },
    Diagnostic: object(
      { code: { type: "string" }, severity: { type: "string", enum: ["error", "warning"] }, message: { type: "string" }, hint: { type: "string" }, nodeId: { type: "string" }, edgeId: { type: "string" }, path: { type: "array" } },
      ["code", "severity", "message", "hint"],
    ),
    Key: object({
      id: { type: "string" },
      name: { type: "string" },
      scope: { type: "string", enum: ["admin", "invoke"] },
      prefix: { type: "string" },
      createdAt: { type: "string", format: "date-time" },
      lastUsedAt: { type: ["string", "null"] },
      revokedAt: { type: ["string", "null"] },
    }),
  },
};

const ADMIN_PATHS: JsonObject = {
  "/api/tools": {
    get: operation({ id: "listTools", summary: "List tools (drafts and published)", tags: ["tools"], responses: { "200": json(object({ tools: { type: "array", items: ref("Tool") } }), "The tools, by name") } }),
    post: operation({
      id: "createTool",
      summary: "Create a tool from a draft graph (name and description come from graph.tool)",
      tags: ["tools"],
      body: bodySchema(schemas.toolBody),
      responses: { "201": json(ref("ToolDetail"), "Created"), "409": errorResponse("A tool with that name exists") },
    }),
  },
  "/api/tools/{id}": {
    get: operation({ id: "getTool", summary: "A tool with its draft graph", tags: ["tools"], params: [toolId], responses: { "200": json(ref("ToolDetail"), "The tool"), "404": errorResponse("No such tool") } }),
    put: operation({
      id: "updateTool",
      summary: "Replace the draft graph",
      tags: ["tools"],
      params: [toolId],
      body: bodySchema(schemas.toolBody),
      responses: { "200": json(ref("ToolDetail"), "Updated"), "404": errorResponse("No such tool"), "409": errorResponse("Name taken, or renaming a published tool") },
    }),
    delete: operation({ id: "deleteTool", summary: "Delete a tool with its versions and runs", tags: ["tools"], params: [toolId], responses: { "204": { description: "Deleted" }, "404": errorResponse("No such tool"), "409": errorResponse("Published tools call it") } }),
  },
  "/api/tools/{id}/publish": {
    post: operation({
      id: "publishTool",
      summary: "Compile the draft (verified) and publish it as the next immutable version",
      tags: ["versions"],
      params: [toolId],
      responses: {
        "201": json(object({ version: { type: "integer" }, hash: { type: "string" }, unchanged: { type: "boolean" } }), "Published"),
        "200": json(object({ version: { type: "integer" }, hash: { type: "string" }, unchanged: { type: "boolean" } }), "The draft is identical to the latest version; nothing new was published"),
        "404": errorResponse("No such tool"),
        "422": errorResponse("The draft does not compile (details.diagnostics)"),
      },
    }),
  },
  "/api/tools/{id}/test-run": {
    post: operation({
      id: "testRunTool",
      summary: "Run the draft (or the given graph) with an input; always answers with the trace, or streams each span (Accept: text/event-stream)",
      tags: ["runs"],
      params: [toolId],
      body: bodySchema(schemas.testRunBody),
      responses: {
        "200": {
          description: "The run (ok or failed); with `Accept: text/event-stream`, a stream of `start`, one `span` per finished node, then `result` (this body) or `error` (docs/api.md)",
          content: {
            "application/json": { schema: testRunResult },
            "text/event-stream": { schema: { type: "string", description: "Server-Sent Events: `event: start|span|result|error`, `data:` one line of JSON" } },
          },
        },
        "404": errorResponse("No such tool"),
        "422": errorResponse("The graph does not compile (details.diagnostics)"),
      },
    }),
  },
  "/api/tools/{id}/versions": {
    get: operation({ id: "listVersions", summary: "Published versions, newest first", tags: ["versions"], params: [toolId], responses: { "200": json(object({ versions: { type: "array", items: ref("VersionSummary") } }), "The versions"), "404": errorResponse("No such tool") } }),
  },
  "/api/tools/{id}/versions/{n}": {
    get: operation({ id: "getVersion", summary: "A version: graph snapshot, generated files, verification", tags: ["versions"], params: [toolId, versionNumber], responses: { "200": json(ref("Version"), "The version"), "404": errorResponse("No such tool or version") } }),
  },
  "/api/tools/{id}/versions/{n}/download": {
    get: operation({
      id: "downloadVersion",
      summary: "The version's generated package as a zip",
      tags: ["versions"],
      params: [toolId, versionNumber],
      responses: { "200": { description: "application/zip", content: { "application/zip": { schema: { type: "string", format: "binary" } } } }, "404": errorResponse("No such tool or version") },
    }),
  },
  "/api/validate": {
    post: operation({
      id: "validateGraph",
      summary: "Validate a graph (as `toolwright validate --json`)",
      tags: ["compiler"],
      body: bodySchema(schemas.validateBody),
      responses: { "200": json(object({ valid: { type: "boolean" }, diagnostics: { type: "array", items: ref("Diagnostic") } }), "Validation result") },
    }),
  },
  "/api/compile": {
    post: operation({
      id: "compileGraph",
      summary: "Compile a graph (as `toolwright compile --json`, plus sources)",
      tags: ["compiler"],
      body: bodySchema(schemas.compileBody),
      responses: {
        "200": json(
          object({
            success: { type: "boolean" },
            diagnostics: { type: "array", items: ref("Diagnostic") },
            verification: { type: ["object", "null"] },
            hash: { type: ["string", "null"] },
            files: { type: "array", items: { type: "string" } },
            sources: { type: "object", additionalProperties: { type: "string" } },
            signature: { type: ["object", "null"] },
            timings: { type: "object" },
            compilerVersion: { type: "string" },
          }),
          "Compile result",
        ),
      },
    }),
  },
  "/api/runs": {
    get: operation({
      id: "listRuns",
      summary: "Runs, newest first",
      tags: ["runs"],
      params: [
        queryParam("tool", "Tool name", { type: "string" }),
        queryParam("status", "succeeded or failed", { type: "string", enum: ["succeeded", "failed"] }),
        queryParam("version", "Version number (with tool)", { type: "integer" }),
        queryParam("before", "Only runs started before this time (paging)", { type: "string", format: "date-time" }),
        queryParam("limit", "At most this many (default 50, max 1000)", { type: "integer" }),
      ],
      responses: { "200": json(object({ runs: { type: "array", items: ref("RunSummary") }, nextBefore: { type: ["string", "null"] } }), "The runs") },
    }),
  },
  "/api/runs/{id}": {
    get: operation({ id: "getRun", summary: "A run with input, output and trace", tags: ["runs"], params: [pathParam("id", "Run id")], responses: { "200": json(ref("Run"), "The run"), "404": errorResponse("No such run") } }),
  },
  "/api/keys": {
    get: operation({ id: "listKeys", summary: "API keys (never the keys themselves)", tags: ["keys"], responses: { "200": json(object({ keys: { type: "array", items: ref("Key") } }), "The keys") } }),
    post: operation({ id: "createKey", summary: "Create an API key; the key is in this response only", tags: ["keys"], body: bodySchema(schemas.keyBody), responses: { "201": json({ allOf: [ref("Key"), object({ key: { type: "string" } })] }, "Created") } }),
  },
  "/api/keys/{id}": {
    delete: operation({ id: "revokeKey", summary: "Revoke an API key", tags: ["keys"], params: [pathParam("id", "Key id")], responses: { "200": json(ref("Key"), "Revoked"), "404": errorResponse("No such key") } }),
  },
  "/api/secrets": {
    get: operation({ id: "listSecrets", summary: "Secret names (never values)", tags: ["secrets"], responses: { "200": json(object({ secrets: { type: "array", items: object({ name: { type: "string" }, createdAt: { type: "string" }, updatedAt: { type: "string" } }) } }), "The secrets") } }),
  },
  "/api/secrets/{name}": {
    put: operation({ id: "putSecret", summary: "Create or replace a secret (encrypted at rest)", tags: ["secrets"], params: [pathParam("name", "Secret name")], body: bodySchema(schemas.secretBody), responses: { "204": { description: "Stored" } } }),
    delete: operation({ id: "deleteSecret", summary: "Delete a secret", tags: ["secrets"], params: [pathParam("name", "Secret name")], responses: { "204": { description: "Deleted" }, "404": errorResponse("No such secret") } }),
  },
  "/tools": {
    get: operation({
      id: "listPublishedTools",
      summary: "Published tools with their input and output JSON Schemas",
      tags: ["invoke"],
      responses: { "200": json(object({ tools: { type: "array", items: object({ name: { type: "string" }, description: { type: "string" }, version: { type: "integer" }, inputSchema: { type: "object" }, outputSchema: {}, invokePath: { type: "string" } }) } }), "The tools") },
    }),
  },
  "/tools/openai": {
    get: operation({
      id: "listOpenAiTools",
      summary: "Published tools as OpenAI function definitions, ready for a Chat Completions request's `tools`",
      description: "Strict where strict mode can take the input: optional fields are required and nullable, and a null means absent (send the call's arguments to /tools/{ref}/invoke as `{ arguments }`). See docs/agents.md.",
      tags: ["invoke"],
      responses: {
        "200": json(
          object({
            tools: { type: "array", items: object({ type: { type: "string", enum: ["function"] }, function: object({ name: { type: "string" }, description: { type: "string" }, parameters: { type: "object" }, strict: { type: "boolean" } }, ["name", "parameters", "strict"]) }) },
          }),
          "The definitions",
        ),
      },
    }),
  },
  "/mcp": {
    post: operation({
      id: "mcp",
      summary: "MCP over streamable HTTP: tools/list and tools/call of every published tool (JSON-RPC 2.0)",
      description: "Stateless (no session id), answered with JSON. GET and DELETE answer 405. Tool failures and invalid arguments are results with isError; an unknown tool is JSON-RPC error -32602. See docs/agents.md.",
      tags: ["invoke"],
      body: { type: "object", description: "A JSON-RPC 2.0 message (or batch) of the Model Context Protocol" },
      responses: { "200": json({ type: "object" }, "The JSON-RPC response"), "202": { description: "A notification or response was accepted" } },
    }),
  },
  "/tools/{ref}/invoke": {
    post: operation({
      id: "invokeTool",
      summary: "Invoke a published tool: `name` (latest version) or `name@version`",
      tags: ["invoke"],
      params: [pathParam("ref", "Tool name, or name@version"), traceParam],
      body: bodySchema(schemas.invokeBody),
      responses: invokeResponses({}),
    }),
  },
  "/health": {
    get: operation({
      id: "health",
      summary: "Database and compiler readiness",
      tags: ["system"],
      auth: false,
      responses: { "200": json(object({ status: { type: "string" } }), "Ready"), "503": json(object({ status: { type: "string" } }), "Not ready") },
    }),
  },
  "/metrics": {
    get: operation({ id: "metrics", summary: "Prometheus metrics (text format)", tags: ["system"], responses: { "200": { description: "text/plain; version=0.0.4", content: { "text/plain": { schema: { type: "string" } } } } } }),
  },
};

function invokeResponses(output: Json): JsonObject {
  return {
    "200": json(object({ runId: { type: "string" }, output, durationMs: { type: "number" }, trace: { type: "array", items: ref("Span") } }, ["runId", "output", "durationMs"]), "The tool's output"),
    "404": errorResponse("No such published tool or version"),
    "422": errorResponse("The tool failed (error.nodeId names the node)"),
    "502": errorResponse("An upstream HTTP or LLM call failed"),
    "504": errorResponse("The run's deadline passed (or a node timed out)"),
  };
}

function toolOperation(version: PublishedInfo): JsonObject {
  const { signature } = version;
  return {
    post: operation({
      id: `invoke_${version.toolName}`,
      summary: signature.description === "" ? `Invoke ${version.toolName}` : signature.description,
      description: `Runs the latest published version of \`${version.toolName}\` (currently ${String(version.number)}). Pin a version with POST /tools/${version.toolName}@<version>/invoke.`,
      tags: ["published tools"],
      params: [traceParam],
      body: object({ input: signature.inputJsonSchema }),
      responses: invokeResponses(signature.outputJsonSchema),
    }),
  };
}

export function openApiDocument(published: readonly PublishedInfo[], serverVersion: string): JsonObject {
  const toolPaths: Record<string, Json> = {};
  for (const version of published) toolPaths[`/tools/${version.toolName}/invoke`] = toolOperation(version);
  return {
    openapi: "3.1.0",
    info: {
      title: "Toolwright",
      version: serverVersion,
      description: "Build, publish and invoke composite tools. Admin routes (/api) need an admin key; /tools routes an invoke or admin key. See docs/api.md.",
    },
    security: [{ bearer: [] }],
    tags: [
      { name: "published tools", description: "One operation per published tool, with its schemas" },
      { name: "invoke" },
      { name: "tools" },
      { name: "versions" },
      { name: "runs" },
      { name: "compiler" },
      { name: "keys" },
      { name: "secrets" },
      { name: "system" },
    ],
    paths: { ...toolPaths, ...ADMIN_PATHS },
    components: COMPONENTS,
  };
}
