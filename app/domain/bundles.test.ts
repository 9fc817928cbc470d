import { describe, expect, it } from "vitest";
import { bundleChannelPlans, type BundleInput } from "./bundles";
import { leftAloneReason } from "./left-alone";
import type { ChannelPlan } from "./types";

const plan = (item: string, channel: string, pool: number, available: number, paused = false): ChannelPlan => ({ item, sku: item, channel, pool, available, paused, explain: [] });

const SET: BundleInput = {
  inventoryItemId: "set",
  sku: "SET",
  components: [
    { inventoryItemId: "shirt", sku: "SHIRT-M", title: "Linen Shirt - M", quantity: 1 },
    { inventoryItemId: "tote", sku: "TOTE-NAT", title: "Canvas Tote - Natural", quantity: 2 },
  ],
};

describe("bundleChannelPlans", () => {
  it("is the least over components of ⌊number ÷ quantity per bundle⌋, naming the component that limits it", () => {
    const plans = new Map([
      ["shirt", [plan("shirt", "online_store", 42, 42), plan("shirt", "pos", 51, 40)]],
      ["tote", [plan("tote", "online_store", 120, 20), plan("tote", "pos", 138, 138)]],
    ]);
    const [online, pos] = bundleChannelPlans(SET, plans);
    // Online: shirts 42, totes ⌊20/2⌋ = 10 → 10; pool min(42, ⌊120/2⌋ = 60) = 42, so 32 withheld.
    expect(online).toMatchObject({ item: "set", channel: "online_store", available: 10, pool: 42, paused: false });
    expect(online!.explain).toEqual([{ rule: "bundle", scope: "TOTE-NAT", units: 32, reason: "bundle limited by TOTE-NAT: 20 units for this channel, 2 per bundle" }]);
    // POS: shirts 40, totes ⌊138/2⌋ = 69 → 40, limited by the shirt; pool min(51, 69) = 51.
    expect(pos).toMatchObject({ channel: "pos", available: 40, pool: 51 });
    expect(pos!.explain[0]!.reason).toBe("bundle limited by SHIRT-M: 40 units for this channel, 1 per bundle");
  });

  it("a channel paused for one component is paused for the bundle; a component not planned does not limit it", () => {
    const plans = new Map([
      ["shirt", [plan("shirt", "marketplace", 5, 0, true)]],
      ["tote", [plan("tote", "marketplace", 9, 9)]],
    ]);
    expect(bundleChannelPlans(SET, plans)).toMatchObject([{ channel: "marketplace", available: 0, paused: true }]);
    // Only the tote is planned (the shirt untracked): ⌊9/2⌋ = 4.
    expect(bundleChannelPlans(SET, new Map([["tote", [plan("tote", "marketplace", 9, 9)]]]))).toMatchObject([{ channel: "marketplace", available: 4 }]);
  });
});

describe("leftAloneReason", () => {
  it("names gift cards, then untracked items, then digital goods; plans the rest", () => {
    expect(leftAloneReason({ tracked: false, isGiftCard: true, requiresShipping: false })).toBe("gift_card");
    expect(leftAloneReason({ tracked: false, isGiftCard: false, requiresShipping: false })).toBe("untracked");
    expect(leftAloneReason({ tracked: true, isGiftCard: false, requiresShipping: false })).toBe("digital");
    expect(leftAloneReason({ tracked: true, isGiftCard: false, requiresShipping: true })).toBeNull();
  });
});
