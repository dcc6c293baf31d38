/**
 * What the canvas tells the builder, through the UI only. Live node statuses while a run is
 * in flight: the run streams its spans, so a node waiting on a slow upstream shows "running"
 * after the nodes it depends on succeeded, then "succeeded"; cancelling stops the run on the
 * server. Edge diagnostics: an edge with a problem is highlighted, and the problem selects it.
 */
import { describe, expect, it } from "vitest";
import { screenshot } from "./harness";
import { editorSession } from "./session";
import { createToolFromGraph, runStatusOf, signIn } from "./ui";

const session = editorSession();

/** input → slow (an http call the fixture answers after `ms`) → output. */
function slowGraph(name: string, ms: number, upstream: string) {
  return {
    format: "toolwright.graph/v1",
    tool: { name, description: "Waits on a slow upstream" },
    nodes: [
      { id: "input", kind: "input", position: { x: 0, y: 0 }, config: { schema: { type: "object", properties: {}, required: [] } } },
      { id: "slow", kind: "http", label: "Slow upstream", position: { x: 300, y: 0 }, config: { method: "GET", url: `${upstream}/slow/${String(ms)}`, response: { type: "json", schema: { type: "object", properties: { waited: { type: "number" } }, required: ["waited"] } } } },
      { id: "output", kind: "output", position: { x: 600, y: 0 }, config: { values: { waited: "{{slow.body.waited}}" } } },
    ],
    edges: [
      { id: "e1", source: "input", target: "slow" },
      { id: "e2", source: "slow", target: "output" },
    ],
  };
}

describe("live run statuses", () => {
  it("shows a node running while its upstream call is in flight, then succeeded", { timeout: 120_000 }, async () => {
    const { page, stack } = session;
    await signIn(page, stack);
    await createToolFromGraph(page, slowGraph("live_run", 2_500, stack.http.url));
    await page.getByRole("tab", { name: "Run", exact: true }).click();
    await page.getByRole("button", { name: "Run", exact: true }).last().click();

    await expect.poll(() => runStatusOf(page, "slow"), { timeout: 60_000, interval: 50 }).toBe("running");
    // What it waits on has finished; what waits on it has not started.
    expect(await runStatusOf(page, "input")).toBe("succeeded");
    expect(await runStatusOf(page, "output")).toBeNull();
    expect(await page.getByTestId("run-progress").textContent()).toContain("1 node finished");
    await screenshot(page, "13-live-run");

    await expect.poll(() => runStatusOf(page, "slow"), { timeout: 30_000 }).toBe("succeeded");
    await expect.poll(() => page.getByTestId("run-outcome").textContent()).toBe("succeeded");
    expect(await runStatusOf(page, "output")).toBe("succeeded");
    expect(await page.locator('.react-flow__node[data-id="slow"] [data-testid="run-status"]').textContent()).toMatch(/^succeeded · [\d.]+ (ms|s)$/);
  });

  it("cancels a run: the server stops it, finished nodes keep their status", { timeout: 120_000 }, async () => {
    const { page, stack } = session;
    await page.getByRole("button", { name: "Back to tools" }).click();
    await createToolFromGraph(page, slowGraph("cancelled_run", 20_000, stack.http.url));
    await page.getByRole("tab", { name: "Run", exact: true }).click();
    await page.getByRole("button", { name: "Run", exact: true }).last().click();
    await expect.poll(() => runStatusOf(page, "slow"), { timeout: 60_000, interval: 50 }).toBe("running");
    await page.getByRole("button", { name: "Cancel run" }).click();

    await expect.poll(() => page.getByTestId("run-result").textContent()).toContain("The run was cancelled.");
    expect(await runStatusOf(page, "slow")).toBeNull();
    expect(await runStatusOf(page, "input")).toBe("succeeded");
    // The server recorded the run as cancelled (the recent runs list reads it back).
    await expect.poll(async () => {
      const runs = await stack.db.runs.list({ status: "failed" });
      return runs.some((r) => r.error?.code === "CANCELLED");
    }, { timeout: 15_000 }).toBe(true);
  });
});

describe("edge diagnostics", () => {
  it("highlights an edge with a problem, and clicking the problem selects and focuses the edge", { timeout: 120_000 }, async () => {
    const { page, pageErrors } = session;
    const graph = {
      format: "toolwright.graph/v1",
      tool: { name: "bad_port", description: "An edge leaves from a port the conditional does not have" },
      nodes: [
        { id: "input", kind: "input", position: { x: 0, y: 0 }, config: { schema: { type: "object", properties: { n: { type: "number" } }, required: ["n"] } } },
        { id: "check", kind: "conditional", position: { x: 300, y: 0 }, config: { combineWith: "AND", conditions: [{ left: "{{input.n}}", operator: "greater_than", right: 1 }] } },
        { id: "yes", kind: "output", position: { x: 650, y: -120 }, config: { values: { big: true } } },
        { id: "no", kind: "output", position: { x: 650, y: 160 }, config: { values: { big: false } } },
      ],
      edges: [
        { id: "e1", source: "input", target: "check" },
        { id: "e2", source: "check", sourcePort: "true", target: "yes" },
        { id: "e3", source: "check", sourcePort: "maybe", target: "no" },
      ],
    };
    await page.getByRole("button", { name: "Back to tools" }).click();
    await createToolFromGraph(page, graph);
    const edge = page.locator('.react-flow__edge[data-id="e3"]');
    await expect.poll(() => edge.getAttribute("class")).toContain("edge-error");
    expect(await page.locator('.react-flow__edge[data-id="e2"]').getAttribute("class")).not.toContain("edge-error");

    await page.getByRole("tab", { name: /^Problems/ }).click();
    await page.locator('.problems button[data-edge="e3"]').click();
    await expect.poll(() => edge.getAttribute("class")).toContain("selected");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-id"))).toBe("e3");
    await screenshot(page, "14-edge-problem");
    expect(pageErrors).toEqual([]);
  });
});
