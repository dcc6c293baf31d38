/**
 * API keys: `tw_` + 32 random bytes (base64url). The database keeps the key's sha256 and a short
 * display prefix; the key itself is returned once, at creation, and cannot be recovered.
 *
 * Verification hashes the presented key and looks the hash up (an indexed unique column), so no
 * key comparison happens in application code; a 256-bit random key needs no slow hash (bcrypt
 * and friends protect low-entropy passwords, not random tokens).
 *
 * Scopes: `admin` (everything) and `invoke` (calling published tools). `admin` implies `invoke`.
 */
import { createHash, randomBytes } from "node:crypto";
import type { ApiKeyRecord, ApiKeyScope, Database } from "../db/index";
import { API_KEY_SCOPES } from "../db/index";

export type { ApiKeyRecord, ApiKeyScope } from "../db/index";
export { API_KEY_SCOPES } from "../db/index";

export const API_KEY_PREFIX = "tw_";
/** `tw_` + 43 base64url characters (32 bytes). */
const KEY_PATTERN = /^tw_[A-Za-z0-9_-]{43}$/;
/** Characters of the key kept for display: `tw_` + 8. */
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 8;

export interface GeneratedApiKey {
  /** The key to hand to the caller, once. */
  readonly key: string;
  /** sha256 (hex) of the key: what is stored. */
  readonly keyHash: string;
  /** For display, e.g. `tw_AbCdEfGh`. */
  readonly prefix: string;
}

export function generateApiKey(): GeneratedApiKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString("base64url");
  return { key, keyHash: hashApiKey(key), prefix: key.slice(0, DISPLAY_LENGTH) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** True when the string has the shape of a Toolwright key (cheap check before a lookup). */
export function isApiKeyFormat(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export function isApiKeyScope(value: unknown): value is ApiKeyScope {
  return typeof value === "string" && (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** `admin` may do everything `invoke` may. */
export function scopeAllows(granted: ApiKeyScope, required: ApiKeyScope): boolean {
  return granted === "admin" || granted === required;
}

/** The key from an `Authorization: Bearer <key>` header, or undefined. */
export function parseBearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export interface CreatedApiKey {
  /** Show this to the user once; it is not stored. */
  readonly key: string;
  readonly apiKey: ApiKeyRecord;
}

export async function createApiKey(db: Database, options: { readonly name: string; readonly scope: ApiKeyScope }): Promise<CreatedApiKey> {
  if (!isApiKeyScope(options.scope)) throw new Error(`Key scope must be one of ${API_KEY_SCOPES.join(", ")}`);
  const generated = generateApiKey();
  const apiKey = await db.apiKeys.create({ name: options.name, scope: options.scope, keyHash: generated.keyHash, prefix: generated.prefix });
  return { key: generated.key, apiKey };
}

/**
 * The key's record when the presented key exists and is not revoked, else null; sets
 * `lastUsedAt`. For the request path prefer `createKeyVerifier` (cached, fewer writes).
 */
export async function verifyApiKey(db: Database, presented: string): Promise<ApiKeyRecord | null> {
  return createKeyVerifier(db, { cacheTtlMs: 0 }).verify(presented);
}

export async function revokeApiKey(db: Database, id: string): Promise<ApiKeyRecord | null> {
  return db.apiKeys.revoke(id);
}

/**
 * On a database with no usable admin key, creates one named `name` and returns it (to print
 * once); otherwise returns null. Two servers starting at once on a fresh PostgreSQL may both
 * create one; both keys are valid.
 */
export async function ensureAdminKey(db: Database, name = "initial admin"): Promise<CreatedApiKey | null> {
  if ((await db.apiKeys.countActive("admin")) > 0) return null;
  return createApiKey(db, { name, scope: "admin" });
}

export interface KeyVerifierOptions {
  /**
   * How long a verified key is trusted without asking the database again (default 5000 ms;
   * 0 disables the cache). A key revoked through this verifier is forgotten at once; one revoked
   * by another server process stops working here within this time.
   */
  readonly cacheTtlMs?: number;
  /** lastUsedAt is written at most this often per key (default 60 000 ms), not on every call. */
  readonly touchIntervalMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

export interface KeyVerifier {
  verify(presented: string): Promise<ApiKeyRecord | null>;
  /** Revokes the key and drops it from this verifier's cache. */
  revoke(id: string): Promise<ApiKeyRecord | null>;
  /** Drops every cached entry. */
  clear(): void;
}

/**
 * A verifier for the request path: a short positive cache keeps a key check off the database
 * for most requests. Unknown and revoked keys are never cached, so a new key works at once.
 */
export function createKeyVerifier(db: Database, options: KeyVerifierOptions = {}): KeyVerifier {
  const ttl = options.cacheTtlMs ?? 5_000;
  const touchInterval = options.touchIntervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { record: ApiKeyRecord; until: number }>();
  const lastTouch = new Map<string, number>();

  return {
    async verify(presented) {
      if (!isApiKeyFormat(presented)) return null;
      const keyHash = hashApiKey(presented);
      const time = now();
      const cached = cache.get(keyHash);
      let record: ApiKeyRecord | null;
      if (cached !== undefined && cached.until > time) {
        record = cached.record;
      } else {
        cache.delete(keyHash);
        record = await db.apiKeys.findByHash(keyHash);
        if (record === null || record.revokedAt !== null) return null;
        if (ttl > 0) cache.set(keyHash, { record, until: time + ttl });
      }
      const touched = lastTouch.get(record.id);
      if (touched === undefined || time - touched >= touchInterval) {
        lastTouch.set(record.id, time);
        const at = new Date(time);
        await db.apiKeys.touch(record.id, at);
        record = { ...record, lastUsedAt: at };
      }
      return record;
    },

    async revoke(id) {
      const record = await db.apiKeys.revoke(id);
      for (const [hash, entry] of cache) {
        if (entry.record.id === id) cache.delete(hash);
      }
      return record;
    },

    clear() {
      cache.clear();
    },
  };
}
