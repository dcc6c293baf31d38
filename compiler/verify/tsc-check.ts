import ts from "typescript";
import type { VerificationProblem } from "../api";
import { problemAt } from "./problem-location";

/**
 * Pre-emit diagnostics of one of the package's files, as `tsc -p` reports them:
 * syntactic, semantic and (packages build with `declaration`) declaration diagnostics.
 */
export function fileTscProblems(program: ts.Program, sourceFile: ts.SourceFile): VerificationProblem[] {
  const syntactic = program.getSyntacticDiagnostics(sourceFile);
  // Like tsc: a file that does not parse gets no semantic noise.
  if (syntactic.length > 0) return syntactic.map(toProblem);
  const options = program.getCompilerOptions();
  // An unnameable inferred type (TS2742, TS4023...) breaks the package's `tsc` build.
  const declaration = options.declaration === true || options.composite === true ? program.getDeclarationDiagnostics(sourceFile) : [];
  return [...program.getSemanticDiagnostics(sourceFile), ...declaration].map(toProblem);
}

/** Diagnostics of the program as a whole: the compiler options and global ones. */
export function programTscProblems(program: ts.Program): VerificationProblem[] {
  return [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map(toProblem);
}

/** Diagnostics without a file come from the compiler options, i.e. the package's tsconfig.json. */
function toProblem(diagnostic: ts.Diagnostic): VerificationProblem {
  const message = `TS${String(diagnostic.code)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
  if (diagnostic.file === undefined || diagnostic.start === undefined) {
    return { tool: "tsc", file: "tsconfig.json", line: 1, column: 1, message };
  }
  return problemAt("tsc", diagnostic.file, diagnostic.start, message);
}
