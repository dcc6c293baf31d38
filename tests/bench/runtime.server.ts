/**
 * The server side of `npm run bench:runtime` (a child process, so autocannon in the parent
 * does not share the server's event loop): a real Toolwright server on a temporary SQLite
 * database with the benchmark tool published, and a bare Express route that calls the same
 * compiled module. It answers the parent over IPC: CPU time used so far, an optional CPU
 * profile of a phase, a breakdown of the invoke path's parts, and stop.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Session } from "node:inspector/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import express from "express";
import { createServer } from "../../server/app";
import { compilerSettled, warmCompiler } from "../../server/compile-service";
import { openDatabase } from "../../server/db/index";
import { createApiKey, createKeyVerifier } from "../../server/keys/index";
import { createLogger } from "../../server/logging";
import { createMetrics } from "../../server/metrics";
import { loadTool } from "../../runtime/loader";
import { createContext, invoke, isToolError } from "../../runtime/tool-runtime";
import { benchGraph, BENCH_INPUTS } from "./runtime-graph";
import { summarizeProfile, type ProfileSummary } from "./runtime-profile";

export const TOOL_NAME = "runtime_bench";
/** The breakdown's part for run INSERTs of `size` runs per statement (their JSON text included). */
export const insertPart = (size: number): string => (size === 1 ? "run record INSERT, 1 per statement" : `run record INSERT, ${String(size)} per statement (per run)`);

export interface ServerReady {
  readonly type: "ready";
  readonly invokeUrl: string;
  readonly bareUrl: string;
  readonly key: string;
  readonly body: string;
}

export interface CpuReport {
  readonly type: "cpu";
  /** process.cpuUsage() user + system, µs. */
  readonly cpuMicros: number;
}

export interface ProfileReport {
  readonly type: "profile";
  readonly summary: ProfileSummary;
}

/** Mean time of each part of the invoke path, measured alone in this process (µs). */
export interface BreakdownReport {
  readonly type: "breakdown";
  readonly parts: readonly (readonly [string, number])[];
}

export interface FailedReport {
  readonly type: "failed";
  readonly message: string;
}

export type ChildMessage = ServerReady | CpuReport | ProfileReport | BreakdownReport | FailedReport;
export type ParentMessage = { readonly type: "cpu" } | { readonly type: "profile-start" } | { readonly type: "profile-stop" } | { readonly type: "breakdown" } | { readonly type: "stop" };

export function isChildMessage(value: unknown): value is ChildMessage {
  return typeof value === "object" && value !== null && "type" in value && typeof value.type === "string";
}

