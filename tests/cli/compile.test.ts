/**
 * `toolwright validate` and `toolwright compile` as a user runs them: real processes through
 * bin/toolwright.mjs. Exit codes (0 valid/compiled, 1 the graph has errors, 2 usage or I/O)
 * and the `--json` shapes the README documents: validate `{ valid, diagnostics }`; compile
 * `{ success, diagnostics, verification: { tscPassed, eslintPassed, anyTypesFound }, hash,
 * files, timings }`, with the files written under --out.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, jsonOf, linearGraph, REPO, writeJson, type CliResult } from "./cli-support";

const GOLDEN = join(REPO, "tests", "golden");
const VALID = join(GOLDEN, "graphs", "triage_refund.json");
const INVALID = join(GOLDEN, "graphs", "invalid_structure.json");

let dir: string;
const results = new Map<string, CliResult>();

function result(name: string): CliResult {
  const found = results.get(name);
  if (found === undefined) throw new Error(`no result for ${name}`);
  return found;
}

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}

const outDir = (): string => join(dir, "out");
const brokenOutDir = (): string => join(dir, "broken-out");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "toolwright-cli-compile-"));
  const notJson = join(dir, "not-json.json");
  writeFileSync(notJson, "{ this is not json");
  const caller = writeJson(
    join(dir, "caller.json"),
    linearGraph("cli_caller", { type: "object", properties: { name: { type: "string" } }, required: ["name"] }, [
      { id: "call", kind: "call_tool", config: { tool: "format_greeting", input: { name: "{{input.name}}", times: 1 } } },
      { id: "out", kind: "output", config: { values: { greeting: "{{call.greeting}}" } } },
    ]),
  );
  const jobs: readonly (readonly [string, readonly string[]])[] = [
    ["validate valid json", ["validate", VALID, "--json"]],
    ["validate valid text", ["validate", VALID]],
    ["validate invalid json", ["validate", INVALID, "--json"]],
    ["validate invalid text", ["validate", INVALID]],
    ["validate caller without tools", ["validate", caller, "--json"]],
    ["validate caller with tools", ["validate", caller, "--json", "--tools", join(GOLDEN, "tools")]],
    ["compile valid json", ["compile", VALID, "--out", outDir(), "--json"]],
    ["compile invalid json", ["compile", INVALID, "--out", brokenOutDir(), "--json"]],
    ["compile invalid text", ["compile", INVALID, "--out", brokenOutDir()]],
    ["usage: compile without --out", ["compile", VALID, "--json"]],
    ["usage: validate missing file", ["validate", join(dir, "missing.json")]],
    ["usage: validate not JSON", ["validate", notJson, "--json"]],
    ["usage: unknown command", ["transpile", VALID]],
  ];
  const queue = [...jobs];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const [name, args] = job;
      results.set(name, await cli(args));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}, 600_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("toolwright validate", () => {
  it("exits 0 for a valid graph: { valid: true, diagnostics: [] }", () => {
    const run = result("validate valid json");
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf(run)).toEqual({ valid: true, diagnostics: [] });
    const text = result("validate valid text");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^valid \(0 warning\(s\)\)$/m);
  });

  it("exits 1 for a graph with errors, listing every diagnostic with code, severity, message, hint and location", () => {
    const run = result("validate invalid json");
    expect(run.code, run.stderr).toBe(1);
    const body = jsonOf(run);
    expect(body.valid).toBe(false);
    const expected: unknown = JSON.parse(readFileSync(join(GOLDEN, "expected", "invalid_structure", "diagnostics.json"), "utf8"));
    expect(body.diagnostics).toEqual(expected);
    const diagnostics = body.diagnostics as readonly Record<string, unknown>[];
    expect(diagnostics.length).toBeGreaterThan(1);
    for (const d of diagnostics) {
      expect(typeof d.code).toBe("string");
      expect(["error", "warning"]).toContain(d.severity);
      expect(typeof d.message).toBe("string");
      expect(typeof d.hint).toBe("string");
    }
    const text = result("validate invalid text");
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^error [A-Z_]+ \((node|edge) [^)]+\): .+\n {2}hint: .+/m);
    expect(text.stdout).toMatch(/^\d+ error\(s\)$/m);
  });

  it("resolves call_tool against --tools, and reports the unknown tool without it", () => {
    const without = result("validate caller without tools");
    expect(without.code).toBe(1);
    expect(jsonOf(without).diagnostics).toEqual([expect.objectContaining({ code: "UNKNOWN_TOOL", nodeId: "call" })]);
    const withTools = result("validate caller with tools");
    expect(withTools.code, withTools.stdout).toBe(0);
    expect(jsonOf(withTools)).toEqual({ valid: true, diagnostics: [] });
  });
});

describe("toolwright compile", () => {
  it("exits 0, writes the package under --out and prints { success, diagnostics, verification, hash, files, timings }", () => {
    const run = result("compile valid json");
    expect(run.code, run.stderr).toBe(0);
    const body = jsonOf(run);
    expect(Object.keys(body).sort()).toEqual(["diagnostics", "files", "hash", "success", "timings", "verification"]);
    expect(body).toMatchObject({ success: true, diagnostics: [], verification: { tscPassed: true, eslintPassed: true, anyTypesFound: 0 } });
    expect(Object.keys(body.verification as Record<string, unknown>).sort()).toEqual(["anyTypesFound", "eslintPassed", "tscPassed"]);
    const golden = JSON.parse(readFileSync(join(GOLDEN, "expected", "triage_refund", "result.json"), "utf8")) as { hash: string };
    expect(body.hash).toBe(golden.hash);
    const files = body.files as string[];
    expect(files).toEqual([...files].sort());
    expect(files).toEqual(expect.arrayContaining(["package.json", "tsconfig.json", "README.md", "src/tool.ts", "src/index.ts", "src/runtime.ts"]));
    expect(filesUnder(outDir())).toEqual(files);
    expect(readFileSync(join(outDir(), "src", "runtime.ts"), "utf8")).toBe(readFileSync(join(REPO, "runtime", "tool-runtime.ts"), "utf8"));
    const timings = body.timings as Record<string, unknown>;
    for (const phase of ["parse", "validate", "generate", "verify"]) expect(typeof timings[phase], phase).toBe("number");
  });

  it("exits 1 for a graph with errors: success false, no hash, no files, nothing written", () => {
    const run = result("compile invalid json");
    expect(run.code, run.stderr).toBe(1);
    const body = jsonOf(run);
    expect(body).toMatchObject({ success: false, verification: null, hash: null, files: [] });
    expect((body.diagnostics as unknown[]).length).toBeGreaterThan(0);
    expect(existsSync(brokenOutDir())).toBe(false);
    const text = result("compile invalid text");
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^compilation failed$/m);
  });
});

describe("usage and I/O errors", () => {
  it.each(["usage: compile without --out", "usage: validate missing file", "usage: validate not JSON", "usage: unknown command"])("exit 2 with a message and the usage on stderr (%s)", (name) => {
    const run = result(name);
    expect(run.code, run.stdout).toBe(2);
    expect(run.stderr).toMatch(/^toolwright: /);
    expect(run.stderr).toContain("Usage:");
    expect(run.stdout).toBe("");
  });
});
