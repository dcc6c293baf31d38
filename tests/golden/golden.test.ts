/**
 * Golden (baseline) tests: every graph under `graphs/` is compiled with verification on, and
 * everything the compiler hands out is compared byte for byte with `expected/<graph>/`:
 * each generated file, `diagnostics.json` and `result.json`. `npm run test:accept`
 * (TOOLWRIGHT_ACCEPT=1) rewrites the baselines instead; review them as a diff.
 *
 * Two storage rules (see README.md here):
 * - vendored files are not stored: `src/runtime.ts` must equal `runtime/tool-runtime.ts`, and the
 *   agent adapters `src/{mcp,openai,ai-sdk,langchain}.ts` must equal `runtime/agents/*.ts` with
 *   their runtime import pointed at `./runtime.js`.
 * - generated `*.test.ts` files are stored as `*.test.ts.golden`, so the repo's vitest
 *   (`tests/**\/*.test.ts`) does not collect the generated node:test files as its own tests.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { CompileResult } from "../../compiler/api";
import { compileGraph } from "../../compiler/compile";
import { loadRecords } from "../../compiler/records/load-records";
import { goldenGraphNames, GRAPHS_DIR, isInvalidGraph, readGraph, toolResolver } from "./support";

const EXPECTED_DIR = fileURLToPath(new URL("./expected/", import.meta.url));
const RUNTIME_SOURCE = readFileSync(fileURLToPath(new URL("../../runtime/tool-runtime.ts", import.meta.url)), "utf8");
const ACCEPT = process.env.TOOLWRIGHT_ACCEPT === "1";
const VENDORED_RUNTIME = "src/runtime.ts";
/** Package path → the exact content a vendored file must have. */
const VENDORED: ReadonlyMap<string, string> = new Map([
  [VENDORED_RUNTIME, RUNTIME_SOURCE],
  ...["mcp", "openai", "ai-sdk", "langchain"].map((name): [string, string] => [
    `src/${name}.ts`,
    readFileSync(fileURLToPath(new URL(`../../runtime/agents/${name}.ts`, import.meta.url)), "utf8").replace('from "../tool-runtime";', 'from "./runtime.js";'),
  ]),
]);
const STORED_TEST_SUFFIX = ".golden";

const graphNames = goldenGraphNames();
const resolveTool = toolResolver();

