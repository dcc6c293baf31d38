/**
 * A Toolwright tool as a LangChain structured tool (`tool()` of `@langchain/core/tools`).
 * Vendored verbatim into every generated package as `src/langchain.ts`. The tool's JSON Schema
 * is LangChain's schema: LangChain validates input with it (an invalid input throws
 * `ToolInputParsingException` before the tool runs), and the tool's own schema validates again.
 */
import { tool as langChainTool, type DynamicStructuredTool, type ToolRunnableConfig } from "@langchain/core/tools";
import type { JSONSchema } from "@langchain/core/utils/json_schema";
import { createContext, invoke, type ContextOptions, type ToolModule } from "../tool-runtime";

function isSchema(value: unknown): value is JSONSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `await createLangChainTool(tool).invoke(input)`, or `model.bindTools([createLangChainTool(tool)])`.
 * Each call runs with a standalone context made from `options` and the call's signal.
 */
export function createLangChainTool<I, O>(tool: ToolModule<I, O>, options: ContextOptions = {}): DynamicStructuredTool<JSONSchema, I, I, O> {
  return langChainTool<JSONSchema, string, I, I, O>(
    // LangChain types a JSON-Schema tool's input as unknown; the tool's own schema checks it in invoke.
    (input: unknown, config: ToolRunnableConfig) => invoke(tool, input, createContext(config.signal === undefined ? options : { ...options, signal: config.signal })),
    { name: tool.name, description: tool.description, schema: isSchema(tool.inputJsonSchema) ? tool.inputJsonSchema : { type: "object" } },
  );
}
