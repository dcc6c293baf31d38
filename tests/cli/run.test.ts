/**
 * `toolwright run <graph.json> --input '<json>' [--tools <dir>] [--trace] [--json]` as a user
 * runs it: real processes through bin/toolwright.mjs. The interface issue 3 says is relied on:
 * exit 0 on success, 1 on a tool error (with the node id) or a graph that does not compile,
 * 2 on usage errors; `--json` prints `{ ok, output | error, trace }` with spans of at least
 * nodeId, kind, status, startedAt (epoch ms), durationMs, attempts; `--trace` prints the spans.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpFixture, type HttpFixture } from "../support/fixture-servers";
import { cli, jsonOf, linearGraph, REPO, writeJson, type CliResult } from "./cli-support";

const GOLDEN = join(REPO, "tests", "golden");
const GRADE = join(GOLDEN, "graphs", "grade_score.json");

let dir: string;
let http: HttpFixture;
const results = new Map<string, CliResult>();
const startedAt = Date.now();

function result(name: string): CliResult {
  const found = results.get(name);
  if (found === undefined) throw new Error(`no result for ${name}`);
  return found;
}

function spansOf(body: Record<string, unknown>): Record<string, unknown>[] {
  const trace = body.trace;
  if (!Array.isArray(trace)) throw new Error(`no trace in ${JSON.stringify(body)}`);
  return trace.map((span: unknown) => {
    if (typeof span !== "object" || span === null) throw new Error(`a span is not an object: ${JSON.stringify(span)}`);
    return span as Record<string, unknown>;
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "toolwright-cli-run-"));
  http = await startHttpFixture();
  const failing = writeJson(
    join(dir, "failing.json"),
    linearGraph("cli_failing", { type: "object", properties: {}, required: [] }, [
      { id: "fetch", kind: "http", config: { method: "GET", url: `${http.url}/status/500`, response: { type: "json" } } },
      { id: "out", kind: "output", config: { values: { status: "{{fetch.status}}" } } },
    ]),
  );
  const broken = writeJson(
    join(dir, "broken.json"),
    linearGraph("cli_broken", { type: "object", properties: {}, required: [] }, [{ id: "out", kind: "output", config: { values: { y: "{{nowhere.value}}" } } }]),
  );
  const allow = { TOOLWRIGHT_ALLOW_HOSTS: "127.0.0.1" };
  const jobs: readonly (readonly [string, readonly string[], Readonly<Record<string, string>>?])[] = [
    ["json ok", ["run", GRADE, "--input", '{"score": 91, "student": "Ann"}', "--json"]],
    ["text trace", ["run", GRADE, "--input", '{"score": 10, "student": "Bo"}', "--trace"]],
    ["json tool error", ["run", failing, "--input", "{}", "--json"], allow],
    ["text tool error", ["run", failing, "--input", "{}", "--trace"]],
    ["invalid input", ["run", GRADE, "--input", '{"score": "high"}', "--json"]],
    ["does not compile", ["run", broken, "--input", "{}", "--json"]],
    ["tools folder", ["run", join(GOLDEN, "graphs", "greet_twice.json"), "--tools", join(GOLDEN, "tools"), "--input", '{"name": "Ann"}', "--json"]],
    ["usage: no graph", ["run"]],
    ["usage: input not JSON", ["run", GRADE, "--input", "{nope"]],
    ["usage: missing file", ["run", join(dir, "missing.json"), "--input", "{}"]],
    ["usage: unknown option", ["run", GRADE, "--input", "{}", "--fast"]],
  ];
  // Cold processes: a few at a time, so a shared machine is not swamped.
  const queue = [...jobs];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const [name, args, env] = job;
      results.set(name, await cli(args, env));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}, 600_000);

afterAll(async () => {
  await http.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("toolwright run", () => {
  it("exits 0 and prints { ok: true, output, trace } with --json; every span has the relied-on fields", () => {
    const run = result("json ok");
    expect(run.code, run.stderr).toBe(0);
    const body = jsonOf(run);
    expect(body.ok).toBe(true);
    expect(body.output).toMatchObject({ grade: "pass", student: "Ann", score: 91 });
    const spans = spansOf(body);
    expect(spans.map((s) => [s.nodeId, s.kind, s.status])).toEqual(
      expect.arrayContaining([
        ["input", "input", "succeeded"],
        ["passed", "conditional", "succeeded"],
        ["pass", "output", "succeeded"],
        ["fail", "output", "skipped"],
      ]),
    );
    for (const span of spans) {
      expect(typeof span.nodeId).toBe("string");
      expect(typeof span.kind).toBe("string");
      expect(["succeeded", "failed", "skipped"]).toContain(span.status);
      expect(Number(span.startedAt)).toBeGreaterThanOrEqual(startedAt - 1_000);
      expect(Number(span.startedAt)).toBeLessThanOrEqual(Date.now());
      expect(Number(span.durationMs)).toBeGreaterThanOrEqual(0);
      expect(span.attempts).toBe(span.status === "skipped" ? 0 : 1);
    }
  });

  it("prints the output, then one line per span with --trace", () => {
    const run = result("text trace");
    expect(run.code, run.stderr).toBe(0);
    const [outputText] = run.stdout.split(/\n(?=succeeded|skipped|failed)/);
    expect(JSON.parse(outputText ?? "") as unknown).toMatchObject({ grade: "fail", student: "Bo" });
    expect(run.stdout).toMatch(/^succeeded +input \(input\) \d+\.\d ms, 1 attempt\(s\)$/m);
    expect(run.stdout).toMatch(/^succeeded +fail \(output\) \d+\.\d ms, 1 attempt\(s\)$/m);
    expect(run.stdout).toMatch(/^skipped +pass \(output\) 0\.0 ms, 0 attempt\(s\)$/m);
  });

  it("exits 1 on a tool error with the node id: { ok: false, error: { code, message, nodeId }, trace }", () => {
    const run = result("json tool error");
    expect(run.code, run.stderr).toBe(1);
    const body = jsonOf(run);
    expect(body).toMatchObject({ ok: false, error: { code: "HTTP_STATUS", nodeId: "fetch" } });
    expect(String((body.error as Record<string, unknown>).message)).toContain("500");
    expect(spansOf(body).find((s) => s.nodeId === "fetch")).toMatchObject({ kind: "http", status: "failed", attempts: 1, error: { code: "HTTP_STATUS" } });
  });

  it("refuses loopback unless TOOLWRIGHT_ALLOW_HOSTS allows it, and prints the error with the node and the trace", () => {
    const run = result("text tool error");
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^error HOST_NOT_ALLOWED \(node fetch\): .*TOOLWRIGHT_ALLOW_HOSTS/m);
    expect(run.stdout).toMatch(/^failed +fetch \(http\): /m);
  });

  it("exits 1 for input that does not fit the tool's schema", () => {
    const run = result("invalid input");
    expect(run.code, run.stderr).toBe(1);
    const body = jsonOf(run);
    expect(body).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(String((body.error as Record<string, unknown>).message)).toMatch(/score/);
  });

  it("exits 1 for a graph that does not compile, with the first error's code and node and every diagnostic", () => {
    const run = result("does not compile");
    expect(run.code, run.stderr).toBe(1);
    const body = jsonOf(run);
    expect(body).toMatchObject({ ok: false, error: { code: "UNKNOWN_REFERENCE", nodeId: "out" }, trace: [] });
    expect(body.diagnostics).toEqual([expect.objectContaining({ code: "UNKNOWN_REFERENCE", nodeId: "out", severity: "error" })]);
  });

  it("runs call_tool against the graphs of --tools", () => {
    const run = result("tools folder");
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf(run)).toMatchObject({ ok: true, output: { once: "Hello, Ann!", twice: "Hello, Hello, Ann!!", count: 2 } });
  });

  it.each(["usage: no graph", "usage: input not JSON", "usage: missing file", "usage: unknown option"])("exits 2 with the usage on stderr (%s)", (name) => {
    const run = result(name);
    expect(run.code, run.stdout).toBe(2);
    expect(run.stderr).toMatch(/^toolwright: /);
    expect(run.stderr).toContain("Usage:");
    expect(run.stdout).toBe("");
  });
});
