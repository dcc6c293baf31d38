import ts from "typescript";
import type { VerificationProblem } from "../api";
import { anyTypeFinding } from "./any-rules";
import { castThroughUnknownFinding } from "./cast-rules";
import { suppressionComments } from "./comment-rules";
import { dynamicCodeFinding } from "./dynamic-code-rules";
import { problemAt } from "./problem-location";

/**
 * Scans one of the package's files for every `any` and every escape hatch: explicit
 * `any`, implicit and inferred `any` (any-rules.ts), `as unknown as` (cast-rules.ts),
 * TypeScript suppression-directive-style comments, `eval` and `Function`. Nothing is
 * parsed or checked again: one walk over the program's own SourceFile asks every
 * syntactic and type question (a second walk for the casts cost as much as the casts'
 * own test, and wrapping nodes in an AST library's objects more than the questions).
 */
export function scanForAny(program: ts.Program, sourceFile: ts.SourceFile, isOwnFile: (fileName: string) => boolean): VerificationProblem[] {
  const checker = program.getTypeChecker();
  const problems: VerificationProblem[] = [];
  const report = (position: number, message: string): void => {
    problems.push(problemAt("scan", sourceFile, position, message));
  };

  const visit = (node: ts.Node): void => {
    const finding =
      node.kind === ts.SyntaxKind.AnyKeyword
        ? "explicit `any` type"
        : (castThroughUnknownFinding(node) ?? dynamicCodeFinding(node, checker, isOwnFile) ?? anyTypeFinding(node, checker, isOwnFile));
    if (finding !== undefined) report(node.getStart(sourceFile), finding);
    node.forEachChild(visit);
  };
  sourceFile.forEachChild(visit);
  for (const { position, directive } of suppressionComments(sourceFile)) report(position, `\`${directive}\` silences the type checker`);

  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
