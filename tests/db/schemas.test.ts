/**
 * One source of truth for the models: prisma/{sqlite,postgres}/schema.prisma must be exactly what
 * prisma/schemas.ts renders from prisma/models.prisma, and the lock files must name the right
 * provider. (That the migrations cover the models is checked in migrations.test.ts.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { migrationsPath, providers, renderSchema, schemaPath } from "../../prisma/schemas";

describe("prisma schemas", () => {
  it.each(providers)("prisma/%s/schema.prisma is rendered from models.prisma (run: npx tsx prisma/schemas.ts)", (provider) => {
    expect(readFileSync(schemaPath(provider), "utf8")).toBe(renderSchema(provider));
  });

  it.each(providers)("prisma/%s uses the prisma-client generator with the client engine", (provider) => {
    const schema = renderSchema(provider);
    expect(schema).toMatch(/provider\s+=\s+"prisma-client"/);
    expect(schema).toMatch(/engineType\s+=\s+"client"/);
    expect(schema).toContain(`output                 = "../generated/${provider}"`);
    const lock = readFileSync(join(migrationsPath(provider), "migration_lock.toml"), "utf8");
    expect(lock).toContain(`provider = "${provider === "sqlite" ? "sqlite" : "postgresql"}"`);
  });

  it("renders the same models for both providers", () => {
    const body = (provider: (typeof providers)[number]) => renderSchema(provider).split("datasource db {")[1]?.split("}\n").slice(1).join("}\n");
    expect(body("sqlite")).toBe(body("postgres"));
  });
});
