/**
 * Tools for OpenAI function calling (the `openai` package's Chat Completions types): the
 * function definition of a tool, and a handler that runs a model's tool call and returns the
 * tool message. Vendored verbatim into every generated package as `src/openai.ts`; the server's
 * `GET /tools/openai` and its invoke endpoint (`{ "arguments": … }`) use this very code.
 *
 * Definitions are **strict** (docs/agents.md, "OpenAI function calling"): strict mode needs
 * every property in `required` and `additionalProperties: false` on every object, so an
 * optional input field becomes required and nullable — `"type": [T, "null"]` for a scalar,
 * `"anyOf": [schema, { "type": "null" }]` for an enum, array or object — and a null the model
 * sends for it means "absent" (`fromStrictArguments`); a field whose own type is null keeps its
 * null. Only an input beyond strict mode's documented limits is served with `strict: false`
 * (the compiler warns: INPUT_NOT_STRICT, whose limits compiler/targets/openai.ts mirrors).
 */
import type { ChatCompletionFunctionTool, ChatCompletionMessageToolCall, ChatCompletionToolMessageParam } from "openai/resources/chat/completions";
import { createContext, invoke, isToolError, type ContextOptions, type JsonValue, type ToolModule } from "../tool-runtime";

/** What a definition needs of a tool (a ToolModule has it; so does a published version's signature). */
export interface FunctionSource {
  readonly name: string;
  readonly description: string;
  readonly inputJsonSchema: JsonValue;
}

/** OpenAI refuses a function description longer than this (`string_above_max_length`). */
export const OPENAI_DESCRIPTION_MAX = 1024;

/** Strict mode's limits (OpenAI Structured Outputs guide, "Supported schemas", as of 2025). */
export const STRICT_LIMITS = { properties: 5000, depth: 10, enumValues: 1000, stringLength: 120_000, largeEnum: 250, largeEnumLength: 15_000 } as const;

type JsonObject = { readonly [key: string]: JsonValue };

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requiredOf(schema: JsonObject): readonly unknown[] {
  return isList(schema.required) ? schema.required : [];
}

/** Whether strict mode can take a schema: every node typed, and within the limits. */
export function isStrictCompatible(schema: JsonValue): boolean {
  const seen = { properties: 0, depth: 0, enumValues: 0, stringLength: 0, untyped: false, largeEnumTooLong: false };
  const walk = (node: JsonValue | undefined, level: number): void => {
    if (!isJsonObject(node) || typeof node.type !== "string") {
      seen.untyped = true;
      return;
    }
    if (isList(node.enum)) {
      const length = node.enum.reduce<number>((sum, value) => sum + (typeof value === "string" ? value.length : 0), 0);
      seen.enumValues += node.enum.length;
      seen.stringLength += length;
      if (node.enum.length > STRICT_LIMITS.largeEnum && length > STRICT_LIMITS.largeEnumLength) seen.largeEnumTooLong = true;
    }
    if (node.type === "array") walk(node.items, level);
    if (node.type === "object" && isJsonObject(node.properties)) {
      seen.depth = Math.max(seen.depth, level);
      for (const [key, property] of Object.entries(node.properties)) {
        seen.properties++;
        seen.stringLength += key.length;
        walk(property, level + 1);
      }
    }
  };
  walk(schema, 1);
  return (
    !seen.untyped &&
    !seen.largeEnumTooLong &&
    seen.properties <= STRICT_LIMITS.properties &&
    seen.depth <= STRICT_LIMITS.depth &&
    seen.enumValues <= STRICT_LIMITS.enumValues &&
    seen.stringLength <= STRICT_LIMITS.stringLength
  );
}

/** The strict-mode form of a schema: every property required, optional ones nullable. */
export function strictSchema(schema: JsonValue): JsonValue {
  if (!isJsonObject(schema)) return schema;
  if (schema.type === "array" && schema.items !== undefined) return { ...schema, items: strictSchema(schema.items) };
  if (schema.type !== "object" || !isJsonObject(schema.properties)) return schema;
  const required = requiredOf(schema);
  const properties = Object.fromEntries(
    Object.entries(schema.properties).map(([key, property]): [string, JsonValue] => {
      const strict = strictSchema(property);
      return [key, required.includes(key) || (isJsonObject(property) && property.type === "null") ? strict : nullable(strict)];
    }),
  );
  return { ...schema, properties, required: Object.keys(properties), additionalProperties: false };
}

