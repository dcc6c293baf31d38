/**
 * CPU profile summaries for `npm run bench:runtime` with BENCH_PROFILE=1: self time per
 * function, and self time per owner — the package or repository folder of the nearest
 * JavaScript frame, so native work (SQLite, JSON, the microtask queue) is charged to the
 * code that asked for it.
 */
import type { Profiler, Runtime } from "node:inspector";

export interface ProfileSummary {
  /** Sampled time, ms (idle excluded). */
  readonly totalMs: number;
  /** Self time per function, ms, largest first. */
  readonly functions: readonly (readonly [string, number])[];
  /** Self time per owner, ms, largest first. */
  readonly owners: readonly (readonly [string, number])[];
}

/** `node_modules/@scope/pkg` → "@scope/pkg"; repository files → their top folder; data: URLs → the tool bundle. */
export function ownerOf(url: string): string | undefined {
  if (url === "") return undefined;
  if (url.startsWith("data:")) return "tool bundle (generated code + vendored runtime)";
  if (url.startsWith("wasm:")) return "WebAssembly (Prisma's query compiler in the server)";
  if (url.startsWith("node:") || !url.includes("/")) return "node internals";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1] !== undefined) return modules[1];
  const repo = /\/(server|runtime|compiler|tests)\/(?:([^/]+)\/)?/.exec(url);
  if (repo?.[1] !== undefined) return repo[1] === "server" && repo[2] !== undefined && !repo[2].includes(".") ? `server/${repo[2]}` : repo[1];
  return url.split("/").at(-1) ?? url;
}

function functionName(frame: Runtime.CallFrame): string {
  const file = frame.url.startsWith("data:") ? "(tool bundle)" : (frame.url.split("/").at(-1) ?? "");
  return `${frame.functionName === "" ? "(anonymous)" : frame.functionName} ${file}:${String(frame.lineNumber + 1)}`;
}

/** `fromMicros`: only samples taken at or after this monotonic time (process.hrtime, µs). */
export function summarizeProfile(profile: Profiler.Profile, rows = 20, fromMicros = 0): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const ownerCache = new Map<number, string>();
  const owner = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached !== undefined) return cached;
    const frame = byId.get(id)?.callFrame;
    const name = frame?.functionName ?? "";
    let result: string;
    if (name === "(garbage collector)" || name === "(program)" || name === "(idle)" || name === "(root)") result = name;
    else {
      const own = frame === undefined ? undefined : ownerOf(frame.url);
      const up = parent.get(id);
      result = own ?? (up === undefined ? "(native)" : owner(up));
      if (result === "(root)") result = "(native)";
    }
    ownerCache.set(id, result);
    return result;
  };
  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  let at = profile.startTime;
  (profile.samples ?? []).forEach((id, i) => {
    at += deltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || frame.functionName === "(idle)" || at < fromMicros) return;
    const delta = (deltas[i] ?? 0) / 1000;
    total += delta;
    const fn = functionName(frame);
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
    const o = owner(id);
    owners.set(o, (owners.get(o) ?? 0) + delta);
  });
  const top = (map: Map<string, number>): (readonly [string, number])[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, rows)
      .map(([name, value]) => [name, value] as const);
  return { totalMs: total, functions: top(functions), owners: top(owners) };
}

export function formatProfile(title: string, summary: ProfileSummary, rows = 12): string[] {
  const share = (value: number): string => `${((value / summary.totalMs) * 100).toFixed(1).padStart(5)}%`;
  return [
    `  CPU profile, ${title} (${summary.totalMs.toFixed(0)} ms sampled, idle excluded)`,
    "    self time by owner (native work charged to the code that called it):",
    ...summary.owners.slice(0, rows).map(([name, value]) => `      ${share(value)}  ${name}`),
    "    self time by function:",
    ...summary.functions.slice(0, rows).map(([name, value]) => `      ${share(value)}  ${name}`),
  ];
}
