/**
 * A marketplace reserve that sizes itself (docs/policy.md § 4 "A reserve that sizes itself",
 * docs/decisions/032). Every expected number is worked out by hand in the comment beside it; the
 * first case is the worked example of docs/policy.md.
 */
import { describe, expect, it } from "vitest";
import { level, snapshot } from "./__fixtures__/builders";
import { compilePolicy } from "./compile-policy";
import { planAvailability } from "./plan";
import { checkPolicy, shopFactsOf } from "./policy-check";
import type { ChannelPlan, ChannelRule, Item, Plan, ProtectionRule, Snapshot } from "./types";

/** Amazon-style: re-reads every 15 min, keeps what it sells until then, between 2 and 15 units. */
const MARKET: ChannelRule = {
  channel: "marketplace",
  tier: 2,
  locations: ["Warehouse"],
  refreshSeconds: 900,
  ringFenceSizing: "measured",
  ringFenceUnits: 15,
  ringFenceMinUnits: 2,
  fixedUnits: 0,
};
const ONLINE: ChannelRule = { channel: "online_store", tier: 1 };
const SAFETY: ProtectionRule = { kind: "safety_stock", units: 5 };

/** The docs' shop: Warehouse 100 on hand (fulfils online orders); measured sync lag 1 min. */
function shop(items: Item[], extra: Partial<Snapshot> = {}): Snapshot {
  return snapshot([level("MUG", "Warehouse", { onHand: 100 })], { syncLagMinutes: 1, locations: [{ name: "Warehouse" }], items, ...extra });
}

const selling = (marketplace: number | undefined, online = 3): Item => ({
  sku: "MUG",
  unitsPerMinute: online + (marketplace ?? 0),
  unitsPerMinuteByChannel: marketplace === undefined ? { online_store: online } : { online_store: online, marketplace },
});

function plan(channels: ChannelRule[], snap: Snapshot, protection: ProtectionRule[] = [SAFETY]): Plan {
  const valid = checkPolicy({ version: 1, protection, channels }, shopFactsOf(snap));
  if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
  const result = planAvailability(compilePolicy(valid.value), snap, { now: 0 });
  for (const c of result.channels) expect(c.explain.reduce((sum, line) => sum + line.units, 0)).toBe(c.pool - c.available);
  for (const l of result.levels) expect(l.explain.reduce((sum, line) => sum + line.units, 0)).toBe(l.protected);
  return result;
}

const channel = (p: Plan, name: string): ChannelPlan => p.channels.find((c) => c.channel === name)!;

