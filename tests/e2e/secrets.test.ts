/**
 * Secrets through the UI only: the tools list's Secrets dialog lists names, sets and replaces
 * a value it never shows back, and deletes with a confirmation; the inspector offers the
 * names for an http node's auth, and a run that uses the secret never shows its value.
 */
import { randomBytes } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshot } from "./harness";
import { editorSession } from "./session";
import { createToolFromGraph, selectNode, signIn } from "./ui";

const session = editorSession();
const VALUE = `tok-${randomBytes(12).toString("hex")}`;
const REPLACED = `tok-${randomBytes(12).toString("hex")}`;

const dialog = (page: Page): Locator => page.getByRole("dialog", { name: "Secrets" });

async function saveSecret(page: Page, name: string, value: string): Promise<void> {
  await dialog(page).getByLabel("Secret name").fill(name);
  await dialog(page).getByLabel("Value").fill(value);
  await dialog(page).getByRole("button", { name: "Save secret" }).click();
  await expect.poll(() => dialog(page).getByLabel("Value").inputValue()).toBe("");
}

describe("secrets", () => {
  it("sets a secret from the tools list without ever showing its value", async () => {
    const { page, stack } = session;
    await signIn(page, stack);
    await page.getByRole("button", { name: "Secrets" }).click();
    await dialog(page).getByTestId("secrets-empty").waitFor();
    await dialog(page).getByLabel("Secret name").fill("1bad");
    expect(await dialog(page).textContent()).toContain("Letters, digits and _");
    await saveSecret(page, "SHOP_TOKEN", VALUE);
    await dialog(page).locator('tr[data-secret="SHOP_TOKEN"]').waitFor();
    expect(await page.content()).not.toContain(VALUE);
    await screenshot(page, "15-secrets");
    await dialog(page).getByRole("button", { name: "Close" }).click();
  });

  it("offers the secret names for an http node's auth, and a run that uses one shows it redacted", { timeout: 120_000 }, async () => {
    const { page, stack } = session;
    const graph = {
      format: "toolwright.graph/v1",
      tool: { name: "authorised_echo", description: "Echoes an authorised request" },
      nodes: [
        { id: "input", kind: "input", position: { x: 0, y: 0 }, config: { schema: { type: "object", properties: {}, required: [] } } },
        { id: "call", kind: "http", position: { x: 300, y: 0 }, config: { method: "POST", url: `${stack.http.url}/echo`, auth: { type: "bearer", secret: "SHOP_TOKEN" }, response: { type: "json", schema: { type: "object", properties: { authorization: { type: "string" } }, required: ["authorization"] } } } },
        { id: "output", kind: "output", position: { x: 600, y: 0 }, config: { values: { seen: "{{call.body.authorization}}" } } },
      ],
      edges: [
        { id: "e1", source: "input", target: "call" },
        { id: "e2", source: "call", target: "output" },
      ],
    };
    await createToolFromGraph(page, graph);
    await selectNode(page, "call");
    const secretField = page.locator('.inspector-pane input[data-field-path="config.auth.secret"]');
    const listId = await secretField.getAttribute("list");
    expect(await page.locator(`datalist[id="${listId ?? ""}"] option`).evaluateAll((options) => options.map((o) => o.getAttribute("value")))).toEqual(["SHOP_TOKEN"]);

    await page.getByRole("tab", { name: "Run", exact: true }).click();
    await page.getByRole("button", { name: "Run", exact: true }).last().click();
    await expect.poll(() => page.getByTestId("run-outcome").textContent(), { timeout: 60_000 }).toBe("succeeded");
    expect(JSON.parse((await page.getByTestId("run-output").textContent()) ?? "null")).toEqual({ seen: "Bearer [REDACTED]" });
    expect(await page.content()).not.toContain(VALUE);
  });

  it("replaces a secret's value and deletes it after a confirmation", async () => {
    const { page, pageErrors } = session;
    await page.getByRole("button", { name: "Back to tools" }).click();
    await page.getByRole("button", { name: "Secrets" }).click();
    const row = dialog(page).locator('tr[data-secret="SHOP_TOKEN"]');
    await row.getByRole("button", { name: "Replace" }).click();
    expect(await dialog(page).getByLabel("Secret name").inputValue()).toBe("SHOP_TOKEN");
    await saveSecret(page, "SHOP_TOKEN", REPLACED);
    expect(await dialog(page).locator("tr[data-secret]").count()).toBe(1);

    await row.getByRole("button", { name: "Delete", exact: true }).click();
    await row.getByRole("button", { name: "Keep" }).click();
    expect(await row.count()).toBe(1);
    await row.getByRole("button", { name: "Delete", exact: true }).click();
    await row.getByRole("button", { name: "Delete secret", exact: true }).click();
    await dialog(page).getByTestId("secrets-empty").waitFor();
    expect(await page.content()).not.toContain(REPLACED);
    expect(pageErrors).toEqual([]);
  });
});
