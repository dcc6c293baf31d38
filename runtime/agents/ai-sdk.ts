/**
 * A Toolwright tool as a Vercel AI SDK tool (`tool()` of the `ai` package). Vendored verbatim
 * into every generated package as `src/ai-sdk.ts`. The model sees the tool's own JSON Schema
 * (the one MCP and OpenAI see too), and the AI SDK validates the model's input with the tool's
 * schema before `execute` runs it.
 */
import { jsonSchema, tool as aiSdkTool, type JSONSchema7, type Tool } from "ai";
import { createContext, describeIssues, invoke, ToolError, type ContextOptions, type ToolModule } from "../tool-runtime";

function isSchema(value: unknown): value is JSONSchema7 {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `generateText({ model, tools: { [tool.name]: createAiTool(tool) }, … })`. Each call runs with a
 * standalone context made from `options` and the call's abort signal; a failure rejects with the
 * tool's error (code and node id), which the AI SDK reports to the model as a tool error.
 */
export function createAiTool<I, O>(tool: ToolModule<I, O>, options: ContextOptions = {}): Tool<I, unknown> {
  // The output is typed `unknown` for the AI SDK: its Tool type decides optional members by a
  // conditional type over the output, which a generic output type would leave undecided.
  return aiSdkTool<I, unknown>({
    description: tool.description,
    inputSchema: jsonSchema<I>(isSchema(tool.inputJsonSchema) ? tool.inputJsonSchema : { type: "object" }, {
      validate: (value) => {
        const parsed = tool.inputSchema.safeParse(value);
        return parsed.success
          ? { success: true, value: parsed.data }
          : { success: false, error: new ToolError("INVALID_INPUT", `invalid input for ${tool.name}: ${describeIssues(parsed.error.issues)}`) };
      },
    }),
    execute: (input, { abortSignal }) => invoke(tool, input, createContext(abortSignal === undefined ? options : { ...options, signal: abortSignal })),
  });
}
