/**
 * Ring fences (docs/policy.md § 4, "Ring fence"). Every expected number is worked out by hand in
 * the comment beside it; the first case is the worked example of docs/policy.md.
 */
import { describe, expect, it } from "vitest";
import { level, snapshot } from "./__fixtures__/builders";
import { compilePolicy } from "./compile-policy";
import { planAvailability } from "./plan";
import { fencedChannelNames, policyHasFence, ruleFences } from "./ring-fence";
import type { ChannelPlan, ChannelRule, Hold, Item, Level, Plan, Policy, ProtectionRule, Snapshot } from "./types";
import { shopFactsOf, checkPolicy } from "./policy-check";

const FENCE_LINE = (units: number, channel = "marketplace") => ({
  rule: "ring_fence",
  scope: channel,
  units: 0,
  reason: `${units} unit${units === 1 ? "" : "s"} ring-fenced for ${channel}: other channels cannot sell them`,
});

/** The docs' shop: Warehouse fulfils online orders, Soho store does not. */
function shop(levels: Level[], extra: Partial<Snapshot> = {}): Snapshot {
  return snapshot(levels, {
    syncLagMinutes: 0.05, // 3 s
    locations: [{ name: "Warehouse" }, { name: "Soho store", fulfillsOnlineOrders: false }, { name: "Brooklyn" }].filter((l) => levels.some((v) => v.location === l.name)),
    channels: ["online_store", "point_of_sale"],
    ...extra,
  });
}

function plan(protection: ProtectionRule[], channels: ChannelRule[], snap: Snapshot): Plan {
  const policy = { version: 1, protection, channels };
  const valid = checkPolicy(policy, shopFactsOf(snap));
  if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
  const result = planAvailability(compilePolicy(valid.value), snap, { now: 0 });
  for (const channel of result.channels) expect(channel.explain.reduce((sum, line) => sum + line.units, 0)).toBe(channel.pool - channel.available);
  for (const l of result.levels) expect(l.explain.reduce((sum, line) => sum + line.units, 0)).toBe(l.protected);
  return result;
}

const channel = (p: Plan, name: string): ChannelPlan => p.channels.find((c) => c.channel === name)!;
const MARKET: ChannelRule = { channel: "marketplace", tier: 2, locations: ["Warehouse"], refreshSeconds: 15, ringFenceUnits: 10, pauseBelow: 2 };
const ONLINE: ChannelRule = { channel: "online_store", tier: 1 };
const SAFETY: ProtectionRule = { kind: "safety_stock", units: 5 };
const item = (online: number): Item => ({ sku: "RING-7", unitsPerMinute: online + 6, unitsPerMinuteByChannel: { online_store: online, marketplace: 6 } });
const DOCS_LEVELS = [level("RING-7", "Warehouse", { onHand: 100, committed: 10 }), level("RING-7", "Soho store", { onHand: 12 })];

