import { isDeepStrictEqual } from "node:util";
import ts from "typescript";
import type { VerificationProblem } from "../api";
import { GENERATED_COMPILER_OPTIONS } from "./compiler-options";

/**
 * The package is verified with {@link GENERATED_COMPILER_OPTIONS}; a tsconfig.json that
 * says otherwise would build differently from what was verified, so it is a problem.
 */
export function tsconfigProblems(text: string | undefined): VerificationProblem[] {
  if (text === undefined) return [];
  const parsed: { readonly config?: unknown; readonly error?: ts.Diagnostic } = ts.parseConfigFileTextToJson("tsconfig.json", text);
  const { config, error } = parsed;
  if (error !== undefined) return [problem(`tsconfig.json does not parse: ${ts.flattenDiagnosticMessageText(error.messageText, " ")}`)];
  const compilerOptions: unknown = typeof config === "object" && config !== null && "compilerOptions" in config ? config.compilerOptions : undefined;
  if (!isDeepStrictEqual(compilerOptions, GENERATED_COMPILER_OPTIONS)) {
    return [problem(`tsconfig.json compilerOptions differ from the verified ones: expected ${JSON.stringify(GENERATED_COMPILER_OPTIONS)}`)];
  }
  return [];
}

function problem(message: string): VerificationProblem {
  return { tool: "tsc", file: "tsconfig.json", line: 1, column: 1, message };
}
