/**
 * Named secrets (API tokens for HTTP nodes, the OpenAI key…), encrypted at rest.
 *
 * - AES-256-GCM with a fresh 96-bit IV per write; the secret's name is the additional
 *   authenticated data, so a ciphertext copied onto another name does not decrypt.
 * - Stored envelope: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id (8 hex
 *   characters derived from the master key) turns "wrong master key" into a clear error instead
 *   of a generic authentication failure, and leaves room for key rotation.
 * - Master key: TOOLWRIGHT_SECRET_KEY (base64 of 32 bytes). Without it, with SQLite, a key is
 *   generated once into `<dataDir>/secret.key` (mode 0600) next to the database. With
 *   PostgreSQL the variable is required, because every server process sharing the database must
 *   use the same key; the error is raised when a secret is first read or written, so a server
 *   that uses no secrets starts without it.
 * - Values are never logged: no message in this module contains a value or the key, and the
 *   store keeps the key in a closure (nothing to print by accident).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Database, DatabaseProvider, SecretInfo } from "../db/index";

export type { SecretInfo } from "../db/index";

export const SECRET_KEY_ENV = "TOOLWRIGHT_SECRET_KEY";
export const SECRET_KEY_FILE = "secret.key";
const VERSION = "v1";
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

export type SecretErrorCode =
  /** TOOLWRIGHT_SECRET_KEY is missing (PostgreSQL) or malformed, or secret.key is unreadable. */
  | "secret_key_invalid"
  /** The value was encrypted under another master key. */
  | "wrong_key"
  /** The stored envelope is damaged or was tampered with. */
  | "corrupt"
  /** Names: a letter or _, then letters, digits, _ . -; at most 128 characters. */
  | "invalid_name";

export class SecretError extends Error {
  override readonly name = "SecretError";
  readonly code: SecretErrorCode;

  constructor(code: SecretErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isValidSecretName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

function checkName(name: string): void {
  if (!isValidSecretName(name)) {
    throw new SecretError("invalid_name", `Invalid secret name ${JSON.stringify(name.slice(0, 140))}: use letters, digits, _ . - (starting with a letter or _), at most 128 characters`);
  }
}

/** Decodes a base64 (or base64url) master key; it must be exactly 32 bytes. */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, "base64") : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new SecretError("secret_key_invalid", `${source} must be 32 bytes encoded as base64 (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

export interface MasterKeyOptions {
  readonly provider: DatabaseProvider;
  readonly dataDir: string;
  /** Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The master key: TOOLWRIGHT_SECRET_KEY, else (SQLite only) `<dataDir>/secret.key`, created with
 * a random key on first use.
 */
export function loadMasterKey(options: MasterKeyOptions): Buffer {
  const env = options.env ?? process.env;
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return parseMasterKey(fromEnv, SECRET_KEY_ENV);
  if (options.provider === "postgres") {
    throw new SecretError(
      "secret_key_invalid",
      `${SECRET_KEY_ENV} is required with PostgreSQL: every server sharing the database must use the same key (generate one with \`openssl rand -base64 32\`)`,
    );
  }
  const file = join(options.dataDir, SECRET_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    try {
      // `wx`: if another process created the file first, use theirs.
      writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
    }
    chmodSync(file, 0o600);
  }
  return parseMasterKey(readFileSync(file, "utf8"), file);
}

/** 8 hex characters identifying a master key (not reversible to the key). */
export function masterKeyId(key: Buffer): string {
  return createHash("sha256").update("toolwright-secret-key-id\0").update(key).digest("hex").slice(0, 8);
}

function aad(name: string): Buffer {
  return Buffer.from(`toolwright-secret:${VERSION}:${name}`, "utf8");
}

export function encryptSecret(key: Buffer, name: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad(name));
  const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, masterKeyId(key), iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function decryptSecret(key: Buffer, name: string, envelope: string): string {
  const parts = envelope.split(".");
  const [version, keyId, iv, tag, ciphertext] = parts;
  if (parts.length !== 5 || version !== VERSION || keyId === undefined || iv === undefined || tag === undefined || ciphertext === undefined) {
    throw new SecretError("corrupt", `Secret ${JSON.stringify(name)} is not a ${VERSION} envelope`);
  }
  if (keyId !== masterKeyId(key)) {
    throw new SecretError("wrong_key", `Secret ${JSON.stringify(name)} was encrypted with another master key (key id ${keyId}); set ${SECRET_KEY_ENV} to that key`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(aad(name));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretError("corrupt", `Secret ${JSON.stringify(name)} failed authentication (damaged or tampered with)`);
  }
}

export interface SecretStore {
  /** Creates or replaces. */
  set(name: string, value: string): Promise<void>;
  /** The plaintext, or undefined when there is no such secret. */
  get(name: string): Promise<string | undefined>;
  has(name: string): Promise<boolean>;
  delete(name: string): Promise<boolean>;
  /** Names and timestamps only. */
  list(): Promise<SecretInfo[]>;
}

export interface SecretStoreOptions {
  /** Default: loadMasterKey for the database's provider and data dir, on first use. */
  readonly masterKey?: Buffer | (() => Buffer);
  /** Default: process.env (only read when masterKey is not given). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function createSecretStore(db: Database, options: SecretStoreOptions = {}): SecretStore {
  let cachedKey: Buffer | undefined;
  const key = (): Buffer => {
    if (cachedKey !== undefined) return cachedKey;
    const given = options.masterKey;
    const loaded =
      given === undefined
        ? loadMasterKey({ provider: db.provider, dataDir: db.dataDir, ...(options.env === undefined ? {} : { env: options.env }) })
        : typeof given === "function"
          ? given()
          : given;
    if (loaded.length !== 32) throw new SecretError("secret_key_invalid", "The master key must be 32 bytes");
    cachedKey = loaded;
    return loaded;
  };

  return {
    async set(name, value) {
      checkName(name);
      await db.secrets.put(name, encryptSecret(key(), name, value));
    },
    async get(name) {
      checkName(name);
      const row = await db.secrets.get(name);
      return row === null ? undefined : decryptSecret(key(), name, row.value);
    },
    async has(name) {
      checkName(name);
      return (await db.secrets.get(name)) !== null;
    },
    async delete(name) {
      checkName(name);
      return db.secrets.delete(name);
    },
    list() {
      return db.secrets.list();
    },
  };
}
