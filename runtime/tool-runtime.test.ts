/**
 * The scheduler in runtime/tool-runtime.ts, driven by hand-written node graphs the way
 * generated code drives it: edges and skips, retries and timeouts, fallbacks, cancellation
 * (the first failure, the caller's signal), the run's lazily created signal, and no
 * listener left behind on a long-lived caller signal.
 */
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { createContext, finish, isToolError, raceAbort, ranValue, runScope, sleep, step, ToolError, type Outcome, type Span, type ToolContext } from "./tool-runtime";

function traced(signal?: AbortSignal): { ctx: ToolContext; spans: Span[] } {
  const spans: Span[] = [];
  return { ctx: createContext({ ...(signal === undefined ? {} : { signal }), onSpan: (span) => spans.push(span) }), spans };
}

/** input → check (conditional on `n > 10`) → big | small → out (merge-like: the one that ran). */
async function branching(n: number, outer: ToolContext): Promise<string> {
  const { ctx, cancel } = runScope(outer);
  const input = step(ctx, { id: "input", kind: "input" }, [], () => Promise.resolve({ n }));
  const check = step(ctx, { id: "check", kind: "conditional" }, [[input, "out"]], async () => ({ result: ranValue(await input, "input").n > 10 }), {
    port: (value) => (value.result ? "true" : "false"),
  });
  const big = step(ctx, { id: "big", kind: "transform" }, [[check, "true"]], (scope) => Promise.resolve(scope.record({ label: "big" })));
  const small = step(ctx, { id: "small", kind: "transform" }, [[check, "false"]], (scope) => Promise.resolve(scope.record({ label: "small" })));
  const out = step(ctx, { id: "out", kind: "output" }, [[big, "out"], [small, "out"]], async () => {
    const b = await big;
    const s = await small;
    return b.ran ? b.value.label : s.ran ? s.value.label : "none";
  });
  return finish<string>([input, check, big, small, out], [out], cancel);
}

describe("step and finish", () => {
  it("takes the branch a port names, skips the other, and joins where one edge was taken", async () => {
    const { ctx, spans } = traced();
    expect(await branching(42, ctx)).toBe("big");
    expect(spans.map((s) => [s.nodeId, s.status])).toEqual([
      ["input", "succeeded"],
      ["check", "succeeded"],
      ["small", "skipped"],
      ["big", "succeeded"],
      ["out", "succeeded"],
    ]);
    expect(spans.find((s) => s.nodeId === "big")).toMatchObject({ attempts: 1, input: { label: "big" }, output: { label: "big" } });
    expect(await branching(3, createContext())).toBe("small");
  });

  it("gives the same results with tracing off", async () => {
    const ctx = createContext();
    expect(await Promise.all([branching(1, ctx), branching(11, ctx)])).toEqual(["small", "big"]);
  });

  it("retries a retryable failure per the policy and counts the attempts", async () => {
    const { ctx: outer, spans } = traced();
    const { ctx, cancel } = runScope(outer);
    let calls = 0;
    const flaky = step(ctx, { id: "flaky", kind: "http", retry: { maxAttempts: 3, backoff: "fixed", initialDelayMs: 1 } }, [], () => {
      calls++;
      return calls < 3 ? Promise.reject(new ToolError("HTTP_STATUS", "503", undefined, true)) : Promise.resolve(calls);
    });
    expect(await finish<number>([flaky], [flaky], cancel)).toBe(3);
    expect(spans[0]).toMatchObject({ nodeId: "flaky", status: "succeeded", attempts: 3 });
  });

  it("does not retry a failure that is not retryable, and names the node", async () => {
    const { ctx, cancel } = runScope(createContext());
    let calls = 0;
    const broken = step(ctx, { id: "broken", kind: "http", retry: { maxAttempts: 5, backoff: "fixed", initialDelayMs: 1 } }, [], () => {
      calls++;
      return Promise.reject(new ToolError("HTTP_STATUS", "404", undefined, false));
    });
    const error: unknown = await finish([broken], [broken], cancel).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(isToolError(error) && { code: error.code, nodeId: error.nodeId }).toEqual({ code: "HTTP_STATUS", nodeId: "broken" });
  });

  it("times out an attempt that ignores its signal, retries it, and fails with TIMEOUT", async () => {
    const { ctx: outer, spans } = traced();
    const { ctx, cancel } = runScope(outer);
    const started = Date.now();
    const stuck = step(ctx, { id: "stuck", kind: "http", timeoutMs: 30, retry: { maxAttempts: 2, backoff: "fixed", initialDelayMs: 1 } }, [], () => new Promise<never>(() => undefined));
    const error: unknown = await finish([stuck], [stuck], cancel).catch((e: unknown) => e);
    expect(isToolError(error) && error.code).toBe("TIMEOUT");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(spans[0]).toMatchObject({ nodeId: "stuck", status: "failed", attempts: 2, error: { code: "TIMEOUT" } });
  });

  it("continues with the fallback (onError continue) and keeps the error in the span", async () => {
    const { ctx: outer, spans } = traced();
    const { ctx, cancel } = runScope(outer);
    const failing = step<string>(ctx, { id: "failing", kind: "http", onError: "continue" }, [], () => Promise.reject(new Error("boom")), { fallback: () => "fallback" });
    expect(await finish<string>([failing], [failing], cancel)).toBe("fallback");
    expect(spans[0]).toMatchObject({ status: "succeeded", output: "fallback", error: { code: "NODE_FAILED", message: 'node "failing": boom' } });
  });
});

