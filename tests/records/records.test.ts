import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolsFromGraphs } from "../../compiler/cli/tool-folder";
import { compileGraph } from "../../compiler/compile";
import { loadRecords, RECORDS_DIR } from "../../compiler/records/load-records";
import { parseRecord } from "../../compiler/records/parse-record";
import type { RecordTestCase } from "../../compiler/records/record-schema";
import { loadTool } from "../../runtime/loader";
import { guardedFetch } from "../../runtime/ssrf";
import { createContext, invoke, isToolError, type CallToolRequest } from "../../runtime/tool-runtime";
import { testCaseGraph } from "../../compiler/records/test-case-graph";
import { startHttpFixture, startOpenAiFixture, type RunningServer } from "../support/fixture-servers";

const V1_KINDS = ["input", "output", "http", "llm", "conditional", "switch", "transform", "merge", "call_tool", "for_each", "delay"];
const registry = loadRecords();

let http: RunningServer;
let llm: RunningServer;
beforeAll(async () => {
  http = await startHttpFixture();
  llm = await startOpenAiFixture();
});
afterAll(async () => {
  await http.close();
  await llm.close();
});

/** `$FIXTURE_URL` in test cases names the local HTTP fixture. */
function complete(graph: Record<string, unknown>, name: string): unknown {
  return testCaseGraph(graph, name, http.url);
}

function toolsOf(testCase: RecordTestCase) {
  const graphs = new Map<string, unknown>();
  for (const tool of testCase.tools ?? []) {
    const name = (tool.tool as { name: string }).name;
    graphs.set(name, complete(tool, name));
  }
  return toolsFromGraphs(graphs);
}

describe("component records", () => {
  it("define exactly the v1 node kinds", () => {
    expect([...registry.kinds.keys()].sort()).toEqual([...V1_KINDS].sort());
  });

  it.each(V1_KINDS)("%s has at least 3 happy, 2 error and 1 edge test cases", (kind) => {
    const cases = registry.get(kind)?.record.test_cases ?? [];
    expect(cases.filter((c) => c.category === "happy").length).toBeGreaterThanOrEqual(3);
    expect(cases.filter((c) => c.category === "error").length).toBeGreaterThanOrEqual(2);
    expect(cases.filter((c) => c.category === "edge").length).toBeGreaterThanOrEqual(1);
  });

  it("an incomplete record fails naming the file and the missing section", () => {
    const text = readFileSync(join(RECORDS_DIR, "delay.yaml"), "utf8").replace(/^lessons_learned:[\s\S]*?(?=^related_components:)/m, "");
    const dir = mkdtempSync(join(tmpdir(), "tw-record-"));
    writeFileSync(join(dir, "delay.yaml"), text);
    expect(() => parseRecord("delay.yaml", text)).toThrow(/delay\.yaml: missing section lessons_learned/);
  });

  it("an invalid section fails naming the file and the section", () => {
    const text = readFileSync(join(RECORDS_DIR, "delay.yaml"), "utf8").replace("derive: empty", "derive: nonsense");
    expect(() => parseRecord("delay.yaml", text)).toThrow(/delay\.yaml: invalid record:[\s\S]*section output_type\.derive/);
  });
});

const cases = [...registry.kinds.values()].flatMap(({ record }) => record.test_cases.map((c) => [`${record.component.kind}: ${c.name}`, c] as const));

describe.each(cases)("record test case %s", (_, testCase) => {
  it(`${testCase.category} (${testCase.level})`, async () => {
    const graph = complete(testCase.graph, "record_case");
    const tools = toolsOf(testCase);
    const result = compileGraph(graph, { resolveTool: tools.resolveTool, verify: testCase.level === "run" || testCase.expect.generatedContains !== undefined });
    if (testCase.expect.diagnostics !== undefined) {
      expect([...new Set(result.diagnostics.map((d) => d.code))].sort()).toEqual([...new Set(testCase.expect.diagnostics)].sort());
    }
    for (const fragment of testCase.expect.generatedContains ?? []) expect(result.files?.["src/tool.ts"]).toContain(fragment);
    if (testCase.level !== "run") return;
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    if (result.files === undefined || result.hash === undefined) throw new Error("no files");
    const tool = await loadTool(result.hash, result.files);
    const options = {
      secret: (name: string) => (name === "FIXTURE_TOKEN" ? "fixture-secret" : undefined),
      openai: { apiKey: "test-key", baseURL: llm.url },
      fetch: guardedFetch(new Set(["127.0.0.1"])),
    };
    const callTool = async (request: CallToolRequest, signal: AbortSignal): Promise<unknown> => {
      const callee = tools.compiled(request.tool);
      if (callee?.files === undefined || callee.hash === undefined) throw new Error(`no tool ${request.tool}`);
      return invoke(await loadTool(callee.hash, callee.files), request.input, createContext({ ...options, signal, callTool }));
    };
    const run = invoke(tool, testCase.input ?? {}, createContext({ ...options, callTool }));
    if (testCase.expect.errorNode !== undefined || testCase.expect.errorCode !== undefined) {
      const error: unknown = await run.then(() => undefined, (e: unknown) => e);
      expect(isToolError(error)).toBe(true);
      if (!isToolError(error)) return;
      if (testCase.expect.errorNode !== undefined) expect(error.nodeId).toBe(testCase.expect.errorNode);
      if (testCase.expect.errorCode !== undefined) expect(error.code).toBe(testCase.expect.errorCode);
    } else {
      expect(await run).toEqual(testCase.expect.output);
    }
  });
});
