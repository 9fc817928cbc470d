import { describe, expect, it } from "vitest";
import { compiled, level, RING } from "./__fixtures__/builders";
import { baseSellable, computeProtection, velocityBufferUnits } from "./protection";
import type { Level, LevelPlan, ProtectionRule } from "./types";

const NOW = "2026-11-23T13:00:00Z";

function protect(rules: readonly ProtectionRule[], levels: readonly Level[], now = NOW, item = RING): LevelPlan[] {
  return computeProtection(compiled(rules), levels, item, { now, syncLagMinutes: 5 });
}

function protectSoho(rules: readonly ProtectionRule[], onHand = 100): LevelPlan {
  return protect(rules, [level("RING-7", "Soho", { onHand })])[0]!;
}

describe("baseSellable", () => {
  it.each([
    [{ onHand: 1000, committed: 250 }, 750],
    [{ onHand: 10, committed: 2, reserved: 1, damaged: 3, qualityControl: 1 }, 3],
    [{ onHand: 2, committed: 5 }, 0],
    [{ onHand: 5, incoming: 40 }, 5],
  ])("%o → %i", (quantities, expected) => {
    expect(baseSellable(level("A", "X", quantities))).toBe(expected);
  });
});

describe("safety_stock precedence: item specificity first, then location", () => {
  // RING-7 is product "Ring" with tags bestseller + gift; the level is at Soho.
  const cases: [string, ProtectionRule[], number, string][] = [
    ["global default applies alone", [{ kind: "safety_stock", units: 75 }], 75, "every item"],
    [
      "a location beats the global default",
      [{ kind: "safety_stock", units: 75 }, { kind: "safety_stock", units: 4, location: "Soho" }],
      4,
      "every item at Soho",
    ],
    [
      "a tag (any location) beats a location alone",
      [{ kind: "safety_stock", units: 4, location: "Soho" }, { kind: "safety_stock", units: 9, tag: "gift" }],
      9,
      "tag gift",
    ],
    [
      "location × tag beats the tag",
      [{ kind: "safety_stock", units: 9, tag: "gift" }, { kind: "safety_stock", units: 3, location: "Soho", tag: "gift" }],
      3,
      "tag gift at Soho",
    ],
    [
      "a product beats location × tag",
      [{ kind: "safety_stock", units: 3, location: "Soho", tag: "gift" }, { kind: "safety_stock", units: 6, product: "Ring" }],
      6,
      "product Ring",
    ],
    [
      "location × product beats the product",
      [{ kind: "safety_stock", units: 6, product: "Ring" }, { kind: "safety_stock", units: 8, location: "Soho", product: "Ring" }],
      8,
      "product Ring at Soho",
    ],
    [
      "a SKU beats location × product",
      [{ kind: "safety_stock", units: 8, location: "Soho", product: "Ring" }, { kind: "safety_stock", units: 1, sku: "RING-7" }],
      1,
      "SKU RING-7",
    ],
    [
      "location × SKU beats the SKU",
      [{ kind: "safety_stock", units: 1, sku: "RING-7" }, { kind: "safety_stock", units: 5, location: "Soho", sku: "RING-7" }],
      5,
      "SKU RING-7 at Soho",
    ],
    [
      "two matching tags: the larger wins",
      [{ kind: "safety_stock", units: 2, tag: "gift" }, { kind: "safety_stock", units: 7, tag: "bestseller" }],
      7,
      "tag bestseller",
    ],
    [
      "two matching tags with equal units: the first tag by name explains it",
      [{ kind: "safety_stock", units: 2, tag: "gift" }, { kind: "safety_stock", units: 2, tag: "bestseller" }],
      2,
      "tag bestseller",
    ],
    [
      "a rule for another location, SKU, product or tag does not apply",
      [
        { kind: "safety_stock", units: 11, location: "Warehouse" },
        { kind: "safety_stock", units: 12, sku: "OTHER" },
        { kind: "safety_stock", units: 13, product: "Necklace" },
        { kind: "safety_stock", units: 14, tag: "clearance" },
        { kind: "safety_stock", units: 2 },
      ],
      2,
      "every item",
    ],
  ];
  it.each(cases)("%s", (_name, rules, units, scope) => {
    const result = protectSoho(rules);
    expect(result.protected).toBe(units);
    expect(result.explain).toEqual([expect.objectContaining({ rule: "safety_stock", scope, units })]);
  });
});

