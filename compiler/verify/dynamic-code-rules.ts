import ts from "typescript";
import { declarationFiles, isValueReference } from "./any-rules";

/**
 * `eval` and `Function` run code built from strings: every value use of the globals
 * (`eval(…)`, `new Function(…)`, `Function(…)`, `globalThis.eval`, `const e = eval`).
 * A local declaration of the same name is not the global and is not reported.
 */
export function dynamicCodeFinding(node: ts.Node, checker: ts.TypeChecker, isOwnFile: (fileName: string) => boolean): string | undefined {
  if (!ts.isIdentifier(node) || (node.text !== "eval" && node.text !== "Function")) return undefined;
  const parent = node.parent;
  const isGlobalMember = ts.isPropertyAccessExpression(parent) && parent.name === node;
  if (!isGlobalMember && !isValueReference(node)) return undefined;
  const files = declarationFiles(node, checker);
  if (files.length === 0 || files.some(isOwnFile)) return undefined;
  return node.text === "eval" ? "`eval` runs code from a string" : "`Function` builds code from a string";
}
