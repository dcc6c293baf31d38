/**
 * Prisma CLI configuration (generate, migrate deploy/status/diff). The server does not use this
 * file: server/db opens its own adapter and applies migrations in process.
 *
 * The database is chosen exactly as the server chooses it (server/db/target.ts): PostgreSQL when
 * DATABASE_URL is a postgres URL, else SQLite in TOOLWRIGHT_DATA_DIR (default ./data). The
 * matching schema (prisma/<provider>/schema.prisma) and migrations folder follow.
 *
 * The adapter path (`engine: "js"`) needs no native Prisma engine, so it works offline.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { createCliPgAdapter } from "./prisma/pg-adapter";
import { resolveTarget } from "./server/db/target";

const target = resolveTarget();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: `prisma/${target.provider}/schema.prisma`,
  migrations: { path: `prisma/${target.provider}/migrations` },
  adapter: () => {
    if (target.provider === "postgres") return Promise.resolve(createCliPgAdapter(target.url));
    mkdirSync(dirname(target.file), { recursive: true });
    return Promise.resolve(new PrismaBetterSQLite3({ url: `file:${target.file}` }));
  },
});
