/**
 * The repository API over either generated Prisma client (see client.ts): rows in, plain
 * records out, JSON columns parsed, Prisma errors turned into DatabaseError codes.
 */
import type {
  ApiKeyRow,
  Client,
  RunRow,
  RunSummaryRow,
  RunWhere,
  ToolRow,
  ToolSummaryRow,
  ToolVersionRow,
  ToolVersionSummaryRow,
} from "./client";
import { runInclude, runSummarySelect, secretInfoSelect, toolSummarySelect, versionSummarySelect } from "./client";
import type { DirectStatements } from "./direct-statements";
import { DatabaseError } from "./errors";
import { fromJson, fromJsonOrNull, isJsonObject, toJson, toJsonOrNull } from "./json";
import type {
  ApiKeyRecord,
  ApiKeyScope,
  ApiKeyStore,
  JsonValue,
  NewRun,
  PublishedTool,
  RunError,
  RunRecord,
  RunStatus,
  RunStore,
  RunSummary,
  SecretRowStore,
  ToolRecord,
  ToolStore,
  ToolSummary,
  ToolVersionRecord,
  ToolVersionSummary,
  VersionSignature,
  VersionStore,
} from "./types";
import { newRunId } from "./run-id";
import { API_KEY_SCOPES, RUN_STATUSES } from "./types";

export interface Repositories {
  readonly tools: ToolStore;
  readonly versions: VersionStore;
  readonly runs: RunStore;
  readonly apiKeys: ApiKeyStore;
  readonly secrets: SecretRowStore;
}

const DEFAULT_RUN_LIMIT = 50;
const MAX_RUN_LIMIT = 1000;
/** Bound on `OR` terms per query when fetching the latest version of every tool. */
const PUBLISHED_CHUNK = 500;

/** Prisma's error code (P2002 unique, P2003 foreign key, P2025 not found), if it is one. */
function prismaCode(error: unknown): string | undefined {
  if (error instanceof Error && "code" in error && typeof error.code === "string" && /^P\d{4}$/.test(error.code)) {
    return error.code;
  }
  return undefined;
}

async function mapErrors<T>(work: PromiseLike<T>, map: Readonly<Record<string, () => DatabaseError>>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const code = prismaCode(error);
    const make = code === undefined ? undefined : map[code];
    if (make === undefined) throw error;
    const mapped = make();
    throw new DatabaseError(mapped.code, mapped.message, { cause: error });
  }
}

const nameTaken = (name: string) => () => new DatabaseError("name_taken", `A tool named ${JSON.stringify(name)} already exists`);
const toolNotFound = (id: string) => () => new DatabaseError("not_found", `No tool with id ${JSON.stringify(id)}`);

// ---------------------------------------------------------------------------------------------

function toToolSummary(row: ToolSummaryRow): ToolSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    latestVersion: row.latestVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toToolRecord(row: ToolRow): ToolRecord {
  return { ...toToolSummary(row), draftGraph: fromJson(row.draftGraph) };
}

function parseSignature(text: string): VersionSignature {
  const value = fromJson(text);
  if (!isJsonObject(value)) return { input: null, output: null };
  return { ...value, input: value.input ?? null, output: value.output ?? null };
}

function parseFiles(text: string): Readonly<Record<string, string>> {
  const value = fromJson(text);
  const files: Record<string, string> = {};
  if (isJsonObject(value)) {
    for (const [path, content] of Object.entries(value)) {
      if (typeof content === "string") files[path] = content;
    }
  }
  return files;
}

function toVersionSummary(row: ToolVersionSummaryRow): ToolVersionSummary {
  return {
    id: row.id,
    toolId: row.toolId,
    number: row.number,
    contentHash: row.contentHash,
    compilerVersion: row.compilerVersion,
    signature: parseSignature(row.signature),
    createdAt: row.createdAt,
  };
}

function toVersionRecord(row: ToolVersionRow): ToolVersionRecord {
  return {
    ...toVersionSummary(row),
    graph: fromJson(row.graph),
    files: parseFiles(row.files),
    verification: fromJson(row.verification),
  };
}

function parseRunError(text: string | null): RunError | null {
  const value = fromJsonOrNull(text);
  if (value === null) return null;
  if (!isJsonObject(value)) return { code: "unknown", message: JSON.stringify(value) };
  const error: { code: string; message: string; nodeId?: string; details?: JsonValue } = {
    code: typeof value.code === "string" ? value.code : "unknown",
    message: typeof value.message === "string" ? value.message : "",
  };
  if (typeof value.nodeId === "string") error.nodeId = value.nodeId;
  if (value.details !== undefined) error.details = value.details;
  return error;
}

function runStatus(value: string): RunStatus {
  return value === "succeeded" ? "succeeded" : "failed";
}

function toRunSummary(row: RunSummaryRow): RunSummary {
  return {
    id: row.id,
    toolId: row.toolId,
    toolName: row.tool.name,
    toolVersionId: row.toolVersionId,
    versionNumber: row.toolVersion?.number ?? null,
    status: runStatus(row.status),
    error: parseRunError(row.error),
    startedAt: row.startedAt,
    durationMs: row.durationMs,
    callerKeyId: row.callerKeyId,
    requestId: row.requestId,
  };
}

