import ts from "typescript";

const SUPPRESSION = /@ts-(?:ignore|expect-error|nocheck)\b/g;

/**
 * TypeScript suppression directives (ts-ignore, ts-expect-error, ts-nocheck): each silences the type
 * checker. Text matches are confirmed against the syntax tree, so the same words inside a
 * string, template or regular expression do not count.
 */
export function suppressionComments(sourceFile: ts.SourceFile): { position: number; directive: string }[] {
  const found: { position: number; directive: string }[] = [];
  for (const match of sourceFile.text.matchAll(SUPPRESSION)) {
    if (!isInsideLiteral(sourceFile, match.index)) found.push({ position: match.index, directive: match[0] });
  }
  return found;
}

function isInsideLiteral(sourceFile: ts.SourceFile, position: number): boolean {
  let node: ts.Node = sourceFile;
  for (;;) {
    const child: ts.Node | undefined = node.forEachChild((c) => (c.getStart(sourceFile) <= position && position < c.end ? c : undefined));
    if (child === undefined) return false;
    if (ts.isStringLiteralLike(child) || ts.isTemplateLiteralToken(child) || ts.isRegularExpressionLiteral(child) || ts.isJsxText(child)) return true;
    node = child;
  }
}
