import ts from "typescript";

/**
 * The `compilerOptions` of every generated package's tsconfig.json. The code generator
 * writes this object as the package's tsconfig; the verifier checks with the same
 * options, so "verified" means "the downloaded package builds with `tsc`".
 */
export const GENERATED_COMPILER_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  skipLibCheck: true,
  declaration: true,
  outDir: "dist",
  rootDir: ".",
  types: ["node"],
  esModuleInterop: true,
} as const;

/**
 * Converts {@link GENERATED_COMPILER_OPTIONS} to `ts.CompilerOptions` for a package whose
 * tsconfig.json sits in `packageDir`, with `noEmit` added: verification never writes.
 * Throws if TypeScript rejects the JSON, which would be a Toolwright bug.
 */
export function verificationCompilerOptions(packageDir: string): ts.CompilerOptions {
  const { options, errors } = ts.convertCompilerOptionsFromJson(GENERATED_COMPILER_OPTIONS, packageDir, `${packageDir}/tsconfig.json`);
  if (errors.length > 0) {
    throw new Error(`GENERATED_COMPILER_OPTIONS is invalid: ${errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, " ")).join("; ")}`);
  }
  // configFilePath makes default type roots start at the package, as `tsc -p` would.
  return { ...options, noEmit: true, configFilePath: `${packageDir}/tsconfig.json` };
}
