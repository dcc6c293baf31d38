import { readFileSync } from "node:fs";

/** The vendored runtime: the same file the server runs tools with, copied into each package. */
export const RUNTIME_SOURCE = readFileSync(new URL("../../runtime/tool-runtime.ts", import.meta.url), "utf8");