/** Where a generated file is kept under expected/<graph>/. */
function storedPath(generatedPath: string): string {
  return generatedPath.endsWith(".test.ts") ? `${generatedPath}${STORED_TEST_SUFFIX}` : generatedPath;
}

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The baseline of one compile: stored path → content. */
function baselineOf(result: CompileResult): Map<string, string> {
  const baseline = new Map<string, string>();
  for (const [path, content] of Object.entries(result.files ?? {})) {
    if (VENDORED.has(path)) continue;
    baseline.set(storedPath(path), content);
  }
  baseline.set("diagnostics.json", pretty(result.diagnostics));
  const verification = result.verification === undefined
    ? null
    : { tscPassed: result.verification.tscPassed, eslintPassed: result.verification.eslintPassed, anyTypesFound: result.verification.anyTypesFound };
  baseline.set("result.json", pretty({ success: result.success, hash: result.hash ?? null, verification }));
  return baseline;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current).sort()) {
      const full = join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

function writeBaseline(dir: string, baseline: ReadonlyMap<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of baseline) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

const results = new Map<string, CompileResult>();
function compiled(name: string): CompileResult {
  let result = results.get(name);
  if (result === undefined) {
    result = compileGraph(readGraph(GRAPHS_DIR, name), { resolveTool, verify: true });
    results.set(name, result);
  }
  return result;
}

describe("golden graphs", () => {
  beforeAll(() => {
    // Warm the verifier once (cold start of the TypeScript program), so each graph's own test is fast.
    compiled("triage_refund");
  });

  it("cover every node kind with at least 14 graphs, including at least 2 invalid ones", () => {
    expect(graphNames.length).toBeGreaterThanOrEqual(14);
    expect(graphNames.filter(isInvalidGraph).length).toBeGreaterThanOrEqual(2);
    const kinds = new Set<string>();
    for (const name of graphNames.filter((n) => !isInvalidGraph(n))) {
      const graph = readGraph(GRAPHS_DIR, name) as { nodes: readonly { kind: string }[] };
      for (const node of graph.nodes) kinds.add(node.kind);
    }
    expect([...kinds].sort()).toEqual([...loadRecords().kinds.keys()].sort());
  });

  it("has no stale baselines (every expected/ folder belongs to a graph)", () => {
    const folders = existsSync(EXPECTED_DIR) ? readdirSync(EXPECTED_DIR).filter((f) => statSync(join(EXPECTED_DIR, f)).isDirectory()) : [];
    if (ACCEPT) {
      for (const folder of folders) if (!graphNames.includes(folder)) rmSync(join(EXPECTED_DIR, folder), { recursive: true, force: true });
      return;
    }
    expect(folders.filter((f) => !graphNames.includes(f))).toEqual([]);
  });

  it.each(graphNames)("%s matches its baseline", (name) => {
    const result = compiled(name);

    // Whatever the baseline says, a valid graph must compile and verify, and an invalid one must not.
    if (isInvalidGraph(name)) {
      expect(result.success).toBe(false);
      expect(result.files).toBeUndefined();
      expect(result.diagnostics.filter((d) => d.severity === "error").length).toBeGreaterThan(0);
      expect(result.diagnostics.map((d) => d.code)).not.toContain("INTERNAL_VERIFICATION_FAILED");
    } else {
      expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(result.success).toBe(true);
      expect(result.verification).toMatchObject({ tscPassed: true, eslintPassed: true, anyTypesFound: 0 });
      for (const [path, content] of VENDORED) expect(result.files?.[path], `${path} is vendored`).toBe(content);
      expect(Object.keys(result.files ?? {}).sort()).toEqual(
        expect.arrayContaining(["README.md", "package.json", "src/index.ts", "src/mcp-stdio.ts", "src/runtime.ts", "src/tool.ts", "test/tool.test.ts", "tsconfig.json"]),
      );
    }

    const dir = join(EXPECTED_DIR, name);
    const baseline = baselineOf(result);
    if (ACCEPT) {
      writeBaseline(dir, baseline);
      return;
    }
    expect(listFiles(dir), `files under expected/${name} (run npm run test:accept to update)`).toEqual([...baseline.keys()].sort());
    for (const [path, content] of baseline) {
      expect(content, `expected/${name}/${path} differs (run npm run test:accept to update)`).toBe(readFileSync(join(dir, path), "utf8"));
    }
  });
});

describe("determinism", () => {
  it.each(graphNames.filter((n) => !isInvalidGraph(n)))("%s compiles to identical files and hash every time", (name) => {
    const verified = compiled(name);
    const graph = readGraph(GRAPHS_DIR, name);
    const again = compileGraph(graph, { resolveTool, verify: false });
    const fresh = compileGraph(structuredClone(graph), { resolveTool, verify: false });
    expect(again.files).toEqual(verified.files);
    expect(fresh.files).toEqual(verified.files);
    expect(again.hash).toBe(verified.hash);
    expect(fresh.hash).toBe(verified.hash);
    expect(again.diagnostics).toEqual(verified.diagnostics);
  });

  it.each(graphNames.filter(isInvalidGraph))("%s yields identical diagnostics every time", (name) => {
    const graph = readGraph(GRAPHS_DIR, name);
    expect(compileGraph(graph, { resolveTool, verify: false }).diagnostics).toEqual(compiled(name).diagnostics);
  });

  it("different graphs have different hashes", () => {
    const hashes = graphNames.filter((n) => !isInvalidGraph(n)).map((n) => compiled(n).hash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});
