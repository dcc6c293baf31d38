/**
 * The plain TypeScript types of the repository API. Nothing here depends on Prisma: the server
 * and the rest of the code base see only these.
 */
import type { MigrationReport } from "./migrate";
import type { DatabaseProvider } from "./target";

export type { DatabaseProvider } from "./target";
export type { MigrationReport } from "./migrate";

/** A value as JSON.parse returns it. JSON columns are returned as this; validate before use. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// Tools

export interface ToolSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Number of the newest published version; 0 when the tool was never published. */
  readonly latestVersion: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ToolRecord extends ToolSummary {
  readonly draftGraph: JsonValue;
}

export interface NewTool {
  readonly name: string;
  readonly description?: string | undefined;
  /** Any JSON-serialisable value (the graph); stored as JSON text. */
  readonly draftGraph: unknown;
}

export interface ToolChanges {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly draftGraph?: unknown;
}

export interface ToolStore {
  /** @throws DatabaseError `name_taken` */
  create(tool: NewTool): Promise<ToolRecord>;
  /** All tools, by name, without their graphs. */
  list(): Promise<ToolSummary[]>;
  get(id: string): Promise<ToolRecord | null>;
  getByName(name: string): Promise<ToolRecord | null>;
  /** As getByName without the draft graph: one small row (the invoke path reads it per call). */
  getSummaryByName(name: string): Promise<ToolSummary | null>;
  /** @throws DatabaseError `not_found`, `name_taken` */
  update(id: string, changes: ToolChanges): Promise<ToolRecord>;
  /** Deletes the tool with its versions and runs. False when there was no such tool. */
  delete(id: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Versions (immutable)

/** Input and output JSON Schemas of a version (whatever else the server stored is kept too). */
export interface VersionSignature {
  readonly input: JsonValue;
  readonly output: JsonValue;
}

export interface NewToolVersion {
  /** Snapshot of the compiled graph. */
  readonly graph: unknown;
  /** Generated package: relative POSIX path → content. */
  readonly files: Readonly<Record<string, string>>;
  readonly contentHash: string;
  readonly compilerVersion: string;
  /** Verification result (tsc, ESLint, scans). */
  readonly verification: unknown;
  readonly signature: { readonly input: unknown; readonly output: unknown };
}

export interface ToolVersionSummary {
  readonly id: string;
  readonly toolId: string;
  readonly number: number;
  readonly contentHash: string;
  readonly compilerVersion: string;
  readonly signature: VersionSignature;
  readonly createdAt: Date;
}

export interface ToolVersionRecord extends ToolVersionSummary {
  readonly graph: JsonValue;
  readonly files: Readonly<Record<string, string>>;
  readonly verification: JsonValue;
}

export interface PublishedTool {
  readonly tool: ToolSummary;
  readonly version: ToolVersionSummary;
}

export interface VersionStore {
  /**
   * Inserts the tool's next version (1, 2, …). Concurrent calls for one tool get distinct,
   * consecutive numbers (the tool row is locked while the number is taken).
   * @throws DatabaseError `not_found` when the tool does not exist
   */
  create(toolId: string, version: NewToolVersion): Promise<ToolVersionRecord>;
  /** Newest first, without graphs and files. */
  list(toolId: string): Promise<ToolVersionSummary[]>;
  get(toolId: string, number: number): Promise<ToolVersionRecord | null>;
  getById(id: string): Promise<ToolVersionRecord | null>;
  latest(toolId: string): Promise<ToolVersionRecord | null>;
  /** Every tool with at least one version, with its newest version, by tool name. */
  listPublished(): Promise<PublishedTool[]>;
}

// ---------------------------------------------------------------------------------------------
// Runs

export type RunStatus = "succeeded" | "failed";
export const RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed"];

export interface RunError {
  readonly code: string;
  readonly message: string;
  readonly nodeId?: string;
  readonly details?: JsonValue;
}

export interface NewRun {
  /**
   * Optional caller-chosen id (a UUID): lets the server answer with the run id before the
   * record is written. Generated when absent.
   */
  readonly id?: string | undefined;
  readonly toolId: string;
  /** Null or absent for a run of the draft (test run). */
  readonly toolVersionId?: string | null | undefined;
  readonly status: RunStatus;
  readonly input: unknown;
  /** Absent/undefined is stored as null (a failed run has no output). */
  readonly output?: unknown;
  readonly error?: { readonly code: string; readonly message: string; readonly nodeId?: string | undefined; readonly details?: unknown } | null | undefined;
  /** The spans; stored as JSON. */
  readonly trace: unknown;
  readonly startedAt: Date;
  /** Whole milliseconds are stored (rounded). */
  readonly durationMs: number;
  readonly callerKeyId?: string | null | undefined;
  readonly requestId?: string | null | undefined;
}

export interface RunSummary {
  readonly id: string;
  readonly toolId: string;
  readonly toolName: string;
  readonly toolVersionId: string | null;
  /** Null for a draft run. */
  readonly versionNumber: number | null;
  readonly status: RunStatus;
  readonly error: RunError | null;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly callerKeyId: string | null;
  readonly requestId: string | null;
}

export interface RunRecord extends RunSummary {
  readonly input: JsonValue;
  readonly output: JsonValue | null;
  readonly trace: JsonValue;
}

export interface RunFilter {
  readonly toolId?: string | undefined;
  readonly toolVersionId?: string | undefined;
  readonly status?: RunStatus | undefined;
  /** Only runs that started strictly before this time (for paging back). */
  readonly before?: Date | undefined;
  /** Default 50, at most 1000. */
  readonly limit?: number | undefined;
}

export interface RunStore {
  /** @throws DatabaseError `not_found` when the tool, version or key does not exist; `invalid_value` */
  create(run: NewRun): Promise<{ readonly id: string }>;
  /** Inserts many runs in one statement (for a write-behind buffer). Returns how many were written. */
  createMany(runs: readonly NewRun[]): Promise<number>;
  /** Newest first (startedAt, then id), without input, output and trace. */
  list(filter?: RunFilter): Promise<RunSummary[]>;
  get(id: string): Promise<RunRecord | null>;
}

// ---------------------------------------------------------------------------------------------
// API keys (server/keys builds on these; the key itself never reaches the database)

export type ApiKeyScope = "admin" | "invoke";
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ["admin", "invoke"];

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly scope: ApiKeyScope;
  /** The key's first characters, for display. */
  readonly prefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface NewApiKey {
  readonly name: string;
  readonly scope: ApiKeyScope;
  readonly keyHash: string;
  readonly prefix: string;
}

export interface ApiKeyStore {
  create(key: NewApiKey): Promise<ApiKeyRecord>;
  /** Revoked keys are returned too: check `revokedAt`. */
  findByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  get(id: string): Promise<ApiKeyRecord | null>;
  /** Oldest first, revoked ones included. */
  list(): Promise<ApiKeyRecord[]>;
  /** Sets revokedAt (once; revoking again keeps the first time). Null when there is no such key. */
  revoke(id: string): Promise<ApiKeyRecord | null>;
  touch(id: string, at: Date): Promise<void>;
  /** Keys not revoked, optionally of one scope. */
  countActive(scope?: ApiKeyScope): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Secrets (server/secrets encrypts; this layer only stores the envelope)

export interface SecretInfo {
  readonly name: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface StoredSecret extends SecretInfo {
  /** The encrypted envelope, never the plaintext. */
  readonly value: string;
}

export interface SecretRowStore {
  put(name: string, encryptedValue: string): Promise<void>;
  get(name: string): Promise<StoredSecret | null>;
  list(): Promise<SecretInfo[]>;
  delete(name: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------

export interface Database {
  readonly provider: DatabaseProvider;
  /** The SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** Where local state lives (SQLite file by default, secret.key). */
  readonly dataDir: string;
  /** What openDatabase applied. */
  readonly migrations: MigrationReport;
  readonly tools: ToolStore;
  readonly versions: VersionStore;
  readonly runs: RunStore;
  readonly apiKeys: ApiKeyStore;
  readonly secrets: SecretRowStore;
  /** True when a trivial query succeeds within 2 s. Never throws. */
  health(): Promise<boolean>;
  /** Closes connections; further calls fail. Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Default: TOOLWRIGHT_DATA_DIR, else ./data. */
  readonly dataDir?: string | undefined;
  /** Default: DATABASE_URL. A postgres:// or postgresql:// URL selects PostgreSQL (`?schema=` is honoured). */
  readonly databaseUrl?: string | undefined;
  /** Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** PostgreSQL pool size per process (default 10). */
  readonly poolSize?: number | undefined;
  /** Default: prisma/<provider>/migrations in this repository. */
  readonly migrationsDir?: string | undefined;
}
