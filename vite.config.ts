import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The editor (editor/) is a Vite app. `npm run dev` serves it with hot reload and proxies
 * the API to a server on :3000 (`npx toolwright serve`); `npm run build:editor` writes
 * dist/editor, which the server serves at `/`.
 */
const repoRoot = fileURLToPath(new URL(".", import.meta.url));
const apiTarget = process.env.TOOLWRIGHT_API ?? "http://localhost:3000";

export default defineConfig({
  root: fileURLToPath(new URL("./editor", import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./dist/editor", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // The editor bundles component-records/*.yaml and the compiler's validator from outside editor/.
    fs: { allow: [repoRoot] },
    proxy: {
      "/api": apiTarget,
      "/tools": apiTarget,
      "/health": apiTarget,
    },
  },
});
