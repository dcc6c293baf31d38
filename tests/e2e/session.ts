/** One end-to-end file's session: the stack and a browser for all its tests, a screenshot of each failure. */
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { launchBrowser, screenshot, startStack, type Browser, type Stack } from "./harness";

export class EditorSession {
  /** Uncaught errors of the page: a test ends by expecting none. */
  readonly pageErrors: string[] = [];
  private running: { readonly stack: Stack; readonly browser: Browser } | undefined;

  get stack(): Stack {
    return this.started().stack;
  }

  get page(): Page {
    return this.started().browser.page;
  }

  async start(): Promise<void> {
    const stack = await startStack();
    const browser = await launchBrowser();
    browser.page.setDefaultTimeout(30_000);
    browser.page.on("pageerror", (error) => this.pageErrors.push(error.message));
    this.running = { stack, browser };
  }

  async close(): Promise<void> {
    await this.running?.browser.close();
    await this.running?.stack.close();
  }

  private started(): { readonly stack: Stack; readonly browser: Browser } {
    if (this.running === undefined) throw new Error("the session has not started (editorSession() registers beforeAll)");
    return this.running;
  }
}

/** Registers the hooks of a session for the calling test file and returns it. */
export function editorSession(): EditorSession {
  const session = new EditorSession();
  beforeAll(() => session.start(), 180_000);
  afterEach(async (context) => {
    if (context.task.result?.state === "fail") await screenshot(session.page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`);
  });
  afterAll(() => session.close());
  return session;
}
