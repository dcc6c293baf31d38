import { createWrappedNode, ts as morphTs, SyntaxKind } from "ts-morph";
import ts from "typescript";
import type { VerificationProblem } from "../api";
import { anyTypeFinding } from "./any-rules";
import { suppressionComments } from "./comment-rules";
import { dynamicCodeFinding } from "./dynamic-code-rules";
import { problemAt } from "./problem-location";

/**
 * Scans one of the package's files for every `any` and every escape hatch: explicit
 * `any`, implicit and inferred `any` (any-rules.ts), `as unknown as`, TypeScript suppression-directive-style
 * comments, `eval` and `Function`. Nothing is parsed or checked again: ts-morph wraps the
 * program's own SourceFile, and the dense per-node queries go straight to the checker in
 * one walk (wrapping every node in ts-morph objects cost more than the queries).
 */
export function scanForAny(program: ts.Program, sourceFile: ts.SourceFile, isOwnFile: (fileName: string) => boolean): VerificationProblem[] {
  const checker = program.getTypeChecker();
  const problems: VerificationProblem[] = [];
  const report = (position: number, message: string): void => {
    problems.push(problemAt("scan", sourceFile, position, message));
  };

  for (const finding of castFindings(sourceFile)) report(finding.position, finding.message);
  const visit = (node: ts.Node): void => {
    const finding =
      node.kind === ts.SyntaxKind.AnyKeyword ? "explicit `any` type" : (dynamicCodeFinding(node, checker, isOwnFile) ?? anyTypeFinding(node, checker, isOwnFile));
    if (finding !== undefined) report(node.getStart(sourceFile), finding);
    node.forEachChild(visit);
  };
  sourceFile.forEachChild(visit);
  for (const { position, directive } of suppressionComments(sourceFile)) report(position, `\`${directive}\` silences the type checker`);

  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * `as unknown as` (and `<T><unknown>x`): found by kind through ts-morph, which walks the
 * compiler nodes and wraps only the matches.
 */
function castFindings(sourceFile: ts.SourceFile): { position: number; message: string }[] {
  const node: unknown = sourceFile;
  if (!isMorphSourceFile(node)) throw new Error("internal: ts-morph's TypeScript numbers syntax kinds differently from ours");
  const wrapped = createWrappedNode(node);
  const findings: { position: number; message: string }[] = [];
  const casts = [...wrapped.getDescendantsOfKind(SyntaxKind.AsExpression), ...wrapped.getDescendantsOfKind(SyntaxKind.TypeAssertionExpression)];
  for (const cast of casts) {
    let inner = cast.getExpression();
    for (let parenthesized = inner.asKind(SyntaxKind.ParenthesizedExpression); parenthesized; parenthesized = inner.asKind(SyntaxKind.ParenthesizedExpression)) {
      inner = parenthesized.getExpression();
    }
    const innerCast = inner.asKind(SyntaxKind.AsExpression) ?? inner.asKind(SyntaxKind.TypeAssertionExpression);
    if (innerCast?.getTypeNode()?.getKind() === SyntaxKind.UnknownKeyword) {
      findings.push({ position: cast.getStart(), message: "`as unknown as` casts through `unknown`, bypassing the type checker" });
    }
  }
  return findings;
}

/**
 * ts-morph bundles its own TypeScript (also 5.9), so its node types are not ours. Our
 * SourceFile is usable there when both number syntax kinds alike, which this checks.
 */
function isMorphSourceFile(node: unknown): node is morphTs.SourceFile {
  return typeof node === "object" && node !== null && "kind" in node && node.kind === morphTs.SyntaxKind.SourceFile;
}