describe("ring fence", () => {
  it("docs worked example: fences 10 at the Warehouse on top of protection; others' numbers leave them out", () => {
    // Warehouse: base 100 − 10 = 90, safety 5 → 85, fence min(10, 85) = 10 → available 75, safety_stock 15.
    // Soho: base 12, safety 5 → 7 (the marketplace does not draw on Soho: no fence there).
    const result = plan([SAFETY], [ONLINE, MARKET], shop(DOCS_LEVELS, { items: [item(54)] }));
    expect(result.levels.map((l) => [l.location, l.protected, l.available, l.safetyStock])).toEqual([
      ["Warehouse", 15, 75, 15],
      ["Soho store", 5, 7, 5],
    ]);
    expect(result.levels[0]!.explain).toEqual([
      { rule: "safety_stock", scope: "every item", units: 5, reason: "5 safety stock for every item" },
      { rule: "ring_fence", scope: "marketplace", units: 10, reason: "10 units ring-fenced for marketplace: other channels cannot sell them" },
    ]);
    // Online store: shared pool 75 at the Warehouse, the fence named with 0 units.
    expect(channel(result, "online_store")).toMatchObject({ pool: 75, available: 75 });
    expect(channel(result, "online_store").explain).toContainEqual(FENCE_LINE(10));
    // Marketplace: others sell 54/min = 0.9/s; 15 + 3 s → ceil(16.2) = 17 of the shared 75 → 58, + fence 10 = 68; pool 85.
    expect(channel(result, "marketplace")).toMatchObject({ pool: 85, available: 68, paused: false });
    expect(channel(result, "marketplace").explain).toEqual([
      { rule: "reach", scope: "marketplace", units: 0, reason: "pool 85 at Warehouse; Soho store does not fulfil online orders" },
      FENCE_LINE(10),
      {
        rule: "refresh_window",
        scope: "marketplace",
        units: 17,
        reason: "17 units not shown on marketplace: it refreshes every 15 s and the other channels sell 0.9/s, so 18 s of their sales is covered",
      },
    ]);
    // POS: Warehouse 75 + Soho 7 = 82; the Warehouse fence is in its reach.
    expect(channel(result, "point_of_sale")).toMatchObject({ pool: 82, available: 82 });
    expect(channel(result, "point_of_sale").explain).toEqual([FENCE_LINE(10)]);
  });

  it("a hot SKU whose cover exceeds the shared pool lists exactly the fence", () => {
    // Others 360/min = 6/s × 18 s = 108 > shared 75 → 0 of it; + fence 10 = 10 ≥ pause below 2.
    const result = plan([SAFETY], [ONLINE, MARKET], shop(DOCS_LEVELS, { items: [item(360)] }));
    expect(channel(result, "marketplace")).toMatchObject({ pool: 85, available: 10, paused: false });
    expect(channel(result, "marketplace").explain[2]).toMatchObject({ rule: "refresh_window", units: 75 });
    expect(channel(result, "marketplace").explain[2]!.reason).toMatch(/\(rule asks 108; only 75 left to sell\)$/);
  });

  it("shrinks to what is left when the channel's own sales eat into it, and pause below judges fence + shared", () => {
    // Base 100 − 94 = 6, safety 5 → 1, fence min(10, 1) = 1: safety_stock 6, available 0.
    const result = plan([SAFETY], [ONLINE, MARKET], shop([level("RING-7", "Warehouse", { onHand: 100, committed: 94 })], { items: [item(0)] }));
    expect(result.levels[0]).toMatchObject({ base: 6, protected: 6, available: 0, safetyStock: 6 });
    // Marketplace: 0 shared + 1 fenced = 1 < 2 → paused.
    expect(channel(result, "marketplace")).toMatchObject({ pool: 1, available: 0, paused: true });
    expect(channel(result, "marketplace").explain).toContainEqual({ rule: "pause_below", scope: "marketplace", units: 1, reason: "paused: 1 left is under the threshold of 2" });
    // Nothing to sell at all: no fence, never negative.
    const empty = plan([SAFETY], [MARKET], shop([level("RING-7", "Warehouse", { onHand: 3, committed: 5 })]));
    expect(empty.levels[0]).toMatchObject({ base: 0, protected: 0, available: 0, safetyStock: 0 });
  });

  it("fills the rule's locations in the order given, else by name", () => {
    const levels = [level("RING-7", "Warehouse", { onHand: 4 }), level("RING-7", "Brooklyn", { onHand: 20 })];
    const fenced = (rule: Partial<ChannelRule>) =>
      plan([], [{ channel: "marketplace", ringFenceUnits: 10, ...rule }], shop(levels)).levels.map((l) => [l.location, l.safetyStock]);
    // Warehouse first: all its 4, then 6 at Brooklyn.
    expect(fenced({ locations: ["Warehouse", "Brooklyn"] })).toEqual([
      ["Warehouse", 4],
      ["Brooklyn", 6],
    ]);
    // No locations: by name, Brooklyn first, which has all 10.
    expect(fenced({})).toEqual([
      ["Warehouse", 0],
      ["Brooklyn", 10],
    ]);
  });

  it("a manually paused channel keeps no fence", () => {
    const result = plan([], [{ ...MARKET, paused: true }, ONLINE], shop([level("RING-7", "Warehouse", { onHand: 40 })]));
    expect(result.levels[0]).toMatchObject({ protected: 0, available: 40 });
    expect(channel(result, "marketplace")).toMatchObject({ pool: 40, available: 0, paused: true });
    expect(channel(result, "online_store")).toMatchObject({ pool: 40, available: 40, explain: [] });
  });

  it("tier reserve, holds, allocation and caps shape only the shared part", () => {
    const at = (onHand: number, rule: Partial<ChannelRule>, holds: Hold[] = []) =>
      channel(plan([], [{ channel: "marketplace", ringFenceUnits: 10, ...rule }, ONLINE], shop([level("RING-7", "Warehouse", { onHand })], { holds })), "marketplace");
    // Shared 25 − 10 = 15 < 20 → 0 of it; the fence stays: 10.
    const reserved = at(25, { reserveForHigherTiersBelow: 20 });
    expect(reserved).toMatchObject({ pool: 25, available: 10 });
    expect(reserved.explain).toContainEqual({ rule: "tier_reserve", scope: "marketplace", units: 15, reason: "withheld for higher tiers: shared pool 15 < 20" });
    // Shared 50 − 10 = 40; 50% of it = 20, + 10 = 30.
    const half = at(50, { allocationPercent: 50 });
    expect(half).toMatchObject({ pool: 50, available: 30 });
    expect(half.explain).toContainEqual({ rule: "allocation_percent", scope: "marketplace", units: 20, reason: "marketplace gets 50% of shared pool 40 = 20" });
    // fixedUnits 0: exactly the fence.
    expect(at(50, { fixedUnits: 0 })).toMatchObject({ available: 10 });
    expect(at(50, { fixedUnits: 0 }).explain).toContainEqual({ rule: "fixed_units", scope: "marketplace", units: 40, reason: "marketplace is allocated a fixed 0 on top of its ring fence" });
    // Cap 25 of the shared 40, + 10 = 35.
    expect(at(50, { maxUnits: 25 })).toMatchObject({ available: 35 });
    // Network minimum 2 of the shared 40: 38 + 10 = 48.
    expect(at(50, { networkMinimum: 2 })).toMatchObject({ available: 48 });
    // An online-store hold of 3 lowers the shared 40 → 37, + 10 = 47; a marketplace hold lowers only the others.
    const hold = (holder: string): Hold => ({ sku: "RING-7", channel: holder, units: 3, expiresAt: "2099-01-01T00:00:00Z" });
    expect(at(50, {}, [hold("online_store")])).toMatchObject({ available: 47 });
    expect(at(50, {}, [hold("marketplace")])).toMatchObject({ available: 50 });
  });

  it("channels whose fences overlap take stock by tier, then name, whatever the policy order", () => {
    // Warehouse 15: marketplace (tier 2) fences 10 first, wholesale (tier 3) the last 5.
    const rules: ChannelRule[] = [
      { channel: "wholesale", tier: 3, ringFenceUnits: 10 },
      { channel: "marketplace", tier: 2, ringFenceUnits: 10 },
    ];
    for (const order of [rules, [...rules].reverse()]) {
      const result = plan([], order, shop([level("RING-7", "Warehouse", { onHand: 15 })]));
      expect(result.levels[0]).toMatchObject({ protected: 15, available: 0, safetyStock: 15 });
      expect([channel(result, "marketplace").available, channel(result, "wholesale").available, channel(result, "online_store").available]).toEqual([10, 5, 0]);
      expect(channel(result, "online_store").explain).toEqual([FENCE_LINE(10), FENCE_LINE(5, "wholesale")]);
      expect(channel(result, "marketplace").explain).toEqual([FENCE_LINE(10), FENCE_LINE(5, "wholesale")]);
    }
  });

  it("other channels whose locations hold no fence get no line", () => {
    // POS narrowed to Soho store: the Warehouse fence is not in its pool.
    const result = plan([], [MARKET, { channel: "point_of_sale", locations: ["Soho store"] }], shop(DOCS_LEVELS));
    expect(channel(result, "point_of_sale")).toMatchObject({ pool: 12, available: 12, explain: [] });
  });
});

