/**
 * The server's /mcp endpoint with the MCP SDK's own `Client` over streamable HTTP: list, call,
 * a tool failure as an error result with the node id, invalid arguments, an unknown tool, and
 * no or a wrong key. Every call is a recorded run like any other.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, list, obj, publishGraph, waitFor } from "../server/support";
import { quoteGraph, startAgentServer, type AgentServer } from "./support";

let s: AgentServer;
let client: Client;

function connectClient(key: string | undefined): { client: Client; connecting: Promise<void> } {
  const mcp = new Client({ name: "toolwright-agents-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${s.t.url}/mcp`), key === undefined ? {} : { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
  return { client: mcp, connecting: mcp.connect(transport) };
}

function textOf(result: CallToolResult): string {
  const first = result.content[0];
  if (first?.type !== "text") throw new Error(`expected text content, got ${JSON.stringify(result.content)}`);
  return first.text;
}

beforeAll(async () => {
  s = await startAgentServer();
  const connected = connectClient(s.t.invokeKey);
  await connected.connecting;
  client = connected.client;
});

afterAll(async () => {
  await client.close();
  await s.close();
});

describe("MCP over streamable HTTP (/mcp)", () => {
  it("initializes as a tools server", () => {
    expect(client.getServerVersion()).toMatchObject({ name: "toolwright" });
    expect(client.getServerCapabilities()?.tools).toBeDefined();
  });

  it("tools/list: every published tool with its description, input and output schemas", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["refund_quote"]);
    const tool = tools[0];
    expect(tool?.description).toBe("Looks up an order and quotes its refund amount");
    expect(tool?.inputSchema).toEqual({
      type: "object",
      properties: {
        orderId: { type: "string", description: "The order number (digits)" },
        currency: { type: "string", enum: ["EUR", "USD"], description: "Currency of the quote" },
      },
      required: ["orderId"],
      additionalProperties: false,
    });
    expect(tool?.outputSchema).toMatchObject({ type: "object", properties: { amount: { type: "number" } }, required: ["amount"] });
  });

  it("tools/call: structured content and its JSON text, through a recorded run", async () => {
    const result = asCallToolResult(await client.callTool({ name: "refund_quote", arguments: { orderId: "120", currency: "EUR" } }));
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ amount: 120, currency: "EUR" });
    expect(JSON.parse(textOf(result))).toEqual({ amount: 120, currency: "EUR" });

    const runId = String(obj(result._meta)["toolwright/runId"]);
    const run = obj((await call(s.t.url, "GET", `/api/runs/${runId}`, { key: s.t.adminKey })).body);
    expect(run).toMatchObject({ status: "succeeded", tool: "refund_quote", version: 1, input: { orderId: "120", currency: "EUR" }, output: { amount: 120, currency: "EUR" } });
    expect(Array.isArray(run.trace) ? run.trace.map((span) => obj(span).nodeId) : []).toEqual(expect.arrayContaining(["input", "order", "out"]));
  });

  it("a tool failure is an error result naming the code and the node, and a recorded run", async () => {
    const result = asCallToolResult(await client.callTool({ name: "refund_quote", arguments: { orderId: "unknown" } }));
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const { error } = obj(JSON.parse(textOf(result)));
    expect(error).toMatchObject({ code: "HTTP_STATUS", nodeId: "order" });
    const runId = String(obj(result._meta)["toolwright/runId"]);
    const run = obj((await call(s.t.url, "GET", `/api/runs/${runId}`, { key: s.t.adminKey })).body);
    expect(run).toMatchObject({ status: "failed", error: { code: "HTTP_STATUS", nodeId: "order" } });
  });

  it("invalid arguments: an error result listing the problems, so the model can correct its call", async () => {
    const result = asCallToolResult(await client.callTool({ name: "refund_quote", arguments: { orderId: 42, currency: "GBP" } }));
    expect(result.isError).toBe(true);
    const { error } = obj(JSON.parse(textOf(result)));
    expect(error).toMatchObject({ code: "INVALID_INPUT" });
    const paths = (obj(obj(error).details).issues as { path: string }[]).map((issue) => issue.path);
    expect(paths.sort()).toEqual(["currency", "orderId"]);
    const run = obj((await call(s.t.url, "GET", `/api/runs/${String(obj(result._meta)["toolwright/runId"])}`, { key: s.t.adminKey })).body);
    expect(run).toMatchObject({ status: "failed", error: { code: "INVALID_INPUT" } });
  });

  it("an unknown tool is a protocol error (-32602)", async () => {
    const failure = await client.callTool({ name: "no_such_tool", arguments: {} }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(McpError);
    expect(failure).toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringContaining("Unknown tool: no_such_tool") as unknown });
  });

  it("refuses clients without a key or with a wrong one (401), and GET without a session (405)", async () => {
    for (const key of [undefined, "tw_not-a-real-key"]) {
      const attempt = connectClient(key);
      const failure = await attempt.connecting.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure, String(key)).toBeInstanceOf(StreamableHTTPError);
      expect(failure).toMatchObject({ code: 401 });
      await attempt.client.close();
    }
    const get = await call(s.t.url, "GET", "/mcp", { key: s.t.invokeKey, headers: { accept: "text/event-stream" } });
    expect(get.status).toBe(405);
  });

  it("lists a tool published after the client connected, and calls its latest version", async () => {
    const graph = { ...quoteGraph(s.http.url), tool: { name: "quote_later", description: "Published later" } };
    const created = await call(s.t.url, "POST", "/api/tools", { key: s.t.adminKey, body: { graph } });
    await call(s.t.url, "POST", `/api/tools/${String(obj(created.body).id)}/publish`, { key: s.t.adminKey });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["quote_later", "refund_quote"]);
    const result = asCallToolResult(await client.callTool({ name: "quote_later", arguments: { orderId: "7" } }));
    expect(result.structuredContent).toEqual({ amount: 7 });
    expect(obj(result._meta)["toolwright/version"]).toBe(1);
  });

  // The endpoint is stateless (server/mcp/routes.ts): a call ends with its HTTP request, so a
  // client that goes away (closes its transport, dies) cancels the run it started.
  it("a client that goes away mid-call cancels the run, which is recorded as cancelled", async () => {
    const key = "mcp-cancel";
    const slow = {
      ...quoteGraph(s.http.url),
      tool: { name: "slow_quote", description: "Waits for a slow upstream" },
      nodes: [
        { id: "input", kind: "input", config: { schema: { type: "object", properties: {} } } },
        { id: "order", kind: "http", config: { method: "GET", url: `${s.http.url}/slow/20000?key=${key}`, response: { type: "json", schema: { type: "object", properties: { waited: { type: "number" } }, required: ["waited"] } } } },
        { id: "out", kind: "output", config: { values: { waited: "{{order.body.waited}}" } } },
      ],
    };
    await publishGraph(s.t, slow);
    const leaving = connectClient(s.t.invokeKey);
    await leaving.connecting;
    const pending = leaving.client.callTool({ name: "slow_quote", arguments: {} }).catch((error: unknown) => error);
    await waitFor(() => Promise.resolve(s.http.maxInFlight(key) > 0 ? true : undefined));
    const started = performance.now();
    await leaving.client.close();
    expect(await pending).toBeInstanceOf(Error);

    const run = await waitFor(async () => {
      const runs = list(obj((await call(s.t.url, "GET", "/api/runs?tool=slow_quote", { key: s.t.adminKey })).body).runs).map(obj);
      return runs[0];
    });
    expect(run).toMatchObject({ status: "failed", error: { code: "CANCELLED" } });
    // Stopped when the client left, long before the upstream's 20 s answer.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

/** `client.callTool` answers a union with the legacy `toolResult` shape; tools/call results here are CallToolResults. */
function asCallToolResult(result: Awaited<ReturnType<Client["callTool"]>>): CallToolResult {
  if (!("content" in result)) throw new Error(`not a CallToolResult: ${JSON.stringify(result)}`);
  return result as CallToolResult;
}
