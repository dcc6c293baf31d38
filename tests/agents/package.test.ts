/**
 * The downloaded package's agent adapters, built with the package's own tsconfig and used with
 * each ecosystem's real client library:
 * - the MCP SDK's `Client` over stdio, spawning the package's `bin`;
 * - the `openai` SDK against a local OpenAI-compatible model that answers with `tool_calls`,
 *   the loop passing each call to the package's handler;
 * - the Vercel AI SDK (`ai` with its OpenAI-compatible provider, same model) calling the tool;
 * - LangChain's tool `invoke` with a valid and an invalid input.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { ToolInputParsingException } from "@langchain/core/tools";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ErrorCode, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { generateText } from "ai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as AiSdkAdapter from "../../runtime/agents/ai-sdk";
import type * as LangChainAdapter from "../../runtime/agents/langchain";
import type * as OpenAiAdapter from "../../runtime/agents/openai";
import type { ToolModule } from "../../runtime/tool-runtime";
import { startHttpFixture, startOpenAiFixture, type RunningServer } from "../support/fixture-servers";
import { buildPackage, quoteGraph, type BuiltPackage } from "./support";

let http: RunningServer;
let model: Awaited<ReturnType<typeof startOpenAiFixture>>;
let pkg: BuiltPackage;
let tool: ToolModule<unknown, unknown>;

beforeAll(async () => {
  http = await startHttpFixture();
  model = await startOpenAiFixture();
  pkg = buildPackage(quoteGraph(http.url));
  tool = await pkg.tool();
}, 240_000);

afterAll(async () => {
  pkg.remove();
  await http.close();
  await model.close();
});

function textOf(result: CallToolResult): string {
  const first = result.content[0];
  if (first?.type !== "text") throw new Error(`expected text content, got ${JSON.stringify(result.content)}`);
  return first.text;
}

function asCallToolResult(result: Awaited<ReturnType<Client["callTool"]>>): CallToolResult {
  if (!("content" in result)) throw new Error(`not a CallToolResult: ${JSON.stringify(result)}`);
  return result as CallToolResult;
}

describe("the package as an MCP server over stdio (its bin)", () => {
  let client: Client;

  beforeAll(async () => {
    const bin = (JSON.parse(readFileSync(join(pkg.dir, "package.json"), "utf8")) as { bin: Record<string, string> }).bin["toolwright-refund-quote"];
    expect(bin).toBe("dist/src/mcp-stdio.js");
    client = new Client({ name: "toolwright-agents-test", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [join(pkg.dir, bin ?? "")], cwd: pkg.dir, env: { PATH: process.env.PATH ?? "" }, stderr: "pipe" }));
  });

  afterAll(async () => {
    await client.close();
  });

  it("initializes and lists the tool with its schemas", async () => {
    expect(client.getServerVersion()).toEqual({ name: "toolwright-refund-quote", version: "1.0.0" });
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({ name: "refund_quote", description: "Looks up an order and quotes its refund amount", inputSchema: tool.inputJsonSchema, outputSchema: tool.outputJsonSchema });
  });

  it("calls the tool: structured content and its JSON text", async () => {
    const result = asCallToolResult(await client.callTool({ name: "refund_quote", arguments: { orderId: "42", currency: "USD" } }));
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ amount: 42, currency: "USD" });
    expect(JSON.parse(textOf(result))).toEqual({ amount: 42, currency: "USD" });
  });

  it("a failing node and invalid arguments are error results; an unknown tool is a protocol error", async () => {
    const failed = asCallToolResult(await client.callTool({ name: "refund_quote", arguments: { orderId: "x" } }));
    expect(failed.isError).toBe(true);
    expect(JSON.parse(textOf(failed))).toMatchObject({ error: { code: "HTTP_STATUS", nodeId: "order" } });
    const invalid = asCallToolResult(await client.callTool({ name: "refund_quote", arguments: {} }));
    expect(invalid.isError).toBe(true);
    expect(JSON.parse(textOf(invalid))).toMatchObject({ error: { code: "INVALID_INPUT" } });
    await expect(client.callTool({ name: "other", arguments: {} })).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringContaining("Unknown tool: other") as unknown });
  });
});

describe("the package's OpenAI adapter with the openai SDK", () => {
  it("an agent loop: the model's tool call goes to handleToolCall, the tool message back, and the answer contains the output", async () => {
    const openai = await pkg.load<typeof OpenAiAdapter>("openai.js");
    const definition = openai.openAiDefinition(tool);
    expect(definition).toMatchObject({ type: "function", function: { name: "refund_quote", strict: true, parameters: { required: ["orderId", "currency"] } } });
    const client = new OpenAI({ apiKey: "test", baseURL: model.url });
    // Strict mode: the model sends null for the optional currency it leaves out.
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: 'call refund_quote {"orderId":"120","currency":null}' }];
    const toolMessages: unknown[] = [];
    for (let turn = 0; turn < 4; turn++) {
      const answer = await client.chat.completions.create({ model: "fixture-agent", messages, tools: [definition] });
      const message = answer.choices[0]?.message;
      if (message === undefined) throw new Error("no choice");
      messages.push(message);
      if ((message.tool_calls ?? []).length === 0) break;
      for (const call of message.tool_calls ?? []) {
        const reply = await openai.handleToolCall([tool], call);
        toolMessages.push(reply);
        messages.push(reply);
      }
    }
    expect(toolMessages).toEqual([{ role: "tool", tool_call_id: expect.any(String) as unknown, content: '{"amount":120}' }]);
    expect(messages.at(-1)).toMatchObject({ role: "assistant", content: 'The tool answered: {"amount":120}' });
  });

  it("the handler answers failures as tool messages the model can read", async () => {
    const openai = await pkg.load<typeof OpenAiAdapter>("openai.js");
    const callWith = (name: string, args: string): Parameters<typeof openai.handleToolCall>[1] => ({ id: "call_1", type: "function", function: { name, arguments: args } });
    const parse = (reply: { content: unknown }): unknown => JSON.parse(String(reply.content));
    expect(parse(await openai.handleToolCall([tool], callWith("refund_quote", '{"orderId":"x","currency":null}')))).toMatchObject({ error: { code: "HTTP_STATUS", nodeId: "order" } });
    expect(parse(await openai.handleToolCall([tool], callWith("refund_quote", '{"orderId":7}')))).toMatchObject({ error: { code: "INVALID_INPUT" } });
    expect(parse(await openai.handleToolCall([tool], callWith("refund_quote", "not json")))).toMatchObject({ error: { code: "INVALID_INPUT" } });
    expect(parse(await openai.handleToolCall([tool], callWith("other", "{}")))).toMatchObject({ error: { code: "UNKNOWN_TOOL" } });
  });
});

describe("the package's AI SDK adapter with the Vercel AI SDK", () => {
  it("generateText calls the tool through the OpenAI-compatible provider and answers with its output", async () => {
    const { createAiTool } = await pkg.load<typeof AiSdkAdapter>("ai-sdk.js");
    const provider = createOpenAICompatible({ name: "fixture", baseURL: model.url, apiKey: "test" });
    const result = await generateText({
      model: provider("fixture-ai-sdk"),
      tools: { refund_quote: createAiTool(tool) },
      prompt: 'call refund_quote {"orderId":"77","currency":"EUR"}',
      stopWhen: ({ steps }) => steps.length >= 3,
    });
    expect(result.steps[0]?.toolResults.map((r) => ({ name: r.toolName, output: r.output }))).toEqual([{ name: "refund_quote", output: { amount: 77, currency: "EUR" } }]);
    expect(result.text).toBe('The tool answered: {"amount":77,"currency":"EUR"}');
    // The model was offered the tool's own JSON Schema.
    const offered = model.requests.find((r) => r.model === "fixture-ai-sdk");
    expect(offered?.tools?.[0]?.function.parameters).toMatchObject({ type: "object", properties: { currency: { enum: ["EUR", "USD"] } }, required: ["orderId"] });
  });

  it("input the tool refuses becomes a tool error the model sees, not a crash", async () => {
    const { createAiTool } = await pkg.load<typeof AiSdkAdapter>("ai-sdk.js");
    const provider = createOpenAICompatible({ name: "fixture", baseURL: model.url, apiKey: "test" });
    const result = await generateText({
      model: provider("fixture-ai-sdk"),
      tools: { refund_quote: createAiTool(tool) },
      prompt: 'call refund_quote {"orderId":5}',
      stopWhen: ({ steps }) => steps.length >= 3,
    });
    const errors = result.steps[0]?.content.filter((part) => part.type === "tool-error") ?? [];
    expect(errors).toHaveLength(1);
    expect(result.text).toContain("The tool answered:");
  });
});

describe("the package's LangChain adapter", () => {
  it("invoke with a valid input runs the tool; with an invalid one it throws ToolInputParsingException", async () => {
    const { createLangChainTool } = await pkg.load<typeof LangChainAdapter>("langchain.js");
    const langChainTool = createLangChainTool(tool);
    expect(langChainTool.name).toBe("refund_quote");
    expect(langChainTool.description).toBe("Looks up an order and quotes its refund amount");
    expect(await langChainTool.invoke({ orderId: "64", currency: "EUR" })).toEqual({ amount: 64, currency: "EUR" });
    await expect(langChainTool.invoke({ currency: "GBP" })).rejects.toBeInstanceOf(ToolInputParsingException);
  });

  it("invoked with a tool call, it answers a ToolMessage whose content is the output's JSON", async () => {
    const { createLangChainTool } = await pkg.load<typeof LangChainAdapter>("langchain.js");
    const message = await createLangChainTool(tool).invoke({ id: "call_9", name: "refund_quote", args: { orderId: "9" }, type: "tool_call" });
    expect(message).toMatchObject({ tool_call_id: "call_9", content: '{"amount":9}' });
  });
});
