/**
 * An agent loop with the `openai` SDK that calls Toolwright's published tools over HTTP.
 *
 *   TOOLWRIGHT_URL=http://localhost:3000 TOOLWRIGHT_KEY=tw_… OPENAI_API_KEY=sk-… \
 *     npx tsx examples/openai-agent.ts "How much would we refund for order 120?"
 *
 * Optional: OPENAI_BASE_URL (any OpenAI-compatible server), MODEL (default gpt-4o-mini).
 *
 * 1. GET /tools/openai gives every published tool as a strict function definition.
 * 2. The model answers with tool calls; each call's `arguments` string goes as is to
 *    POST /tools/<name>/invoke as `{ "arguments": … }` (strict mode's nulls for optional
 *    fields mean "absent" there), and the output — or the error, with its code and node id —
 *    goes back to the model as the tool message. Every call is a recorded run on the server.
 * 3. When the model answers without tool calls, its answer is printed.
 */
import OpenAI from "openai";
import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from "openai/resources/chat/completions";

const toolwrightUrl = (process.env.TOOLWRIGHT_URL ?? "http://localhost:3000").replace(/\/$/, "");
const toolwrightKey = process.env.TOOLWRIGHT_KEY ?? "";
const model = process.env.MODEL ?? "gpt-4o-mini";
const question = process.argv.slice(2).join(" ") || "How much would we refund for order 120?";
const MAX_TURNS = 8;

/** A request to Toolwright with the API key; the answer's JSON. */
async function toolwright(path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${toolwrightUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${toolwrightKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

function isToolList(value: unknown): value is { tools: ChatCompletionFunctionTool[] } {
  return typeof value === "object" && value !== null && "tools" in value && Array.isArray(value.tools);
}

/** The tool message content: the output on success, the error body (code, message, nodeId, runId) otherwise. */
function toolResult(reply: { status: number; json: unknown }): string {
  if (reply.status === 200 && typeof reply.json === "object" && reply.json !== null && "output" in reply.json) return JSON.stringify(reply.json.output);
  return JSON.stringify(reply.json);
}

async function main(): Promise<void> {
  const listed = await toolwright("/tools/openai");
  if (listed.status !== 200 || !isToolList(listed.json)) throw new Error(`GET /tools/openai answered ${String(listed.status)}: ${JSON.stringify(listed.json)}`);
  const tools = listed.json.tools;
  console.error(`tools: ${tools.map((t) => t.function.name).join(", ") || "(none published)"}`);

  const client = new OpenAI();
  const messages: ChatCompletionMessageParam[] = [
    { role: "system", content: "Answer the user's question; use the tools when they help." },
    { role: "user", content: question },
  ];
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const answer = await client.chat.completions.create({ model, messages, ...(tools.length > 0 ? { tools } : {}) });
    const message = answer.choices[0]?.message;
    if (message === undefined) throw new Error("the model answered no choice");
    messages.push(message);
    const calls = message.tool_calls ?? [];
    if (calls.length === 0) {
      console.log(message.content ?? "");
      return;
    }
    for (const call of calls) {
      if (call.type !== "function") {
        messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify({ error: { code: "UNKNOWN_TOOL", message: "only function tools are offered" } }) });
        continue;
      }
      const reply = await toolwright(`/tools/${encodeURIComponent(call.function.name)}/invoke`, { arguments: call.function.arguments });
      console.error(`${call.function.name}(${call.function.arguments}) → ${String(reply.status)}`);
      messages.push({ role: "tool", tool_call_id: call.id, content: toolResult(reply) });
    }
  }
  throw new Error(`no final answer after ${String(MAX_TURNS)} turns`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
