import { describe, expect, it } from "vitest";
import { compilePolicy } from "./compile-policy";
import { freezeStateFor, planInventoryWrites, planProductPublications, type ReadItem } from "./write-plan";
import type { Policy, Snapshot } from "./types";

const NOW = "2026-11-30T12:00:00Z";

/** One SKU at one location with `available` units, nothing committed, and `safety` protected already. */
function shop(available: number, safety: number, metafield: string | null = null): { snapshot: Snapshot; items: ReadItem[] } {
  return {
    snapshot: {
      syncLagMinutes: 1,
      levels: [{ item: "item-1", sku: "RING-7", location: "Warehouse", onHand: available + safety, committed: 0, reserved: 0, damaged: 0, qualityControl: 0, incoming: 0 }],
      items: [{ item: "item-1", sku: "RING-7", product: "Ring", tags: [], unitsPerMinute: 0 }],
      channels: ["online_store", "marketplace"],
      locations: ["Warehouse"],
    },
    items: [
      {
        inventoryItemId: "item-1",
        sku: "RING-7",
        variantId: "variant-1",
        channelMetafield: metafield === null ? null : { value: metafield, compareDigest: "digest-1" },
        levels: [{ locationId: "loc-1", locationName: "Warehouse", locationActive: true, quantities: { available, safety_stock: safety, on_hand: available + safety } }],
      },
    ],
  };
}

const TWO: Policy = { version: 1, protection: [{ kind: "safety_stock", units: 2 }], channels: [{ channel: "marketplace", tier: 2 }] };

describe("planInventoryWrites", () => {
  it("plans a compare-and-swap move to the target and the channel numbers of what is left", () => {
    const { snapshot, items } = shop(8, 0);
    const plan = planInventoryWrites({ policy: compilePolicy(TWO), snapshot, items, now: NOW, freeze: null });
    // 8 sellable, 2 protected: move 2 from available (read 8) to safety_stock (read 0); 6 left for both channels.
    expect(plan.moves).toHaveLength(1);
    expect(plan.moves[0]).toMatchObject({ quantity: 2, from: { name: "available", changeFromQuantity: 8 }, to: { name: "safety_stock", changeFromQuantity: 0 }, safetyStockBefore: 0, safetyStockAfter: 2 });
    expect(plan.metafields).toHaveLength(1);
    expect(JSON.parse(plan.metafields[0].value)).toEqual({ channels: { marketplace: { available: 6, paused: false }, online_store: { available: 6, paused: false } } });
    expect(plan.metafields[0]).toMatchObject({ compareDigest: null, variantId: "variant-1" });
    expect(plan.metafields[0].changes.map((change) => [change.channel, change.before, change.after])).toEqual([
      ["marketplace", null, 6],
      ["online_store", null, 6],
    ]);
    expect(plan.levels).toHaveLength(1);
  });

  it("plans nothing when Shopify already holds the plan (the echo of our own write)", () => {
    const published = JSON.stringify({ channels: { marketplace: { available: 6, paused: false }, online_store: { available: 6, paused: false } } });
    const { snapshot, items } = shop(6, 2, published);
    const plan = planInventoryWrites({ policy: compilePolicy(TWO), snapshot, items, now: NOW, freeze: null });
    expect(plan.moves).toEqual([]);
    expect(plan.metafields).toEqual([]);
    expect(plan.levels).toHaveLength(1);
  });

  it("freezes low-stock SKUs on lower tiers, so a frozen plan can be reproduced offline", () => {
    const { snapshot, items } = shop(8, 0);
    const plan = planInventoryWrites({ policy: compilePolicy(TWO), snapshot, items, now: NOW, freeze: freezeStateFor(TWO, "webhooks are late") });
    // Pool 6 < 10: the tier-2 marketplace is paused at 0; the tier-1 online store keeps its 6.
    expect(JSON.parse(plan.metafields[0].value)).toEqual({ channels: { marketplace: { available: 0, paused: true }, online_store: { available: 6, paused: false } } });
    expect(plan.metafields[0].changes.find((change) => change.channel === "marketplace")?.reason).toContain("frozen while webhooks are late");
  });
});

describe("planProductPublications", () => {
  const paused = [{ handle: "marketplace", publicationId: "pub-m", pausedByMerchant: true }];
  const open = [{ handle: "marketplace", publicationId: "pub-m", pausedByMerchant: false }];
  const base = { channels: paused, ruledChannels: new Set(["marketplace"]), previous: new Map(), batchItems: new Set(["item-1"]), hiddenByUs: new Set<string>(), alwaysCheck: false };
  const state = (available: number, isPaused: boolean) => ({ inventoryItemId: "item-1", channel: "marketplace", available, paused: isPaused });

  it("unpublishes when the merchant paused the channel and no variant may sell there any more", () => {
    const previous = new Map([["item-1|marketplace", state(3, false)]]);
    const steps = planProductPublications({ ...base, previous, states: [state(0, true)] });
    expect(steps).toEqual([{ action: "unpublish", channel: "marketplace", publicationId: "pub-m", reason: "channel paused" }]);
  });

  it("keeps a product that sold out (or fell under pauseBelow) published with 0 listed, even on reconciliation", () => {
    const previous = new Map([["item-1|marketplace", state(3, false)]]);
    for (const after of [state(0, false), state(0, true)]) {
      expect(planProductPublications({ ...base, channels: open, previous, states: [after] })).toEqual([]);
      expect(planProductPublications({ ...base, channels: open, previous, states: [after], alwaysCheck: true })).toEqual([]);
    }
  });

  it("republishes only what Safestock hid, and asks nothing when the product was already unsellable", () => {
    const sellable = [state(2, false)];
    expect(planProductPublications({ ...base, states: sellable })).toEqual([]);
    expect(planProductPublications({ ...base, states: sellable, hiddenByUs: new Set(["pub-m"]) })).toMatchObject([{ action: "publish", publicationId: "pub-m" }]);
    // What it hid under an earlier version (sold out) comes back once the channel may sell it again.
    expect(planProductPublications({ ...base, channels: open, states: sellable, hiddenByUs: new Set(["pub-m"]) })).toMatchObject([{ action: "publish", publicationId: "pub-m" }]);
    const unsellable = [state(0, true)];
    const previous = new Map([["item-1|marketplace", unsellable[0]]]);
    expect(planProductPublications({ ...base, previous, states: unsellable })).toEqual([]);
    expect(planProductPublications({ ...base, previous, states: unsellable, alwaysCheck: true })).toMatchObject([{ action: "unpublish" }]);
  });
});
