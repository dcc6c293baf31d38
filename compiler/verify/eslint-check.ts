import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import type ts from "typescript";
import type { VerificationProblem } from "../api";
import { packagePath } from "./problem-location";
import { REPO_ROOT } from "./repo-root";

/** The rules generated code must satisfy, all errors. */
export const VERIFY_ESLINT_RULES: Linter.RulesRecord = {
  "@typescript-eslint/no-explicit-any": "error",
  "@typescript-eslint/no-unsafe-assignment": "error",
  "@typescript-eslint/no-unsafe-member-access": "error",
  "@typescript-eslint/no-unsafe-call": "error",
  "@typescript-eslint/no-unsafe-return": "error",
  "@typescript-eslint/no-unsafe-argument": "error",
  "@typescript-eslint/no-floating-promises": "error",
  "@typescript-eslint/no-misused-promises": "error",
  "@typescript-eslint/await-thenable": "error",
  // Every directive, with or without a description: generated code never needs one.
  "@typescript-eslint/ban-ts-comment": ["error", { "ts-expect-error": true, "ts-ignore": true, "ts-nocheck": true, "ts-check": false }],
  "@typescript-eslint/no-implied-eval": "error",
  "no-eval": "error",
  "no-new-func": "error",
};

/**
 * Lints with ESLint's in-process `Linter` (the `ESLint` class would glob, load config
 * files and build its own program). typescript-eslint reads the SourceFiles and types
 * of the program we already checked (`parserOptions.programs`), so nothing is re-parsed
 * or re-checked.
 */
export function createEslintChecker(): (program: ts.Program, sourceFile: ts.SourceFile) => VerificationProblem[] {
  const linter = new Linter({ configType: "flat", cwd: REPO_ROOT });
  return (program, sourceFile) => {
    const config: Linter.Config[] = [
      {
        files: ["**/*.ts"],
        languageOptions: {
          parser: tseslint.parser,
          sourceType: "module",
          // `lib` only feeds ESLint's scope analysis (which globals exist, e.g. `eval` and
          // `Function` for no-eval / no-new-func): without it, typescript-eslint would define
          // every DOM global of the default lib for each file, a third of the parse time.
          parserOptions: { programs: [program], tsconfigRootDir: REPO_ROOT, lib: ["es2022"] },
        },
        plugins: { "@typescript-eslint": tseslint.plugin },
        // Generated code must not switch rules off: directives are ignored and reported.
        linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "error" },
        rules: VERIFY_ESLINT_RULES,
      },
    ];
    const messages = linter.verify(sourceFile.text, config, { filename: sourceFile.fileName });
    return messages.map((message) => ({
      tool: "eslint",
      file: packagePath(sourceFile.fileName),
      line: message.line,
      column: message.column,
      message: message.message,
      ...(message.ruleId === null ? {} : { rule: message.ruleId }),
    }));
  };
}
