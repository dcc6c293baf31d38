/**
 * The generated package stands alone: written to a temp dir (with the repo's node_modules
 * linked in, as `npm install` would provide them), it builds with its own tsconfig through
 * the TypeScript CLI, its generated node:test suite passes, and the built module runs.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { CompileResult } from "../../compiler/api";
import { compileGraph } from "../../compiler/compile";
import { GRAPHS_DIR, readGraph, toolResolver } from "../golden/support";

const REPO_NODE_MODULES = fileURLToPath(new URL("../../node_modules", import.meta.url));
const TSC = join(REPO_NODE_MODULES, ".bin", "tsc");

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function writePackage(result: CompileResult, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tw-standalone-${name}-`));
  created.push(dir);
  for (const [path, content] of Object.entries(result.files ?? {})) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  symlinkSync(REPO_NODE_MODULES, join(dir, "node_modules"), "dir");
  return dir;
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  // No OPENAI_* or secrets from the developer's environment leak into the generated tests.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: "" };
  return spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 120_000 });
}

function report(result: SpawnSyncReturns<string>): string {
  return `exit ${String(result.status)}${result.error ? ` (${result.error.message})` : ""}\n${result.stdout}\n${result.stderr}`;
}

function buildAndTest(name: string): { dir: string; testOutput: string } {
  const compiled = compileGraph(readGraph(GRAPHS_DIR, name), { resolveTool: toolResolver() });
  expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(compiled.success).toBe(true);
  const dir = writePackage(compiled, name);

  const build = run(TSC, ["-p", dir], dir);
  expect(build.status, report(build)).toBe(0);
  expect(existsSync(join(dir, "dist", "src", "index.js"))).toBe(true);
  expect(existsSync(join(dir, "dist", "src", "index.d.ts"))).toBe(true);
  expect(existsSync(join(dir, "dist", "test", "tool.test.js"))).toBe(true);

  const tests = run(process.execPath, ["--test", "dist/test/"], dir);
  expect(tests.status, report(tests)).toBe(0);
  return { dir, testOutput: `${tests.stdout}\n${tests.stderr}` };
}

/** Counts node:test's TAP summary line, e.g. `# pass 4`. */
function tapCount(output: string, key: "pass" | "fail"): number {
  const match = new RegExp(`^# ${key} (\\d+)$`, "m").exec(output);
  return match?.[1] === undefined ? -1 : Number(match[1]);
}

describe("generated package builds and tests standalone", () => {
  it("triage_refund: tsc -p with its own tsconfig, node --test, and the built module runs", () => {
    const { dir, testOutput } = buildAndTest("triage_refund");
    expect(tapCount(testOutput, "fail")).toBe(0);
    expect(tapCount(testOutput, "pass")).toBeGreaterThanOrEqual(1);

    // Run the built JavaScript with the vendored standalone context and a stubbed fetch.
    const script = [
      'import tool from "./dist/src/index.js";',
      'import { createContext, invoke } from "./dist/src/runtime.js";',
      "const fetch = async (url) => new Response(JSON.stringify({ amount: url.pathname.endsWith('/big') ? 250 : 20 }), { status: 200, headers: { 'content-type': 'application/json' } });",
      "const output = await invoke(tool, { orderId: 'big', message: 'refund please' }, createContext({ fetch }));",
      "console.log(JSON.stringify({ name: tool.name, output, input: tool.inputJsonSchema.required }));",
    ].join("\n");
    writeFileSync(join(dir, "smoke.mjs"), script);
    const smoke = run(process.execPath, ["smoke.mjs"], dir);
    expect(smoke.status, report(smoke)).toBe(0);
    expect(JSON.parse(smoke.stdout.trim()) as unknown).toEqual({ name: "triage_refund", output: { action: "escalate", amount: 250 }, input: ["orderId", "message"] });
  });

  it("format_contact: the graph's saved test cases become passing node:test cases", () => {
    const { testOutput } = buildAndTest("format_contact");
    // One generated input-validation test plus the graph's three saved cases.
    expect(tapCount(testOutput, "pass")).toBe(4);
    expect(tapCount(testOutput, "fail")).toBe(0);
    expect(testOutput).toContain("formats Ada Lovelace");
    expect(testOutput).toContain("keeps unicode");
    expect(testOutput).toContain("rejects an age that is not an integer");
  });
});