function apiKeyScope(value: string): ApiKeyScope {
  // Unknown values (a newer schema) get the least privilege.
  return value === "admin" ? "admin" : "invoke";
}

function toApiKeyRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scope: apiKeyScope(row.scope),
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

function checkInteger(value: number, what: string, min: number, max: number): number {
  if (!Number.isFinite(value)) throw new DatabaseError("invalid_value", `${what} must be a finite number`);
  const rounded = Math.round(value);
  if (rounded < min || rounded > max) throw new DatabaseError("invalid_value", `${what} must be between ${min} and ${max}`);
  return rounded;
}


function toRunRow(run: NewRun): RunRow {
  if (!RUN_STATUSES.includes(run.status)) {
    throw new DatabaseError("invalid_value", `Run status must be one of ${RUN_STATUSES.join(", ")}`);
  }
  const error =
    run.error === null || run.error === undefined
      ? null
      : toJson(
          {
            code: run.error.code,
            message: run.error.message,
            ...(run.error.nodeId === undefined ? {} : { nodeId: run.error.nodeId }),
            ...(run.error.details === undefined ? {} : { details: run.error.details }),
          },
          "error",
        );
  return {
    id: run.id ?? newRunId(),
    toolId: run.toolId,
    toolVersionId: run.toolVersionId ?? null,
    status: run.status,
    input: toJson(run.input ?? null, "input"),
    output: toJsonOrNull(run.output, "output"),
    error,
    trace: toJson(run.trace ?? [], "trace"),
    startedAt: run.startedAt,
    durationMs: checkInteger(run.durationMs, "durationMs", 0, 2_147_483_647),
    callerKeyId: run.callerKeyId ?? null,
    requestId: run.requestId ?? null,
  };
}

// ---------------------------------------------------------------------------------------------

