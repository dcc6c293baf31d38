/**
 * Where an http node's named secret comes from at run time: the encrypted secret store first,
 * then the environment.
 *
 * The environment fallback never hands out the server's own configuration (`TOOLWRIGHT_*`,
 * `DATABASE_URL`): a graph author must not be able to send the master key or the database
 * password to a URL of their choosing. Values read from the store are cached for a few
 * seconds (a secret changed through this server is forgotten at once; one changed by another
 * server process is picked up within the TTL).
 */
import { SecretError, type SecretStore } from "./secrets/index";

export interface SecretSource {
  get(name: string): Promise<string | undefined>;
  /** Drops a cached value (after it was changed or deleted). */
  forget(name: string): void;
}

const PROTECTED_ENV = /^(TOOLWRIGHT_|DATABASE_URL$)/;

export interface SecretSourceOptions {
  readonly store: SecretStore;
  /** Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Whether names fall back to environment variables (default true). */
  readonly fromEnv?: boolean;
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export function createSecretSource(options: SecretSourceOptions): SecretSource {
  const env = options.env ?? process.env;
  const fromEnv = options.fromEnv ?? true;
  const ttl = options.ttlMs ?? 5_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { value: string | undefined; until: number }>();

  return {
    async get(name) {
      const cached = cache.get(name);
      if (cached !== undefined && cached.until > now()) return cached.value ?? environment(name);
      let stored: string | undefined;
      try {
        stored = await options.store.get(name);
      } catch (error) {
        // An invalid name cannot be in the store (the environment may still have it);
        // a key or decryption problem must not be papered over.
        if (!(error instanceof SecretError && error.code === "invalid_name")) throw error;
      }
      cache.set(name, { value: stored, until: now() + ttl });
      return stored ?? environment(name);
    },
    forget(name) {
      cache.delete(name);
    },
  };

  function environment(name: string): string | undefined {
    if (!fromEnv || PROTECTED_ENV.test(name)) return undefined;
    const value = env[name];
    return value === undefined || value === "" ? undefined : value;
  }
}
