/**
 * The JSON shapes the API answers with (documented in docs/api.md). Database records are
 * mapped here, in one place, so a column never leaks into the API by accident.
 */
import type { CompileResult } from "../compiler/api";
import { jsonSchemaOf } from "../compiler/generate/emit";
import type { PublishedInfo } from "./catalog";
import type { ApiKeyRecord, RunRecord, RunSummary, ToolRecord, ToolSummary, ToolVersionRecord, ToolVersionSummary } from "./db/index";
import { parseStoredSignature } from "./signature";

export function toolView(tool: ToolSummary) {
  return {
    id: tool.id,
    name: tool.name,
    description: tool.description,
    latestVersion: tool.latestVersion === 0 ? null : tool.latestVersion,
    createdAt: tool.createdAt.toISOString(),
    updatedAt: tool.updatedAt.toISOString(),
  };
}

export function toolDetailView(tool: ToolRecord) {
  return { ...toolView(tool), graph: tool.draftGraph };
}

function schemasOf(signature: unknown) {
  const stored = parseStoredSignature(signature);
  return { inputSchema: stored.inputJsonSchema, outputSchema: stored.outputJsonSchema, calls: stored.calls };
}

export function versionSummaryView(version: ToolVersionSummary) {
  return {
    id: version.id,
    version: version.number,
    hash: version.contentHash,
    compilerVersion: version.compilerVersion,
    createdAt: version.createdAt.toISOString(),
    ...schemasOf(version.signature),
  };
}

export function versionView(version: ToolVersionRecord) {
  return { ...versionSummaryView(version), graph: version.graph, files: version.files, verification: version.verification };
}

/** A published tool as agents see it (GET /tools). */
export function publishedToolView(version: PublishedInfo) {
  return {
    name: version.toolName,
    description: version.signature.description,
    version: version.number,
    inputSchema: version.signature.inputJsonSchema,
    outputSchema: version.signature.outputJsonSchema,
    invokePath: `/tools/${version.toolName}/invoke`,
  };
}

export function runSummaryView(run: RunSummary) {
  return {
    id: run.id,
    toolId: run.toolId,
    tool: run.toolName,
    version: run.versionNumber,
    status: run.status,
    error: run.error,
    startedAt: run.startedAt.toISOString(),
    durationMs: run.durationMs,
    callerKeyId: run.callerKeyId,
    requestId: run.requestId,
  };
}

export function runView(run: RunRecord) {
  return { ...runSummaryView(run), input: run.input, output: run.output, trace: run.trace };
}

export function keyView(key: ApiKeyRecord) {
  return {
    id: key.id,
    name: key.name,
    scope: key.scope,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/** POST /api/validate: as `toolwright validate --json`. */
export function validateView(result: CompileResult) {
  return { valid: !result.diagnostics.some((d) => d.severity === "error"), diagnostics: result.diagnostics };
}

/** POST /api/compile: as `toolwright compile --json`, plus the sources and the signature's JSON Schemas. */
export function compileView(result: CompileResult) {
  const verification =
    result.verification === undefined
      ? null
      : {
          tscPassed: result.verification.tscPassed,
          eslintPassed: result.verification.eslintPassed,
          anyTypesFound: result.verification.anyTypesFound,
          problems: result.verification.problems,
        };
  const sources = result.success ? (result.files ?? {}) : {};
  return {
    success: result.success,
    diagnostics: result.diagnostics,
    verification,
    hash: result.hash ?? null,
    files: Object.keys(sources).sort(),
    sources,
    signature: result.signature === undefined ? null : { inputSchema: jsonSchemaOf(result.signature.input), outputSchema: jsonSchemaOf(result.signature.output) },
    timings: result.timings,
    compilerVersion: result.compilerVersion,
  };
}
