/**
 * Runs `node bin/toolwright.mjs …` as a user does (a real process through the tsx bin) and
 * collects its exit code and output. Each start is a cold process (tsx, the compiler, and for
 * `compile`/`run` the verifier), several seconds on a busy machine: tests start the processes
 * they need together and then look at the results.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(REPO, "bin", "toolwright.mjs");

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without settings that would change what the CLI does. */
function cleanEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (extra.TOOLWRIGHT_ALLOW_HOSTS === undefined) delete env.TOOLWRIGHT_ALLOW_HOSTS;
  delete env.OPENAI_BASE_URL;
  delete env.OPENAI_API_KEY;
  return env;
}

export function cli(args: readonly string[], env: Readonly<Record<string, string>> = {}, timeoutMs = 150_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`toolwright ${args.join(" ")} did not finish within ${String(timeoutMs)} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** stdout as a JSON object (fails the test with the output when it is not one). */
export function jsonOf(result: CliResult): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout) as unknown;
  } catch {
    throw new Error(`stdout is not JSON (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`stdout is not a JSON object: ${result.stdout}`);
  return parsed as Record<string, unknown>;
}

export function writeJson(path: string, value: unknown): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** input → nodes… in a line. */
export function linearGraph(name: string, inputSchema: Json, nodes: readonly Json[]): Json {
  const all = [{ id: "input", kind: "input", config: { schema: inputSchema } }, ...nodes];
  const ids = all.map((node) => (node as { readonly id: string }).id);
  const edges = ids.slice(1).map((target, i) => ({ id: `e${String(i + 1)}`, source: ids[i] ?? "input", target }));
  return { format: "toolwright.graph/v1", tool: { name, description: `cli test: ${name}` }, nodes: all, edges };
}
