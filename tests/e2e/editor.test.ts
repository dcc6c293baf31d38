/**
 * The editor end to end, through the UI only: a real server on loopback (temporary SQLite),
 * the loopback HTTP and OpenAI-compatible fixtures, Debian's Chromium. The tests run in
 * order and build on each other, like a builder's session: create a tool by dragging and
 * connecting, configure it with autocomplete, see a validation error come and go, compile,
 * run, undo/redo, publish, download, import and export.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { unzipSync, strFromU8 } from "fflate";
import type { Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, startStack, type Browser, type Stack } from "./harness";
import { selectNode as selectNodeOn } from "./ui";

let stack: Stack;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  page = browser.page;
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state === "fail") await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`);
});

afterAll(async () => {
  await browser.close();
  await stack.close();
});

const node = (id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);
const inspector = (): Locator => page.locator(".inspector-pane");

async function connect(sourceId: string, sourcePort: string, targetId: string): Promise<void> {
  const from = node(sourceId).locator(`.react-flow__handle.source[data-handleid="${sourcePort}"]`);
  const to = node(targetId).locator(".react-flow__handle.target");
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (a === null || b === null) throw new Error(`cannot connect ${sourceId} → ${targetId}: handle not visible`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2 - 20, b.y + b.height / 2, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
  await page.mouse.up();
}

const selectNode = (id: string): Promise<void> => selectNodeOn(page, id);

async function edgeCount(): Promise<number> {
  return page.locator(".react-flow__edge").count();
}

describe("editor end to end", () => {
  it("signs in with the server's link and refuses a bad key with a message", async () => {
    await page.goto(`${stack.url}/#key=not-a-real-key`);
    await expect.poll(() => page.getByRole("alert").first().textContent()).toMatch(/refused/i);
    await page.getByLabel("Admin key").fill(stack.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Tools" }).waitFor();
    await page.goto(`${stack.url}/#key=${stack.adminKey}`);
    await page.getByRole("heading", { name: "Tools" }).waitFor();
    expect(await page.evaluate(() => window.location.hash)).toBe("#/");
    await screenshot(page, "01-tools-empty");
  });

  it("creates a tool from nothing by dragging nodes and connecting them", async () => {
    await page.getByRole("button", { name: "New tool" }).first().click();
    await page.getByLabel("Name").fill("order_triage");
    await page.getByLabel("Description").fill("Looks up an order and says whether it needs a human");
    await page.getByRole("button", { name: "Create tool" }).click();
    await node("input").waitFor();
    await node("output").waitFor();

    // Remove the starter edge input → output: the http node goes in between.
    await page.locator(".react-flow__edge").first().click({ force: true });
    await page.keyboard.press("Delete");
    await expect.poll(edgeCount).toBe(0);

    const canvas = page.locator(".react-flow__pane");
    const box = await canvas.boundingBox();
    if (box === null) throw new Error("no canvas");
    await page.locator('.palette-item[data-kind="http"]').dragTo(canvas, { targetPosition: { x: box.width / 2 - 120, y: box.height / 2 + 150 } });
    await node("http").waitFor();

    await connect("input", "out", "http");
    await connect("http", "out", "output");
    await expect.poll(edgeCount).toBe(2);

    // Connecting the same ports twice is refused while dragging.
    await connect("input", "out", "http");
    await expect.poll(edgeCount).toBe(2);
    await screenshot(page, "02-dragged-and-connected");
  });

  it("configures nodes in the inspector with reference autocomplete; a validation error appears and disappears", async () => {
    // Rename the input field message → orderId.
    await selectNode("input");
    const name = inspector().getByLabel("Field name").first();
    await name.fill("orderId");
    await name.press("Enter");

    // The output still reads {{input.message}}: an error badge and a problem appear.
    await expect.poll(() => node("output").locator(".badge-error").count()).toBe(1);
    await expect.poll(() => page.locator('.problem[data-code="UNKNOWN_REFERENCE"]').count()).toBeGreaterThan(0);
    await screenshot(page, "03-validation-error");

    // Configure the http node: the URL with autocomplete on {{.
    await selectNode("http");
    const url = inspector().getByLabel("URL");
    await url.fill(`${stack.http.url}/orders/`);
    await url.press("End");
    await url.pressSequentially("{{inp");
    const menu = inspector().locator(".ref-menu");
    await menu.waitFor();
    const option = menu.locator('[data-ref="input.orderId"]');
    await expect.poll(() => option.count()).toBe(1);
    expect(await option.locator(".ref-type").textContent()).toBe("string");
    // Only nodes guaranteed to run first are offered: not the output, not http itself.
    expect(await menu.locator('[data-ref^="output"]').count()).toBe(0);
    expect(await menu.locator('[data-ref^="http"]').count()).toBe(0);
    await screenshot(page, "04-autocomplete");
    await url.pressSequentially("ut.or");
    await expect.poll(() => menu.locator("li.active").getAttribute("data-ref")).toBe("input.orderId");
    await url.press("Enter");
    expect(await url.inputValue()).toBe(`${stack.http.url}/orders/{{input.orderId}}`);

    // Declare the response body: { amount: number }.
    await inspector().getByRole("button", { name: "+ Declare a schema" }).click();
    await inspector().getByRole("button", { name: "+ Add field" }).click();
    const field = inspector().getByLabel("Field name").first();
    await field.fill("amount");
    await field.press("Enter");
    await inspector().locator('[data-schema-field="amount"] select').first().selectOption("number");

    // Fix the output: its field reads the order amount, picked from the autocomplete.
    await selectNode("output");
    const value = inspector().locator('[data-map-key="reply"] input.template-input');
    await value.fill("");
    await value.pressSequentially("{{http.body.am");
    await inspector().locator('.ref-menu [data-ref="http.body.amount"]').click();
    expect(await value.inputValue()).toBe("{{http.body.amount}}");
    await expect.poll(() => node("output").locator(".badge-error").count()).toBe(0);
    await expect.poll(() => page.getByTestId("problems-empty").count()).toBe(1);
    await screenshot(page, "05-validation-fixed");
  });

  it("compiles and shows the generated code", async () => {
    await page.getByRole("button", { name: "Compile", exact: true }).click();
    const panel = page.getByTestId("compile-panel");
    await panel.waitFor({ timeout: 60_000 });
    await expect.poll(() => panel.locator(".pill").first().textContent()).toBe("Compiled");
    expect(await panel.textContent()).toContain("tsc passed");
    const code = await page.locator('.code-view[data-file="src/tool.ts"]').textContent();
    expect(code).toContain("export async function run");
    expect(code).toContain("// node http (http)");
    await screenshot(page, "06-compiled-code");
  });

  it("runs with an input and shows per-node statuses and outputs", async () => {
    await page.getByRole("tab", { name: "Run", exact: true }).click();
    await page.getByLabel("orderId").fill("42");
    await page.getByRole("button", { name: "Run", exact: true }).last().click();
    await expect.poll(() => page.getByTestId("run-outcome").textContent(), { timeout: 60_000 }).toBe("succeeded");
    expect(JSON.parse((await page.getByTestId("run-output").textContent()) ?? "null")).toEqual({ reply: 42 });
    for (const id of ["input", "http", "output"]) await expect.poll(() => node(id).locator(".tw-node").getAttribute("data-run-status")).toBe("succeeded");
    await selectNode("http");
    await page.getByRole("button", { name: "Run details" }).click();
    const details = page.getByTestId("span-output");
    expect(JSON.parse((await details.textContent()) ?? "null")).toMatchObject({ status: 200, body: { amount: 42 } });
    await screenshot(page, "07-run-statuses");
    await page.getByRole("button", { name: "Settings", exact: true }).click();
  });

  it("undoes and redoes adding and deleting a node", async () => {
    const count = async (): Promise<number> => page.locator(".react-flow__node").count();
    const before = await count();
    await page.locator('.palette-item[data-kind="delay"]').click();
    await expect.poll(count).toBe(before + 1);
    await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
    await page.keyboard.press("Control+z");
    await expect.poll(count).toBe(before);
    await page.keyboard.press("Control+Shift+z");
    await expect.poll(count).toBe(before + 1);
    // Deleting http removes its two edges too; one undo brings all three back.
    await selectNode("http");
    await page.locator(".react-flow__pane").focus();
    await node("http").locator(".tw-node-title").click();
    await page.keyboard.press("Delete");
    await expect.poll(() => node("http").count()).toBe(0);
    expect(await edgeCount()).toBe(0);
    await page.keyboard.press("Control+z");
    await expect.poll(() => node("http").count()).toBe(1);
    await expect.poll(edgeCount).toBe(2);
    // Remove the delay node again (it would be an unreachable node): one more undo step.
    await page.getByRole("button", { name: "Undo" }).click();
    await expect.poll(count).toBe(before);
    await screenshot(page, "08-undo-redo");
  });

  it("publishes a version and downloads its zip", { timeout: 120_000 }, async () => {
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    try {
      await expect.poll(() => page.locator('.versions-table tr[data-version="1"]').count(), { timeout: 60_000 }).toBe(1);
    } catch (error) {
      await screenshot(page, "09-publish-failed");
      throw error;
    }
    expect(await page.getByTestId("snippet-curl").textContent()).toContain("/tools/order_triage/invoke");
    await screenshot(page, "09-published");
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator('.versions-table tr[data-version="1"]').getByRole("button", { name: "Download zip" }).click()]);
    expect(download.suggestedFilename()).toBe("order_triage-v1.zip");
    const path = join(browser.downloads, "v1.zip");
    await download.saveAs(path);
    const files = unzipSync(new Uint8Array(await readFile(path)));
    const names = Object.keys(files);
    expect(names.some((n) => n.endsWith("src/tool.ts"))).toBe(true);
    expect(names.some((n) => n.endsWith("package.json"))).toBe(true);
    const tool = Object.entries(files).find(([n]) => n.endsWith("src/tool.ts"));
    expect(tool === undefined ? "" : strFromU8(tool[1])).toContain("export async function run");
  });

  it("exports the graph as JSON and imports a graph file (refusing an invalid one)", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
    expect(download.suggestedFilename()).toBe("order_triage.graph.json");
    const path = join(browser.downloads, "graph.json");
    await download.saveAs(path);
    const graph = JSON.parse(await readFile(path, "utf8")) as { format: string; nodes: { id: string; kind: string; config: Record<string, unknown>; position: { x: number; y: number } }[]; edges: { id: string; source: string; target: string }[] };
    expect(graph.format).toBe("toolwright.graph/v1");
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(["http", "input", "output"]);
    expect(graph.edges).toHaveLength(2);

    // Import a changed copy: a transform between http and output.
    const imported = {
      ...graph,
      nodes: [...graph.nodes, { id: "shape", kind: "transform", position: { x: 600, y: 300 }, config: { values: { total: "{{http.body.amount}}" } } }],
      edges: [...graph.edges.filter((e) => e.target !== "output"), { id: "e10", source: "http", target: "shape" }, { id: "e11", source: "shape", target: "output" }],
    };
    await page.getByTestId("import-file").setInputFiles({ name: "changed.graph.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(imported)) });
    await node("shape").waitFor();
    await expect.poll(edgeCount).toBe(3);

    await page.getByTestId("import-file").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ format: "toolwright.graph/v1", nodes: [{ kind: "http" }] })) });
    const problems = page.getByTestId("import-problems");
    await problems.waitFor();
    expect(await problems.textContent()).toContain("GRAPH_SCHEMA");
    await screenshot(page, "10-import-refused");
    await page.keyboard.press("Escape");
    expect(await node("shape").count()).toBe(1);
    await screenshot(page, "11-imported");
    expect(pageErrors).toEqual([]);
  });

  it("runs a realistic tool (docs/graph-format.md's triage example) through the LLM fixture, showing skipped branches", { timeout: 120_000 }, async () => {
    const triage = {
      format: "toolwright.graph/v1",
      tool: { name: "triage_refund", description: "Decide how to answer a refund request" },
      nodes: [
        { id: "input", kind: "input", position: { x: 0, y: 60 }, config: { schema: { type: "object", properties: { orderId: { type: "string", description: "The order to refund" }, message: { type: "string", description: "What the customer wrote" } }, required: ["orderId", "message"] } } },
        { id: "order", kind: "http", label: "Look up the order", position: { x: 300, y: 60 }, config: { method: "GET", url: `${stack.http.url}/orders/{{input.orderId}}`, response: { type: "json", schema: { type: "object", properties: { amount: { type: "number" } }, required: ["amount"] } } }, retry: { maxAttempts: 3, backoff: "exponential", initialDelayMs: 200 }, timeoutMs: 5000 },
        { id: "big", kind: "conditional", label: "Over 100?", position: { x: 600, y: 60 }, config: { combineWith: "AND", conditions: [{ left: "{{order.body.amount}}", operator: "greater_than", right: 100 }] } },
        { id: "escalate", kind: "output", label: "Escalate", position: { x: 900, y: -60 }, config: { values: { action: "escalate", amount: "{{order.body.amount}}" } } },
        { id: "reply", kind: "llm", label: "Draft a reply", position: { x: 900, y: 160 }, config: { model: "gpt-4o-mini", system: "You answer customers briefly.", prompt: "Write a short reply to: {{input.message}}", output: { type: "text" } } },
        { id: "done", kind: "output", label: "Reply", position: { x: 1200, y: 160 }, config: { values: { action: "reply", amount: "{{order.body.amount}}", text: "{{reply.text}}" } } },
      ],
      edges: [
        { id: "e1", source: "input", target: "order" },
        { id: "e2", source: "order", target: "big" },
        { id: "e3", source: "big", sourcePort: "true", target: "escalate" },
        { id: "e4", source: "big", sourcePort: "false", target: "reply" },
        { id: "e5", source: "reply", target: "done" },
      ],
    };
    // A new tool (a published tool keeps its name), then the example imported into it.
    await page.getByRole("button", { name: "Back to tools" }).click();
    await page.getByRole("button", { name: "New tool" }).first().click();
    await page.getByLabel("Name").fill("triage_refund");
    await page.getByRole("button", { name: "Create tool" }).click();
    await node("output").waitFor();
    await page.getByTestId("import-file").setInputFiles({ name: "triage.graph.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(triage)) });
    await node("reply").waitFor();
    await page.getByRole("tab", { name: /^Problems/ }).click();
    await expect.poll(() => page.getByTestId("problems-empty").count()).toBe(1);
    await page.getByRole("tab", { name: "Run", exact: true }).click();
    await page.getByLabel("orderId").fill("20");
    await page.getByLabel("message").fill("Where is my refund?");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.getByTestId("run-outcome").textContent(), { timeout: 60_000 }).toBe("succeeded");
    expect(JSON.parse((await page.getByTestId("run-output").textContent()) ?? "null")).toEqual({ action: "reply", amount: 20, text: "echo: Write a short reply to: Where is my refund?" });
    await expect.poll(() => node("escalate").locator(".tw-node").getAttribute("data-run-status")).toBe("skipped");
    await expect.poll(() => node("reply").locator(".tw-node").getAttribute("data-run-status")).toBe("succeeded");
    await selectNode("reply");
    await page.getByRole("button", { name: "Run details" }).click();
    await page.getByTestId("span-details").waitFor();
    await screenshot(page, "12-realistic-tool");
    expect(pageErrors).toEqual([]);
  });
});