const SCALARS = new Set<JsonValue | undefined>(["string", "number", "integer", "boolean"]);

/** `[T, "null"]` for a scalar, `anyOf` with null otherwise; the description stays outside. */
function nullable(schema: JsonValue): JsonValue {
  if (!isJsonObject(schema)) return schema;
  if (SCALARS.has(schema.type) && schema.enum === undefined) return { ...schema, type: [schema.type ?? null, "null"] };
  const result: Record<string, JsonValue> = { anyOf: [Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "description")), { type: "null" }] };
  if (schema.description !== undefined) result.description = schema.description;
  return result;
}

/** A description cut to OpenAI's limit, on a code point boundary. */
export function openAiDescription(description: string): string {
  if (description.length <= OPENAI_DESCRIPTION_MAX) return description;
  const cut = description.slice(0, OPENAI_DESCRIPTION_MAX);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The tool's function definition for a Chat Completions request's `tools`. */
export function openAiDefinition(tool: FunctionSource): ChatCompletionFunctionTool {
  const strict = isStrictCompatible(tool.inputJsonSchema);
  const description = openAiDescription(tool.description);
  const parameters = strict ? strictSchema(tool.inputJsonSchema) : tool.inputJsonSchema;
  return {
    type: "function",
    function: {
      name: tool.name,
      ...(description === "" ? {} : { description }),
      parameters: isJsonObject(parameters) ? { ...parameters } : {},
      strict,
    },
  };
}

/**
 * The tool input a model meant under a strict definition: a null for an optional field is
 * dropped (the field is absent) unless the field's own type is null. Everything else is
 * returned as is, for the tool's schema to judge.
 */
export function fromStrictArguments(value: unknown, schema: JsonValue | undefined): unknown {
  if (!isJsonObject(schema)) return value;
  if (isList(value)) return value.map((item) => fromStrictArguments(item, schema.items));
  const properties = schema.properties;
  if (!isRecord(value) || !isJsonObject(properties)) return value;
  const required = requiredOf(schema);
  // Object.fromEntries defines own properties, so even a `__proto__` key stays data.
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, field]): [string, unknown][] => {
      const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (field === null && property !== undefined && !required.includes(key) && !(isJsonObject(property) && property.type === "null")) return [];
      return [[key, fromStrictArguments(field, property)]];
    }),
  );
}

/**
 * Runs one tool call of a model's answer with the tool it names, in a standalone context made
 * from `options`, and returns the tool message to send back: the output as JSON, or
 * `{ "error": { code, message, nodeId? } }` when the call names no given tool, its arguments are
 * invalid, or a node fails — so the model can react.
 */
export async function handleToolCall(
  tools: readonly ToolModule<unknown, unknown>[],
  call: ChatCompletionMessageToolCall,
  options: ContextOptions = {},
): Promise<ChatCompletionToolMessageParam> {
  const reply = (content: unknown): ChatCompletionToolMessageParam => ({ role: "tool", tool_call_id: call.id, content: JSON.stringify(content) });
  const name = call.type === "function" ? call.function.name : call.custom.name;
  const tool = call.type === "function" ? tools.find((candidate) => candidate.name === name) : undefined;
  if (tool === undefined || call.type !== "function") return reply({ error: { code: "UNKNOWN_TOOL", message: `no tool named ${JSON.stringify(name)}` } });
  let args: unknown;
  try {
    args = JSON.parse(call.function.arguments) as unknown;
  } catch {
    return reply({ error: { code: "INVALID_INPUT", message: "the arguments are not valid JSON" } });
  }
  try {
    return reply(await invoke(tool, fromStrictArguments(args, tool.inputJsonSchema), createContext(options)));
  } catch (error) {
    if (!isToolError(error)) throw error;
    return reply({ error: { code: error.code, message: error.message, ...(error.nodeId === undefined ? {} : { nodeId: error.nodeId }) } });
  }
}
