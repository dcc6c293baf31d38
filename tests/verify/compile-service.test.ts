/**
 * The compile service's worker pool, through the service's public entry points: compiles run
 * in worker threads (the event loop keeps turning), resolve called tools from the catalog,
 * hit the verification cache on a repeat, survive a worker that dies, and stop cleanly.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { CompileResult } from "../../compiler/api";
import { compileGraph } from "../../compiler/compile";
import type { Catalog, PublishedVersion } from "../../server/catalog";
import { CompileTimeoutError, createCompilePool } from "../../server/compile-pool";
import { closeCompiler, compilerReady, compileWithCatalog, warmCompiler } from "../../server/compile-service";
import { toApiError } from "../../server/errors";
import { generateGraph } from "../bench/graph-gen";
import { callerGraph, greetingGraph } from "../server/graphs";

const SLOW = 240_000;

/** A catalog holding one published tool, "greet" version 1. */
function catalogWithGreet(): Catalog {
  const compiled = compileGraph(greetingGraph("greet"), { verify: false });
  const signature = compiled.signature;
  if (signature === undefined) throw new Error("the greeting graph does not compile");
  const greet: PublishedVersion = {
    toolId: "t1",
    toolName: "greet",
    versionId: "v1",
    number: 1,
    hash: compiled.hash ?? "",
    compilerVersion: compiled.compilerVersion,
    files: {},
    signature: { ...signature, inputJsonSchema: {}, outputJsonSchema: {}, calls: {}, uses: [] },
    createdAt: new Date(0),
  };
  return {
    resolve: (name) => Promise.resolve(name === "greet" ? greet : null),
    remember: () => greet,
    published: () => Promise.resolve([]),
  };
}

const catalog = catalogWithGreet();

function expectVerified(result: CompileResult): void {
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(result).toMatchObject({ success: true, verification: { tscPassed: true, eslintPassed: true, anyTypesFound: 0 } });
}

afterAll(async () => {
  await closeCompiler();
});

describe("the compile service's worker pool", () => {
  it(
    "compiles in a warm worker while the event loop keeps turning",
    async () => {
      await warmCompiler({ size: 2 });
      expect(compilerReady()).toBe(true);
      let ticks = 0;
      const timer = setInterval(() => {
        ticks++;
      }, 1);
      try {
        const compiled = await compileWithCatalog(catalog, generateGraph(10, 1).graph, { verify: true });
        expectVerified(compiled.result);
        // A compile on this thread would have held every timer until it finished.
        expect(ticks).toBeGreaterThan(0);
        expect(compiled.result.hash).toBe(compileGraph(generateGraph(10, 1).graph, { verify: false }).hash);
      } finally {
        clearInterval(timer);
      }
    },
    SLOW,
  );

  it(
    "resolves called tools from the catalog, and runs concurrent compiles",
    async () => {
      const [caller, other] = await Promise.all([
        compileWithCatalog(catalog, callerGraph("caller", "greet"), { verify: true }),
        compileWithCatalog(catalog, generateGraph(10, 2).graph, { verify: true }),
      ]);
      expectVerified(caller.result);
      expect(caller).toMatchObject({ calls: { greet: 1 }, uses: ["greet"] });
      expectVerified(other.result);
      const missing = await compileWithCatalog(catalog, callerGraph("caller", "nobody"), { verify: true });
      expect(missing.result.success).toBe(false);
    },
    SLOW,
  );

  it(
    "hits the verification cache when the same graph is compiled again",
    async () => {
      const graph = generateGraph(10, 3).graph;
      const first = await compileWithCatalog(catalog, graph, { verify: true });
      expect(first.result.timings.verify).toBeGreaterThan(0);
      const again = await compileWithCatalog(catalog, graph, { verify: true });
      expect(again.result.timings.verify).toBe(0);
      expect(again.result.hash).toBe(first.result.hash);
    },
    SLOW,
  );

  it(
    "fails only the compile whose worker died, and replaces the worker",
    async () => {
      await closeCompiler();
      await warmCompiler({ size: 1, workerUrl: new URL("./crashing-compile-worker.ts", import.meta.url) });
      // crashing-compile-worker.ts dies on this tool name.
      const crashing = { ...generateGraph(10, 4).graph, tool: { name: "crash_worker", description: "Dies" } };
      await expect(compileWithCatalog(catalog, crashing, { verify: true })).rejects.toThrow(/compile worker stopped while compiling/);
      const next = await compileWithCatalog(catalog, generateGraph(10, 5).graph, { verify: true });
      expectVerified(next.result);
    },
    SLOW,
  );

  it(
    "warms each worker's JIT in the background once it is ready, serving compiles meanwhile",
    async () => {
      process.env.TOOLWRIGHT_COMPILE_WARMUP = "1";
      const pool = createCompilePool({ size: 1 });
      try {
        await pool.firstWarm();
        let settled = false;
        void pool.settled().then(() => {
          settled = true;
        });
        // The warm-up verifies ~55 corpus graphs; a compile sent now waits for one of them at most.
        expectVerified(await pool.compile({ graph: generateGraph(10, 10).graph, signatures: [], verify: true }));
        expect(settled).toBe(false);
        await pool.settled();
        expectVerified(await pool.compile({ graph: generateGraph(10, 11).graph, signatures: [], verify: true }));
      } finally {
        process.env.TOOLWRIGHT_COMPILE_WARMUP = "0";
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    "stops a compile that runs past the time limit, answers 503 COMPILE_TIMEOUT for it, and keeps serving",
    async () => {
      await closeCompiler();
      await warmCompiler({ size: 1, workerUrl: new URL("./crashing-compile-worker.ts", import.meta.url), timeoutMs: 2_000 });
      // crashing-compile-worker.ts never finishes this tool name.
      const hanging = { ...generateGraph(10, 8).graph, tool: { name: "hang_worker", description: "Never ends" } };
      const started = performance.now();
      const error: unknown = await compileWithCatalog(catalog, hanging, { verify: true }).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(CompileTimeoutError);
      expect(performance.now() - started).toBeGreaterThanOrEqual(1_900);
      expect(toApiError(error)).toMatchObject({ status: 503, code: "COMPILE_TIMEOUT", details: { timeoutMs: 2_000 } });
      // The worker was replaced: the next compile is served.
      const next = await compileWithCatalog(catalog, generateGraph(10, 9).graph, { verify: true });
      expectVerified(next.result);
    },
    SLOW,
  );

  it(
    "rejects compiles when workers cannot start, and when the pool is closed",
    async () => {
      await closeCompiler();
      expect(compilerReady()).toBe(false);
      const broken = warmCompiler({ size: 1, workerUrl: new URL("./no-such-worker.ts", import.meta.url) });
      await expect(broken).rejects.toThrow(/cannot start/);
      await expect(compileWithCatalog(catalog, generateGraph(10, 6).graph, { verify: true })).rejects.toThrow(/cannot start/);

      await closeCompiler();
      const pending = expect(compileWithCatalog(catalog, generateGraph(10, 7).graph, { verify: true })).rejects.toThrow(/closed/);
      await closeCompiler();
      await pending;
    },
    SLOW,
  );
});