describe("ring fence only where the product is published (docs/decisions/045)", () => {
  const NOT_PUBLISHED_LINE = { rule: "ring_fence", scope: "marketplace", units: 0, reason: "not published on marketplace: nothing ring-fenced" };

  it("a product not on the marketplace keeps its units for the others: only the flat safety stock is withheld", () => {
    // Warehouse: base 90, safety 5 → 85 sellable; no fence (nobody can buy it on the marketplace)
    // → safety_stock 5, available 85. Soho: 12 − 5 = 7.
    const result = plan([SAFETY], [ONLINE, MARKET], shop(DOCS_LEVELS, { items: [{ ...item(54), unpublishedChannels: ["marketplace"] }] }));
    expect(result.levels.map((l) => [l.location, l.protected, l.available, l.safetyStock])).toEqual([
      ["Warehouse", 5, 85, 5],
      ["Soho store", 5, 7, 5],
    ]);
    expect(result.levels[0]!.explain).toEqual([{ rule: "safety_stock", scope: "every item", units: 5, reason: "5 safety stock for every item" }, NOT_PUBLISHED_LINE]);
    // Soho is outside the marketplace's reach: no line there.
    expect(result.levels[1]!.explain).toEqual([{ rule: "safety_stock", scope: "every item", units: 5, reason: "5 safety stock for every item" }]);
    // Online store: the whole 85 at the Warehouse (was 75 with the fence); POS 85 + 7 = 92 (was 82). No fence line.
    expect(channel(result, "online_store")).toMatchObject({ pool: 85, available: 85 });
    expect(channel(result, "online_store").explain).not.toContainEqual(FENCE_LINE(10));
    expect(channel(result, "point_of_sale")).toMatchObject({ pool: 92, available: 92, explain: [] });
    // Marketplace: pool 85, cover ceil(0.9 × 18) = 17 → 68, no fence added; it says why.
    expect(channel(result, "marketplace")).toMatchObject({ pool: 85, available: 68 });
    expect(channel(result, "marketplace").explain).toContainEqual(NOT_PUBLISHED_LINE);
  });

  it("a product published on the marketplace, or whose publication was not read, keeps its fence", () => {
    // The docs' numbers: Warehouse safety_stock 5 + 10 = 15, online store 75.
    for (const unpublishedChannels of [undefined, [], ["wholesale"]]) {
      const data = unpublishedChannels === undefined ? item(54) : { ...item(54), unpublishedChannels };
      const result = plan([SAFETY], [ONLINE, MARKET], shop(DOCS_LEVELS, { items: [data] }));
      expect(result.levels[0]).toMatchObject({ location: "Warehouse", safetyStock: 15, available: 75 });
      expect(channel(result, "online_store")).toMatchObject({ pool: 75, available: 75 });
    }
  });

  it("skips only the channel the product is not on: another channel's fence still applies", () => {
    // Wholesale (tier 3, Warehouse) fences 5; the product is off the marketplace only.
    // Warehouse: 85 sellable, marketplace skipped, wholesale 5 → safety_stock 10, available 80.
    const wholesale: ChannelRule = { channel: "wholesale", tier: 3, locations: ["Warehouse"], ringFenceUnits: 5 };
    const result = plan([SAFETY], [ONLINE, MARKET, wholesale], shop(DOCS_LEVELS, { channels: ["online_store", "point_of_sale", "wholesale"], items: [{ ...item(54), unpublishedChannels: ["marketplace"] }] }));
    expect(result.levels[0]).toMatchObject({ location: "Warehouse", safetyStock: 10, available: 80 });
    expect(channel(result, "online_store")).toMatchObject({ pool: 80, available: 80 });
    expect(channel(result, "online_store").explain.filter((line) => line.rule === "ring_fence")).toEqual([FENCE_LINE(5, "wholesale")]);
    expect(channel(result, "wholesale")).toMatchObject({ pool: 85, available: 85 });
  });
});

