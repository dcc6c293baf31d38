import ts from "typescript";

/**
 * Where the type checker sees `any` in a package's own code. Each `any` is reported
 * once, where it enters: a declaration that is `any` without an `any` annotation (those
 * are reported at the keyword) or an `any` initializer (implicit any); an expression of
 * type `any` whose `any` did not come from an operand already reported; a reference to an
 * `any` declared outside the package. An `any` that flows straight into `unknown`
 * (`JSON.parse(s) as unknown`, `const r: unknown = signal.reason`) or into a parameter
 * that accepts anything is contained there and is not reported.
 *
 * Returns why `node` is an `any`, or undefined.
 */
export function anyTypeFinding(node: ts.Node, checker: ts.TypeChecker, isOwnFile: (fileName: string) => boolean): string | undefined {
  if (ts.isIdentifier(node)) return anyReference(node, checker, isOwnFile);
  if (ts.isParameter(node) || ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isPropertySignature(node) || ts.isBindingElement(node)) {
    return anyDeclaration(node, checker);
  }
  const operand =
    ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isAwaitExpression(node)
      ? node.expression
      : ts.isTaggedTemplateExpression(node)
        ? node.tag
        : undefined;
  if (operand === undefined || !ts.isExpression(node)) return undefined;
  if (!isAny(checker.getTypeAtLocation(node)) || isAny(checker.getTypeAtLocation(operand)) || isContained(node, checker)) return undefined;
  return `expression \`${abbreviate(node.getText())}\` has type \`any\``;
}

function anyDeclaration(
  node: ts.ParameterDeclaration | ts.VariableDeclaration | ts.PropertyDeclaration | ts.PropertySignature | ts.BindingElement,
  checker: ts.TypeChecker,
): string | undefined {
  // A destructuring pattern is judged per binding element; an annotation at its keyword.
  if (!ts.isIdentifier(node.name) || (!ts.isBindingElement(node) && node.type !== undefined)) return undefined;
  if (!isAny(checker.getTypeAtLocation(node))) return undefined;
  const initializer = ts.isPropertySignature(node) ? undefined : node.initializer;
  // `let x;` evolves its type from assignments (reported there if they are any); a
  // `for (const x of …)` variable has no initializer but takes the element type.
  if (initializer === undefined && ts.isVariableDeclaration(node) && !ts.isForOfStatement(node.parent.parent) && !ts.isForInStatement(node.parent.parent)) return undefined;
  // An `any` initializer is reported where it comes from.
  if (initializer !== undefined && isAny(checker.getTypeAtLocation(initializer))) return undefined;
  // `const { a } = anyValue`: reported at the pattern's source.
  if (ts.isBindingElement(node) && isAny(checker.getTypeAtLocation(bindingRoot(node)))) return undefined;
  return `\`${node.name.text}\` implicitly has type \`any\``;
}

function bindingRoot(node: ts.BindingElement): ts.Node {
  let current: ts.Node = node;
  while (ts.isBindingElement(current) || ts.isObjectBindingPattern(current) || ts.isArrayBindingPattern(current)) current = current.parent;
  return current;
}

/**
 * A value reference of type `any` to something declared outside the package (the
 * package's own declarations are reported where they are declared): an `any` export of
 * a dependency, an untyped global, or a name the checker could not resolve.
 */
function anyReference(node: ts.Identifier, checker: ts.TypeChecker, isOwnFile: (fileName: string) => boolean): string | undefined {
  if (!isValueReference(node)) return undefined;
  if (declarationFiles(node, checker).some(isOwnFile)) return undefined;
  if (!isAny(checker.getTypeAtLocation(node)) || isContained(node, checker)) return undefined;
  return `\`${node.text}\` has type \`any\``;
}

/** The files declaring what `node` refers to; an imported name is judged by what it imports. */
export function declarationFiles(node: ts.Identifier, checker: ts.TypeChecker): string[] {
  const symbol = checker.getSymbolAtLocation(node);
  const target = symbol !== undefined && (symbol.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(symbol) : symbol;
  return (target?.declarations ?? []).map((declaration) => declaration.getSourceFile().fileName);
}

/** An identifier that stands for a value: not a declared name, property name, label or type. */
export function isValueReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === node;
  if (ts.isTypeNode(parent) || ts.isQualifiedName(parent) || ts.isMetaProperty(parent)) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent)) return false;
  return !("name" in parent && parent.name === node);
}

/** The `any` flows straight into `unknown` or into a slot that accepts anything. */
function isContained(node: ts.Expression, checker: ts.TypeChecker): boolean {
  const contextual = checker.getContextualType(node);
  return contextual !== undefined && (contextual.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) !== 0;
}

function isAny(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.Any) !== 0;
}

function abbreviate(text: string): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}
