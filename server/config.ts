/**
 * Server settings: explicit options win, then environment variables, then defaults. A
 * malformed variable stops the server at start with its name in the message, rather than
 * being ignored.
 */
import { fileURLToPath } from "node:url";
import { allowedHosts } from "../runtime/ssrf";

export interface ServerSettings {
  /** Per-run deadline (TOOLWRIGHT_RUN_TIMEOUT_MS, default 60 000). */
  readonly runTimeoutMs: number;
  /** Requests per minute per key (TOOLWRIGHT_RATE_LIMIT, default 0 = unlimited). */
  readonly rateLimitPerMinute: number;
  /** Largest accepted JSON body in bytes (TOOLWRIGHT_BODY_LIMIT, default "5mb"). */
  readonly bodyLimitBytes: number;
  /** Private hosts http nodes may call (TOOLWRIGHT_ALLOW_HOSTS plus the option). */
  readonly allowHosts: ReadonlySet<string>;
  /** Serve /metrics without a key (TOOLWRIGHT_METRICS_PUBLIC=1); default: admin key. */
  readonly metricsPublic: boolean;
  /** The built editor (TOOLWRIGHT_EDITOR_DIR, default dist/editor of this checkout). */
  readonly editorDir: string | undefined;
  /** OPENAI_API_KEY and OPENAI_BASE_URL. */
  readonly openai: { readonly apiKey: string | undefined; readonly baseURL: string | undefined };
  /** Whether http nodes' secrets fall back to environment variables (TOOLWRIGHT_SECRETS_FROM_ENV, default 1). */
  readonly secretsFromEnv: boolean;
}

export interface SettingsOptions {
  readonly runTimeoutMs?: number;
  readonly rateLimitPerMinute?: number;
  readonly bodyLimit?: string;
  readonly allowHosts?: readonly string[];
  readonly metricsPublic?: boolean;
  /** null: do not serve an editor. */
  readonly editorDir?: string | null;
  readonly openai?: { readonly apiKey?: string; readonly baseURL?: string };
  readonly secretsFromEnv?: boolean;
}

export const DEFAULT_EDITOR_DIR = fileURLToPath(new URL("../dist/editor", import.meta.url));

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number): number {
  const text = nonEmpty(env[name]);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${String(min)}, not ${JSON.stringify(text)}`);
  return value;
}

const UNIT_BYTES: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** "5mb", "512kb", "100000" as bytes (1 kb = 1024 bytes, as body-parser counts). */
function byteSize(text: string): number {
  const match = /^(\d+)(b|kb|mb)?$/i.exec(text);
  const count = match?.[1] === undefined ? Number.NaN : Number(match[1]) * (UNIT_BYTES[(match[2] ?? "b").toLowerCase()] ?? Number.NaN);
  if (!Number.isSafeInteger(count)) throw new Error(`TOOLWRIGHT_BODY_LIMIT must look like 5mb, 512kb or 100000, not ${JSON.stringify(text)}`);
  return count;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const text = nonEmpty(env[name])?.toLowerCase();
  if (text === undefined) return fallback;
  if (["1", "true", "yes", "on"].includes(text)) return true;
  if (["0", "false", "no", "off"].includes(text)) return false;
  throw new Error(`${name} must be 1 or 0 (true/false), not ${JSON.stringify(text)}`);
}

export function resolveSettings(options: SettingsOptions, env: Env = process.env): ServerSettings {
  const bodyLimit = options.bodyLimit ?? nonEmpty(env.TOOLWRIGHT_BODY_LIMIT) ?? "5mb";
  const hosts = new Set(allowedHosts({ TOOLWRIGHT_ALLOW_HOSTS: env.TOOLWRIGHT_ALLOW_HOSTS }));
  for (const host of options.allowHosts ?? []) hosts.add(host.trim().toLowerCase());
  return {
    runTimeoutMs: options.runTimeoutMs ?? integer(env, "TOOLWRIGHT_RUN_TIMEOUT_MS", 60_000, 1),
    rateLimitPerMinute: options.rateLimitPerMinute ?? integer(env, "TOOLWRIGHT_RATE_LIMIT", 0, 0),
    bodyLimitBytes: byteSize(bodyLimit),
    allowHosts: hosts,
    metricsPublic: options.metricsPublic ?? flag(env, "TOOLWRIGHT_METRICS_PUBLIC", false),
    editorDir: options.editorDir === null ? undefined : (options.editorDir ?? nonEmpty(env.TOOLWRIGHT_EDITOR_DIR) ?? DEFAULT_EDITOR_DIR),
    openai: {
      apiKey: options.openai?.apiKey ?? nonEmpty(env.OPENAI_API_KEY),
      baseURL: options.openai?.baseURL ?? nonEmpty(env.OPENAI_BASE_URL),
    },
    secretsFromEnv: options.secretsFromEnv ?? flag(env, "TOOLWRIGHT_SECRETS_FROM_ENV", true),
  };
}