describe("cancellation", () => {
  it("cancels the nodes still running when one fails, with the first failure", async () => {
    const { ctx: outer, spans } = traced();
    const { ctx, cancel } = runScope(outer);
    const started = Date.now();
    const slow = step(ctx, { id: "slow", kind: "delay" }, [], async (scope) => {
      await sleep(10_000, scope.signal);
      return "late";
    });
    const failing = step(ctx, { id: "failing", kind: "http" }, [], async () => {
      await sleep(5, ctx.signal);
      throw new ToolError("HTTP_STATUS", "500", undefined, false);
    });
    const error: unknown = await finish([slow, failing], [slow], cancel).catch((e: unknown) => e);
    expect(isToolError(error) && [error.code, error.nodeId]).toEqual(["HTTP_STATUS", "failing"]);
    await Promise.allSettled([slow]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(spans.find((s) => s.nodeId === "slow")).toMatchObject({ status: "failed", error: { code: "HTTP_STATUS" } });
  });

  it("aborts a running node when the caller's signal aborts, and a node that asks for the signal later gets an aborted one", async () => {
    const caller = new AbortController();
    const { ctx, cancel } = runScope(createContext({ signal: caller.signal }));
    const first = step(ctx, { id: "first", kind: "delay" }, [], async (scope) => {
      await sleep(10_000, scope.signal);
      return 1;
    });
    setTimeout(() => {
      caller.abort(new ToolError("DEADLINE_EXCEEDED", "too late"));
    }, 10);
    const error: unknown = await finish([first], [first], cancel).catch((e: unknown) => e);
    expect(isToolError(error) && error.code).toBe("DEADLINE_EXCEEDED");
    expect(ctx.signal.aborted).toBe(true);
  });

  it("fails a pure node of a run whose caller already aborted, without it asking for the signal", async () => {
    const caller = new AbortController();
    caller.abort(new ToolError("CANCELLED", "gone"));
    const { ctx, cancel } = runScope(createContext({ signal: caller.signal }));
    let ran = false;
    const pure = step(ctx, { id: "pure", kind: "transform" }, [], () => {
      ran = true;
      return Promise.resolve(1);
    });
    const error: unknown = await finish([pure], [pure], cancel).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(isToolError(error) && [error.code, error.nodeId]).toEqual(["CANCELLED", "pure"]);
  });

  it("leaves no listener on a long-lived caller signal, whether runs succeed, fail or use the signal", async () => {
    const caller = new AbortController();
    const outer = createContext({ signal: caller.signal });
    for (let i = 0; i < 50; i++) {
      await branching(i, outer);
      const { ctx, cancel } = runScope(outer);
      const effect = step(ctx, { id: "effect", kind: "delay" }, [], async (scope) => {
        await sleep(0, scope.signal);
        if (i % 2 === 0) throw new Error("odd");
        return i;
      });
      await finish([effect], [effect], cancel).catch(() => undefined);
    }
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
  });

  it("keeps a skipped node's outcome empty", async () => {
    const { ctx, cancel } = runScope(createContext());
    const start = step(ctx, { id: "start", kind: "switch" }, [], () => Promise.resolve("a"), { port: (value) => value });
    const other: Promise<Outcome<number>> = step(ctx, { id: "other", kind: "transform" }, [[start, "b"]], () => Promise.resolve(1));
    await finish([start, other], [start], cancel);
    expect(await other).toEqual({ ran: false });
  });
});

describe("raceAbort", () => {
  it("rejects with the abort reason, and consumes a later rejection of work that lost to an earlier abort", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      const caller = new AbortController();
      caller.abort(new ToolError("DEADLINE_EXCEEDED", "too late"));
      const late = sleep(5, new AbortController().signal).then(() => Promise.reject(new Error("late failure")));
      const error: unknown = await raceAbort(late, caller.signal).catch((e: unknown) => e);
      expect(isToolError(error) && error.code).toBe("DEADLINE_EXCEEDED");
      await sleep(30, new AbortController().signal);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("rejects with CANCELLED when the signal aborts with a reason that is not an Error", async () => {
    const caller = new AbortController();
    const pending = raceAbort(new Promise<number>(() => undefined), caller.signal);
    caller.abort("gone");
    const error: unknown = await pending.catch((e: unknown) => e);
    expect(isToolError(error) && error.code).toBe("CANCELLED");
  });
});
