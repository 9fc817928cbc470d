import { describe, expect, it } from "vitest";
import { withContinueSelling } from "./continue-selling";

const held = { rule: "safety_stock", scope: "global", units: 2, reason: "2 safety stock" };

describe("continue-selling explanation lines", () => {
  it("leave other items' lines alone", () => {
    expect(withContinueSelling([held], false)).toEqual([held]);
    expect(withContinueSelling([held], false, 2)).toEqual([held]);
  });

  it("say on every channel number that checkout never blocks the item", () => {
    expect(withContinueSelling([], true)).toEqual([
      { rule: "continue_selling", scope: "variant", units: 0, reason: "keeps selling when out of stock: checkout never blocks it, and sales past this number are backorders, not oversells" },
    ]);
  });

  it("say at a level what protecting on-hand units means for it, withholding nothing more", () => {
    const lines = withContinueSelling([held], true, 2);
    expect(lines.map((line) => line.reason)).toEqual([
      "2 safety stock",
      "keeps selling when out of stock: the 2 protected units stay on the shelf for your rules, and orders past what is available become backorders",
    ]);
    expect(lines.reduce((sum, line) => sum + line.units, 0)).toBe(2);
    expect(withContinueSelling([], true, 0)).toEqual([]);
    expect(withContinueSelling([], true, 1)[0]!.reason).toMatch(/the 1 protected unit stays/);
  });
});