describe("display", () => {
  it("adds on top of safety stock at its location only", () => {
    const rules: ProtectionRule[] = [
      { kind: "safety_stock", units: 3 },
      { kind: "display", units: 2, location: "Soho", sku: "RING-7" },
    ];
    const [soho, warehouse] = protect(rules, [level("RING-7", "Soho", { onHand: 10 }), level("RING-7", "Warehouse", { onHand: 10 })]);
    expect(soho).toMatchObject({ protected: 5, available: 5, safetyStock: 5 });
    expect(soho?.explain.map((l) => l.reason)).toEqual(["2 on display at Soho", "3 safety stock for every item"]);
    expect(warehouse).toMatchObject({ protected: 3, available: 7 });
  });
});

describe("velocity_buffer", () => {
  it.each([
    ["ceil(0.5/min × 5 min × 2)", { riskFactor: 2 }, 0.5, 5, 5],
    ["fractions round up", { riskFactor: 1 }, 0.3, 5, 2],
    ["risk factor defaults to 1", {}, 1, 5, 5],
    ["float noise does not add a unit (0.1 × 3 × 10 = 3)", { riskFactor: 10 }, 0.1, 3, 3],
    ["bounded by maxUnits", { riskFactor: 10, maxUnits: 20 }, 1, 5, 20],
    ["bounded by minUnits when nothing sells", { minUnits: 2 }, 0, 5, 2],
    ["no sales, no minimum: nothing", {}, 0, 5, 0],
  ])("%s", (_name, bounds, rate, lag, expected) => {
    expect(velocityBufferUnits({ kind: "velocity_buffer", ...bounds }, rate, lag)).toBe(expected);
  });

  it("uses the item's rate and the snapshot's sync lag, with precedence like safety stock", () => {
    const rules: ProtectionRule[] = [
      { kind: "velocity_buffer", riskFactor: 1 },
      { kind: "velocity_buffer", riskFactor: 2, tag: "bestseller" },
    ];
    const result = protectSoho(rules);
    expect(result.protected).toBe(5);
    expect(result.explain).toEqual([
      {
        rule: "velocity_buffer",
        scope: "tag bestseller",
        units: 5,
        reason: "5 buffer for sales during the 5 min sync lag (30 per hour × risk 2)",
      },
    ]);
  });
});

