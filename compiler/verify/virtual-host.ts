import { createHash } from "node:crypto";
import ts from "typescript";
import { VIRTUAL_PACKAGE_DIR } from "./repo-root";

/**
 * A CompilerHost that serves a generated package from memory (under
 * {@link VIRTUAL_PACKAGE_DIR}) and everything else from disk, and that stays warm across
 * programs: disk reads, existence checks and parsed SourceFiles are cached per process.
 *
 * Why: the default host re-reads and re-parses lib.*.d.ts, zod, openai and @types/node
 * for every program (~500 ms). Handing TypeScript the very same SourceFile objects also
 * lets `oldProgram` reuse its structure, and the binder skips files already bound.
 * SourceFiles carry a content `version`, so the host can serve a builder program.
 */
export interface VirtualHost {
  readonly host: ts.CompilerHost;
  /** Replaces the in-memory package: absolute path → content. */
  setPackageFiles(files: ReadonlyMap<string, string>): void;
}

interface CachedSourceFile {
  readonly text: string;
  readonly parseKey: string;
  readonly sourceFile: ts.SourceFile;
}

export function createVirtualHost(): VirtualHost {
  let packageFiles: ReadonlyMap<string, string> = new Map();
  let packageDirs: ReadonlySet<string> = new Set();

  // Disk caches. The repo's dependencies do not change while a process runs.
  const diskText = new Map<string, string | undefined>();
  const diskFileExists = new Map<string, boolean>();
  const diskDirExists = new Map<string, boolean>();
  const diskRealpath = new Map<string, string>();
  const diskDirectories = new Map<string, string[]>();
  const sourceFiles = new Map<string, CachedSourceFile>();

  const isVirtual = (fileName: string): boolean => fileName === VIRTUAL_PACKAGE_DIR || fileName.startsWith(`${VIRTUAL_PACKAGE_DIR}/`);

  const memo = <T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T => {
    if (cache.has(key)) return cache.get(key) as T;
    const value = compute(key);
    cache.set(key, value);
    return value;
  };

  const readFile = (fileName: string): string | undefined => {
    if (isVirtual(fileName)) return packageFiles.get(fileName);
    return memo(diskText, fileName, (f) => ts.sys.readFile(f));
  };

  const host: ts.CompilerHost = {
    getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) {
      const text = readFile(fileName);
      if (text === undefined) {
        onError?.(`file not found: ${fileName}`);
        return undefined;
      }
      const parseOptions: ts.CreateSourceFileOptions =
        typeof languageVersionOrOptions === "object" ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
      // Everything createSourceFile's result depends on besides the text.
      const parseKey = `${String(parseOptions.languageVersion)}|${String(parseOptions.impliedNodeFormat)}|${String(parseOptions.jsDocParsingMode)}`;
      const cached = sourceFiles.get(fileName);
      if (cached !== undefined && shouldCreateNewSourceFile !== true && cached.text === text && cached.parseKey === parseKey) {
        return cached.sourceFile;
      }
      // A builder program tells changed files apart by this version (TypeScript's own
      // incremental hosts set it the same way: a hash of the text).
      const sourceFile = Object.assign(ts.createSourceFile(fileName, text, parseOptions, false), { version: contentHash(text) });
      sourceFiles.set(fileName, { text, parseKey, sourceFile });
      return sourceFile;
    },
    getDefaultLibFileName: (opts) => ts.getDefaultLibFilePath(opts),
    // Verification never emits (noEmit); the builder's declaration signatures use their own callback.
    writeFile: () => undefined,
    getCurrentDirectory: () => VIRTUAL_PACKAGE_DIR,
    getCanonicalFileName: (fileName) => fileName,
    useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
    getNewLine: () => "\n",
    fileExists: (fileName) => (isVirtual(fileName) ? packageFiles.has(fileName) : memo(diskFileExists, fileName, (f) => ts.sys.fileExists(f))),
    readFile,
    directoryExists: (dir) => (isVirtual(dir) ? packageDirs.has(dir) : memo(diskDirExists, dir, (d) => ts.sys.directoryExists(d))),
    realpath: (p) => (isVirtual(p) ? p : memo(diskRealpath, p, (q) => (ts.sys.realpath ? ts.sys.realpath(q) : q))),
    getDirectories: (dir) => (isVirtual(dir) ? [] : memo(diskDirectories, dir, (d) => ts.sys.getDirectories(d))),
    // Type errors do not depend on JSDoc in .ts/.d.ts files; skipping it parses faster (tsc does the same).
    jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors,
  };

  return {
    host,
    setPackageFiles(files) {
      packageFiles = files;
      const dirs = new Set<string>();
      for (const fileName of files.keys()) {
        for (let dir = fileName.slice(0, fileName.lastIndexOf("/")); isVirtual(dir) && !dirs.has(dir); dir = dir.slice(0, dir.lastIndexOf("/"))) {
          dirs.add(dir);
        }
      }
      dirs.add(VIRTUAL_PACKAGE_DIR);
      packageDirs = dirs;
    },
  };
}

function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("base64");
}
