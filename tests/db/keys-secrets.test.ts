/**
 * API keys (server/keys) and encrypted secrets (server/secrets) on both databases.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database, OpenDatabaseOptions } from "../../server/db/index";
import {
  createApiKey,
  createKeyVerifier,
  ensureAdminKey,
  generateApiKey,
  hashApiKey,
  isApiKeyFormat,
  parseBearer,
  revokeApiKey,
  scopeAllows,
  verifyApiKey,
} from "../../server/keys/index";
import {
  SECRET_KEY_ENV,
  SecretError,
  createSecretStore,
  decryptSecret,
  encryptSecret,
  loadMasterKey,
  masterKeyId,
} from "../../server/secrets/index";
import { databaseBackends, freshDatabaseEachTest, querySql } from "../support/databases";

function secretError(work: () => unknown): SecretError {
  try {
    work();
  } catch (error) {
    if (error instanceof SecretError) return error;
    throw error;
  }
  throw new Error("expected a SecretError");
}

async function secretErrorAsync(work: Promise<unknown>): Promise<SecretError> {
  const error: unknown = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof SecretError) return error;
  throw new Error(`expected a SecretError, got ${String(error)}`);
}

describe("api key format", () => {
  it("is tw_ + 32 random bytes in base64url, stored as sha256 with a display prefix", () => {
    const generated = generateApiKey();
    expect(generated.key).toMatch(/^tw_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(generated.key.slice(3), "base64url")).toHaveLength(32);
    expect(generated.keyHash).toBe(hashApiKey(generated.key));
    expect(generated.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(generated.prefix).toBe(generated.key.slice(0, 11));
    expect(generateApiKey().key).not.toBe(generated.key);
    expect(isApiKeyFormat(generated.key)).toBe(true);
    expect(isApiKeyFormat(`${generated.key}x`)).toBe(false);
    expect(isApiKeyFormat("sk-something")).toBe(false);
  });

  it("parses bearer headers and orders scopes", () => {
    expect(parseBearer("Bearer tw_abc")).toBe("tw_abc");
    expect(parseBearer("bearer   tw_abc ")).toBe("tw_abc");
    expect(parseBearer("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(parseBearer(undefined)).toBeUndefined();
    expect(scopeAllows("admin", "invoke")).toBe(true);
    expect(scopeAllows("admin", "admin")).toBe(true);
    expect(scopeAllows("invoke", "invoke")).toBe(true);
    expect(scopeAllows("invoke", "admin")).toBe(false);
  });
});

describe("secret envelope", () => {
  const key = randomBytes(32);

  it("round-trips, never contains the plaintext, and differs on every write", () => {
    const sealed = encryptSecret(key, "OPENAI_API_KEY", "sk-very-secret-value");
    expect(sealed).not.toContain("sk-very-secret-value");
    expect(sealed.startsWith(`v1.${masterKeyId(key)}.`)).toBe(true);
    expect(encryptSecret(key, "OPENAI_API_KEY", "sk-very-secret-value")).not.toBe(sealed);
    expect(decryptSecret(key, "OPENAI_API_KEY", sealed)).toBe("sk-very-secret-value");
    expect(decryptSecret(key, "EMPTY", encryptSecret(key, "EMPTY", ""))).toBe("");
    expect(decryptSecret(key, "U", encryptSecret(key, "U", "ünïcødé ✓"))).toBe("ünïcødé ✓");
  });

  it("refuses another master key, another name and tampering, without echoing the value", () => {
    const sealed = encryptSecret(key, "TOKEN", "hunter2");
    const wrongKey = secretError(() => decryptSecret(randomBytes(32), "TOKEN", sealed));
    expect(wrongKey.code).toBe("wrong_key");
    expect(secretError(() => decryptSecret(key, "OTHER", sealed)).code).toBe("corrupt");
    const parts = sealed.split(".");
    const ciphertext = Buffer.from(parts[4] ?? "", "base64url");
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    const tampered = [...parts.slice(0, 4), ciphertext.toString("base64url")].join(".");
    const corrupt = secretError(() => decryptSecret(key, "TOKEN", tampered));
    expect(corrupt.code).toBe("corrupt");
    expect(secretError(() => decryptSecret(key, "TOKEN", "plaintext")).code).toBe("corrupt");
    for (const error of [wrongKey, corrupt]) expect(error.message).not.toContain("hunter2");
  });
});

describe("master key", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "toolwright-key-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("comes from TOOLWRIGHT_SECRET_KEY when set", () => {
    const key = randomBytes(32);
    expect(loadMasterKey({ provider: "postgres", dataDir: dir, env: { [SECRET_KEY_ENV]: key.toString("base64") } }).equals(key)).toBe(true);
    expect(loadMasterKey({ provider: "sqlite", dataDir: dir, env: { [SECRET_KEY_ENV]: key.toString("base64url") } }).equals(key)).toBe(true);
    expect(existsSync(join(dir, "secret.key"))).toBe(false);
    expect(secretError(() => loadMasterKey({ provider: "sqlite", dataDir: dir, env: { [SECRET_KEY_ENV]: "too-short" } })).code).toBe("secret_key_invalid");
  });

  it("is generated once into <dataDir>/secret.key with mode 0600 for SQLite", () => {
    const first = loadMasterKey({ provider: "sqlite", dataDir: join(dir, "nested"), env: {} });
    const file = join(dir, "nested", "secret.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, "utf8").trim(), "base64").equals(first)).toBe(true);
    expect(loadMasterKey({ provider: "sqlite", dataDir: join(dir, "nested"), env: {} }).equals(first)).toBe(true);
  });

  it("is required from the environment for PostgreSQL", () => {
    const error = secretError(() => loadMasterKey({ provider: "postgres", dataDir: dir, env: {} }));
    expect(error.code).toBe("secret_key_invalid");
    expect(error.message).toContain(SECRET_KEY_ENV);
  });
});

describe.each(databaseBackends())("keys and secrets on $provider", (backend) => {
  const t = freshDatabaseEachTest(backend);

  it("creates a key shown once and stores only its hash and prefix", async () => {
    const { key, apiKey } = await createApiKey(t.db, { name: "ci", scope: "invoke" });
    expect(apiKey).toMatchObject({ name: "ci", scope: "invoke", prefix: key.slice(0, 11), revokedAt: null });
    expect(await t.db.apiKeys.findByHash(hashApiKey(key))).toEqual(apiKey);
    expect(JSON.stringify(await t.db.apiKeys.list())).not.toContain(key);
  });

  it("verifies a valid key, refuses a wrong, malformed or revoked one", async () => {
    const { key, apiKey } = await createApiKey(t.db, { name: "agent", scope: "invoke" });
    const verified = await verifyApiKey(t.db, key);
    expect(verified).toMatchObject({ id: apiKey.id, scope: "invoke" });
    expect(verified?.lastUsedAt).toBeInstanceOf(Date);
    expect((await t.db.apiKeys.get(apiKey.id))?.lastUsedAt).toBeInstanceOf(Date);

    expect(await verifyApiKey(t.db, generateApiKey().key)).toBeNull();
    expect(await verifyApiKey(t.db, `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(await verifyApiKey(t.db, "")).toBeNull();
    expect(await verifyApiKey(t.db, "not a key")).toBeNull();

    expect((await revokeApiKey(t.db, apiKey.id))?.revokedAt).toBeInstanceOf(Date);
    expect(await verifyApiKey(t.db, key)).toBeNull();
  });

  it("caches verified keys briefly, forgets keys it revokes, and touches lastUsedAt sparingly", async () => {
    let clock = Date.parse("2026-03-01T00:00:00.000Z");
    const verifier = createKeyVerifier(t.db, { cacheTtlMs: 5_000, touchIntervalMs: 60_000, now: () => clock });
    const { key, apiKey } = await createApiKey(t.db, { name: "agent", scope: "admin" });
    const other = await createApiKey(t.db, { name: "other", scope: "invoke" });

    expect((await verifier.verify(key))?.id).toBe(apiKey.id);
    expect((await t.db.apiKeys.get(apiKey.id))?.lastUsedAt?.getTime()).toBe(clock);
    clock += 1_000;
    expect((await verifier.verify(key))?.id).toBe(apiKey.id);
    expect((await t.db.apiKeys.get(apiKey.id))?.lastUsedAt?.getTime()).toBe(clock - 1_000);

    // Revoked elsewhere (another process): still trusted until the cache entry expires.
    await t.db.apiKeys.revoke(apiKey.id);
    expect((await verifier.verify(key))?.id).toBe(apiKey.id);
    clock += 5_000;
    expect(await verifier.verify(key)).toBeNull();

    // Revoked through the verifier: refused at once.
    expect((await verifier.verify(other.key))?.id).toBe(other.apiKey.id);
    await verifier.revoke(other.apiKey.id);
    expect(await verifier.verify(other.key)).toBeNull();
  });

  it("creates the first admin key once", async () => {
    const first = await ensureAdminKey(t.db);
    expect(first?.apiKey.scope).toBe("admin");
    expect(await ensureAdminKey(t.db)).toBeNull();
    if (first === null) throw new Error("expected a key");
    await t.db.apiKeys.revoke(first.apiKey.id);
    expect((await ensureAdminKey(t.db))?.apiKey.scope).toBe("admin");
  });

  it("round-trips secrets, stores only ciphertext, lists names and deletes", async () => {
    const masterKey = randomBytes(32);
    const secrets = createSecretStore(t.db, { masterKey });
    await secrets.set("SHOP_TOKEN", "shop-plaintext-value-123");
    await secrets.set("OPENAI_API_KEY", "sk-plaintext-456");
    expect(await secrets.get("SHOP_TOKEN")).toBe("shop-plaintext-value-123");
    expect(await secrets.get("MISSING")).toBeUndefined();
    expect(await secrets.has("SHOP_TOKEN")).toBe(true);
    expect((await secrets.list()).map((s) => s.name)).toEqual(["OPENAI_API_KEY", "SHOP_TOKEN"]);

    const stored = await t.db.secrets.get("SHOP_TOKEN");
    expect(stored?.value).toBeDefined();
    expect(stored?.value).not.toContain("shop-plaintext-value-123");
    expect(stored?.value.startsWith("v1.")).toBe(true);

    // Straight from the database, bypassing the repository: no plaintext anywhere in the table.
    const raw = await rawSecretValues(t.db, t.options);
    expect(raw).toHaveLength(2);
    for (const value of raw) {
      expect(value).not.toContain("plaintext");
    }

    await secrets.set("SHOP_TOKEN", "rotated");
    expect(await secrets.get("SHOP_TOKEN")).toBe("rotated");
    expect(await secrets.delete("SHOP_TOKEN")).toBe(true);
    expect(await secrets.get("SHOP_TOKEN")).toBeUndefined();

    const otherKey = createSecretStore(t.db, { masterKey: randomBytes(32) });
    expect((await secretErrorAsync(otherKey.get("OPENAI_API_KEY"))).code).toBe("wrong_key");
    expect((await secretErrorAsync(secrets.set("bad name", "x"))).code).toBe("invalid_name");
  });

  it("finds its master key the provider's way", async () => {
    const secrets = createSecretStore(t.db, { env: {} });
    if (backend.provider === "sqlite") {
      await secrets.set("A", "value");
      expect(statSync(join(t.options.dataDir, "secret.key")).mode & 0o777).toBe(0o600);
      expect(await createSecretStore(t.db, { env: {} }).get("A")).toBe("value");
    } else {
      expect((await secretErrorAsync(secrets.set("A", "value"))).code).toBe("secret_key_invalid");
      const env = { [SECRET_KEY_ENV]: randomBytes(32).toString("base64") };
      await createSecretStore(t.db, { env }).set("A", "value");
      expect(await createSecretStore(t.db, { env }).get("A")).toBe("value");
    }
  });
});

/** The Secret table's value column, read with the bare driver (and, for SQLite, the raw file bytes). */
async function rawSecretValues(db: Database, options: OpenDatabaseOptions): Promise<string[]> {
  const values = (await querySql(options, `SELECT "value" FROM "Secret"`)).map((row) => String(row[0]));
  if (db.provider === "postgres") return values;
  // The SQLite file itself (WAL included) must not hold the plaintext either.
  const bytes = [db.location, `${db.location}-wal`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString("latin1"))
    .join("");
  return bytes.includes("plaintext") ? [...values, "plaintext found in the database file"] : values;
}
