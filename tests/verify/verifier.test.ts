import { beforeAll, describe, expect, it } from "vitest";
import type { VerificationProblem, VerificationResult } from "../../compiler/api";
import { createVerifier, GENERATED_COMPILER_OPTIONS, verificationCompilerOptions } from "../../compiler/verify/index";
import { warmPackage } from "../../compiler/verify/warm-package";
import { loadFixturePackage } from "./fixture-package";

const verifier = createVerifier();
const clean = loadFixturePackage("clean");
const cleanTool = clean["src/tool.ts"] ?? "";

beforeAll(() => {
  verifier.warm();
});

/** The clean package with `code` appended to src/tool.ts; also returns the 1-based line `code` starts on. */
function withTool(code: string): { files: Record<string, string>; line: number } {
  const base = cleanTool.endsWith("\n") ? cleanTool : `${cleanTool}\n`;
  return { files: { ...clean, "src/tool.ts": `${base}${code}\n` }, line: base.split("\n").length };
}

function problemsOf(result: VerificationResult, tool: VerificationProblem["tool"]): VerificationProblem[] {
  return result.problems.filter((problem) => problem.tool === tool);
}

describe("verifier", () => {
  it("passes the clean package: tsc, ESLint and the scan, with no any", () => {
    const result = verifier.verify(clean);
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ tscPassed: true, eslintPassed: true, anyTypesFound: 0 });
    // Every file of a generated package is in the fixture, including the real runtime.
    expect(Object.keys(clean).sort()).toEqual(["README.md", "package.json", "src/index.ts", "src/runtime.ts", "src/tool.ts", "test/tool.test.ts", "tsconfig.json"]);
  });

  it("fails ESLint and counts an explicit any", () => {
    const { files, line } = withTool("export function loose(value: any): string {\n  return String(value);\n}");
    const result = verifier.verify(files);
    expect(result.tscPassed).toBe(true);
    expect(result.eslintPassed).toBe(false);
    expect(problemsOf(result, "eslint")).toContainEqual(expect.objectContaining({ rule: "@typescript-eslint/no-explicit-any", file: "src/tool.ts", line }));
    expect(result.anyTypesFound).toBe(1);
    expect(problemsOf(result, "scan")).toEqual([expect.objectContaining({ file: "src/tool.ts", line, message: expect.stringContaining("explicit `any`") as unknown })]);
  });

  it("ignores and reports eslint-disable comments: generated code cannot switch rules off", () => {
    const { files, line } = withTool("// eslint-disable-next-line @typescript-eslint/no-explicit-any\nexport const loose: any = 1;");
    const result = verifier.verify(files);
    expect(result.eslintPassed).toBe(false);
    expect(problemsOf(result, "eslint")).toContainEqual(expect.objectContaining({ rule: "@typescript-eslint/no-explicit-any", line: line + 1 }));
    expect(problemsOf(result, "eslint")).toContainEqual(expect.objectContaining({ line, message: expect.stringContaining("no effect") as unknown }));
  });

  it("fails tsc and counts an implicit any (an untyped parameter)", () => {
    const { files, line } = withTool("export function untyped(value) {\n  return [value];\n}");
    const result = verifier.verify(files);
    expect(result.tscPassed).toBe(false);
    expect(problemsOf(result, "tsc")).toContainEqual(expect.objectContaining({ file: "src/tool.ts", line, message: expect.stringContaining("TS7006") as unknown }));
    expect(result.anyTypesFound).toBe(1);
    expect(problemsOf(result, "scan")[0]?.message).toBe("`value` implicitly has type `any`");
  });

  it("counts an any inferred from a library, and not one contained by `as unknown`", () => {
    const contained = verifier.verify(withTool('export const parsed = JSON.parse("1") as unknown;').files);
    expect(contained).toMatchObject({ tscPassed: true, eslintPassed: true, anyTypesFound: 0 });

    const leaked = verifier.verify(withTool('export const parsed = JSON.parse("1");').files);
    expect(leaked.anyTypesFound).toBe(1);
    expect(problemsOf(leaked, "scan")[0]?.message).toContain("JSON.parse");
    expect(problemsOf(leaked, "eslint")).toContainEqual(expect.objectContaining({ rule: "@typescript-eslint/no-unsafe-assignment" }));
  });

  it("counts a loop variable and a callback parameter that are any through a library's any[]", () => {
    const code = "export function keys(record: object): string[] {\n  const out: string[] = [];\n  for (const value of Object.values(record)) out.push(String(value));\n  Object.values(record).forEach((item) => out.push(String(item)));\n  return out;\n}";
    const result = verifier.verify(withTool(code).files);
    expect(result.tscPassed).toBe(true);
    expect(problemsOf(result, "scan").map((problem) => problem.message)).toEqual(["`value` implicitly has type `any`", "`item` implicitly has type `any`"]);
  });

  it.each([
    ["as unknown as", 'export const forced = ("text" as unknown as number) + 1;', "`as unknown as`", undefined],
    ["a parenthesized cast through unknown", 'export const forced = (("text" as unknown)) as number;', "`as unknown as`", undefined],
    ["an angle-bracket cast through unknown", 'export const forced = <number><unknown>"text";', "`as unknown as`", undefined],
    ["@ts-ignore", "// @ts-ignore\nexport const ignored: number = 1;", "`@ts-ignore`", "@typescript-eslint/ban-ts-comment"],
    ["@ts-expect-error", "// @ts-expect-error -- on purpose\nexport const expected: number = 'x';", "`@ts-expect-error`", "@typescript-eslint/ban-ts-comment"],
    ["eval", 'export const evaluated: unknown = eval("1");', "`eval`", "no-eval"],
    ["new Function", 'export const built: unknown = new Function("x");', "`Function`", "no-new-func"],
  ])("counts %s", (_name, code, message, rule) => {
    const { files, line } = withTool(code);
    const result = verifier.verify(files);
    expect(result.anyTypesFound).toBeGreaterThanOrEqual(1);
    expect(problemsOf(result, "scan")).toContainEqual(expect.objectContaining({ file: "src/tool.ts", line, message: expect.stringContaining(message) as unknown }));
    if (rule !== undefined) expect(problemsOf(result, "eslint")).toContainEqual(expect.objectContaining({ rule }));
  });

  it("does not count the same words inside strings, or a local function named eval", () => {
    const code = 'export const words = ["// @ts-ignore", `as unknown as ${"any"}`];\nfunction evalLocal(text: string): string {\n  return text;\n}\nexport const local = evalLocal("1");';
    const result = verifier.verify(withTool(code).files);
    expect(result).toMatchObject({ tscPassed: true, eslintPassed: true, anyTypesFound: 0 });
  });

  it("reports a type error with its file and line", () => {
    const { files, line } = withTool('export const wrong: number = "text";');
    const result = verifier.verify(files);
    expect(result.tscPassed).toBe(false);
    expect(problemsOf(result, "tsc")).toEqual([expect.objectContaining({ file: "src/tool.ts", line, column: 14, message: expect.stringContaining("TS2322") as unknown })]);
  });

  it("fails tsc on an import of a module that does not exist", () => {
    const result = verifier.verify({ ...clean, "src/tool.ts": `import { nothing } from "toolwright-no-such-module";\nexport const missing: unknown = nothing;\n${cleanTool}` });
    expect(result.tscPassed).toBe(false);
    expect(problemsOf(result, "tsc")).toContainEqual(expect.objectContaining({ file: "src/tool.ts", line: 1, message: expect.stringContaining("TS2307") as unknown }));
  });

  it("re-checks a file whose import changed, and the vendored runtime when it changes", () => {
    // index.ts is unchanged but imports `run` from tool.ts, which no longer exports it.
    const renamed = verifier.verify({ ...clean, "src/tool.ts": cleanTool.replace("export async function run(", "export async function runTool(") });
    expect(problemsOf(renamed, "tsc")).toContainEqual(expect.objectContaining({ file: "src/index.ts", message: expect.stringContaining("run") as unknown }));
    expect(verifier.verify(clean).problems).toEqual([]);

    const brokenRuntime = verifier.verify({ ...clean, "src/runtime.ts": `${clean["src/runtime.ts"] ?? ""}\nexport const broken: number = "text";\n` });
    expect(problemsOf(brokenRuntime, "tsc")).toContainEqual(expect.objectContaining({ file: "src/runtime.ts", message: expect.stringContaining("TS2322") as unknown }));
    expect(verifier.verify(clean).problems).toEqual([]);
  });

  it("stays correct and warm over repeated verification of a changing tool", () => {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const files = { ...clean, "src/tool.ts": cleanTool.replace("export async function run(", `export const BUILD = ${String(i)};\n\nexport async function run(`) };
      const started = performance.now();
      const result = verifier.verify(files);
      times.push(performance.now() - started);
      expect(result.problems).toEqual([]);
    }
    times.sort((a, b) => a - b);
    console.log(`warm verify of the clean package, tool.ts changing: p50 ${(times[10] ?? 0).toFixed(1)} ms over 20 runs`);
  });

  it("verifies another tool after this one, and re-checks when package.json changes the module format", () => {
    const large = loadFixturePackage("large");
    expect(verifier.verify(large).problems).toEqual([]);
    expect(verifier.verify({ ...clean, "package.json": clean["package.json"]?.replace('"name": "triage_refund"', '"name": "renamed"') ?? "" }).problems).toEqual([]);
    // As CommonJS, the test's top-level await is an error, though no .ts file changed.
    const commonJs = verifier.verify({ ...clean, "package.json": clean["package.json"]?.replace('"type": "module"', '"type": "commonjs"') ?? "" });
    expect(problemsOf(commonJs, "tsc")).toContainEqual(expect.objectContaining({ file: "test/tool.test.ts", message: expect.stringContaining("TS1309") as unknown }));
  });

  it("warms up with a package that verifies clean", () => {
    expect(verifier.verify(warmPackage()).problems).toEqual([]);
  });

  it("fails when tsconfig.json says other compiler options than the verified ones", () => {
    const loosened = JSON.stringify({ compilerOptions: { ...GENERATED_COMPILER_OPTIONS, strict: false } });
    const result = verifier.verify({ ...clean, "tsconfig.json": loosened });
    expect(result.tscPassed).toBe(false);
    expect(problemsOf(result, "tsc")).toEqual([expect.objectContaining({ file: "tsconfig.json", message: expect.stringContaining("differ") as unknown })]);
  });

  it("refuses file paths outside the package", () => {
    expect(() => verifier.verify({ "../escape.ts": "export {};" })).toThrow(/relative POSIX path/);
    expect(() => verifier.verify({ "/abs.ts": "export {};" })).toThrow(/relative POSIX path/);
  });
});

describe("generated compiler options", () => {
  it("are the package tsconfig, and convert for verification with noEmit", () => {
    expect(GENERATED_COMPILER_OPTIONS).toMatchObject({ target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noUncheckedIndexedAccess: true, outDir: "dist" });
    const options = verificationCompilerOptions("/pkg");
    expect(options).toMatchObject({ strict: true, noEmit: true, declaration: true, outDir: "/pkg/dist", rootDir: "/pkg", types: ["node"] });
  });
});
