import ts from "typescript";

/** What decides whether one of the package's files can keep its previous results. */
export interface FileDependencies {
  /** The package's own files this file imports directly (resolved file names). */
  readonly ownImports: readonly string[];
  /**
   * The file can change what other files see without being imported: a script (not a
   * module), a `declare global` / `declare module "…"` augmentation, or a triple-slash
   * reference.
   */
  readonly affectsGlobalScope: boolean;
}

/** Finds a file's direct imports of the package's own files, as the checker resolved them. */
export function fileDependencies(program: ts.Program, sourceFile: ts.SourceFile, isOwnFile: (fileName: string) => boolean): FileDependencies {
  const checker = program.getTypeChecker();
  const specifiers: ts.Expression[] = [];
  let affectsGlobalScope =
    !ts.isExternalModule(sourceFile) || sourceFile.referencedFiles.length > 0 || sourceFile.typeReferenceDirectives.length > 0 || sourceFile.libReferenceDirectives.length > 0;
  for (const statement of sourceFile.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier !== undefined) {
      specifiers.push(statement.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      specifiers.push(statement.moduleReference.expression);
    } else if (ts.isModuleDeclaration(statement) && (ts.isStringLiteral(statement.name) || statement.name.text === "global")) {
      affectsGlobalScope = true;
    }
  }
  // `import("./x.js")` calls and `import("./x.js").T` types can sit anywhere; look only when the text has one.
  if (/\bimport\s*\(/.test(sourceFile.text)) collectImportCalls(sourceFile, specifiers);

  const ownImports = new Set<string>();
  for (const specifier of specifiers) {
    for (const declaration of checker.getSymbolAtLocation(specifier)?.declarations ?? []) {
      const fileName = declaration.getSourceFile().fileName;
      if (isOwnFile(fileName)) ownImports.add(fileName);
    }
  }
  return { ownImports: [...ownImports], affectsGlobalScope };
}

function collectImportCalls(node: ts.Node, into: ts.Expression[]): void {
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined) {
    into.push(node.arguments[0]);
  } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
    into.push(node.argument.literal);
  }
  node.forEachChild((child) => {
    collectImportCalls(child, into);
  });
}
