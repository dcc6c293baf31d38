/**
 * End-to-end harness: the real server on loopback with a temporary SQLite database, the
 * editor built by Vite, the loopback HTTP and OpenAI-compatible fixtures, and Debian's
 * Chromium driven by playwright-core with a fresh profile.
 */
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { build } from "vite";
import { createServer } from "../../server/app";
import { warmCompiler } from "../../server/compile-service";
import { openDatabase, type Database } from "../../server/db/index";
import { createApiKey } from "../../server/keys/index";
import { createLogger } from "../../server/logging";
import { startHttpFixture, startOpenAiFixture, type RunningServer } from "../support/fixture-servers";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));

export interface Stack {
  readonly url: string;
  readonly adminKey: string;
  readonly http: RunningServer;
  readonly openai: RunningServer;
  readonly db: Database;
  close(): Promise<void>;
}

/** Builds the editor into a temporary folder (so a test never touches dist/editor). */
export async function buildEditor(outDir: string): Promise<void> {
  await build({ configFile: join(REPO, "vite.config.ts"), logLevel: "error", build: { outDir, emptyOutDir: true } });
}

export async function startStack(): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), "toolwright-e2e-"));
  const editorDir = join(dir, "editor");
  await buildEditor(editorDir);
  const [http, openai] = await Promise.all([startHttpFixture(), startOpenAiFixture()]);
  const db = await openDatabase({ dataDir: join(dir, "data") });
  const admin = await createApiKey(db, { name: "e2e", scope: "admin" });
  // Warm compile workers first: a cold one makes the first compile take seconds.
  await warmCompiler();
  const server = createServer({
    db,
    editorDir,
    allowHosts: ["127.0.0.1"],
    openai: { apiKey: "test-key", baseURL: openai.url },
    logger: createLogger({ level: "silent" }),
    env: {},
  });
  const listening = await server.listen(0, "127.0.0.1");
  return {
    url: listening.url,
    adminKey: admin.key,
    http,
    openai,
    db,
    async close() {
      await server.close(0);
      await db.close();
      await Promise.all([http.close(), openai.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly downloads: string;
  close(): Promise<void>;
}

export async function launchBrowser(width = 1600, height = 1000): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "toolwright-chromium-"));
  const downloads = join(profile, "downloads");
  await mkdir(downloads, { recursive: true });
  await mkdir(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
    viewport: { width, height },
    acceptDownloads: true,
    downloadsPath: downloads,
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    downloads,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
