/**
 * Support for the agent tests: the tool they call (an order lookup against the loopback HTTP
 * fixture, with an optional enum field for strict mode's nulls), a running server that has it
 * published, and the tool's generated package built with its own tsconfig.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileGraph } from "../../compiler/compile";
import type { ToolModule } from "../../runtime/tool-runtime";
import { publishGraph, startTestServer, type TestServer } from "../server/support";
import { startHttpFixture, startOpenAiFixture, type HttpFixture } from "../support/fixture-servers";

export const REPO_NODE_MODULES = fileURLToPath(new URL("../../node_modules", import.meta.url));

/** refund_quote: input { orderId, currency? } → GET <base>/orders/<orderId> → { amount, currency? }. */
export function quoteGraph(base: string): Record<string, unknown> {
  return {
    format: "toolwright.graph/v1",
    tool: { name: "refund_quote", description: "Looks up an order and quotes its refund amount" },
    nodes: [
      {
        id: "input",
        kind: "input",
        config: {
          schema: {
            type: "object",
            properties: {
              orderId: { type: "string", description: "The order number (digits)" },
              currency: { type: "string", enum: ["EUR", "USD"], description: "Currency of the quote" },
            },
            required: ["orderId"],
          },
        },
      },
      {
        id: "order",
        kind: "http",
        config: {
          method: "GET",
          url: `${base}/orders/{{input.orderId}}`,
          response: { type: "json", schema: { type: "object", properties: { amount: { type: "number" } }, required: ["amount"] } },
        },
      },
      { id: "out", kind: "output", config: { values: { amount: "{{order.body.amount}}", currency: "{{input.currency}}" } } },
    ],
    edges: [
      { id: "e1", source: "input", target: "order" },
      { id: "e2", source: "order", target: "out" },
    ],
  };
}

export interface AgentServer {
  readonly t: TestServer;
  readonly http: HttpFixture;
  readonly model: Awaited<ReturnType<typeof startOpenAiFixture>>;
  close(): Promise<void>;
}

/** A server (SQLite in a temp dir) with refund_quote published, its HTTP fixture, and the model fixture. */
export async function startAgentServer(): Promise<AgentServer> {
  const http = await startHttpFixture();
  const model = await startOpenAiFixture();
  const dataDir = mkdtempSync(join(tmpdir(), "tw-agents-"));
  const t = await startTestServer({ dataDir }, { allowHosts: ["127.0.0.1"] });
  await publishGraph(t, quoteGraph(http.url));
  return {
    t,
    http,
    model,
    async close() {
      await t.close();
      await http.close();
      await model.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BuiltPackage {
  readonly dir: string;
  /** The built module at `dist/src/<file>`, typed as its source in the repo. */
  load<T>(file: string): Promise<T>;
  tool(): Promise<ToolModule<unknown, unknown>>;
  remove(): void;
}

/**
 * Compiles the graph, writes the package to a temp dir with the repo's node_modules linked in
 * (as `npm install` would provide them, optional peers included), and builds it with its own
 * tsconfig through the TypeScript CLI — as tests/standalone does.
 */
export function buildPackage(graph: unknown): BuiltPackage {
  const compiled = compileGraph(graph);
  if (!compiled.success || compiled.files === undefined) throw new Error(`compile failed: ${JSON.stringify(compiled.diagnostics)}`);
  const dir = mkdtempSync(join(tmpdir(), "tw-agent-package-"));
  for (const [path, content] of Object.entries(compiled.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  symlinkSync(REPO_NODE_MODULES, join(dir, "node_modules"), "dir");
  const build = spawnSync(join(REPO_NODE_MODULES, ".bin", "tsc"), ["-p", dir], { cwd: dir, encoding: "utf8", timeout: 180_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  if (build.status !== 0) throw new Error(`tsc -p failed (${String(build.status)}):\n${build.stdout}\n${build.stderr}`);
  const load = async <T>(file: string): Promise<T> => {
    const module: unknown = await import(pathToFileURL(join(dir, "dist", "src", file)).href);
    return module as T;
  };
  return {
    dir,
    load,
    async tool() {
      return (await load<{ readonly default: ToolModule<unknown, unknown> }>("index.js")).default;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
