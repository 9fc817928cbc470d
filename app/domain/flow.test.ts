import { describe, expect, it } from "vitest";
import { channelNumberLowTriggers, channelPausedTrigger, fitFlowPayload, flowPayloadBytes, lowStockThreshold, readFlowLifecycleCallback, readSetSafetyStock, triggersInUse } from "./flow";

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

describe("Flow trigger lifecycle", () => {
  const paused = { key: "p", trigger: { handle: "safestock-channel-paused", payload: {} } };
  const changed = { key: "c", trigger: { handle: "safestock-protection-changed", payload: {} } };

  it("keeps the triggers a workflow uses, matched by handle or by the extension's name", () => {
    expect(triggersInUse([paused, changed], [])).toEqual([]);
    expect(triggersInUse([paused, changed], ["safestock-channel-paused"])).toEqual([paused]);
    expect(triggersInUse([paused, changed], ["Stock protection changed"])).toEqual([changed]);
  });

  it("keeps every trigger while a definition id it cannot read is in use (the marker of shops installed before the callback included)", () => {
    expect(triggersInUse([paused, changed], ["gid://shopify/FlowTriggerDefinition/7"])).toEqual([paused, changed]);
    expect(triggersInUse([paused, changed], ["*", "safestock-channel-paused"])).toEqual([paused, changed]);
  });

  it("reads the callback's five properties and refuses anything else", () => {
    // The doc's example body, shop_id as a string.
    const example = { flow_trigger_definition_id: "Add row to spreadsheet", has_enabled_flow: false, shop_id: "690933842", shopify_domain: "johnapparel.myshopify.com", timestamp: "2019-01-25T16:44:10.999Z" };
    expect(readFlowLifecycleCallback(example)).toEqual({
      ok: true,
      value: { definitionId: "Add row to spreadsheet", inUse: false, shopDomain: "johnapparel.myshopify.com", notifiedAt: new Date(Date.UTC(2019, 0, 25, 16, 44, 10, 999)) },
    });
    expect(readFlowLifecycleCallback({ ...example, shop_id: 690933842, has_enabled_flow: true })).toMatchObject({ ok: true, value: { inUse: true } });
    const refusedPaths = (body: unknown) => {
      const read = readFlowLifecycleCallback(body);
      return read.ok ? [] : read.problems.map((problem) => problem.path);
    };
    expect(refusedPaths({ ...example, has_enabled_flow: "true" })).toEqual(["has_enabled_flow"]);
    expect(refusedPaths({ ...example, timestamp: "2019-01-25" })).toEqual(["timestamp"]);
    expect(refusedPaths({ ...example, shop_id: "shop" })).toEqual(["shop_id"]);
    expect(refusedPaths([])).toEqual(["flow_trigger_definition_id", "shopify_domain", "has_enabled_flow", "shop_id", "timestamp"]);
  });
});
