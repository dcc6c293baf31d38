/**
 * OpenAI function calling against the server, with the `openai` SDK and a local
 * OpenAI-compatible model that answers with `tool_calls`: GET /tools/openai gives the strict
 * definitions, the loop passes each call's arguments to POST /tools/<name>/invoke and sends
 * the result back, and the model's final answer contains the tool's output.
 */
import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, errorOf, list, obj } from "../server/support";
import { startAgentServer, type AgentServer } from "./support";

let s: AgentServer;

beforeAll(async () => {
  s = await startAgentServer();
});

afterAll(async () => {
  await s.close();
});

async function definitions(): Promise<ChatCompletionTool[]> {
  const reply = await call(s.t.url, "GET", "/tools/openai", { key: s.t.invokeKey });
  expect(reply.status).toBe(200);
  return list(obj(reply.body).tools) as ChatCompletionTool[];
}

describe("GET /tools/openai", () => {
  it("gives strict function definitions: optional fields required and nullable", async () => {
    expect(await definitions()).toEqual([
      {
        type: "function",
        function: {
          name: "refund_quote",
          description: "Looks up an order and quotes its refund amount",
          parameters: {
            type: "object",
            properties: {
              orderId: { type: "string", description: "The order number (digits)" },
              currency: { anyOf: [{ type: "string", enum: ["EUR", "USD"] }, { type: "null" }], description: "Currency of the quote" },
            },
            required: ["orderId", "currency"],
            additionalProperties: false,
          },
          strict: true,
        },
      },
    ]);
  });

  it("needs an invoke or admin key", async () => {
    expect((await call(s.t.url, "GET", "/tools/openai")).status).toBe(401);
  });
});

describe("an agent loop with the openai SDK, calling the server's invoke endpoint", () => {
  it("runs the model's tool call and the final answer contains the tool's output", async () => {
    const client = new OpenAI({ apiKey: "test", baseURL: s.model.url });
    const tools = await definitions();
    // Strict mode: the model sends null for the optional currency it leaves out.
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: 'call refund_quote {"orderId":"250","currency":null}' }];
    const results: unknown[] = [];
    for (let turn = 0; turn < 4; turn++) {
      const answer = await client.chat.completions.create({ model: "fixture-agent", messages, tools });
      const message = answer.choices[0]?.message;
      if (message === undefined) throw new Error("no choice");
      messages.push(message);
      const calls = message.tool_calls ?? [];
      if (calls.length === 0) break;
      for (const toolCall of calls) {
        if (toolCall.type !== "function") continue;
        const reply = await call(s.t.url, "POST", `/tools/${toolCall.function.name}/invoke`, { key: s.t.invokeKey, body: { arguments: toolCall.function.arguments } });
        results.push(reply.body);
        const content = reply.status === 200 ? JSON.stringify(obj(reply.body).output) : JSON.stringify(reply.body);
        messages.push({ role: "tool", tool_call_id: toolCall.id, content });
      }
    }
    expect(results).toEqual([expect.objectContaining({ output: { amount: 250 } })]);
    const final = messages.at(-1);
    expect(final?.role).toBe("assistant");
    expect(final?.content).toBe('The tool answered: {"amount":250}');
    // The model saw the definitions; the run is recorded with the input the tool got (null dropped).
    expect(s.model.requests.at(-1)?.tools?.map((t) => t.function.name)).toEqual(["refund_quote"]);
    const runs = list(obj((await call(s.t.url, "GET", "/api/runs?tool=refund_quote&limit=1", { key: s.t.adminKey })).body).runs);
    const run = obj((await call(s.t.url, "GET", `/api/runs/${String(obj(runs[0]).id)}`, { key: s.t.adminKey })).body);
    expect(run).toMatchObject({ status: "succeeded", input: { orderId: "250" }, output: { amount: 250 } });
  });

  it("invoke with { arguments }: a null for an optional field means absent; a present value is kept", async () => {
    const absent = await call(s.t.url, "POST", "/tools/refund_quote/invoke", { key: s.t.invokeKey, body: { arguments: '{"orderId":"3","currency":null}' } });
    expect(absent.status).toBe(200);
    expect(obj(absent.body).output).toEqual({ amount: 3 });
    const present = await call(s.t.url, "POST", "/tools/refund_quote/invoke", { key: s.t.invokeKey, body: { arguments: '{"orderId":"3","currency":"USD"}' } });
    expect(obj(present.body).output).toEqual({ amount: 3, currency: "USD" });
  });

  it("invoke refuses arguments that are not JSON, and a body with both input and arguments (400 INVALID_BODY)", async () => {
    for (const body of [{ arguments: "{ orderId: " }, { input: { orderId: "1" }, arguments: "{}" }, {}]) {
      const reply = await call(s.t.url, "POST", "/tools/refund_quote/invoke", { key: s.t.invokeKey, body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(reply).code).toBe("INVALID_BODY");
    }
  });

  it("a tool failure reaches the model as the error body (code and node id)", async () => {
    const reply = await call(s.t.url, "POST", "/tools/refund_quote/invoke", { key: s.t.invokeKey, body: { arguments: '{"orderId":"none","currency":null}' } });
    expect(reply.status).toBe(502);
    expect(errorOf(reply)).toMatchObject({ code: "HTTP_STATUS", nodeId: "order" });
  });
});
