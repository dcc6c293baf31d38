import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A real HTTP server on loopback; `url` is its base URL. */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => { if (error) reject(error); else resolve(); });
    }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** What the HTTP fixture counted: requests per `/flaky` key, and the most `/slow` requests in flight at once per key. */
export interface HttpFixture extends RunningServer {
  hits(key: string): number;
  maxInFlight(key: string): number;
}

/**
 * The HTTP service tool graphs call in tests: /orders/:id → { amount: id },
 * /echo → the request, /text → plain text, /status/:code → that status,
 * /flaky/:failures/:key → `failures` answers with `?status=` (default 503) per key, then
 * { ok: true, attempt }, /slow/:ms[?key=] → { waited: ms } after ms (requests in flight counted per key).
 */
export async function startHttpFixture(): Promise<HttpFixture> {
  const hits = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const server = await listen(
    createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://fixture");
        const body = await readBody(req);
        const order = /^\/orders\/(\d+)$/.exec(url.pathname);
        const status = /^\/status\/(\d+)$/.exec(url.pathname);
        const flaky = /^\/flaky\/(\d+)\/([\w-]+)$/.exec(url.pathname);
        const slow = /^\/slow\/(\d+)$/.exec(url.pathname);
        if (order?.[1] !== undefined) sendJson(res, 200, { amount: Number(order[1]) });
        else if (status?.[1] !== undefined) sendJson(res, Number(status[1]), { error: `status ${status[1]}` });
        else if (flaky?.[1] !== undefined && flaky[2] !== undefined) {
          const count = (hits.get(flaky[2]) ?? 0) + 1;
          hits.set(flaky[2], count);
          if (count <= Number(flaky[1])) sendJson(res, Number(url.searchParams.get("status") ?? "503"), { error: "busy", attempt: count });
          else sendJson(res, 200, { ok: true, attempt: count });
        } else if (slow?.[1] !== undefined) {
          const key = url.searchParams.get("key") ?? "";
          const now = (inFlight.get(key) ?? 0) + 1;
          inFlight.set(key, now);
          maxInFlight.set(key, Math.max(now, maxInFlight.get(key) ?? 0));
          const done = (): void => {
            inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
          };
          const timer = setTimeout(() => {
            res.off("close", onClose);
            done();
            sendJson(res, 200, { waited: Number(slow[1]) });
          }, Number(slow[1]));
          const onClose = (): void => {
            clearTimeout(timer);
            done();
          };
          res.once("close", onClose);
        } else if (url.pathname === "/text") {
          res.writeHead(200, { "content-type": "text/plain" });
          res.end(`plain text q=${url.searchParams.get("q") ?? ""}`);
        } else if (url.pathname === "/echo") {
          sendJson(res, 200, { method: req.method, path: url.pathname, authorization: req.headers.authorization ?? "", trace: req.headers["x-trace"] ?? "", body: body === "" ? null : (JSON.parse(body) as unknown) });
        } else sendJson(res, 404, { error: "not found" });
      })();
    }),
  );
  return { ...server, hits: (key) => hits.get(key) ?? 0, maxInFlight: (key) => maxInFlight.get(key) ?? 0 };
}

interface JsonSchemaLike {
  /** A type, or (strict function parameters) a type and "null". */
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchemaLike>>;
  readonly items?: JsonSchemaLike;
  readonly enum?: readonly string[];
  readonly anyOf?: readonly JsonSchemaLike[];
}

/** A value of a JSON schema, as a model following structured outputs would answer. */
function instanceOf(schema: JsonSchemaLike): unknown {
  const first = schema.anyOf?.[0];
  if (first !== undefined) return instanceOf(first);
  const type = typeof schema.type === "string" ? schema.type : schema.type?.find((t) => t !== "null");
  switch (type) {
    case "string":
      return schema.enum?.[0] ?? "x";
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    case "null":
      return null;
    case "array":
      return schema.items === undefined ? [] : [instanceOf(schema.items)];
    default:
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, instanceOf(v)]));
  }
}

interface ChatRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly response_format?: { readonly type: string; readonly json_schema?: { readonly schema: JsonSchemaLike } };
  /** Function tools offered to the model (agents' requests). */
  readonly tools?: readonly { readonly type: string; readonly function: { readonly name: string; readonly parameters?: JsonSchemaLike } }[];
}

