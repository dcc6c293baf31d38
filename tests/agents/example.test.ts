/**
 * examples/openai-agent.ts runs as a user would run it — `tsx examples/openai-agent.ts <question>`
 * in its own process — against a running server with a published tool and a local
 * OpenAI-compatible model that answers with tool calls.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, list, obj } from "../server/support";
import { REPO_NODE_MODULES, startAgentServer, type AgentServer } from "./support";

const EXAMPLE = fileURLToPath(new URL("../../examples/openai-agent.ts", import.meta.url));

let s: AgentServer;

beforeAll(async () => {
  s = await startAgentServer();
});

afterAll(async () => {
  await s.close();
});

function runExample(question: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO_NODE_MODULES, ".bin", "tsx"), [EXAMPLE, question], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TOOLWRIGHT_URL: s.t.url, TOOLWRIGHT_KEY: s.t.invokeKey, OPENAI_API_KEY: "test", OPENAI_BASE_URL: s.model.url, MODEL: "fixture-example" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe("examples/openai-agent.ts", () => {
  it("lists the published tools, runs the model's tool call on the server, and prints the final answer", async () => {
    const result = await runExample('call refund_quote {"orderId":"310","currency":null}');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("tools: refund_quote");
    expect(result.stderr).toContain('refund_quote({"orderId":"310","currency":null}) → 200');
    expect(result.stdout.trim()).toBe('The tool answered: {"amount":310}');
    // The call was a recorded run, and the model got the definitions from GET /tools/openai.
    const runs = list(obj((await call(s.t.url, "GET", "/api/runs?tool=refund_quote&limit=1", { key: s.t.adminKey })).body).runs);
    expect(runs[0]).toMatchObject({ status: "succeeded", version: 1 });
    const request = s.model.requests.find((r) => r.model === "fixture-example");
    expect(request?.tools?.[0]?.function.name).toBe("refund_quote");
  });

  it("passes a tool failure back to the model with its code and node id", async () => {
    const result = await runExample('call refund_quote {"orderId":"none","currency":null}');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("→ 502");
    expect(result.stdout).toContain('"code":"HTTP_STATUS"');
    expect(result.stdout).toContain('"nodeId":"order"');
  });
});
