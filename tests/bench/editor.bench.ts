/**
 * Editor benchmark (`npm run bench:editor`), in the real browser against the real server:
 * 1. time to open a 500-node graph until every node is rendered;
 * 2. in-browser validation time of that graph after one edit (target ≤ 16 ms, one frame);
 * 3. frames per second while dragging a node on it.
 * Prints figures; never fails on time.
 */
import { launchBrowser, screenshot, startStack } from "../e2e/harness";
import { generateGraph } from "./graph-gen";

const SIZE = Number(process.env.BENCH_NODES ?? 500);

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const stack = await startStack();
const browser = await launchBrowser(1600, 1000);
const { page } = browser;
try {
  const { graph } = generateGraph(SIZE, 1);
  const created = await fetch(`${stack.url}/api/tools`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({ graph: { ...graph, tool: { ...graph.tool, name: "bench_500" } } }),
  });
  if (!created.ok) throw new Error(`creating the tool failed: ${String(created.status)} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`${stack.url}/#key=${stack.adminKey}`);
  await page.getByRole("heading", { name: "Tools" }).waitFor();

  // 1. Open until every node is rendered (warm: the bundle is cached by the first open).
  const opens: number[] = [];
  for (let i = 0; i < 4; i++) {
    await page.goto("about:blank");
    const started = Date.now();
    await page.goto(`${stack.url}/#/tools/${id}`);
    try {
      await page.waitForFunction((n) => document.querySelectorAll(".react-flow__node .tw-node").length >= n, SIZE, { timeout: 60_000, polling: "raf" });
    } catch (error) {
      console.log("rendered", await page.locator(".react-flow__node .tw-node").count());
      await screenshot(page, "bench-timeout");
      throw error;
    }
    opens.push(Date.now() - started);
  }
  await page.getByTestId("validation-time").waitFor();
  await screenshot(page, "bench-500");

  // 2. Validation after one edit: rename a node's label through the inspector. The node is
  // picked from the problems panel, which selects it and zooms to it.
  await page.locator(".problem[data-node]").first().click();
  const picked = (await page.locator(".problem[data-node]").first().getAttribute("data-node")) ?? "";
  const label = page.locator(".inspector-pane").getByLabel("Label");
  const validations: number[] = [];
  for (let i = 0; i < 25; i++) {
    const before = await page.getByTestId("validation-time").getAttribute("data-count");
    await label.fill(`edited ${String(i)}`);
    await page.waitForFunction((b) => document.querySelector('[data-testid="validation-time"]')?.getAttribute("data-count") !== b, before, { polling: 10 });
    validations.push(Number(await page.getByTestId("validation-time").getAttribute("data-ms")));
  }

  // 3. FPS while dragging a node.
  const node = page.locator(`.react-flow__node[data-id="${picked}"]`);
  await page.waitForTimeout(500);
  const box = await node.boundingBox();
  if (box === null) throw new Error("node not visible");
  // Strings, not functions: tsx would wrap a function with helpers the page does not have.
  await page.evaluate("window.__frames = 0; window.__stop = false; (function tick() { if (window.__stop) return; window.__frames++; requestAnimationFrame(tick); })();");
  const x = box.x + box.width / 2;
  const y = box.y + 12;
  await page.mouse.move(x, y);
  const cdp = process.env.BENCH_PROFILE === undefined ? undefined : await page.context().newCDPSession(page);
  await cdp?.send("Profiler.enable");
  await cdp?.send("Profiler.start");
  await page.mouse.down();
  const dragStarted = Date.now();
  for (let i = 1; i <= 150; i++) await page.mouse.move(x + Math.sin(i / 10) * 200, y + i, { steps: 1 });
  await page.mouse.up();
  const dragMs = Date.now() - dragStarted;
  if (cdp !== undefined) {
    const { profile } = await cdp.send("Profiler.stop");
    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const deltas = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, i) => {
      const n = byId.get(id);
      const name = n === undefined ? "?" : `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop() ?? ""}:${String(n.callFrame.lineNumber)}`;
      self.set(name, (self.get(name) ?? 0) + (deltas[i] ?? 0) / 1000);
    });
    for (const [name, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  }
  const frames = Number(await page.evaluate("window.__stop = true; window.__frames"));

  console.log(`editor benchmark, ${String(SIZE)}-node graph (Chromium headless, ${process.env.CI === undefined ? "local" : "CI"})`);
  console.log(`  open until every node is rendered: p50 ${String(percentile(opens, 50))} ms, runs ${opens.join(", ")} ms`);
  console.log(`  validation after one edit:        p50 ${percentile(validations, 50).toFixed(2)} ms, p95 ${percentile(validations, 95).toFixed(2)} ms, max ${Math.max(...validations).toFixed(2)} ms (target ≤ 16 ms)`);
  console.log(`  dragging a node:                  ${(frames / (dragMs / 1000)).toFixed(1)} fps (${String(frames)} frames in ${String(dragMs)} ms, 150 pointer moves)`);
} finally {
  await browser.close();
  await stack.close();
}
