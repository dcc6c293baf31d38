/** Graphs the server tests publish and call. */

const GRAPH = "toolwright.graph/v1";

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

function linear(name: string, description: string, inputSchema: Json, nodes: readonly Json[]): Json {
  const all = [{ id: "input", kind: "input", config: { schema: inputSchema } }, ...nodes];
  const ids = all.map((node) => (node as { readonly id: string }).id);
  const edges = ids.slice(1).map((target, i) => ({ id: `e${String(i + 1)}`, source: ids[i] ?? "input", target }));
  return { format: GRAPH, tool: { name, description }, nodes: all, edges };
}

const object = (properties: Json, required: readonly string[]): Json => ({ type: "object", properties, required });

/** input { name } → { greeting: "Hello, <name>!" } */
export function greetingGraph(name = "greet", greeting = "Hello"): Json {
  return linear(name, "Greets someone", object({ name: { type: "string" } }, ["name"]), [
    { id: "out", kind: "output", config: { values: { greeting: `${greeting}, {{input.name}}!` } } },
  ]);
}

/** Calls `callee` (latest or pinned) with { name }, answers { twice }. */
export function callerGraph(name: string, callee: string, version?: number): Json {
  return linear(name, "Calls another tool", object({ name: { type: "string" } }, ["name"]), [
    { id: "call", kind: "call_tool", config: { tool: callee, ...(version === undefined ? {} : { version }), input: { name: "{{input.name}}" } } },
    { id: "out", kind: "output", config: { values: { twice: "{{call.greeting}} {{call.greeting}}" } } },
  ]);
}

/** for_each over input.names calling `callee`. */
export function forEachGraph(name: string, callee: string): Json {
  return linear(name, "Greets everyone", object({ names: { type: "array", items: { type: "string" } } }, ["names"]), [
    { id: "each", kind: "for_each", config: { items: "{{input.names}}", tool: callee, input: { name: "{{item}}" }, concurrency: 2 } },
    { id: "out", kind: "output", config: { values: { results: "{{each.results}}" } } },
  ]);
}

/** GET <base>/orders/<id> → { amount }. */
export function orderGraph(name: string, base: string): Json {
  return linear(name, "Looks up an order", object({ orderId: { type: "string" } }, ["orderId"]), [
    {
      id: "order",
      kind: "http",
      config: { method: "GET", url: `${base}/orders/{{input.orderId}}`, response: { type: "json", schema: object({ amount: { type: "number" } }, ["amount"]) } },
    },
    { id: "out", kind: "output", config: { values: { amount: "{{order.body.amount}}" } } },
  ]);
}

/** POST <base>/echo with a bearer secret; the echo (which repeats the Authorization header) is the output. */
export function secretEchoGraph(name: string, base: string, secret: string): Json {
  return linear(name, "Echoes an authorised request", object({ note: { type: "string" } }, ["note"]), [
    {
      id: "echo",
      kind: "http",
      config: {
        method: "POST",
        url: `${base}/echo`,
        body: { note: "{{input.note}}" },
        auth: { type: "bearer", secret },
        response: { type: "json", schema: object({ authorization: { type: "string" }, method: { type: "string" } }, ["authorization", "method"]) },
      },
    },
    { id: "out", kind: "output", config: { values: { seen: "{{echo.body.authorization}}", method: "{{echo.body.method}}" } } },
  ]);
}

/** GET <url> with retries; the body's `ok` is the output. */
export function retryGraph(name: string, url: string): Json {
  return linear(name, "Retries a flaky upstream", object({}, []), [
    {
      id: "fetch",
      kind: "http",
      config: { method: "GET", url, response: { type: "json", schema: object({ ok: { type: "boolean" }, attempt: { type: "integer" } }, ["ok", "attempt"]) } },
      retry: { maxAttempts: 3, backoff: "fixed", initialDelayMs: 10 },
    },
    { id: "out", kind: "output", config: { values: { ok: "{{fetch.body.ok}}", attempt: "{{fetch.body.attempt}}" } } },
  ]);
}

/** GET <url> (any status), text response. */
export function fetchTextGraph(name: string, url: string): Json {
  return linear(name, "Fetches a URL", object({}, []), [
    { id: "fetch", kind: "http", config: { method: "GET", url, response: { type: "text" } } },
    { id: "out", kind: "output", config: { values: { text: "{{fetch.body}}" } } },
  ]);
}

/** An LLM reply as text. */
export function llmTextGraph(name: string, model = "fixture-model"): Json {
  return linear(name, "Replies with a model", object({ message: { type: "string" } }, ["message"]), [
    { id: "reply", kind: "llm", config: { model, system: "Be brief.", prompt: "Answer: {{input.message}}", output: { type: "text" } } },
    { id: "out", kind: "output", config: { values: { text: "{{reply.text}}" } } },
  ]);
}

/** An LLM reply as JSON with a schema (structured output). */
export function llmJsonGraph(name: string): Json {
  return linear(name, "Classifies a message", object({ message: { type: "string" } }, ["message"]), [
    {
      id: "classify",
      kind: "llm",
      config: {
        model: "fixture-model",
        prompt: "Classify: {{input.message}}",
        output: { type: "json", schema: object({ label: { type: "string", enum: ["refund", "other"] }, score: { type: "number" } }, ["label", "score"]) },
      },
    },
    { id: "out", kind: "output", config: { values: { label: "{{classify.data.label}}", score: "{{classify.data.score}}" } } },
  ]);
}

/** Waits `ms`, then answers { done: true }. */
export function delayGraph(name: string, ms: number): Json {
  return linear(name, "Waits", object({}, []), [
    { id: "wait", kind: "delay", config: { ms } },
    { id: "out", kind: "output", config: { values: { done: true } } },
  ]);
}

/** References a node that does not exist: does not compile. */
export function brokenGraph(name: string): Json {
  return linear(name, "Broken", object({ x: { type: "string" } }, ["x"]), [{ id: "out", kind: "output", config: { values: { y: "{{nowhere.value}}" } } }]);
}
