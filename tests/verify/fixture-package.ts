import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GENERATED_COMPILER_OPTIONS } from "../../compiler/verify/compiler-options";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The real runtime, vendored verbatim into every generated package as src/runtime.ts. */
export const RUNTIME_SOURCE = readFileSync(path.join(here, "..", "..", "runtime", "tool-runtime.ts"), "utf8");

/**
 * A fixture under tests/verify/fixtures/<name> as the generated package it stands for:
 * its src/runtime.ts stand-in becomes the real runtime, test/tool-test.ts becomes
 * test/tool.test.ts (kept apart on disk so vitest does not collect it), and the
 * tsconfig.json is the generated one.
 */
export function loadFixturePackage(name: string): Record<string, string> {
  const root = path.join(here, "fixtures", name);
  const files: Record<string, string> = { "tsconfig.json": `${JSON.stringify({ compilerOptions: GENERATED_COMPILER_OPTIONS }, null, 2)}\n` };
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const relative = path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
    files[relative === "test/tool-test.ts" ? "test/tool.test.ts" : relative] = readFileSync(path.join(root, relative), "utf8");
  }
  files["src/runtime.ts"] = RUNTIME_SOURCE;
  return files;
}
