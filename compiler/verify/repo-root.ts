import { fileURLToPath } from "node:url";
import path from "node:path";

/**
 * The repository root (the folder holding node_modules), computed from this file's
 * location so it works from any working directory and checkout path.
 */
export const REPO_ROOT: string = toPosix(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", ".."));

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
