/**
 * Transforms a tool's name, description and input type into warnings about what the agent
 * ecosystems Toolwright serves would refuse (docs/agents.md, "What the compiler checks").
 * Warnings, not errors: the tool still works over REST and wherever the target accepts it.
 */
import { diagnostic, type Diagnostic } from "../diagnostics/catalog";
import type { ObjectTypeSchema } from "../types/type-schema";
import { OPENAI_DESCRIPTION_MAX, OPENAI_FUNCTION_NAME, strictProblems } from "./openai";

/** Tool names each target accepts. */
const TOOL_NAME_RULES: readonly { readonly target: string; readonly pattern: RegExp }[] = [
  { target: "OpenAI function calling", pattern: OPENAI_FUNCTION_NAME },
  // MCP's tool name format (SEP-986, specification 2025-11-25); the MCP SDK warns about other names.
  { target: "MCP", pattern: /^[A-Za-z0-9._-]{1,128}$/ },
];

/**
 * Anthropic's API (Claude, and so the MCP clients built on it: Claude Desktop, Claude Code)
 * refuses a request when a tool's top-level input property name does not match this; the
 * whole request fails, so one such tool breaks every tool of an MCP server.
 */
const ANTHROPIC_PROPERTY_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;

export interface TargetSubject {
  readonly name: string;
  readonly description: string;
  readonly input: ObjectTypeSchema;
}

export function checkTargets(tool: TargetSubject, options: { readonly checkName?: boolean } = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const rule of options.checkName === false ? [] : TOOL_NAME_RULES) {
    if (!rule.pattern.test(tool.name)) {
      diagnostics.push(diagnostic("NAME_REJECTED_BY_TARGET", `${rule.target} rejects the tool name ${JSON.stringify(tool.name)}: names must match ${rule.pattern.source}`));
    }
  }
  for (const key of Object.keys(tool.input.properties)) {
    if (!ANTHROPIC_PROPERTY_NAME.test(key)) {
      diagnostics.push(
        diagnostic(
          "NAME_REJECTED_BY_TARGET",
          `Anthropic's API (Claude, and MCP clients such as Claude Desktop) rejects the input field name ${JSON.stringify(key)}: field names must match ${ANTHROPIC_PROPERTY_NAME.source}, and a request with one such tool fails as a whole`,
          { nodeId: "input", path: ["config", "schema", "properties", key] },
          "Rename the input field to letters, digits, `_`, `-` and `.` (at most 64 characters).",
        ),
      );
    }
  }
  if (tool.description.length > OPENAI_DESCRIPTION_MAX) {
    diagnostics.push(
      diagnostic(
        "DESCRIPTION_REJECTED_BY_TARGET",
        `OpenAI function calling rejects descriptions over ${String(OPENAI_DESCRIPTION_MAX)} characters; this one has ${String(tool.description.length)}, so the OpenAI definition carries only its first ${String(OPENAI_DESCRIPTION_MAX)}`,
      ),
    );
  }
  const strict = strictProblems(tool.input);
  if (strict.length > 0) {
    diagnostics.push(
      diagnostic(
        "INPUT_NOT_STRICT",
        `OpenAI's strict mode cannot take this input (${strict.join("; ")}), so its OpenAI definition is not strict: the model may send arguments that do not fit, which the tool then refuses`,
        { nodeId: "input", path: ["config", "schema"] },
      ),
    );
  }
  return diagnostics;
}
