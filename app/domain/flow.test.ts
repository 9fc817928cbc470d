import { describe, expect, it } from "vitest";
import { channelNumberLowTriggers, channelPausedTrigger, fitFlowPayload, flowPayloadBytes, lowStockThreshold, readSetSafetyStock } from "./flow";

describe("Flow trigger payloads", () => {
  it("shorten a long reason to fit the limit, keeping numbers and booleans", () => {
    const trigger = channelPausedTrigger({ channelName: "Marketplace", channel: "marketplace", paused: true, reason: "é".repeat(40_000), policyVersion: 7 });
    // 40,000 × 2 bytes of reason alone is over 50,000 bytes.
    expect(flowPayloadBytes(trigger.payload)).toBeLessThanOrEqual(50_000);
    expect(trigger.payload).toMatchObject({ Channel: "Marketplace", Paused: true, "Policy version": 7 });
    expect(String(trigger.payload.Reason).endsWith("…")).toBe(true);
    const small = fitFlowPayload({ handle: "h", payload: { Reason: "short" } });
    expect(small.payload).toEqual({ Reason: "short" });
  });

  it("start a low-stock trigger once per fall below the threshold, not while the number stays below", () => {
    const state = (available: number) => ({ inventoryItemId: "item-1", sku: "MUG", channel: "online_store", available });
    const threshold = () => 5;
    expect(channelNumberLowTriggers([state(6)], [state(4)], threshold).map((entry) => entry.trigger.payload)).toEqual([
      { SKU: "MUG", "Channel handle": "online_store", "Channel number": 4, Threshold: 5 },
    ]);
    expect(channelNumberLowTriggers([state(5)], [state(4)], threshold)).toHaveLength(1);
    expect(channelNumberLowTriggers([state(4)], [state(2)], threshold)).toEqual([]);
    expect(channelNumberLowTriggers([state(6)], [state(5)], threshold)).toEqual([]);
    expect(channelNumberLowTriggers([], [state(0)], threshold)).toHaveLength(1);
    expect(channelNumberLowTriggers([state(9)], [state(0)], () => undefined)).toEqual([]);
  });

  it("alert below the channel's own alertBelow, else its pauseBelow, never for a channel the merchant paused", () => {
    expect(lowStockThreshold({ pauseBelow: 3, alertBelow: 8 })).toBe(8);
    expect(lowStockThreshold({ pauseBelow: 3 })).toBe(3);
    expect(lowStockThreshold({ alertBelow: 0 })).toBe(0);
    expect(lowStockThreshold({})).toBeUndefined();
    expect(lowStockThreshold({ alertBelow: 8, paused: true })).toBeUndefined();
    expect(lowStockThreshold(undefined)).toBeUndefined();
    // Alerting at 8 with pausing at 3: a fall from 9 to 6 is still sold (6) and alerts once; the
    // later pause (0) is no second fall.
    const state = (available: number) => ({ inventoryItemId: "item-1", sku: "MUG", channel: "online_store", available });
    const threshold = () => lowStockThreshold({ pauseBelow: 3, alertBelow: 8 });
    expect(channelNumberLowTriggers([state(9)], [state(6)], threshold).map((entry) => entry.trigger.payload)).toEqual([
      { SKU: "MUG", "Channel handle": "online_store", "Channel number": 6, Threshold: 8 },
    ]);
    expect(channelNumberLowTriggers([state(6)], [state(0)], threshold)).toEqual([]);
  });
});

describe("Flow action properties", () => {
  it("name every missing field and read a numeric Units text as its number", () => {
    expect(readSetSafetyStock({})).toEqual({
      ok: false,
      problems: [
        { path: "properties.SKU", message: "is required" },
        { path: "properties.Location", message: "is required" },
        { path: "properties.Units", message: "is required" },
      ],
    });
    expect(readSetSafetyStock({ SKU: " MUG ", Location: "Shop", Units: "4" })).toEqual({ ok: true, value: { sku: "MUG", location: "Shop", units: 4 } });
  });
});
