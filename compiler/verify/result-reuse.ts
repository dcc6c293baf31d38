import type { FileDependencies } from "./file-dependencies";

/** One of the package's files as the last verification saw it. */
export interface FileSnapshot<Result> {
  readonly version: string;
  readonly dependencies: FileDependencies;
  readonly result: Result;
}

/** The last verification: its files, and what else their results depend on. */
export interface PackageSnapshot<Result> {
  /** The file names and the package.json text: they decide module resolution and module format. */
  readonly layoutKey: string;
  readonly files: ReadonlyMap<string, FileSnapshot<Result>>;
}

/**
 * Which files may keep their previous results. A file's diagnostics, lint messages and
 * scan findings depend only on the file, on the files it imports (transitively) and on
 * files that affect the global scope — dependencies outside the package do not change
 * while the process runs. So a file is reusable when it and every package file it
 * reaches through imports are unchanged, the layout is the same, and no file that
 * affects the global scope changed. (tsc --watch reasons the same way.) In a generated
 * package this keeps the vendored src/runtime.ts, which imports nothing of the package,
 * from being checked again when only src/tool.ts changed.
 *
 * `current` gives each file's version; `dependenciesOf` is asked only for files that changed.
 */
export function reusableFiles<Result>(
  previous: PackageSnapshot<Result> | undefined,
  layoutKey: string,
  current: ReadonlyMap<string, string>,
  dependenciesOf: (fileName: string) => FileDependencies,
): { reusable: ReadonlySet<string>; dependencies: ReadonlyMap<string, FileDependencies> } {
  const dependencies = new Map<string, FileDependencies>();
  const changed = new Set<string>();
  for (const [fileName, version] of current) {
    const before = previous?.files.get(fileName);
    if (before?.version === version) {
      dependencies.set(fileName, before.dependencies);
    } else {
      changed.add(fileName);
      dependencies.set(fileName, dependenciesOf(fileName));
    }
  }
  const reusable = new Set<string>();
  if (previous?.layoutKey !== layoutKey || [...changed].some((fileName) => dependencies.get(fileName)?.affectsGlobalScope === true)) {
    return { reusable, dependencies };
  }
  for (const fileName of current.keys()) {
    if (!reachesChange(fileName, dependencies, changed)) reusable.add(fileName);
  }
  return { reusable, dependencies };
}

/** Whether `fileName` or a package file it imports, directly or not, changed. */
function reachesChange(fileName: string, dependencies: ReadonlyMap<string, FileDependencies>, changed: ReadonlySet<string>): boolean {
  const seen = new Set<string>([fileName]);
  const pending = [fileName];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (changed.has(next)) return true;
    for (const imported of dependencies.get(next)?.ownImports ?? []) {
      if (!seen.has(imported)) {
        seen.add(imported);
        pending.push(imported);
      }
    }
  }
  return false;
}