describe("quarantine", () => {
  const quarantine: ProtectionRule = {
    kind: "quarantine",
    skus: ["RING-7", "RING-8"],
    units: 10,
    releases: [
      { at: "2026-11-24T09:00:00Z", units: 5 },
      { at: "2026-11-25T09:00:00Z", units: 5 },
    ],
  };
  it.each([
    ["before any wave", "2026-11-24T08:59:59Z", 10],
    ["a wave counts as released at its instant", "2026-11-24T09:00:00Z", 5],
    ["between waves", "2026-11-24T18:00:00Z", 5],
    ["after every wave", "2026-11-26T00:00:00Z", 0],
  ])("%s", (_name, now, held) => {
    expect(protect([quarantine], [level("RING-7", "Soho", { onHand: 100 })], now)[0]?.protected).toBe(held);
  });

  it("takes units from locations by name, across locations, and explains the next wave", () => {
    const levels = [level("RING-7", "Warehouse", { onHand: 50 }), level("RING-7", "Soho", { onHand: 4 })];
    const [warehouse, soho] = protect([quarantine], levels, "2026-11-23T00:00:00Z");
    expect(soho?.protected).toBe(4);
    expect(warehouse?.protected).toBe(6);
    expect(soho?.explain[0]).toEqual({
      rule: "quarantine",
      scope: "SKUs RING-7, RING-8",
      units: 4,
      reason: "4 units withheld for a promotion (10 held across locations; next 5 released 2026-11-24T09:00:00Z)",
    });
  });

  it("writes the next wave's instant as a UTC token whatever offset the policy spelled it with (the pages show it in the shop's zone)", () => {
    // 04:00 at UTC−5 (New York in winter) is 09:00 UTC; 10:00 at UTC+1 (Paris in winter) is 09:00 UTC too.
    for (const at of ["2026-11-24T04:00:00-05:00", "2026-11-24T10:00:00.000+01:00"]) {
      const rule: ProtectionRule = { kind: "quarantine", skus: ["RING-7"], units: 3, releases: [{ at, units: 3 }] };
      const [soho] = protect([rule], [level("RING-7", "Soho", { onHand: 5 })], "2026-11-23T00:00:00Z");
      expect(soho?.explain[0]?.reason).toBe("3 units withheld for a promotion (3 held across locations; next 3 released 2026-11-24T09:00:00Z)");
    }
  });

  it("takes units in the rule's location order and only there", () => {
    const rule: ProtectionRule = { kind: "quarantine", skus: ["RING-7"], units: 6, locations: ["Warehouse"] };
    const levels = [level("RING-7", "Soho", { onHand: 10 }), level("RING-7", "Warehouse", { onHand: 4 })];
    const [soho, warehouse] = protect([rule], levels);
    expect([soho?.protected, warehouse?.protected]).toEqual([0, 4]);
    expect(warehouse?.explain[0]?.reason).toContain("no release scheduled");
  });

  it("does not touch SKUs outside its set", () => {
    const other = { sku: "NECK-1" };
    expect(protect([quarantine], [level("NECK-1", "Soho", { onHand: 9 })], NOW, other)[0]?.protected).toBe(0);
  });
});

describe("release_gate", () => {
  it("withholds received units not yet in quality_control and moves them there, not into safety_stock", () => {
    const rules: ProtectionRule[] = [{ kind: "release_gate", location: "Warehouse" }, { kind: "safety_stock", units: 2 }];
    const [warehouse] = protect(rules, [level("RING-7", "Warehouse", { onHand: 20, received: 12 })]);
    expect(warehouse).toMatchObject({ base: 20, protected: 14, available: 6, safetyStock: 2, qualityControl: 12 });
    expect(warehouse?.explain[0]).toEqual({
      rule: "release_gate",
      scope: "every item at Warehouse",
      units: 12,
      reason: "12 units received, awaiting approval",
    });
  });

  it("withholds nothing more once quality_control already holds the received units", () => {
    const [warehouse] = protect([{ kind: "release_gate" }], [level("RING-7", "Warehouse", { onHand: 20, qualityControl: 12, received: 12 })]);
    expect(warehouse).toMatchObject({ base: 8, protected: 0, qualityControl: 12 });
  });

  it("lets received units straight into sale where no gate applies", () => {
    const [soho] = protect([{ kind: "release_gate", location: "Warehouse" }], [level("RING-7", "Soho", { onHand: 20, received: 12 })]);
    expect(soho?.protected).toBe(0);
  });
});

describe("kinds add up and are capped by what is sellable", () => {
  it("caps at base, explaining what the rule asked for", () => {
    const result = protect(
      [
        { kind: "display", units: 1, location: "Soho", sku: "RING-7" },
        { kind: "safety_stock", units: 75 },
        { kind: "velocity_buffer", riskFactor: 2 },
      ],
      [level("RING-7", "Soho", { onHand: 10, committed: 2 })],
    )[0]!;
    expect(result).toMatchObject({ base: 8, protected: 8, available: 0 });
    expect(result.explain.map((l) => [l.rule, l.units])).toEqual([
      ["display", 1],
      ["safety_stock", 7],
    ]);
    expect(result.explain[1]?.reason).toBe("7 safety stock for every item (rule asks 75; only 7 left to sell)");
  });

  it("reports nothing for an empty level", () => {
    expect(protect([{ kind: "safety_stock", units: 5 }], [level("RING-7", "Soho")])[0]).toMatchObject({
      protected: 0,
      available: 0,
      explain: [],
    });
  });
});
