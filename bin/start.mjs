#!/usr/bin/env node
// `npm start`: builds the editor when it is missing or older than its sources, then runs
// `toolwright serve` (PORT, default 3000; data in ./data or TOOLWRIGHT_DATA_DIR; DATABASE_URL
// for PostgreSQL). Extra arguments go to serve: `npm start -- --port 8080`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = fileURLToPath(new URL("..", import.meta.url));
const builtIndex = join(root, "dist", "editor", "index.html");

/** Newest modification time (ms) of the files under `path` (0 when it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

function buildEditorIfNeeded() {
  // The editor is a Vite app under editor/; without it there is nothing to build.
  if (!existsSync(join(root, "editor", "index.html"))) return;
  // It bundles the records and the compiler's browser-safe parts too.
  const sources = Math.max(
    ...["editor", "component-records", "compiler", "vite.config.ts", "package.json"].map((p) => newest(join(root, p))),
  );
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= sources) return;
  console.log("Building the editor (vite build)…");
  const vite = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");
  const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    // The API works without the editor: say so and serve anyway.
    console.error(`The editor build failed (exit ${result.status}); serving the API without the editor.`);
  }
}

buildEditorIfNeeded();
register();
const { main } = await import("../compiler/cli/main.ts");
process.exitCode = await main(["serve", ...process.argv.slice(2)]);