describe("ringFenceUnits validation", () => {
  const known = { locations: new Map([["Warehouse", { active: true, fulfillsOnlineOrders: true }]]), skus: new Set(["RING-7"]) };
  const problems = (rule: Record<string, unknown>) => {
    const result = checkPolicy({ version: 1, channels: [{ channel: "marketplace", ...rule }] }, known);
    return result.ok ? [] : result.problems;
  };

  it("accepts a whole number of units, 0 included", () => {
    expect(problems({ ringFenceUnits: 10 })).toEqual([]);
    expect(problems({ ringFenceUnits: 0 })).toEqual([]);
  });

  it.each([
    [-1, "must not be negative, got -1"],
    [2.5, "must be a whole number of units, got 2.5"],
    ["10", 'must be a whole number of units, got "10"'],
  ])("refuses %s", (value, message) => {
    expect(problems({ ringFenceUnits: value })).toEqual([{ path: "channels[0].ringFenceUnits", message }]);
  });

  it("refuses a fence on Point of Sale, with the reason and what to do instead", () => {
    expect(problems({ channel: "point_of_sale", ringFenceUnits: 3 })).toEqual([
      {
        path: "channels[0].ringFenceUnits",
        message:
          "point_of_sale sells from each store's Shopify available, so units cannot be fenced for it across stores; keep them for a store with a safety_stock or display rule at that location",
      },
    ]);
  });
});

describe("a fence in force: one definition for the plan and the webhook processing (policyHasFence)", () => {
  const policyOf = (channels: ChannelRule[]): Policy => ({ version: 1, protection: [], channels });
  // Each case states by hand whether the channel keeps units back.
  const cases: [string, ChannelRule, boolean][] = [
    ["a fixed 10-unit fence", { channel: "marketplace", ringFenceUnits: 10 }, true],
    ["a self-sizing reserve (its cap in ringFenceUnits)", { channel: "marketplace", ringFenceUnits: 20, ringFenceSizing: "measured", refreshSeconds: 900 }, true],
    ["a 0-unit fence", { channel: "marketplace", ringFenceUnits: 0 }, false],
    ["no fence", { channel: "marketplace", pauseBelow: 2 }, false],
    ["a paused channel's fence", { channel: "marketplace", ringFenceUnits: 10, paused: true }, false],
  ];
  for (const [name, rule, fences] of cases) {
    it(`${name}: ${fences ? "fences" : "no fence"}`, () => {
      expect(ruleFences(rule)).toBe(fences);
      expect(policyHasFence(policyOf([{ channel: "online_store" }, rule]))).toBe(fences);
      // The plan's list of fencing channels says the same of the compiled policy.
      expect(fencedChannelNames(compilePolicy(policyOf([{ channel: "online_store" }, rule])).channels)).toEqual(fences ? ["marketplace"] : []);
    });
  }
});
