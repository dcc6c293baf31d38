import { describe, expect, it } from "vitest";
import type { FileDependencies } from "../../compiler/verify/file-dependencies";
import { reusableFiles, type PackageSnapshot } from "../../compiler/verify/result-reuse";

const module = (...ownImports: string[]): FileDependencies => ({ ownImports, affectsGlobalScope: false });

/** runtime ← tool ← index ← test, as in a generated package. */
const dependencies: Record<string, FileDependencies> = {
  runtime: module(),
  tool: module("runtime"),
  index: module("tool", "runtime"),
  test: module("index", "runtime"),
};

function snapshot(versions: Record<string, string>, layoutKey = "layout"): PackageSnapshot<string> {
  return {
    layoutKey,
    files: new Map(Object.entries(versions).map(([name, version]) => [name, { version, dependencies: dependencies[name] ?? module(), result: `result of ${name}@${version}` }])),
  };
}

const v1 = { runtime: "r1", tool: "t1", index: "i1", test: "x1" };

function reuse(previous: PackageSnapshot<string> | undefined, versions: Record<string, string>, layoutKey = "layout", asked: string[] = []): string[] {
  const { reusable } = reusableFiles(previous, layoutKey, new Map(Object.entries(versions)), (name) => {
    asked.push(name);
    return dependencies[name] ?? module();
  });
  return [...reusable].sort();
}

describe("result reuse", () => {
  it("reuses nothing the first time, and everything when nothing changed", () => {
    expect(reuse(undefined, v1)).toEqual([]);
    const asked: string[] = [];
    expect(reuse(snapshot(v1), v1, "layout", asked)).toEqual(["index", "runtime", "test", "tool"]);
    expect(asked).toEqual([]);
  });

  it("re-checks a changed file and every file that imports it, directly or not", () => {
    const asked: string[] = [];
    expect(reuse(snapshot(v1), { ...v1, tool: "t2" }, "layout", asked)).toEqual(["runtime"]);
    expect(asked).toEqual(["tool"]);
    expect(reuse(snapshot(v1), { ...v1, runtime: "r2" })).toEqual([]);
    expect(reuse(snapshot(v1), { ...v1, test: "x2" })).toEqual(["index", "runtime", "tool"]);
  });

  it("re-checks everything when the layout changed or a changed file affects the global scope", () => {
    expect(reuse(snapshot(v1), v1, "other layout")).toEqual([]);
    const globalDependencies: Record<string, FileDependencies> = { ...dependencies, tool: { ownImports: ["runtime"], affectsGlobalScope: true } };
    const { reusable } = reusableFiles(snapshot(v1), "layout", new Map(Object.entries({ ...v1, tool: "t2" })), (name) => globalDependencies[name] ?? module());
    expect([...reusable]).toEqual([]);
  });

  it("follows import cycles without looping", () => {
    const cyclic: Record<string, FileDependencies> = { a: module("b"), b: module("a"), c: module() };
    const previous: PackageSnapshot<string> = {
      layoutKey: "layout",
      files: new Map(Object.entries({ a: "a1", b: "b1", c: "c1" }).map(([name, version]) => [name, { version, dependencies: cyclic[name] ?? module(), result: name }])),
    };
    const { reusable } = reusableFiles(previous, "layout", new Map(Object.entries({ a: "a1", b: "b2", c: "c1" })), (name) => cyclic[name] ?? module());
    expect([...reusable]).toEqual(["c"]);
  });
});
