import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { ToolError } from "./tool-runtime";

/** Private, loopback, link-local and other non-public ranges (IPv4 as [prefix, bits]). */
const BLOCKED_V4: readonly (readonly [number, number])[] = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16],
  [0xac100000, 12], [0xc0000000, 24], [0xc0a80000, 16], [0xc6120000, 15], [0xe0000000, 3],
];

function v4ToInt(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

export function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const n = v4ToInt(ip);
    return BLOCKED_V4.some(([prefix, bits]) => (n >>> (32 - bits)) === (prefix >>> (32 - bits)));
  }
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1] !== undefined) return isPrivateAddress(mapped[1]);
  return lower === "::" || lower === "::1" || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
}

/** Hosts (names or IPs) from TOOLWRIGHT_ALLOW_HOSTS that may be private. */
export function allowedHosts(env: NodeJS.ProcessEnv = process.env): Set<string> {
  return new Set((env.TOOLWRIGHT_ALLOW_HOSTS ?? "").split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== ""));
}

/**
 * An SSRF guard for the http node: refuses URLs whose host resolves to a private,
 * loopback or link-local address unless the host is allowed by TOOLWRIGHT_ALLOW_HOSTS.
 */
export function ssrfGuard(allowed: ReadonlySet<string> = allowedHosts()): (url: URL) => Promise<void> {
  return async (url) => {
    const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (allowed.has(host)) return;
    const addresses = isIP(host) === 0 ? await resolveAll(host) : [host];
    const blocked = addresses.find((a) => isPrivateAddress(a) && !allowed.has(a));
    if (blocked !== undefined) {
      throw new ToolError("HOST_NOT_ALLOWED", `refused to call ${url.host}: it resolves to the private or loopback address ${blocked}; add the host to TOOLWRIGHT_ALLOW_HOSTS to allow it`);
    }
  };
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch (error) {
    throw new ToolError("HTTP_UNREACHABLE", `cannot resolve ${host}: ${error instanceof Error ? error.message : String(error)}`, undefined, true);
  }
}
