/**
 * The published tools as an MCP tool source (runtime/agents/mcp.ts): tools/list shows the latest
 * version of every published tool with its JSON Schemas; tools/call runs the latest version
 * through the server's runner, the same path as `POST /tools/:name/invoke` — a recorded run with
 * its trace, the run's deadline, secrets, the SSRF guard — and names the run in `_meta`.
 */
import type { McpToolSource } from "../../runtime/agents/mcp";
import type { PublishedVersion } from "../catalog";
import type { AppDeps } from "../deps";
import { whenAborted, type RunTarget } from "../runner";

/** What the runner needs to run a published version. */
export function publishedTarget(version: PublishedVersion): RunTarget {
  return { toolId: version.toolId, toolName: version.toolName, version, hash: version.hash, files: version.files, calls: version.signature.calls };
}

/** Who calls, for the run record. */
export interface McpCaller {
  readonly keyId: string;
  readonly requestId: string;
}

export const RUN_ID_META = "toolwright/runId";

export function publishedToolSource(deps: Pick<AppDeps, "catalog" | "runner">, caller: McpCaller): McpToolSource {
  return {
    async list() {
      return (await deps.catalog.published()).map((version) => ({
        name: version.toolName,
        description: version.signature.description,
        inputJsonSchema: version.signature.inputJsonSchema,
        outputJsonSchema: version.signature.outputJsonSchema,
      }));
    },
    async call(name, args, signal) {
      const version = await deps.catalog.resolve(name);
      if (version === null) return undefined;
      const run = await deps.runner.run({ target: publishedTarget(version), input: args, callerKeyId: caller.keyId, requestId: caller.requestId, whenCallerGone: whenAborted(signal) });
      const meta = { [RUN_ID_META]: run.runId, "toolwright/version": version.number };
      if (run.ok) return { ok: true, output: run.output, meta };
      return { ok: false, error: run.error ?? { code: "INTERNAL", message: "the run failed" }, meta };
    },
  };
}
