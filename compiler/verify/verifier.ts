import ts from "typescript";
import type { GeneratedFiles, VerificationProblem, VerificationResult } from "../api";
import { scanForAny } from "./any-scan";
import { verificationCompilerOptions } from "./compiler-options";
import { createEslintChecker } from "./eslint-check";
import { fileDependencies } from "./file-dependencies";
import { packageLayoutKey } from "./package-layout";
import { VIRTUAL_PACKAGE_DIR } from "./repo-root";
import { reusableFiles, type FileSnapshot, type PackageSnapshot } from "./result-reuse";
import { fileTscProblems, programTscProblems } from "./tsc-check";
import { tsconfigProblems } from "./tsconfig-check";
import { createVirtualHost } from "./virtual-host";
import { warmPackage } from "./warm-package";

export interface Verifier {
  /** Checks a generated package with tsc (strict), ESLint and the `any` scan, in process. */
  verify(files: GeneratedFiles): VerificationResult;
  /** Verifies a small representative package, so the first real verification is warm. */
  warm(): void;
}

/** What one file contributes to a verification. */
interface FileProblems {
  readonly tsc: readonly VerificationProblem[];
  readonly eslint: readonly VerificationProblem[];
  readonly scan: readonly VerificationProblem[];
}

/**
 * A verifier keeps TypeScript warm between calls: one cached host (lib, zod, openai and
 * @types/node are parsed once per process) and the previous program as `oldProgram`.
 * Files that a change cannot affect keep their previous results (see result-reuse.ts).
 * Use one verifier per process; it is synchronous, so calls never interleave.
 */
export function createVerifier(): Verifier {
  const options = verificationCompilerOptions(VIRTUAL_PACKAGE_DIR);
  const virtualHost = createVirtualHost();
  const lint = createEslintChecker();
  let oldProgram: ts.Program | undefined;
  let previous: PackageSnapshot<FileProblems> | undefined;

  const verify = (files: GeneratedFiles): VerificationResult => {
    const packageFiles = new Map<string, string>();
    for (const [relativePath, content] of Object.entries(files)) packageFiles.set(virtualPath(relativePath), content);
    virtualHost.setPackageFiles(packageFiles);
    const isOwnFile = (fileName: string): boolean => packageFiles.has(fileName);

    const rootNames = [...packageFiles.keys()].filter((fileName) => fileName.endsWith(".ts")).sort();
    const program = ts.createProgram({ rootNames, options, host: virtualHost.host, ...(oldProgram ? { oldProgram } : {}) });
    oldProgram = program;
    const sourceFiles = new Map<string, ts.SourceFile>();
    for (const fileName of rootNames) {
      const sourceFile = program.getSourceFile(fileName);
      if (sourceFile !== undefined) sourceFiles.set(fileName, sourceFile);
    }

    const versions = new Map([...sourceFiles].map(([fileName, sourceFile]) => [fileName, versionOf(sourceFile)]));
    const layoutKey = packageLayoutKey(rootNames, files["package.json"]);
    const { reusable, dependencies } = reusableFiles(previous, layoutKey, versions, (fileName) =>
      fileDependencies(program, sourceFiles.get(fileName) ?? missing(fileName), isOwnFile),
    );

    const snapshots = new Map<string, FileSnapshot<FileProblems>>();
    for (const [fileName, sourceFile] of sourceFiles) {
      const before = reusable.has(fileName) ? previous?.files.get(fileName) : undefined;
      const result = before?.result ?? {
        tsc: fileTscProblems(program, sourceFile),
        eslint: lint(program, sourceFile),
        scan: scanForAny(program, sourceFile, isOwnFile),
      };
      snapshots.set(fileName, { version: versions.get(fileName) ?? "", dependencies: dependencies.get(fileName) ?? missing(fileName), result });
    }
    previous = { layoutKey, files: snapshots };

    const perFile = [...snapshots.values()].map((snapshot) => snapshot.result);
    const tsc = [...tsconfigProblems(files["tsconfig.json"]), ...programTscProblems(program), ...perFile.flatMap((result) => result.tsc)];
    const eslint = perFile.flatMap((result) => result.eslint);
    const scan = perFile.flatMap((result) => result.scan);
    return { tscPassed: tsc.length === 0, eslintPassed: eslint.length === 0, anyTypesFound: scan.length, problems: [...tsc, ...eslint, ...scan] };
  };

  return {
    verify,
    warm() {
      verify(warmPackage());
    },
  };
}

/** The content version the virtual host stamped on the SourceFile. */
function versionOf(sourceFile: ts.SourceFile): string {
  return "version" in sourceFile && typeof sourceFile.version === "string" ? sourceFile.version : sourceFile.text;
}

function missing(fileName: string): never {
  throw new Error(`internal: no source file for ${fileName}`);
}

/** Maps a package-relative POSIX path into the virtual package directory. */
function virtualPath(relativePath: string): string {
  const segments = relativePath.split("/");
  if (relativePath.startsWith("/") || relativePath.includes("\\") || segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new Error(`generated file path must be a relative POSIX path inside the package: "${relativePath}"`);
  }
  return `${VIRTUAL_PACKAGE_DIR}/${relativePath}`;
}
