/** Steps through the editor's UI that several end-to-end files take. */
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import type { Stack } from "./harness";

export const nodeOn = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

/** The node's run status on the canvas (null when it has none). */
export const runStatusOf = (page: Page, id: string): Promise<string | null> => nodeOn(page, id).locator(".tw-node").getAttribute("data-run-status");

export async function signIn(page: Page, stack: Stack): Promise<void> {
  await page.goto(`${stack.url}/#key=${stack.adminKey}`);
  await page.getByRole("heading", { name: "Tools" }).waitFor();
}

/** From the tools list: a new tool, then `graph` imported into it through the Import button's file input. */
export async function createToolFromGraph(page: Page, graph: { readonly tool: { readonly name: string }; readonly nodes: readonly { readonly id: string }[] }): Promise<void> {
  await page.getByRole("button", { name: "New tool" }).first().click();
  await page.getByLabel("Name").fill(graph.tool.name);
  await page.getByRole("button", { name: "Create tool" }).click();
  await nodeOn(page, "output").waitFor();
  await page.getByTestId("import-file").setInputFiles({ name: `${graph.tool.name}.graph.json`, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(graph)) });
  for (const node of graph.nodes) await nodeOn(page, node.id).waitFor();
}

/**
 * Selects a node so the inspector shows its settings. A click while the canvas is still fitting
 * a just-imported graph into view can land beside the moving node, so it clicks until the node
 * is selected rather than once.
 */
export async function selectNode(page: Page, id: string): Promise<void> {
  const settings = page.getByRole("button", { name: "Settings", exact: true });
  if ((await settings.count()) > 0) await settings.click();
  const selected = nodeOn(page, id).locator(".tw-node.is-selected");
  await expect
    .poll(async () => {
      if ((await selected.count()) === 0) await nodeOn(page, id).locator(".tw-node-title").click();
      return selected.count();
    }, { timeout: 30_000, interval: 250 })
    .toBe(1);
}
