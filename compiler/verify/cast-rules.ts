import ts from "typescript";

/**
 * `as unknown as` and `<T><unknown>x` (parentheses in between included): a cast through
 * `unknown` turns any value into any type without the checker's say. Returns why `node`
 * is one, or undefined.
 */
export function castThroughUnknownFinding(node: ts.Node): string | undefined {
  if (!isCast(node)) return undefined;
  let inner = node.expression;
  while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
  return isCast(inner) && inner.type.kind === ts.SyntaxKind.UnknownKeyword ? "`as unknown as` casts through `unknown`, bypassing the type checker" : undefined;
}

function isCast(node: ts.Node): node is ts.AsExpression | ts.TypeAssertion {
  return node.kind === ts.SyntaxKind.AsExpression || node.kind === ts.SyntaxKind.TypeAssertionExpression;
}
