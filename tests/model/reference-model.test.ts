/**
 * The reference model itself, on hand-computed cases: a model that is wrong would make the
 * model-based test prove nothing.
 */
import { describe, expect, it } from "vitest";
import { channelNumber, policyDocument, reachableStock, refreshCover, targetAvailable, targetSafetyStock, type ModelLevel, type ModelLocation } from "./reference-model";

const level = (location: string, onHand: number, committed = 0, tags: string[] = []): ModelLevel => ({
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
