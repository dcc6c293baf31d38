import { lookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { Agent } from "undici";
import { isToolError, ToolError } from "./tool-runtime";

/** Private, loopback, link-local and other non-public ranges (IPv4 as [prefix, bits]). */
const BLOCKED_V4: readonly (readonly [number, number])[] = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16],
  [0xac100000, 12], [0xc0000000, 24], [0xc0a80000, 16], [0xc6120000, 15], [0xe0000000, 3],
];

function v4ToInt(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function isPrivateV4(n: number): boolean {
  return BLOCKED_V4.some(([prefix, bits]) => n >>> (32 - bits) === prefix >>> (32 - bits));
}

/** The eight 16-bit groups of an IPv6 address (any spelling: `::`, embedded dotted IPv4, zone id), or undefined. */
export function ipv6Groups(ip: string): number[] | undefined {
  let text = ip.toLowerCase().replace(/%.*$/, "");
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    if (isIP(dotted[1]) !== 4) return undefined;
    const n = v4ToInt(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined): string[] => (part === undefined || part === "" ? [] : part.split(":"));
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => "0"), ...tail].map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : Number.NaN));
  return groups.some((g) => Number.isNaN(g)) ? undefined : groups;
}

/**
 * Private, loopback, link-local, unique-local, multicast and unspecified addresses, in IPv4 and
 * IPv6, including IPv4 addresses carried inside IPv6 ones (mapped `::ffff:7f00:1`, translated,
 * compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`), which a dual-stack socket may reach.
 * Anything that is not an IP address counts as private (refuse what cannot be classified).
 */
export function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 4) return isPrivateV4(v4ToInt(ip));
  const g = ipv6Groups(ip);
  if (g === undefined || g.length !== 8) return true;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = ((g6 << 16) | g7) >>> 0;
  const leadingZeros = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;
  if (leadingZeros && g4 === 0 && g5 === 0) return isPrivateV4(embedded); // ::, ::1 (0.0.0.x) and ::a.b.c.d (compatible)
  if (leadingZeros && g4 === 0 && g5 === 0xffff) return isPrivateV4(embedded); // ::ffff:a.b.c.d (mapped)
  if (leadingZeros && g4 === 0xffff && g5 === 0) return isPrivateV4(embedded); // ::ffff:0:a.b.c.d (translated)
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPrivateV4(embedded); // NAT64
  if (g0 === 0x2002) return isPrivateV4(((g1 << 16) | g2) >>> 0); // 6to4
  return (g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0 || (g0 & 0xff00) === 0xff00;
}

/** Hosts (names or IPs) from TOOLWRIGHT_ALLOW_HOSTS that may be private. */
export function allowedHosts(env: NodeJS.ProcessEnv = process.env): Set<string> {
  return new Set((env.TOOLWRIGHT_ALLOW_HOSTS ?? "").split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== ""));
}

/** A host's addresses (the system resolver by default; tests answer for hosts of their own). */
export type AddressResolver = (host: string) => Promise<string[]>;

const systemResolver: AddressResolver = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

function refusal(host: string, address: string): ToolError {
  return new ToolError("HOST_NOT_ALLOWED", `refused to call ${host}: it resolves to the private or loopback address ${address}; add the host to TOOLWRIGHT_ALLOW_HOSTS to allow it`);
}

/** The private address among `addresses` that `host` may not reach, if any (allowed hosts and addresses pass). */
function firstBlocked(host: string, addresses: readonly string[], allowed: ReadonlySet<string>): string | undefined {
  if (allowed.has(host)) return undefined;
  return addresses.find((a) => isPrivateAddress(a) && !allowed.has(a));
}

/** A URL's host as addresses are compared: lower case, IPv6 without its brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
}

async function resolveAll(host: string, resolve: AddressResolver): Promise<string[]> {
  try {
    return await resolve(host);
  } catch (error) {
    throw new ToolError("HTTP_UNREACHABLE", `cannot resolve ${host}: ${error instanceof Error ? error.message : String(error)}`, undefined, true);
  }
}

/**
 * `fetch` that calls only public addresses, or allowed ones (TOOLWRIGHT_ALLOW_HOSTS). A literal
 * IP host is checked before the request; a name is checked in the connection's own DNS
 * lookup, so the address connected to is the address vetted. Why not check the URL and then
 * fetch: fetch resolves the name again, and a name that answered a public address to the
 * check can answer 127.0.0.1 to the connection (DNS rebinding). One lookup per connection.
 */
export function guardedFetch(allowed: ReadonlySet<string> = allowedHosts(), resolve: AddressResolver = systemResolver): typeof fetch {
  const dispatcher = new Agent({ connect: { lookup: vettedLookup(allowed, resolve) } });
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const host = bareHost(url);
    // Connections to literal IPs skip the lookup.
    const blocked = isIP(host) === 0 ? undefined : firstBlocked(host, [host], allowed);
    if (blocked !== undefined) throw refusal(url.host, blocked);
    // Node's fetch (undici inside) reads `dispatcher`; the DOM's RequestInit type does not know it.
    const withDispatcher: RequestInit & { readonly dispatcher: Agent } = { ...init, dispatcher };
    try {
      return await fetch(input, withDispatcher);
    } catch (error) {
      // fetch wraps what the lookup refused in "fetch failed": hand the refusal on as it is.
      const cause = error instanceof Error ? error.cause : undefined;
      if (isToolError(cause)) throw cause;
      throw error;
    }
  };
}

function vettedLookup(allowed: ReadonlySet<string>, resolve: AddressResolver): LookupFunction {
  return (hostname, options, callback) => {
    const host = hostname.toLowerCase();
    resolveAll(host, resolve).then(
      (all) => {
        const blocked = firstBlocked(host, all, allowed);
        if (blocked !== undefined) {
          callback(refusal(hostname, blocked), "");
          return;
        }
        const usable = all.filter((a) => options.family === undefined || options.family === 0 || isIP(a) === options.family).map((address) => ({ address, family: isIP(address) }));
        const first = usable[0];
        if (first === undefined) callback(new ToolError("HTTP_UNREACHABLE", `cannot resolve ${hostname}: no address of the requested family`, undefined, true), "");
        else if (options.all === true) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)), "");
      },
    );
  };
}
