import { build, type Plugin } from "esbuild";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { ToolModule } from "./tool-runtime";

/** A loaded tool: the compiled module, typed at the boundary as taking and returning unknown JSON. */
export type LoadedTool = ToolModule<unknown, unknown>;

const require = createRequire(import.meta.url);
/** Bare imports of generated code, resolved to this installation's packages. */
const EXTERNALS = ["zod", "openai"] as const;
const externalUrls = new Map<string, string>(EXTERNALS.map((name) => [name, pathToFileURL(require.resolve(name)).href]));

/** Serves the generated package's files to esbuild from memory. */
function virtualFiles(files: Readonly<Record<string, string>>): Plugin {
  return {
    name: "toolwright-virtual",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const url = externalUrls.get(args.path);
        if (url !== undefined) return { path: url, external: true };
        if (args.kind === "entry-point") return { path: args.path, namespace: "virtual" };
        if (args.path.startsWith(".")) {
          const base = args.importer === "" ? "src" : args.importer.split("/").slice(0, -1).join("/");
          const joined = new URL(args.path, `file:///${base}/`).pathname.slice(1).replace(/\.js$/, ".ts");
          return { path: joined, namespace: "virtual" };
        }
        return { errors: [{ text: `generated code may not import "${args.path}"` }] };
      });
      b.onLoad({ filter: /.*/, namespace: "virtual" }, (args) => {
        const contents = files[args.path];
        return contents === undefined ? { errors: [{ text: `no generated file ${args.path}` }] } : { contents, loader: "ts" };
      });
    },
  };
}

/** Bundles the verified TypeScript of a package into one ES module (esbuild: a few ms). */
export async function bundleTool(files: Readonly<Record<string, string>>): Promise<string> {
  const result = await build({
    entryPoints: ["src/index.ts"],
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "silent",
    plugins: [virtualFiles(files)],
    resolveExtensions: [".ts"],
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error("esbuild produced no output");
  return output.text;
}

const MAX_LOADED = 500;
const loaded = new Map<string, Promise<LoadedTool>>();

/**
 * Imports a compiled tool by content hash, once: modules stay warm, and a new version
 * (a new hash) can never be served by a stale module. Node never unloads an imported
 * module, so at most MAX_LOADED hashes are kept reachable (about 34 MB per 500).
 */
export function loadTool(hash: string, files: Readonly<Record<string, string>>): Promise<LoadedTool> {
  const existing = loaded.get(hash);
  if (existing !== undefined) return existing;
  const loading = bundleTool(files).then(async (code) => {
    const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`)) as { default: LoadedTool };
    return module.default;
  });
  if (loaded.size >= MAX_LOADED) loaded.delete(loaded.keys().next().value ?? "");
  loaded.set(hash, loading);
  loading.catch(() => loaded.delete(hash));
  return loading;
}
