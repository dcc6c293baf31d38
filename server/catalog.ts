/**
 * Published versions, as the invoke path and the compiler need them: files, content hash and
 * parsed signature. Versions are immutable, so a version read once is kept (bounded LRU); which
 * version is the *latest* is always read from the database (one indexed row), so a version
 * published by another server process is served at once and a stale one never is.
 */
import type { Database, ToolVersionRecord } from "./db/index";
import { parseStoredSignature, readStoredSignature, type StoredSignature } from "./signature";

export interface PublishedVersion {
  readonly toolId: string;
  readonly toolName: string;
  readonly versionId: string;
  readonly number: number;
  readonly hash: string;
  readonly compilerVersion: string;
  readonly files: Readonly<Record<string, string>>;
  readonly signature: StoredSignature;
  readonly createdAt: Date;
}

export interface Catalog {
  /** The tool's version `number`, or its latest when `number` is undefined; null when there is none. */
  resolve(name: string, number?: number): Promise<PublishedVersion | null>;
  /** Remembers a version just created (saves a read on its first call). */
  remember(toolName: string, record: ToolVersionRecord): PublishedVersion;
  /** The latest version of every published tool, by name (signatures only, no files). */
  published(): Promise<PublishedInfo[]>;
}

export type PublishedInfo = Pick<PublishedVersion, "toolName" | "number" | "signature">;

const CACHE_LIMIT = 256;

export function toPublishedVersion(toolName: string, record: ToolVersionRecord): PublishedVersion {
  return {
    toolId: record.toolId,
    toolName,
    versionId: record.id,
    number: record.number,
    hash: record.contentHash,
    compilerVersion: record.compilerVersion,
    files: record.files,
    signature: parseStoredSignature(record.signature),
    createdAt: record.createdAt,
  };
}

export function createCatalog(db: Database): Catalog {
  /** `${toolId}:${number}` → version; Map order is recency (re-inserted on use). */
  const cache = new Map<string, PublishedVersion>();

  const put = (version: PublishedVersion): PublishedVersion => {
    const key = `${version.toolId}:${String(version.number)}`;
    cache.delete(key);
    cache.set(key, version);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value ?? "");
    return version;
  };

  return {
    async resolve(name, number) {
      const tool = await db.tools.getSummaryByName(name);
      if (tool === null) return null;
      const wanted = number ?? tool.latestVersion;
      if (wanted < 1 || wanted > tool.latestVersion) return null;
      const cached = cache.get(`${tool.id}:${String(wanted)}`);
      // The name is checked too: a tool renamed since keeps its id, and its versions their code.
      if (cached !== undefined && cached.toolName === tool.name) return put(cached);
      const record = await db.versions.get(tool.id, wanted);
      return record === null ? null : put(toPublishedVersion(tool.name, record));
    },
    remember(toolName, record) {
      return put(toPublishedVersion(toolName, record));
    },
    async published() {
      const rows = await db.versions.listPublished();
      const result: PublishedInfo[] = [];
      for (const { tool, version } of rows) {
        const signature = readStoredSignature(version.signature);
        // A version this server did not write (no stored signature) cannot be described; skip it.
        if (signature !== undefined) result.push({ toolName: tool.name, number: version.number, signature });
      }
      return result;
    },
  };
}
