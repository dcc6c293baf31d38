/**
 * Where agents plug in (invoke or admin key; docs/agents.md):
 *
 *   POST /mcp           MCP over streamable HTTP: tools/list, tools/call of every published tool
 *   GET|DELETE /mcp     405: the endpoint is stateless, with no server-sent stream to open or session to end
 *   GET /tools/openai   the published tools as OpenAI function definitions, ready for `tools`
 *
 * Stateless MCP: each POST gets its own McpServer and transport (`sessionIdGenerator:
 * undefined`) and is answered with JSON, so any server process behind a load balancer can
 * answer any request, as with the REST API. The MCP code is runtime/agents/mcp.ts, which every
 * downloaded package runs too; calls go through the runner like `POST /tools/:name/invoke`.
 */
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { Router, type RequestHandler } from "express";
import { createMcpServer } from "../../runtime/agents/mcp";
import { openAiDefinition } from "../../runtime/agents/openai";
import type { AppDeps } from "../deps";
import { requestIdOf, requireCaller } from "../request-state";
import { publishedToolSource } from "./published-tools";

export function mcpRouter(deps: AppDeps): Router {
  const router = Router();

  router.post("/", async (req, res) => {
    const source = publishedToolSource(deps, { keyId: requireCaller(req).id, requestId: requestIdOf(req) });
    const server = createMcpServer(source, { name: "toolwright", version: deps.serverVersion });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // Closing aborts the request's handlers, so a client that goes away cancels its run.
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });

  const notAllowed: RequestHandler = (_req, res) => {
    res.setHeader("Allow", "POST");
    res.status(405).json({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: this MCP endpoint is stateless; send requests with POST" }, id: null });
  };
  router.get("/", notAllowed);
  router.delete("/", notAllowed);

  return router;
}

/** GET /tools/openai: `{ tools: ChatCompletionFunctionTool[] }`, strict where strict mode can take the input. */
export function openAiToolsRouter(deps: AppDeps): Router {
  const router = Router();
  router.get("/openai", async (_req, res) => {
    const published = await deps.catalog.published();
    res.json({
      tools: published.map((version) =>
        openAiDefinition({ name: version.toolName, description: version.signature.description, inputJsonSchema: version.signature.inputJsonSchema }),
      ),
    });
  });
  return router;
}