describe("a reserve that sizes itself", () => {
  it("docs worked example: keeps what the marketplace sells in its 15 min + 1 min lag", () => {
    // 0.4/min (24 an hour) × (900 s + 60 s) / 60 = 6.4 → 7, within [2, 15].
    // Warehouse: base 100, safety 5 → 95, fence 7 → safety_stock 12, available 88.
    const result = plan([ONLINE, MARKET], shop([selling(0.4)]));
    const sizing = "marketplace sells 24 per hour and reads your stock every 15 min; with the 1 min sync lag it can sell 6.4 before it sees a new number: 7 kept back";
    expect(result.levels[0]).toMatchObject({ protected: 12, available: 88, safetyStock: 12 });
    expect(result.levels[0]!.explain[1]).toEqual({
      rule: "ring_fence",
      scope: "marketplace",
      units: 7,
      reason: `7 units ring-fenced for marketplace: other channels cannot sell them; ${sizing}`,
    });
    // The web store sells the 88 others; the marketplace lists exactly its 7 (fixedUnits 0).
    expect(channel(result, "online_store")).toMatchObject({ pool: 88, available: 88 });
    expect(channel(result, "marketplace")).toMatchObject({ pool: 95, available: 7, paused: false });
    expect(channel(result, "marketplace").explain[0]).toEqual({
      rule: "ring_fence",
      scope: "marketplace",
      units: 0,
      reason: `7 units ring-fenced for marketplace: other channels cannot sell them; ${sizing}`,
    });
  });

  it("is capped by the merchant's cap and says so", () => {
    // 2.1/min × 16 min = 33.6 → 34 > cap 15 → 15.
    const result = plan([ONLINE, MARKET], shop([selling(2.1)]));
    expect(result.levels[0]).toMatchObject({ safetyStock: 20, available: 80 });
    expect(channel(result, "marketplace").available).toBe(15);
    expect(result.levels[0]!.explain[1]!.reason).toBe(
      "15 units ring-fenced for marketplace: other channels cannot sell them; marketplace sells 2.1 per minute and reads your stock every 15 min; with the 1 min sync lag it can sell 34 before it sees a new number: 15 kept back (your cap)",
    );
  });

  it("keeps the minimum before the marketplace has sold anything", () => {
    // No marketplace sales in the split → 0 → the minimum 2.
    const result = plan([ONLINE, MARKET], shop([selling(undefined)]));
    // Base 100, safety 5, reserve 2 → safety_stock 7, available 93.
    expect(result.levels[0]).toMatchObject({ safetyStock: 7, available: 93 });
    expect(channel(result, "marketplace").available).toBe(2);
    expect(result.levels[0]!.explain[1]!.reason).toBe(
      "2 units ring-fenced for marketplace: other channels cannot sell them; marketplace has no recent sales and reads your stock every 15 min: 2 kept back (your minimum)",
    );
    // Without a minimum: no reserve, no line, nothing listed.
    const none = plan([ONLINE, { ...MARKET, ringFenceMinUnits: undefined }], shop([selling(undefined)]));
    expect(none.levels[0]).toMatchObject({ safetyStock: 5, available: 95, explain: [{ rule: "safety_stock", units: 5 }] });
    expect(channel(none, "marketplace").available).toBe(0);
  });

  it("counts the marketplace's own sales only; without a split by channel, the item's whole rate", () => {
    // A flash sale at R = 15 s, lag 3 s: own 30/min = 0.5/s × 18 s = 9. The web store's 600/min does not count.
    const flash = { ...MARKET, refreshSeconds: 15 };
    const split = plan([ONLINE, flash], shop([selling(30, 600)], { syncLagMinutes: 0.05 }));
    expect(split.levels[0]!.safetyStock).toBe(14);
    expect(split.levels[0]!.explain[1]!.reason).toBe(
      "9 units ring-fenced for marketplace: other channels cannot sell them; marketplace sells 0.5/s and reads your stock every 15 s; with the 3 s sync lag it can sell 9 before it sees a new number: 9 kept back",
    );
    // No split: 30/min in total counts as the marketplace's → the same 9 (more, never less, than its share).
    const whole = plan([ONLINE, flash], shop([{ sku: "MUG", unitsPerMinute: 30 }], { syncLagMinutes: 0.05 }));
    expect(whole.levels[0]!.safetyStock).toBe(14);
  });

  it("never keeps more than there is to sell", () => {
    // Base 10 − safety 5 = 5 sellable; the reserve asks 15 (cap) → 5; nothing negative.
    const result = plan([ONLINE, MARKET], snapshot([level("MUG", "Warehouse", { onHand: 10 })], { syncLagMinutes: 1, items: [selling(2.1)] }));
    expect(result.levels[0]).toMatchObject({ base: 10, protected: 10, available: 0, safetyStock: 10 });
    expect(channel(result, "marketplace").available).toBe(5);
    expect(channel(result, "online_store").available).toBe(0);
  });

  it("keeps nothing back for a product not published on the marketplace, not even its minimum (docs/decisions/045)", () => {
    // Sized at 7 if it were listed (the worked example); off the marketplace: no reserve at all.
    // Base 100, safety 5 → safety_stock 5, available 95; the web store sells all 95.
    const result = plan([ONLINE, MARKET], shop([{ ...selling(0.4), unpublishedChannels: ["marketplace"] }]));
    expect(result.levels[0]).toMatchObject({ safetyStock: 5, available: 95 });
    expect(result.levels[0]!.explain[1]).toEqual({ rule: "ring_fence", scope: "marketplace", units: 0, reason: "not published on marketplace: nothing ring-fenced" });
    expect(channel(result, "online_store")).toMatchObject({ pool: 95, available: 95 });
  });

  it("a fixed fence ignores the measured rate", () => {
    const fixed = { ...MARKET, ringFenceSizing: "fixed" as const, ringFenceMinUnits: undefined };
    expect(plan([ONLINE, fixed], shop([selling(0.4)])).levels[0]!.safetyStock).toBe(20);
  });
});

