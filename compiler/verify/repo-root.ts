import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The repository root: the nearest folder above this file whose node_modules holds the
 * dependencies generated packages import (zod stands for them). Found from
 * `import.meta.url`, so it works from any working directory, checkout path or bundle
 * location; two levels up (compiler/verify → root) if nothing is found.
 */
export const REPO_ROOT: string = toPosix(findRoot(here) ?? path.resolve(here, "..", ".."));

/**
 * Where a verified package virtually lives. It never exists on disk: placing it inside
 * the repo makes Node module resolution walk up to the repo's node_modules, so `zod`,
 * `openai` and `@types/node` resolve exactly as they do for the repo itself.
 */
export const VIRTUAL_PACKAGE_DIR: string = `${REPO_ROOT}/.toolwright-virtual-package`;

/** TypeScript works with forward slashes on every platform. */
export function toPosix(p: string): string {
  return p.replace(/\\/g, "/");
}

function findRoot(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "node_modules", "zod", "package.json"))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