/** Message content as text (agents' clients may send null or content parts). */
function contentText(content: unknown): string {
  return typeof content === "string" ? content : JSON.stringify(content ?? null);
}

/**
 * A model's turn in an agent loop, when the request offers `tools`: after a `tool` message, a
 * final answer that quotes the tool's result; otherwise a `tool_calls` message. The user
 * message `call <tool> <json>` calls that tool with those arguments (verbatim); any other
 * message calls the first tool with arguments made from its parameters' schema.
 */
function agentTurn(request: ChatRequest, callNumber: number): Record<string, unknown> {
  const lastMessage = request.messages.at(-1);
  if (lastMessage?.role === "tool") {
    return { finish_reason: "stop", message: { role: "assistant", content: `The tool answered: ${contentText(lastMessage.content)}` } };
  }
  const lastUser = contentText([...request.messages].reverse().find((m) => m.role === "user")?.content ?? "");
  const directive = /^call ([\w-]+) (.*)$/s.exec(lastUser);
  const tool = request.tools?.find((t) => t.function.name === directive?.[1]) ?? request.tools?.[0];
  const args = directive?.[2] ?? JSON.stringify(tool?.function.parameters === undefined ? {} : instanceOf(tool.function.parameters));
  return {
    finish_reason: "tool_calls",
    message: { role: "assistant", content: null, tool_calls: [{ id: `call_${String(callNumber)}`, type: "function", function: { name: tool?.function.name ?? "none", arguments: args } }] },
  };
}

/**
 * An OpenAI-compatible Chat Completions server: echoes the last user message as text,
 * answers JSON matching the requested json_schema, and fails with 500 for model `fail-500`.
 * Model `flaky-<n>-<status>-<key>` fails `n` times with `status` per key, then answers;
 * `not-json` answers text where JSON was asked for; `wrong-shape` answers JSON that does not
 * match the requested schema. A request that offers `tools` gets an agent's turn (agentTurn):
 * a `tool_calls` message, or after a `tool` message a final answer quoting the result.
 */
export async function startOpenAiFixture(): Promise<RunningServer & { readonly requests: ChatRequest[]; readonly modelHits: ReadonlyMap<string, number> }> {
  const requests: ChatRequest[] = [];
  const modelHits = new Map<string, number>();
  const server = await listen(
    createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        if (req.method !== "POST" || !(req.url ?? "").endsWith("/chat/completions")) {
          sendJson(res, 404, { error: { message: "not found" } });
          return;
        }
        const request = JSON.parse(body) as ChatRequest;
        requests.push(request);
        if (request.model === "fail-500") {
          sendJson(res, 500, { error: { message: "model server failure", type: "server_error" } });
          return;
        }
        const flaky = /^flaky-(\d+)-(\d{3})-([\w-]+)$/.exec(request.model);
        if (flaky?.[1] !== undefined && flaky[2] !== undefined && flaky[3] !== undefined) {
          const count = (modelHits.get(flaky[3]) ?? 0) + 1;
          modelHits.set(flaky[3], count);
          if (count <= Number(flaky[1])) {
            sendJson(res, Number(flaky[2]), { error: { message: `busy (attempt ${String(count)})`, type: "server_error" } });
            return;
          }
        }
        if (request.tools !== undefined && request.tools.length > 0) {
          const turn = agentTurn(request, requests.length);
          sendJson(res, 200, { id: "chatcmpl-fixture", object: "chat.completion", created: 0, model: request.model, choices: [{ index: 0, ...turn }], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
          return;
        }
        const last = [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";
        const schema = request.response_format?.json_schema?.schema;
        const content =
          request.model === "not-json" ? "Sorry, I cannot answer in JSON." : request.model === "wrong-shape" ? JSON.stringify({ unexpected: true }) : schema === undefined ? `echo: ${last}` : JSON.stringify(instanceOf(schema));
        sendJson(res, 200, {
          id: "chatcmpl-fixture",
          object: "chat.completion",
          created: 0,
          model: request.model,
          choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }],
          usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
        });
      })();
    }),
  );
  return { ...server, url: `${server.url}/v1`, requests, modelHits };
}