describe("reserve sizing validation", () => {
  const known = { locations: new Map([["Warehouse", { active: true, fulfillsOnlineOrders: true }]]), skus: new Set(["MUG"]) };
  const problems = (rule: Record<string, unknown>) => {
    const result = checkPolicy({ version: 1, channels: [{ channel: "marketplace", ...rule }] }, known);
    return result.ok ? [] : result.problems;
  };

  it("accepts a measured reserve with a cap and a refresh window, with or without a minimum", () => {
    expect(problems({ refreshSeconds: 900, ringFenceSizing: "measured", ringFenceUnits: 15, ringFenceMinUnits: 2 })).toEqual([]);
    expect(problems({ refreshSeconds: 900, ringFenceSizing: "measured", ringFenceUnits: 15 })).toEqual([]);
    expect(problems({ ringFenceSizing: "fixed", ringFenceUnits: 15 })).toEqual([]);
  });

  it("refuses a measured reserve without a cap or a refresh window, and a minimum above the cap", () => {
    expect(problems({ ringFenceSizing: "measured" })).toEqual([
      { path: "channels[0].ringFenceUnits", message: "a reserve that sizes itself needs a cap: the most units marketplace may keep back for a SKU" },
      {
        path: "channels[0].refreshSeconds",
        message: "a reserve that sizes itself needs how often marketplace reads its number (refreshSeconds): it keeps what marketplace sells between two reads",
      },
    ]);
    expect(problems({ refreshSeconds: 60, ringFenceSizing: "measured", ringFenceUnits: 5, ringFenceMinUnits: 6 })).toEqual([
      { path: "channels[0].ringFenceMinUnits", message: "must not be above the cap (5 units), got 6" },
    ]);
  });

  it("refuses an unknown sizing, a fractional minimum, and a minimum on a fixed fence", () => {
    expect(problems({ ringFenceSizing: "auto", ringFenceUnits: 5 })).toEqual([{ path: "channels[0].ringFenceSizing", message: 'must be "fixed" or "measured", got "auto"' }]);
    expect(problems({ refreshSeconds: 60, ringFenceSizing: "measured", ringFenceUnits: 5, ringFenceMinUnits: 1.5 })).toEqual([
      { path: "channels[0].ringFenceMinUnits", message: "must be a whole number of units, got 1.5" },
    ]);
    expect(problems({ ringFenceUnits: 5, ringFenceMinUnits: 1 })).toEqual([
      { path: "channels[0].ringFenceMinUnits", message: 'only a reserve that sizes itself has a minimum: set ringFenceSizing to "measured", or leave it out' },
    ]);
  });
});

