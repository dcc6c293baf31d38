import ts from "typescript";
import type { VerificationProblem } from "../api";
import { VIRTUAL_PACKAGE_DIR } from "./repo-root";

/** The package-relative POSIX path of a virtual file (e.g. "src/tool.ts"). */
export function packagePath(fileName: string): string {
  return fileName.startsWith(`${VIRTUAL_PACKAGE_DIR}/`) ? fileName.slice(VIRTUAL_PACKAGE_DIR.length + 1) : fileName;
}

/** A problem at a position of a source file; lines and columns are 1-based, as in ESLint. */
export function problemAt(tool: VerificationProblem["tool"], sourceFile: ts.SourceFile, position: number, message: string, rule?: string): VerificationProblem {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(position);
  return { tool, file: packagePath(sourceFile.fileName), line: line + 1, column: character + 1, message, ...(rule === undefined ? {} : { rule }) };
}
