import { describe, expect, it } from "vitest";
import { keysetPage, keysetTake } from "./keyset-page.server";

/** Rows as Prisma returns them for a page of 3 (one extra row tells that another page exists). */
const key = (row: string) => row;

describe("keyset paging shared by Activity, Inventory and Policy versions", () => {
  it("first page: asks for one row more, shows 3, offers Next only", () => {
    expect(keysetTake({ cursor: null, direction: "next", take: 3 })).toBe(4);
    expect(keysetPage(["a", "b", "c", "d"], key, { cursor: null, direction: "next", take: 3 })).toEqual({ rows: ["a", "b", "c"], nextCursor: "c", previousCursor: null });
  });

  it("a middle page read forwards offers both ways", () => {
    expect(keysetPage(["d", "e", "f", "g"], key, { cursor: "c", direction: "next", take: 3 })).toEqual({ rows: ["d", "e", "f"], nextCursor: "f", previousCursor: "d" });
  });

  it("the last page read forwards offers Previous only", () => {
    expect(keysetPage(["g"], key, { cursor: "f", direction: "next", take: 3 })).toEqual({ rows: ["g"], nextCursor: null, previousCursor: "g" });
  });

  it("reading backwards asks with a negative take and drops the extra row at the start", () => {
    expect(keysetTake({ cursor: "g", direction: "previous", take: 3 })).toBe(-4);
    expect(keysetPage(["c", "d", "e", "f"], key, { cursor: "g", direction: "previous", take: 3 })).toEqual({ rows: ["d", "e", "f"], nextCursor: "f", previousCursor: "d" });
    // Back at the first page: nothing before it.
    expect(keysetPage(["a", "b", "c"], key, { cursor: "d", direction: "previous", take: 3 })).toEqual({ rows: ["a", "b", "c"], nextCursor: "c", previousCursor: null });
  });

  it("'previous' without a cursor reads the first page", () => {
    expect(keysetTake({ cursor: null, direction: "previous", take: 3 })).toBe(4);
  });
});
