/**
 * Serves tools over MCP with `@modelcontextprotocol/sdk`: `tools/list` and `tools/call` on an
 * `McpServer`, for any transport. This file is vendored verbatim into every generated package
 * as `src/mcp.ts` (its import of the runtime rewritten to `./runtime.js`), where the package's
 * stdio `bin` serves the package's tool with it; the Toolwright server's `/mcp` endpoint runs
 * this very code over its published tools. So the MCP contract is one piece of code:
 *
 * - tools/list: name, description, `inputSchema` and `outputSchema` (the tool's JSON Schemas);
 * - tools/call: the output as `structuredContent` plus its JSON as text;
 * - a tool failure (invalid arguments included) is a result with `isError: true` whose text is
 *   `{ "error": { code, message, nodeId?, details? } }`, so the model can read it and correct
 *   its call (MCP 2025-11-25: input validation errors are tool execution errors);
 * - an unknown tool name is a protocol error (JSON-RPC -32602, "Unknown tool: <name>").
 *
 * The low-level request handlers are used rather than `registerTool`, whose zod-based
 * signature would re-derive the JSON Schemas the compiler already wrote.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { createContext, invoke, isToolError, type ContextOptions, type JsonValue, type ToolModule } from "../tool-runtime";

/** A tool as tools/list shows it. */
export interface McpToolInfo {
  readonly name: string;
  readonly description: string;
  readonly inputJsonSchema: JsonValue;
  readonly outputJsonSchema: JsonValue;
}

export interface McpToolFailure {
  readonly code: string;
  readonly message: string;
  readonly nodeId?: string;
  readonly details?: unknown;
}

/** What a call came to; `meta` becomes the result's `_meta` (e.g. the id of a recorded run). */
export type McpToolOutcome =
  | { readonly ok: true; readonly output: unknown; readonly meta?: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly error: McpToolFailure; readonly meta?: Readonly<Record<string, unknown>> };

/** Where the served tools come from and how a call runs. */
export interface McpToolSource {
  list(): Promise<readonly McpToolInfo[]>;
  /** Undefined when there is no tool of that name. */
  call(name: string, args: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<McpToolOutcome | undefined>;
}

export interface McpServerInfo {
  readonly name: string;
  readonly version: string;
}

type ObjectSchema = Tool["inputSchema"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isObjectSchema(schema: unknown): schema is ObjectSchema {
  return isRecord(schema) && schema.type === "object";
}

/** Tool modules (a package's `src/index.ts` default export) as a source: each call runs with a standalone context. */
export function toolModules(tools: readonly ToolModule<unknown, unknown>[], options: ContextOptions = {}): McpToolSource {
  return {
    list: () => Promise.resolve(tools),
    async call(name, args, signal) {
      const tool = tools.find((candidate) => candidate.name === name);
      if (tool === undefined) return undefined;
      try {
        return { ok: true, output: await invoke(tool, args, createContext({ ...options, signal })) };
      } catch (error) {
        if (!isToolError(error)) throw error;
        return { ok: false, error: { code: error.code, message: error.message, ...(error.nodeId === undefined ? {} : { nodeId: error.nodeId }), ...(error.details === undefined ? {} : { details: error.details }) } };
      }
    },
  };
}

/** The MCP result of an outcome: structured content and its JSON text, or an error result. */
export function callToolResult(outcome: McpToolOutcome): CallToolResult {
  const meta = outcome.meta === undefined ? {} : { _meta: { ...outcome.meta } };
  if (!outcome.ok) return { isError: true, content: [{ type: "text", text: JSON.stringify({ error: outcome.error }) }], ...meta };
  return {
    content: [{ type: "text", text: JSON.stringify(outcome.output) }],
    ...(isRecord(outcome.output) ? { structuredContent: outcome.output } : {}),
    ...meta,
  };
}

/** An MCP server offering the source's tools (connect it to a transport). */
export function createMcpServer(source: McpToolSource, info: McpServerInfo): McpServer {
  const mcp = new McpServer({ name: info.name, version: info.version }, { capabilities: { tools: {} } });
  mcp.server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: (await source.list()).map((tool): Tool => ({
      name: tool.name,
      description: tool.description,
      inputSchema: isObjectSchema(tool.inputJsonSchema) ? tool.inputJsonSchema : { type: "object" },
      // MCP output schemas describe objects; Toolwright outputs always are.
      ...(isObjectSchema(tool.outputJsonSchema) ? { outputSchema: tool.outputJsonSchema } : {}),
    })),
  }));
  mcp.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const outcome = await source.call(request.params.name, request.params.arguments ?? {}, extra.signal);
    if (outcome === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    return callToolResult(outcome);
  });
  return mcp;
}

/**
 * Serves tool modules over stdio (the package's `bin`), until stdin closes. Here rather than in
 * the generated bin because checking `connect` against the SDK's transport types is costly, and
 * this file keeps its verification results from one compile to the next.
 */
export async function serveStdio(tools: readonly ToolModule<unknown, unknown>[], info: McpServerInfo, options: ContextOptions = {}): Promise<void> {
  await createMcpServer(toolModules(tools, options), info).connect(new StdioServerTransport());
}