describe("a reserve never shrinks before the marketplace's next read (held at its peak)", () => {
  // R 900 s + lag 60 s: a listing replaced at t may be in the marketplace's copy until t + 960 s.
  const WINDOW_MS = 960_000;
  const TEN_MIN = 600_000;
  const published = (...history: ([number, number] | [number, number, number])[]): Item => ({
    ...selling(0.1),
    publishedReserves: { marketplace: history.map(([units, publishedAtMs, soldSince]) => (soldSince === undefined ? { units, publishedAtMs } : { units, publishedAtMs, soldSince })) },
  });
  /** 7 listed since 20 min ago: older than one read cycle (16 min), so no longer young. */
  const LONG_AGO = -TEN_MIN;
  const planAt = (item: Item, nowMs: number): Plan => {
    const snap = shop([item]);
    const valid = checkPolicy({ version: 1, protection: [SAFETY], channels: [ONLINE, MARKET] }, shopFactsOf(snap));
    if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
    const result = planAvailability(compilePolicy(valid.value), snap, { now: nowMs });
    for (const c of result.channels) expect(c.explain.reduce((sum, line) => sum + line.units, 0)).toBe(c.pool - c.available);
    for (const l of result.levels) expect(l.explain.reduce((sum, line) => sum + line.units, 0)).toBe(l.protected);
    return result;
  };

  it("rate falls from 24/h to 6/h: keeps the old 7 until R + lag after the smaller number replaced it, listing only the new 2", () => {
    // 6/h = 0.1/min × 16 min = 1.6 → 2. It listed 7 since t = −10 min (24/h). At t = 10 min the plan sizes 2:
    // the marketplace may have read 7 just now and sells from it for up to 16 min, so 7 stay fenced
    // (safety 5 + 7 = 12, web store 88, not 93), but it lists only 2: 5 held, shown nowhere.
    const first = planAt(published([7, LONG_AGO]), TEN_MIN);
    expect(first.levels[0]).toMatchObject({ safetyStock: 12, available: 88 });
    expect(channel(first, "online_store").available).toBe(88);
    expect(channel(first, "marketplace").available).toBe(2);
    expect(first.levels[0]!.explain[1]!.reason).toBe(
      "7 units ring-fenced for marketplace: other channels cannot sell them; marketplace sells 6 per hour and reads your stock every 15 min; with the 1 min sync lag it can sell 1.6 before it sees a new number: 2 kept back; 5 more held, not shown anywhere, until marketplace has read its lower number or sold them",
    );
    // What the app stores: 7 (from −10 min) replaced by 2 at 10 min.
    expect(channel(first, "marketplace").reserveHistory).toEqual([
      { units: 7, publishedAtMs: LONG_AGO },
      { units: 2, publishedAtMs: TEN_MIN },
    ]);

    // 1 ms before 16 min have passed since 2 replaced 7: still 7 fenced, history unchanged.
    const stillHeld = planAt(published([7, LONG_AGO], [2, TEN_MIN]), TEN_MIN + WINDOW_MS - 1);
    expect(stillHeld.levels[0]).toMatchObject({ safetyStock: 12, available: 88 });
    expect(channel(stillHeld, "marketplace").reserveHistory).toEqual([
      { units: 7, publishedAtMs: LONG_AGO },
      { units: 2, publishedAtMs: TEN_MIN },
    ]);

    // At 16 min the marketplace has read 2: the reserve shrinks (safety 5 + 2 = 7, web store 93) and 7 is forgotten.
    const released = planAt(published([7, LONG_AGO], [2, TEN_MIN]), TEN_MIN + WINDOW_MS);
    expect(released.levels[0]).toMatchObject({ safetyStock: 7, available: 93 });
    expect(channel(released, "marketplace").available).toBe(2);
    expect(channel(released, "marketplace").reserveHistory).toEqual([{ units: 2, publishedAtMs: TEN_MIN }]);
  });

  it("two drops in one window hold the higher one; growing is immediate", () => {
    // 7 until −5 min, 4 listed since −5 min... at 10 min the 4 is 15 min old, under one read cycle
    // (16 min): kept and listed (the rate's 2 must wait), and 7, replaced 15 min ago, still held.
    const twice = planAt(published([7, LONG_AGO], [4, -300_000]), TEN_MIN);
    expect(twice.levels[0]!.safetyStock).toBe(12);
    expect(channel(twice, "marketplace").available).toBe(4);
    // 1 min later the 4 has had its read cycle: the rate's 2 is listed, 7 and 4 held until 16 min after each was replaced.
    const later = planAt(published([7, LONG_AGO], [4, -300_000]), TEN_MIN + 60_000);
    expect(later.levels[0]!.safetyStock).toBe(5 + 4);
    expect(channel(later, "marketplace").available).toBe(2);
    // Listed 2, the rate rises to 24/h: 7 at once, listed and fenced (safety 12), no hold.
    const growing = planAt({ ...published([2, 0]), ...selling(0.4) }, TEN_MIN);
    expect(growing.levels[0]).toMatchObject({ safetyStock: 12, available: 88 });
    expect(channel(growing, "marketplace").available).toBe(7);
  });

  it("a listing the marketplace sold out before its next read is doubled, up to the cap", () => {
    // The rate says 2 (0.1/min × 16 min = 1.6 → 2), but it sold all 2 it listed 1 min ago: its buyers
    // wanted at least 2 per read, and the rate cannot show more than it was allowed to sell. 2 × 2 = 4,
    // fenced and listed (safety 5 + 4 = 9, web store 91).
    const soldOut = planAt(published([2, TEN_MIN - 60_000, 2]), TEN_MIN);
    expect(soldOut.levels[0]).toMatchObject({ safetyStock: 9, available: 91 });
    expect(channel(soldOut, "marketplace").available).toBe(4);
    expect(soldOut.levels[0]!.explain[1]!.reason).toBe(
      "4 units ring-fenced for marketplace: other channels cannot sell them; marketplace sold all 2 it listed before its next read, so it can sell more than its rate shows: twice that; 4 kept back",
    );
    expect(channel(soldOut, "marketplace").reserveHistory).toEqual([{ units: 2, publishedAtMs: TEN_MIN - 60_000 }, { units: 4, publishedAtMs: TEN_MIN }]);
    // Sold 1 of the 2: not sold out, but younger than one read cycle: kept at 2.
    expect(channel(planAt(published([2, TEN_MIN - 60_000, 1]), TEN_MIN), "marketplace").available).toBe(2);
    // 10 sold out → 20, capped at 15 (safety 5 + 15 = 20, web store 80).
    const capped = planAt(published([10, TEN_MIN - 60_000, 10]), TEN_MIN);
    expect(capped.levels[0]).toMatchObject({ safetyStock: 20, available: 80 });
    expect(capped.levels[0]!.explain[1]!.reason).toContain("15 kept back (your cap)");
  });

  it("a listing younger than one read cycle is kept, then sized from the rate again", () => {
    // 5 listed 10 min ago, 1 sold: the rate says 2, but the marketplace has not had a full read
    // cycle (16 min) with the 5: kept, listed, fenced (safety 10, web store 90).
    const young = planAt(published([5, 0, 1]), TEN_MIN);
    expect(young.levels[0]).toMatchObject({ safetyStock: 10, available: 90 });
    expect(channel(young, "marketplace").available).toBe(5);
    expect(young.levels[0]!.explain[1]!.reason).toBe(
      "5 units ring-fenced for marketplace: other channels cannot sell them; marketplace listed 5 less than 16 min ago (one read of your stock plus the sync lag): kept until it has had the chance to sell them; 5 kept back",
    );
    // At 16 min it has: 2 listed, 5 held until 16 min after the 2 replaced it.
    const judged = planAt(published([5, 0, 1]), WINDOW_MS);
    expect(judged.levels[0]!.safetyStock).toBe(10);
    expect(channel(judged, "marketplace").available).toBe(2);
  });

  it("a held listing shrinks by what the marketplace sold from it after the smaller one could be read (held until read or sold)", () => {
    // 7 listed since −10 min, replaced by the rate's 2 at 10 min. The number 2 is readable from 11 min
    // (10 min + the 1 min lag); a copy of 7 read before then has 7 − (sold since 11 min) left.
    const replaced = (soldSinceReplaced: number): Item => ({
      ...selling(0.1),
      publishedReserves: { marketplace: [{ units: 7, publishedAtMs: LONG_AGO, soldSinceReplaced }, { units: 2, publishedAtMs: TEN_MIN }] },
    });
    // At 15 min, 3 sold since 11 min: at most 7 − 3 = 4 left in its copy → 4 fenced (safety 5 + 4 = 9,
    // web store 91), 2 listed (the rate: 0.1/min × 16 min = 1.6 → 2; the 2 is young and says the same), 2 held.
    const partly = planAt(replaced(3), TEN_MIN + 300_000);
    expect(partly.levels[0]).toMatchObject({ safetyStock: 9, available: 91 });
    expect(channel(partly, "online_store").available).toBe(91);
    expect(channel(partly, "marketplace").available).toBe(2);
    expect(partly.levels[0]!.explain[1]!.reason).toBe(
      "4 units ring-fenced for marketplace: other channels cannot sell them; marketplace sells 6 per hour and reads your stock every 15 min; with the 1 min sync lag it can sell 1.6 before it sees a new number: 2 kept back; 2 more held, not shown anywhere, until marketplace has read its lower number or sold them",
    );
    // 5 sold since 11 min: 7 − 5 = 2 left, no more than the 2 listed: nothing held (safety 7, web store 93).
    expect(planAt(replaced(5), TEN_MIN + 300_000).levels[0]).toMatchObject({ safetyStock: 7, available: 93 });
    // 9 sold (its copy of 7 is gone, it must have read 2 since): nothing held either, never a negative hold.
    expect(planAt(replaced(9), TEN_MIN + 300_000).levels[0]).toMatchObject({ safetyStock: 7, available: 93 });
    // Nothing sold since: the whole 7 held, as before (safety 12, web store 88).
    expect(planAt(replaced(0), TEN_MIN + 300_000).levels[0]).toMatchObject({ safetyStock: 12, available: 88 });
  });

  it("doubles only a listing sold out within one read cycle of being listed", () => {
    // 2 listed at 0 and sold out, but the plan sees it at 16 min (R 15 min + lag 1 min): the connector
    // may have read 2 twice, 1 each time, so it says nothing beyond the rate: 0.1/min × 16 min = 1.6 → 2
    // (safety 5 + 2 = 7, web store 93).
    const late = planAt(published([2, 0, 2]), WINDOW_MS);
    expect(late.levels[0]).toMatchObject({ safetyStock: 7, available: 93 });
    expect(channel(late, "marketplace").available).toBe(2);
    // 1 ms earlier it is still within its read cycle: sold out → 4 (safety 9, web store 91).
    expect(planAt(published([2, 0, 2]), WINDOW_MS - 1).levels[0]).toMatchObject({ safetyStock: 9, available: 91 });
  });

  it("only a self-sizing reserve keeps a history of what it listed", () => {
    expect(planAt(published([7, 0]), TEN_MIN).channels.find((c) => c.channel === "online_store")!.reserveHistory).toBeUndefined();
    const fixed = { ...MARKET, ringFenceSizing: "fixed" as const, ringFenceMinUnits: undefined };
    expect(channel(plan([ONLINE, fixed], shop([published([7, 0])])), "marketplace").reserveHistory).toBeUndefined();
  });
});
