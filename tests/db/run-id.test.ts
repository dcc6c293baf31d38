import { describe, expect, it } from "vitest";
import { newRunId } from "../../server/db/run-id";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp at the front of a v7 UUID. */
function timestampOf(id: string): number {
  return Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
}

describe("run ids (UUID version 7)", () => {
  it("are RFC 9562 version 7 UUIDs carrying the creation time in milliseconds", () => {
    const before = Date.now();
    const id = newRunId();
    const after = Date.now();
    expect(id).toMatch(UUID_V7);
    expect(timestampOf(id)).toBeGreaterThanOrEqual(before);
    expect(timestampOf(id)).toBeLessThanOrEqual(after);
    expect(timestampOf(newRunId(Date.UTC(2030, 0, 1)))).toBe(Date.UTC(2030, 0, 1));
  });

  it("are unique across many ids in the same millisecond, past the random-block refill", () => {
    const ids = Array.from({ length: 5_000 }, () => newRunId(1_800_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it("sort in creation order across milliseconds (so inserts append to the key's b-tree)", () => {
    const ids = [0, 1, 2, 1_000, 86_400_000].map((offset) => newRunId(1_800_000_000_000 + offset));
    expect([...ids].sort()).toEqual(ids);
  });
});
