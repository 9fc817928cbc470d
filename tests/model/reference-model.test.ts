/**
 * The reference model itself, on hand-computed cases: a model that is wrong would make the
 * model-based test prove nothing.
 */
import { describe, expect, it } from "vitest";
import {
  channelNumber,
  oversoldUnits,
  policyDocument,
  reachableStock,
  refreshCover,
  ringFenceAt,
  targetAvailable,
  targetSafetyStock,
  type ModelLevel,
  type ModelLocation,
} from "./reference-model";

const level = (location: string, onHand: number, committed = 0, tags: string[] = []): ModelLevel => ({
  item: "gid://shopify/InventoryItem/7",
  sku: "RING-7",
  tags,
  location,
  onHand,
  committed,
  reserved: 0,
  damaged: 0,
  qualityControl: 0,
});

const LOCATIONS: ModelLocation[] = [
  { name: "Warehouse", active: true, fulfillsOnlineOrders: true },
  { name: "Soho store", active: true, fulfillsOnlineOrders: false },
];

describe("reference model", () => {
  it("withholds the most specific safety stock, capped by what could sell", () => {
    const policy = { global: 2, atLocation: { location: "Warehouse", units: 5 }, forTag: { tag: "bestseller", units: 1 } };
    expect(targetSafetyStock(policy, level("Warehouse", 10, 3))).toBe(5); // location beats global
    expect(targetSafetyStock(policy, level("Soho store", 10))).toBe(2); // global
    expect(targetSafetyStock(policy, level("Warehouse", 10, 0, ["bestseller"]))).toBe(1); // tag beats location
    expect(targetSafetyStock({ ...policy, forSku: { sku: "RING-7", units: 0 } }, level("Warehouse", 10, 0, ["bestseller"]))).toBe(0);
    expect(targetSafetyStock(policy, level("Warehouse", 4, 2))).toBe(2); // only 2 could sell
    // Oversold (committed above on hand): nothing to withhold, available stays negative.
    expect(targetSafetyStock(policy, level("Warehouse", 1, 3))).toBe(0);
    expect(targetAvailable(policy, level("Warehouse", 1, 3))).toBe(-2);
    expect(targetAvailable(policy, level("Warehouse", 10, 3))).toBe(2);
  });

  it("pools online channels only over locations that fulfil online orders", () => {
    const levels = [level("Warehouse", 12), level("Soho store", 5)];
    const policy = { global: 2 };
    // Warehouse 12 − 2 = 10; Soho's 3 cannot reach an online order.
    expect(channelNumber(policy, "online_store", levels, LOCATIONS)).toEqual({ available: 10, paused: false });
    expect(reachableStock("marketplace", levels, LOCATIONS)).toBe(12);
    expect(channelNumber(policy, "marketplace", levels, [LOCATIONS[0], { ...LOCATIONS[1], fulfillsOnlineOrders: true }])).toEqual({ available: 13, paused: false });
  });

  it("applies network minimum, allocation, pause below and manual pause", () => {
    const levels = [level("Warehouse", 9)];
    const policy = { global: 0, online: { networkMinimum: 2 }, marketplace: { allocationPercent: 50, pauseBelow: 5 }, wholesale: { paused: true } };
    expect(channelNumber(policy, "online_store", levels, LOCATIONS)).toEqual({ available: 7, paused: false });
    // floor(9 × 50%) = 4, under 5 → paused at 0.
    expect(channelNumber(policy, "marketplace", levels, LOCATIONS)).toEqual({ available: 0, paused: true });
    expect(channelNumber({ ...policy, marketplace: { allocationPercent: 50 } }, "marketplace", levels, LOCATIONS)).toEqual({ available: 4, paused: false });
    expect(channelNumber(policy, "wholesale", levels, LOCATIONS)).toEqual({ available: 0, paused: true });
  });

  it("covers what the other channels sell while the marketplace's copy is stale (docs/policy.md worked example)", () => {
    // Pool 40 at the warehouse; others sell 0.9/s; R 15 s + lag 3 s = 18 s → 16.2 → 17 → 23.
    const sales = { othersPerSecond: 0.9, lagSeconds: 3 };
    expect(refreshCover(15, sales)).toBe(17);
    const levels = [level("Warehouse", 40), level("Soho store", 12)];
    const policy = { global: 0, marketplace: { refreshSeconds: 15 } };
    expect(channelNumber(policy, "marketplace", levels, LOCATIONS, sales)).toEqual({ available: 23, paused: false });
    // The online store has no refresh window: the whole pool.
    expect(channelNumber(policy, "online_store", levels, LOCATIONS, sales)).toEqual({ available: 40, paused: false });
    // Nobody else sells: nothing covered. A 10-minute poller at 0.9/s: ceil(0.9 × 603) = 543 > 40 → 0.
    expect(channelNumber(policy, "marketplace", levels, LOCATIONS)).toEqual({ available: 40, paused: false });
    expect(channelNumber({ global: 0, marketplace: { refreshSeconds: 600 } }, "marketplace", levels, LOCATIONS, sales)).toEqual({ available: 0, paused: false });
    // Then the allocation, a share of the pool: min(23, 50% of 40 = 20) = 20; and pause below 30: 23 → paused.
    expect(channelNumber({ global: 0, marketplace: { refreshSeconds: 15, allocationPercent: 50 } }, "marketplace", levels, LOCATIONS, sales)).toEqual({ available: 20, paused: false });
    expect(channelNumber({ global: 0, marketplace: { refreshSeconds: 15, pauseBelow: 30 } }, "marketplace", levels, LOCATIONS, sales)).toEqual({ available: 0, paused: true });
  });

  it("ring-fences units for the marketplace at its locations, on top of protection (docs/policy.md § 4 \"Ring fence\")", () => {
    const levels = [level("Warehouse", 40), level("Soho store", 12)];
    const shop = { levels, locations: LOCATIONS };
    const policy = { global: 2, marketplace: { ringFenceUnits: 10, refreshSeconds: 15 } };
    // Warehouse 40 − 2 = 38, fence 10 → safety_stock 12, available 28. Soho does not fulfil online orders: no fence.
    expect(targetSafetyStock(policy, levels[0]!, shop)).toBe(12);
    expect(targetAvailable(policy, levels[0]!, shop)).toBe(28);
    expect(targetSafetyStock(policy, levels[1]!, shop)).toBe(2);
    expect(() => targetSafetyStock(policy, levels[0]!)).toThrow(/spans locations/);
    // The online store's pool leaves the fence out: 28.
    expect(channelNumber(policy, "online_store", levels, LOCATIONS)).toEqual({ available: 28, paused: false });
    // Marketplace, others 0.9/s over 18 s: the cover 17 comes off the shared 28 → 11, + fence 10 = 21.
    const sales = { othersPerSecond: 0.9, lagSeconds: 3 };
    expect(channelNumber(policy, "marketplace", levels, LOCATIONS, sales)).toEqual({ available: 21, paused: false });
    // A hot SKU, 6/s: cover ceil(108) > 28 → exactly the fence, 10; under a pause below of 12, paused.
    const hot = { othersPerSecond: 6, lagSeconds: 3 };
    expect(channelNumber(policy, "marketplace", levels, LOCATIONS, hot)).toEqual({ available: 10, paused: false });
    expect(channelNumber({ ...policy, marketplace: { ...policy.marketplace, pauseBelow: 12 } }, "marketplace", levels, LOCATIONS, hot)).toEqual({ available: 0, paused: true });
    // Only 5 on hand: 5 − 2 = 3 left, so the fence is 3 (safety_stock 5, available 0) and the marketplace lists 3.
    const low = [level("Warehouse", 5)];
    expect(targetSafetyStock(policy, low[0]!, { levels: low, locations: LOCATIONS })).toBe(5);
    expect(channelNumber(policy, "marketplace", low, LOCATIONS, hot)).toEqual({ available: 3, paused: false });
    // Soho fulfilling online orders too: fenced by name, Soho store first (12 − 2 = 10), Warehouse none.
    const both = [LOCATIONS[0]!, { ...LOCATIONS[1]!, fulfillsOnlineOrders: true }];
    expect(levels.map((l) => ringFenceAt(policy, l, { levels, locations: both }))).toEqual([0, 10]);
    expect(policyDocument(policy).channels).toEqual([{ channel: "marketplace", tier: 2, refreshSeconds: 15, ringFenceUnits: 10 }]);
  });

  it("judges variants sharing a SKU, or without one, each on its own stock", () => {
    const blue = (location: string, onHand: number): ModelLevel => ({ ...level(location, onHand), item: "blue", sku: "TEE" });
    const navy = (location: string, onHand: number): ModelLevel => ({ ...level(location, onHand), item: "navy", sku: "TEE" });
    const plain = (item: string, onHand: number): ModelLevel => ({ ...level("Warehouse", onHand), item, sku: "" });
    const policy = { global: 1, forSku: { sku: "TEE", units: 3 }, marketplace: { ringFenceUnits: 2 } };
    const levels = [blue("Warehouse", 10), navy("Warehouse", 4), plain("round", 6)];
    const shop = { levels, locations: LOCATIONS };
    // Blue: 10 − the SKU rule's 3 = 7 left; the fence takes 2 of Blue's own → safety_stock 5, available 5.
    expect([targetSafetyStock(policy, levels[0]!, shop), targetAvailable(policy, levels[0]!, shop)]).toEqual([5, 5]);
    // Navy 4 − 3 = 1, fence min(2, 1) = 1: its own, never Blue's.
    expect([targetSafetyStock(policy, levels[1]!, shop), targetAvailable(policy, levels[1]!, shop)]).toEqual([4, 0]);
    // No SKU: the global 1, fence 2 → 3, available 3.
    expect([targetSafetyStock(policy, levels[2]!, shop), targetAvailable(policy, levels[2]!, shop)]).toEqual([3, 3]);
    // Channel numbers from each variant's own levels: online 5 / 0 / 3; marketplace adds its own fence.
    expect(channelNumber(policy, "online_store", [levels[0]!], LOCATIONS)).toEqual({ available: 5, paused: false });
    expect(channelNumber(policy, "marketplace", [levels[1]!], LOCATIONS)).toEqual({ available: 1, paused: false });
    expect(channelNumber(policy, "online_store", [levels[2]!], LOCATIONS)).toEqual({ available: 3, paused: false });
  });

  it("adds display units on top of safety stock, and a tag at one location beats the tag and the location (docs/policy.md § 3)", () => {
    const policy = {
      global: 1,
      atLocation: { location: "Soho store", units: 4 },
      forTag: { tag: "bestseller", units: 3 },
      forTagAtLocation: { tag: "bestseller", location: "Warehouse", units: 2 },
      display: { sku: "RING-7", location: "Soho store", units: 2 },
    };
    // The documented example: 8 base, 1 safety + 2 display leaves 5.
    expect(targetAvailable({ global: 1, display: policy.display }, level("Soho store", 10, 2))).toBe(5);
    expect(targetSafetyStock({ global: 1, display: policy.display }, level("Soho store", 10, 2))).toBe(3);
    // Warehouse × bestseller: the combined scope (2), not the tag alone (3).
    expect(targetSafetyStock(policy, level("Warehouse", 10, 0, ["bestseller"]))).toBe(2);
    // Soho × bestseller: the tag (3) beats the location (4), plus 2 on display.
    expect(targetSafetyStock(policy, level("Soho store", 10, 0, ["bestseller"]))).toBe(5);
    // Display names one SKU: a blank or other SKU shows nothing at Soho.
    expect(targetSafetyStock(policy, { ...level("Soho store", 10), sku: "" })).toBe(4);
    // Capped by what could sell: 3 sellable, 4 + 2 asked.
    expect(targetSafetyStock(policy, level("Soho store", 3))).toBe(3);
    // A SKU rule still beats the combined scope; display still adds.
    expect(targetSafetyStock({ ...policy, forSku: { sku: "RING-7", units: 0 } }, level("Warehouse", 10, 0, ["bestseller"]))).toBe(0);
    expect(policyDocument(policy).protection).toEqual([
      { kind: "safety_stock", units: 1 },
      { kind: "safety_stock", units: 4, location: "Soho store" },
      { kind: "safety_stock", units: 3, tag: "bestseller" },
      { kind: "safety_stock", units: 2, location: "Warehouse", tag: "bestseller" },
      { kind: "display", units: 2, location: "Soho store", sku: "RING-7" },
    ]);
  });

  it("gives wholesale its fixed units only while the pool reaches the tier reserve (docs/policy.md § 4)", () => {
    const policy = { global: 0, wholesale: { fixedUnits: 5, reserveForHigherTiersBelow: 15 } };
    // Pool 14 < 15: the higher tiers keep it; 0, not paused.
    expect(channelNumber(policy, "wholesale", [level("Warehouse", 14)], LOCATIONS)).toEqual({ available: 0, paused: false });
    // Pool 15: the reserve is met, the fixed 5.
    expect(channelNumber(policy, "wholesale", [level("Warehouse", 15)], LOCATIONS)).toEqual({ available: 5, paused: false });
    // The reserve judges the online pool only: Soho's 20 cannot fill a wholesale order.
    expect(channelNumber(policy, "wholesale", [level("Warehouse", 10), level("Soho store", 20)], LOCATIONS)).toEqual({ available: 0, paused: false });
    // The documented example: pool 6 under 20 → 0.
    expect(channelNumber({ global: 0, wholesale: { fixedUnits: 50, reserveForHigherTiersBelow: 20 } }, "wholesale", [level("Warehouse", 6)], LOCATIONS)).toEqual({ available: 0, paused: false });
    // Fixed units never exceed the pool.
    expect(channelNumber({ global: 0, wholesale: { fixedUnits: 50 } }, "wholesale", [level("Warehouse", 6)], LOCATIONS)).toEqual({ available: 6, paused: false });
    expect(policyDocument(policy).channels).toEqual([{ channel: "wholesale", tier: 3, fixedUnits: 5, reserveForHigherTiersBelow: 15 }]);
  });

  it("sums Point of Sale over every active store (docs/policy.md § 4 worked example)", () => {
    // RING-6: 12 at Warehouse, 2 at Soho store; marketplace 50%: online 12, marketplace 6, POS 14.
    const levels = [level("Warehouse", 12), level("Soho store", 2)];
    const policy = { global: 0, marketplace: { allocationPercent: 50 } };
    expect(channelNumber(policy, "online_store", levels, LOCATIONS)).toEqual({ available: 12, paused: false });
    expect(channelNumber(policy, "marketplace", levels, LOCATIONS)).toEqual({ available: 6, paused: false });
    expect(channelNumber(policy, "point_of_sale", levels, LOCATIONS)).toEqual({ available: 14, paused: false });
    expect(channelNumber(policy, "point_of_sale", levels, [LOCATIONS[0]!, { ...LOCATIONS[1]!, active: false }])).toEqual({ available: 12, paused: false });
  });

  it("lowers every other channel by a running hold, never the holder's, after the refresh window and before the allocation (docs/policy.md § 4)", () => {
    const levels = [level("Warehouse", 11)];
    const web = [{ channel: "online_store", units: 3 }];
    const policy = { global: 1, online: { networkMinimum: 2 }, marketplace: { allocationPercent: 50 }, wholesale: { fixedUnits: 4 } };
    // Pool 10. The holder's channel: 10 − 2 (network minimum), the 3 held units stay in it.
    expect(channelNumber(policy, "online_store", levels, LOCATIONS, undefined, web)).toEqual({ available: 8, paused: false });
    // Marketplace: 10 − 3 held = 7, then at most 50% of the pool (5): the share does not shrink for holds that leave more.
    expect(channelNumber(policy, "marketplace", levels, LOCATIONS, undefined, web)).toEqual({ available: 5, paused: false });
    expect(channelNumber(policy, "marketplace", levels, LOCATIONS, undefined, [{ channel: "online_store", units: 8 }])).toEqual({ available: 2, paused: false });
    // Wholesale: 10 − 3 = 7, capped at its fixed 4; 9 held leave it 1.
    expect(channelNumber(policy, "wholesale", levels, LOCATIONS, undefined, web)).toEqual({ available: 4, paused: false });
    expect(channelNumber(policy, "wholesale", levels, LOCATIONS, undefined, [{ channel: "online_store", units: 9 }])).toEqual({ available: 1, paused: false });
    // Refresh window first: 10 − ceil(0.2 × 15) = 7, then 3 held: 4; more held than left: 0.
    const refresh = { global: 1, marketplace: { refreshSeconds: 15 } };
    expect(channelNumber(refresh, "marketplace", levels, LOCATIONS, { othersPerSecond: 0.2, lagSeconds: 0 }, web)).toEqual({ available: 4, paused: false });
    expect(channelNumber(refresh, "marketplace", levels, LOCATIONS, undefined, [{ channel: "online_store", units: 12 }])).toEqual({ available: 0, paused: false });
  });

  it("lets holds lower only the shared part of a ring-fenced channel (docs/policy.md § 4 \"Ring fence\")", () => {
    // Pool 10 with 3 fenced for the marketplace: shared 7, less 5 held = 2, plus its fence = 5; the Online Store keeps its 7.
    const policy = { global: 1, marketplace: { ringFenceUnits: 3 } };
    const held = [{ channel: "online_store", units: 5 }];
    expect(channelNumber(policy, "marketplace", [level("Warehouse", 11)], LOCATIONS, undefined, held)).toEqual({ available: 5, paused: false });
    expect(channelNumber(policy, "online_store", [level("Warehouse", 11)], LOCATIONS, undefined, held)).toEqual({ available: 7, paused: false });
  });

  it("never counts a continue-selling variant as oversold", () => {
    // 0 on hand, 2 committed: oversold by 2, unless the variant sells past zero on purpose.
    expect(oversoldUnits(level("Warehouse", 0, 2))).toBe(2);
    expect(oversoldUnits({ ...level("Warehouse", 0, 2), continueSelling: true })).toBe(0);
    expect(oversoldUnits(level("Warehouse", 3, 2))).toBe(0);
  });

  it("writes the policy file in the documented format", () => {
    expect(policyDocument({ global: 0, marketplace: { refreshSeconds: 15 } }).channels).toEqual([{ channel: "marketplace", tier: 2, refreshSeconds: 15 }]);
    expect(policyDocument({ global: 1, forSku: { sku: "RING-7", units: 3 }, marketplace: { pauseBelow: 2 } })).toEqual({
      version: 1,
      protection: [
        { kind: "safety_stock", units: 1 },
        { kind: "safety_stock", units: 3, sku: "RING-7" },
      ],
      channels: [{ channel: "marketplace", tier: 2, pauseBelow: 2 }],
    });
  });
});