/** `direct` runs the invoke path's statements (direct-statements.ts); everything else goes through Prisma. */
export function createRepositories(client: Client, direct: DirectStatements): Repositories {
  const tools: ToolStore = {
    async create(tool) {
      const row = await mapErrors(
        client.tool.create({
          data: { name: tool.name, description: tool.description ?? "", draftGraph: toJson(tool.draftGraph, "draftGraph") },
        }),
        { P2002: nameTaken(tool.name) },
      );
      return toToolRecord(row);
    },

    async list() {
      const rows = await client.tool.findMany({ select: toolSummarySelect, orderBy: { name: "asc" } });
      return rows.map(toToolSummary);
    },

    async get(id) {
      const row = await client.tool.findUnique({ where: { id } });
      return row === null ? null : toToolRecord(row);
    },

    async getByName(name) {
      const row = await client.tool.findUnique({ where: { name } });
      return row === null ? null : toToolRecord(row);
    },

    async getSummaryByName(name) {
      const row = await direct.toolSummaryByName(name);
      return row === null ? null : toToolSummary(row);
    },

    async update(id, changes) {
      const data: { name?: string; description?: string; draftGraph?: string } = {};
      if (changes.name !== undefined) data.name = changes.name;
      if (changes.description !== undefined) data.description = changes.description;
      if (changes.draftGraph !== undefined) data.draftGraph = toJson(changes.draftGraph, "draftGraph");
      const row = await mapErrors(client.tool.update({ where: { id }, data }), {
        P2002: nameTaken(changes.name ?? ""),
        P2025: toolNotFound(id),
      });
      return toToolRecord(row);
    },

    async delete(id) {
      const { count } = await client.tool.deleteMany({ where: { id } });
      return count > 0;
    },
  };

  const versions: VersionStore = {
    async create(toolId, version) {
      const data = {
        toolId,
        graph: toJson(version.graph, "graph"),
        files: toJson(version.files, "files"),
        contentHash: version.contentHash,
        compilerVersion: version.compilerVersion,
        verification: toJson(version.verification, "verification"),
        signature: toJson(version.signature, "signature"),
      };
      // Incrementing Tool.latestVersion takes the tool row's write lock (PostgreSQL) or the
      // database write lock (SQLite) until commit, so concurrent publishes of one tool queue up
      // here and each reads a distinct number; no retry loop is needed. The unique index on
      // (toolId, number) stays as the last line of defence.
      const row = await mapErrors(
        client.$transaction(
          async (tx) => {
            const { latestVersion } = await tx.tool.update({ where: { id: toolId }, data: { latestVersion: { increment: 1 } } });
            return tx.toolVersion.create({ data: { ...data, number: latestVersion } });
          },
          { maxWait: 10_000, timeout: 15_000 },
        ),
        { P2025: toolNotFound(toolId) },
      );
      return toVersionRecord(row);
    },

    async list(toolId) {
      const rows = await client.toolVersion.findMany({ where: { toolId }, select: versionSummarySelect, orderBy: { number: "desc" } });
      return rows.map(toVersionSummary);
    },

    async get(toolId, number) {
      if (!Number.isSafeInteger(number)) return null;
      const row = await client.toolVersion.findUnique({ where: { toolId_number: { toolId, number } } });
      return row === null ? null : toVersionRecord(row);
    },

    async getById(id) {
      const row = await client.toolVersion.findUnique({ where: { id } });
      return row === null ? null : toVersionRecord(row);
    },

    async latest(toolId) {
      const tool = await client.tool.findUnique({ where: { id: toolId } });
      if (tool === null || tool.latestVersion === 0) return null;
      return versions.get(toolId, tool.latestVersion);
    },

    async listPublished() {
      const published = await client.tool.findMany({
        where: { latestVersion: { gt: 0 } },
        select: toolSummarySelect,
        orderBy: { name: "asc" },
      });
      const byTool = new Map<string, ToolVersionSummaryRow>();
      for (let start = 0; start < published.length; start += PUBLISHED_CHUNK) {
        const chunk = published.slice(start, start + PUBLISHED_CHUNK);
        const rows = await client.toolVersion.findMany({
          where: { OR: chunk.map((tool) => ({ toolId: tool.id, number: tool.latestVersion })) },
          select: versionSummarySelect,
          orderBy: { number: "desc" },
        });
        for (const row of rows) byTool.set(row.toolId, row);
      }
      const result: PublishedTool[] = [];
      for (const tool of published) {
        const version = byTool.get(tool.id);
        if (version !== undefined) result.push({ tool: toToolSummary(tool), version: toVersionSummary(version) });
      }
      return result;
    },
  };

  const runs: RunStore = {
    async create(run) {
      const row = toRunRow(run);
      await direct.insertRuns([row]);
      return { id: row.id };
    },

    async createMany(many) {
      if (many.length === 0) return 0;
      await direct.insertRuns(many.map(toRunRow));
      return many.length;
    },

    async list(filter = {}) {
      const where: RunWhere = {};
      if (filter.toolId !== undefined) where.toolId = filter.toolId;
      if (filter.toolVersionId !== undefined) where.toolVersionId = filter.toolVersionId;
      if (filter.status !== undefined) where.status = filter.status;
      if (filter.before !== undefined) where.startedAt = { lt: filter.before };
      const take = filter.limit === undefined ? DEFAULT_RUN_LIMIT : checkInteger(filter.limit, "limit", 1, MAX_RUN_LIMIT);
      const rows = await client.run.findMany({
        where,
        select: runSummarySelect,
        orderBy: [{ startedAt: "desc" }, { id: "desc" }],
        take,
      });
      return rows.map(toRunSummary);
    },

    async get(id) {
      const row = await client.run.findUnique({ where: { id }, include: runInclude });
      if (row === null) return null;
      const record: RunRecord = {
        ...toRunSummary(row),
        input: fromJson(row.input),
        output: fromJsonOrNull(row.output),
        trace: fromJson(row.trace),
      };
      return record;
    },
  };

  const apiKeys: ApiKeyStore = {
    async create(key) {
      if (!API_KEY_SCOPES.includes(key.scope)) {
        throw new DatabaseError("invalid_value", `Key scope must be one of ${API_KEY_SCOPES.join(", ")}`);
      }
      const row = await client.apiKey.create({ data: { name: key.name, scope: key.scope, keyHash: key.keyHash, prefix: key.prefix } });
      return toApiKeyRecord(row);
    },

    async findByHash(keyHash) {
      const row = await client.apiKey.findUnique({ where: { keyHash } });
      return row === null ? null : toApiKeyRecord(row);
    },

    async get(id) {
      const row = await client.apiKey.findUnique({ where: { id } });
      return row === null ? null : toApiKeyRecord(row);
    },

    async list() {
      const rows = await client.apiKey.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      return rows.map(toApiKeyRecord);
    },

    async revoke(id) {
      await client.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
      return apiKeys.get(id);
    },

    async touch(id, at) {
      await client.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
    },

    countActive(scope) {
      return Promise.resolve(client.apiKey.count({ where: scope === undefined ? { revokedAt: null } : { revokedAt: null, scope } }));
    },
  };

  const secrets: SecretRowStore = {
    async put(name, encryptedValue) {
      await client.secret.upsert({ where: { name }, create: { name, value: encryptedValue }, update: { value: encryptedValue } });
    },

    async get(name) {
      const row = await client.secret.findUnique({ where: { name } });
      return row === null ? null : { name: row.name, value: row.value, createdAt: row.createdAt, updatedAt: row.updatedAt };
    },

    async list() {
      const rows = await client.secret.findMany({ select: secretInfoSelect, orderBy: { name: "asc" } });
      return rows.map((row) => ({ name: row.name, createdAt: row.createdAt, updatedAt: row.updatedAt }));
    },

    async delete(name) {
      const { count } = await client.secret.deleteMany({ where: { name } });
      return count > 0;
    },
  };

  return { tools, versions, runs, apiKeys, secrets };
}
