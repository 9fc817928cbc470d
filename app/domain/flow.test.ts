import { describe, expect, it } from "vitest";
import { channelNumberLowTriggers, channelPausedTrigger, fitFlowPayload, flowPayloadBytes, readSetSafetyStock } from "./flow";

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
