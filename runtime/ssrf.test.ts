/** The SSRF guard's address classes, in every spelling a URL or a resolver can produce. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedFetch, ipv6Groups, isPrivateAddress, type AddressResolver } from "./ssrf";
import { createContext, isToolError } from "./tool-runtime";

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "192.0.0.8", "198.18.0.1", "224.0.0.1", "255.255.255.255",
    "::", "::1", "0:0:0:0:0:0:0:1", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "febf::1", "fec0::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:7f00:1", "::ffff:a9fe:a9fe", "::ffff:0:7f00:1", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::10.0.0.1", "2002:7f00:1::1", "2002:c0a8:101::",
  ])("refuses %s", (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2606:4700:4700::1111", "2001:db8::1", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])("allows %s", (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });

  it("refuses what it cannot classify", () => {
    expect(isPrivateAddress("not an address")).toBe(true);
    expect(isPrivateAddress("1::2::3")).toBe(true);
  });

  it("expands IPv6 spellings to eight groups", () => {
    expect(ipv6Groups("::ffff:127.0.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(ipv6Groups("2001:db8::1")).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups("1:2:3:4:5:6:7:8:9")).toBeUndefined();
  });
});

describe("guardedFetch (DNS rebinding)", () => {
  let server: Server;
  let port = 0;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ reached: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  });

  /** A name that answers a public address first and loopback from then on, as a rebinding attacker's DNS does. */
  const rebinding = (): AddressResolver => {
    let asked = 0;
    return (host) => {
      if (host !== "rebind.test") return Promise.reject(new Error(`unknown host ${host}`));
      asked++;
      return Promise.resolve(asked === 1 ? ["93.184.216.34"] : ["127.0.0.1"]);
    };
  };

  /** The ToolError code a guarded fetch of `url` fails with, or undefined when it was answered. */
  const refused = async (fetchImpl: typeof fetch, url: string): Promise<string | undefined> => {
    try {
      await fetchImpl(url);
      return undefined;
    } catch (error) {
      return isToolError(error) ? error.code : String(error);
    }
  };

  it("refuses every spelling of loopback a URL parser accepts before any byte is sent, and says how to allow a host", async () => {
    const guarded = guardedFetch(new Set());
    const before = requests;
    const at = `:${String(port)}/`;
    for (const host of ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:ffff:7f00:1]", "localhost"]) {
      expect(await refused(guarded, `http://${host}${at}`), host).toBe("HOST_NOT_ALLOWED");
    }
    await expect(guarded(`http://127.0.0.1${at}`)).rejects.toThrow(/TOOLWRIGHT_ALLOW_HOSTS/);
    expect(requests).toBe(before);
  });

  it("lets allowed hosts and addresses through", async () => {
    const before = requests;
    expect(await refused(guardedFetch(new Set(["127.0.0.1"])), `http://127.0.0.1:${String(port)}/x`)).toBeUndefined();
    expect(await refused(guardedFetch(new Set(["localhost"]), () => Promise.resolve(["127.0.0.1"])), `http://localhost:${String(port)}/x`)).toBeUndefined();
    expect(requests).toBe(before + 2);
  });

  it("connects only to the address it vetted: a name that rebinds to loopback after a first, public answer is refused at connect time", async () => {
    const resolve = rebinding();
    const url = `http://rebind.test:${String(port)}/secret`;
    // A check of the URL before the fetch would be fooled: its lookup would see the public address.
    expect(await resolve("rebind.test")).toEqual(["93.184.216.34"]);
    const before = requests;
    const error: unknown = await guardedFetch(new Set(), resolve)(url).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(isToolError(error) ? error.code : error).toBe("HOST_NOT_ALLOWED");
    expect(String(error)).toContain("127.0.0.1");
    expect(requests).toBe(before);
  });

  it("refuses the rebinding through the http capability, before any byte reaches the private server", async () => {
    const resolve = rebinding();
    // The name's first, public answer went to an earlier lookup; the connection's own gets loopback.
    await resolve("rebind.test");
    const ctx = createContext({ fetch: guardedFetch(new Set(), resolve) });
    const before = requests;
    const error: unknown = await ctx.http({ method: "GET", url: `http://rebind.test:${String(port)}/secret`, responseType: "json" }, new AbortController().signal).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(isToolError(error) ? error.code : error).toBe("HOST_NOT_ALLOWED");
    expect(requests).toBe(before);
  });

  it("connects to the address its own lookup returned when the host is allowed", async () => {
    const loopbackName: AddressResolver = () => Promise.resolve(["127.0.0.1"]);
    const response = await guardedFetch(new Set(["rebind.test"]), loopbackName)(`http://rebind.test:${String(port)}/ok`);
    expect(await response.json()).toEqual({ reached: true });
  });
});
