/**
 * The slice of Prisma Client that the repository uses, declared once for both providers.
 *
 * Why: Prisma generates one client per provider (prisma/generated/sqlite, …/postgres). Their
 * model APIs are the same, but their types are distinct and not assignable to each other as a
 * whole (e.g. transaction isolation levels differ). Declaring the exact calls the repository
 * makes, with concrete argument and row types, lets one implementation serve both: each
 * generated client is checked against this interface where it is created (server/db/index.ts),
 * so a model change that breaks a call fails `tsc`, for either provider.
 */

export interface ToolRow {
  id: string;
  name: string;
  description: string;
  draftGraph: string;
  latestVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export const toolSummarySelect = {
  id: true,
  name: true,
  description: true,
  latestVersion: true,
  createdAt: true,
  updatedAt: true,
} as const;
export type ToolSummaryRow = Omit<ToolRow, "draftGraph">;

export interface ToolVersionRow {
  id: string;
  toolId: string;
  number: number;
  graph: string;
  files: string;
  contentHash: string;
  compilerVersion: string;
  verification: string;
  signature: string;
  createdAt: Date;
}

export const versionSummarySelect = {
  id: true,
  toolId: true,
  number: true,
  contentHash: true,
  compilerVersion: true,
  signature: true,
  createdAt: true,
} as const;
export type ToolVersionSummaryRow = Omit<ToolVersionRow, "graph" | "files" | "verification">;

export interface RunRow {
  id: string;
  toolId: string;
  toolVersionId: string | null;
  status: string;
  input: string;
  output: string | null;
  error: string | null;
  trace: string;
  startedAt: Date;
  durationMs: number;
  callerKeyId: string | null;
  requestId: string | null;
}

const runJoins = {
  tool: { select: { name: true } },
  toolVersion: { select: { number: true } },
} as const;

export const runSummarySelect = {
  id: true,
  toolId: true,
  toolVersionId: true,
  status: true,
  error: true,
  startedAt: true,
  durationMs: true,
  callerKeyId: true,
  requestId: true,
  ...runJoins,
} as const;

interface RunJoinRow {
  tool: { name: string };
  toolVersion: { number: number } | null;
}
export type RunSummaryRow = Omit<RunRow, "input" | "output" | "trace"> & RunJoinRow;
export type RunFullRow = RunRow & RunJoinRow;
export const runInclude = runJoins;

export interface ApiKeyRow {
  id: string;
  name: string;
  scope: string;
  keyHash: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface SecretRow {
  name: string;
  value: string;
  createdAt: Date;
  updatedAt: Date;
}

export const secretInfoSelect = { name: true, createdAt: true, updatedAt: true } as const;

export interface RunWhere {
  toolId?: string;
  toolVersionId?: string;
  status?: string;
  startedAt?: { lt: Date };
}

/** Model delegates: what both a client and a transaction client offer. */
export interface Models {
  tool: {
    create(args: { data: { name: string; description: string; draftGraph: string } }): PromiseLike<ToolRow>;
    findMany(args: {
      where?: { latestVersion: { gt: number } };
      select: typeof toolSummarySelect;
      orderBy: { name: "asc" };
    }): PromiseLike<ToolSummaryRow[]>;
    findUnique(args: { where: { id: string } | { name: string } }): PromiseLike<ToolRow | null>;
    update(args: {
      where: { id: string };
      data: { name?: string; description?: string; draftGraph?: string; latestVersion?: { increment: number } };
    }): PromiseLike<ToolRow>;
    deleteMany(args: { where: { id: string } }): PromiseLike<{ count: number }>;
  };
  toolVersion: {
    create(args: {
      data: Omit<ToolVersionRow, "id" | "createdAt">;
    }): PromiseLike<ToolVersionRow>;
    findMany(args: {
      where: { toolId: string } | { OR: { toolId: string; number: number }[] };
      select: typeof versionSummarySelect;
      orderBy: { number: "desc" };
    }): PromiseLike<ToolVersionSummaryRow[]>;
    findUnique(args: { where: { toolId_number: { toolId: string; number: number } } | { id: string } }): PromiseLike<ToolVersionRow | null>;
  };
  run: {
    findMany(args: {
      where: RunWhere;
      select: typeof runSummarySelect;
      orderBy: [{ startedAt: "desc" }, { id: "desc" }];
      take: number;
    }): PromiseLike<RunSummaryRow[]>;
    findUnique(args: { where: { id: string }; include: typeof runInclude }): PromiseLike<RunFullRow | null>;
  };
  apiKey: {
    create(args: { data: { name: string; scope: string; keyHash: string; prefix: string } }): PromiseLike<ApiKeyRow>;
    findUnique(args: { where: { keyHash: string } | { id: string } }): PromiseLike<ApiKeyRow | null>;
    findMany(args: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] }): PromiseLike<ApiKeyRow[]>;
    updateMany(args: {
      where: { id: string; revokedAt?: null };
      data: { revokedAt: Date } | { lastUsedAt: Date };
    }): PromiseLike<{ count: number }>;
    count(args: { where: { revokedAt: null; scope?: string } }): PromiseLike<number>;
  };
  secret: {
    upsert(args: { where: { name: string }; create: { name: string; value: string }; update: { value: string } }): PromiseLike<SecretRow>;
    findUnique(args: { where: { name: string } }): PromiseLike<SecretRow | null>;
    findMany(args: { select: typeof secretInfoSelect; orderBy: { name: "asc" } }): PromiseLike<Omit<SecretRow, "value">[]>;
    deleteMany(args: { where: { name: string } }): PromiseLike<{ count: number }>;
  };
}

export interface Client extends Models {
  $transaction<R>(fn: (tx: Models) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
  $queryRawUnsafe(sql: string): PromiseLike<unknown>;
  $executeRawUnsafe(sql: string): PromiseLike<number>;
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
}