function isParentMessage(value: unknown): value is ParentMessage {
  return typeof value === "object" && value !== null && "type" in value && typeof value.type === "string";
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** Pino at the default level (info: one line per request, as in production), into nothing. */
const devNull = new Writable({
  write(_chunk: unknown, _encoding: BufferEncoding, callback: () => void) {
    callback();
  },
});

async function post(url: string, key: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const parsed: unknown = await response.json();
  if (!response.ok) throw new Error(`POST ${url} answered ${String(response.status)}: ${JSON.stringify(parsed)}`);
  return parsed;
}

/** Sequential calls of `work`, at most `max` or `capMs`: mean µs per call. */
async function meanMicros(max: number, capMs: number, work: (i: number) => Promise<unknown>): Promise<number> {
  const begin = performance.now();
  let count = 0;
  while (count < max && (count === 0 || performance.now() - begin < capMs)) await work(count++);
  return ((performance.now() - begin) * 1000) / count;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "toolwright-bench-"));
  const db = await openDatabase({ dataDir, env: {} });
  await warmCompiler();
  const server = createServer({ db, editorDir: null, env: {}, logger: createLogger({ level: "info", destination: devNull }) });
  const listening = await server.listen(0, "127.0.0.1");
  // Steady state: every compile worker warm (the second warms after the first: seconds of CPU
  // that would fall into the first rounds). Awaited while listening: idle workers keep no process alive.
  await compilerSettled();
  const admin = await createApiKey(db, { name: "bench admin", scope: "admin" });
  const invoker = await createApiKey(db, { name: "bench invoker", scope: "invoke" });

  const graph = benchGraph(TOOL_NAME);
  const created = await post(`${listening.url}/api/tools`, admin.key, { graph });
  const toolId = typeof created === "object" && created !== null && "id" in created ? String(created.id) : "";
  await post(`${listening.url}/api/tools/${toolId}/publish`, admin.key, {});

  // The bare route: the published package (the same content hash, so the very module the server
  // loaded), input and output validated by the same zod schemas, no auth, no records. Read back
  // rather than compiled here: a verifier in this thread would hold hundreds of MB that every
  // garbage collection of both routes then pays for, which a server (compiling in its workers) never does.
  const published = await db.versions.get(toolId, 1);
  if (published === null) throw new Error("the benchmark tool was not published");
  const tool = await loadTool(published.contentHash, published.files);
  const ctx = createContext({});
  const bare = express();
  bare.use(express.json());
  bare.post("/bare", async (req, res) => {
    const body: unknown = req.body;
    const input = typeof body === "object" && body !== null && "input" in body ? body.input : undefined;
    try {
      res.json({ output: await invoke(tool, input, ctx) });
    } catch (error) {
      res.status(isToolError(error) && error.code === "INVALID_INPUT" ? 400 : 500).json({ error: { message: error instanceof Error ? error.message : String(error) } });
    }
  });
  const bareServer = await new Promise<Server>((resolve) => {
    const s = bare.listen(0, "127.0.0.1", () => {
      resolve(s);
    });
  });
  const barePort = (bareServer.address() as AddressInfo).port;
  const bareUrl = `http://127.0.0.1:${String(barePort)}/bare`;
  const invokeUrl = `${listening.url}/tools/${TOOL_NAME}/invoke`;

  // Both routes answer the same output.
  const requestBody = { input: BENCH_INPUTS[0] };
  const viaServer = await post(invokeUrl, invoker.key, requestBody);
  const viaBare = await post(bareUrl, invoker.key, requestBody);
  const outputOf = (reply: unknown): string => JSON.stringify(typeof reply === "object" && reply !== null && "output" in reply ? reply.output : null);
  if (outputOf(viaServer) !== outputOf(viaBare)) throw new Error(`the routes disagree: ${outputOf(viaServer)} vs ${outputOf(viaBare)}`);

  const session = new Session();
  session.connect();

  const stop = async (): Promise<void> => {
    session.disconnect();
    await new Promise<void>((resolve) => {
      bareServer.closeAllConnections();
      bareServer.close(() => {
        resolve();
      });
    });
    await server.close(1_000);
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  };

  process.on("message", (message: unknown) => {
    if (!isParentMessage(message)) return;
    void (async () => {
      switch (message.type) {
        case "cpu": {
          const usage = process.cpuUsage();
          send({ type: "cpu", cpuMicros: usage.user + usage.system });
          break;
        }
        case "profile-start":
          await session.post("Profiler.enable");
          await session.post("Profiler.start");
          break;
        case "profile-stop": {
          const { profile } = await session.post("Profiler.stop");
          send({ type: "profile", summary: summarizeProfile(profile) });
          break;
        }
        case "breakdown": {
          // The parts of POST /tools/:name/invoke, each alone, sequentially.
          const keys = createKeyVerifier(db);
          const version = await db.tools.getSummaryByName(TOOL_NAME);
          const traced = createContext({ onSpan: () => undefined });
          const parts: [string, number][] = [
            ["key verification (cached)", await meanMicros(2_000, 1_000, () => keys.verify(invoker.key))],
            ["tool lookup (SQLite: data_version check, row remembered)", await meanMicros(2_000, 1_500, () => db.tools.getSummaryByName(TOOL_NAME))],
            ["invoke() untraced (zod in/out + run)", await meanMicros(5_000, 1_500, (i) => invoke(tool, BENCH_INPUTS[i % BENCH_INPUTS.length], ctx))],
            ["invoke() traced", await meanMicros(5_000, 1_500, (i) => invoke(tool, BENCH_INPUTS[i % BENCH_INPUTS.length], traced))],
          ];
          // A run as the invoke path records it: input, output and the 20-span trace.
          const spans: unknown[] = [];
          const tracedForRecord = createContext({ onSpan: (span) => spans.push(span) });
          const output = await invoke(tool, requestBody.input, tracedForRecord);
          const run = { toolId: version?.id ?? toolId, status: "succeeded" as const, input: requestBody.input, output, trace: spans, startedAt: new Date(), durationMs: 1 };
          parts.push(["JSON text of the run (input, output, trace)", await meanMicros(5_000, 1_000, () => Promise.resolve(JSON.stringify([run.input, run.output, run.trace])))]);
          const metrics = createMetrics({ defaultMetrics: false });
          parts.push(["invocation metrics (counter, histogram)", await meanMicros(5_000, 1_000, () => {
            metrics.invocation(TOOL_NAME, "succeeded", 1);
            return Promise.resolve();
          })]);
          const logger = createLogger({ level: "info", destination: devNull }).child({}, { redact: { paths: [] } });
          const logLine = { requestId: "bench", method: "POST", path: `/tools/${TOOL_NAME}/invoke`, route: "/tools/:ref/invoke", status: 200, durationMs: 1.2, keyId: "key" };
          parts.push(["request log line (pino, no redaction, into nothing)", await meanMicros(5_000, 1_000, () => {
            logger.info(logLine, "request");
            return Promise.resolve();
          })]);
          parts.push([insertPart(1), await meanMicros(300, 2_000, () => db.runs.create(run))]);
          for (const size of [10, 100]) {
            const batch = Array.from({ length: size }, () => run);
            parts.push([insertPart(size), (await meanMicros(Math.ceil(3_000 / size), 2_000, () => db.runs.createMany(batch))) / size]);
          }
          send({ type: "breakdown", parts });
          break;
        }
        case "stop":
          await stop();
          process.exit(0);
      }
    })().catch((error: unknown) => {
      send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    });
  });

  send({ type: "ready", invokeUrl, bareUrl, key: invoker.key, body: JSON.stringify(requestBody) });
}

main().catch((error: unknown) => {
  send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
