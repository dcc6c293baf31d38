import { readFileSync } from "node:fs";
import type { GeneratedFiles } from "../api";
import { agentFiles } from "../generate/agent-files";
import { GENERATED_COMPILER_OPTIONS } from "./compiler-options";
import { REPO_ROOT } from "./repo-root";

/**
 * A small package shaped like generated ones: it imports zod, the vendored runtime (and
 * through it openai) and node:test, so warming loads, parses and binds everything a real
 * package needs, and exercises every ESLint rule and the scan once. The runtime is the
 * real one and the files are laid out as in generated packages, so the first real
 * verification finds src/runtime.ts parsed, checked, linted and scanned already.
 */
export function warmPackage(): GeneratedFiles {
  return {
    "package.json": JSON.stringify({ name: "warm", version: "1.0.0", private: true, type: "module" }),
    "tsconfig.json": JSON.stringify({ compilerOptions: GENERATED_COMPILER_OPTIONS }),
    "src/runtime.ts": readFileSync(`${REPO_ROOT}/runtime/tool-runtime.ts`, "utf8"),
    "src/tool.ts": WARM_TOOL,
    "src/index.ts": WARM_INDEX,
    "test/tool.test.ts": WARM_TEST,
    // The agent adapters: their libraries (MCP SDK, ai, LangChain) are parsed while warming, and
    // the vendored adapters, the same in every package, keep these results for real compiles.
    ...agentFiles("warm"),
  };
}

const WARM_TOOL = `import { z } from "zod";
import { finish, ranValue, runScope, step, text, type Outcome, type ToolContext } from "./runtime.js";

export const inputSchema = z.object({ name: z.string() });
export type Input = z.infer<typeof inputSchema>;
export const outputSchema = z.object({ greeting: z.string() });
export type Output = z.infer<typeof outputSchema>;

export async function run(input: Input, outer: ToolContext): Promise<Output> {
  const { ctx, cancel } = runScope(outer);
  const start: Promise<Outcome<Input>> = Promise.resolve({ ran: true, value: input, port: "out" });
  const greet = step(ctx, { id: "greet", kind: "llm" }, [[start, "out"]], async (scope) => {
    const response = await ctx.llm({ model: "m", prompt: \`Greet \${text(input.name)}\`, output: { type: "text" } }, scope.signal);
    return { text: response.text };
  });
  const done = step(ctx, { id: "done", kind: "output" }, [[greet, "out"]], async (): Promise<Output> => ({ greeting: ranValue(await greet, "greet").text }));
  return finish([greet, done], [done], cancel);
}
`;

const WARM_INDEX = `import type { ToolModule } from "./runtime.js";
import { inputSchema, outputSchema, run, type Input, type Output } from "./tool.js";

const tool: ToolModule<Input, Output> = {
  name: "warm",
  description: "Warms the verifier",
  inputSchema,
  outputSchema,
  inputJsonSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
  outputJsonSchema: { type: "object", properties: { greeting: { type: "string" } }, required: ["greeting"] },
  run,
};

export default tool;
`;

const WARM_TEST = `import assert from "node:assert/strict";
import { test } from "node:test";
import tool from "../src/index.js";
import { createContext, invoke } from "../src/runtime.js";

await test("input", async () => {
  await assert.rejects(invoke(tool, {}, createContext()), /invalid input/);
});
`;
