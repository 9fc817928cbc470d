import { describe, expect, it } from "vitest";
import { bundleChannelPlans, componentsForCheckout, itemsAssumingMoves, MAX_BUNDLE_LISTED_HOLDS, type BundleInput } from "./bundles";
import { channelMetafieldValue } from "./inventory-writes";
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

describe("componentsForCheckout", () => {
  const open = (available: number) => ({ available, paused: false });

  it("lists what any cart may take, and gives each listed holder its own held units back", () => {
    const listed = componentsForCheckout([
      // Shirts: 42 for sale, key-d holds 8, key-e 1 → others 33; key-d 33 + 8, key-e 33 + 1.
      { variantId: "shirt", quantity: 1, planned: open(42), held: 9, keys: { "key-d": 8, "key-e": 1 } },
      // Totes: 20 for sale, key-d holds 16 and an unlisted hold 2 → others 2; key-d 2 + 16 = 18 (20 − the other 2).
      { variantId: "tote", quantity: 2, planned: open(20), held: 18, keys: { "key-d": 16 } },
    ]);
    expect(listed).toEqual([
      { variantId: "shirt", quantity: 1, available: 33, keys: { "key-d": 8, "key-e": 1 } },
      { variantId: "tote", quantity: 2, available: 2, keys: { "key-d": 16 } },
    ]);
  });

  it("never gives back more than the component's number leaves the holder, and nothing when paused", () => {
    const listed = componentsForCheckout([
      // Only 5 for sale now, 8 held (key-d 6, another 2): others 0; key-d may take 5 − 2 = 3, not 6.
      { variantId: "low", quantity: 1, planned: open(5), held: 8, keys: { "key-d": 6 } },
      // key-d holds all 3 of 3 but the channel is paused: nobody may take any.
      { variantId: "paused", quantity: 1, planned: { available: 3, paused: true }, held: 3, keys: { "key-d": 3 } },
      // Nothing held: no keys at all (the value stays as it was before holds were listed).
      { variantId: "free", quantity: 1, planned: open(7), held: 0, keys: {} },
    ]);
    expect(listed).toEqual([
      { variantId: "low", quantity: 1, available: 0, keys: { "key-d": 3 } },
      { variantId: "paused", quantity: 1, available: 0 },
      { variantId: "free", quantity: 1, available: 7 },
    ]);
  });

  it(`lists at most ${MAX_BUNDLE_LISTED_HOLDS} keys, the oldest of every component first, and keeps the worst value under 10,000 bytes`, () => {
    // 30 components (Shopify's most), each with 16 listed holds of 22-character keys.
    const key = (component: number, rank: number) => `k${String(component).padStart(2, "0")}${String(rank).padStart(19, "0")}`;
    const components = Array.from({ length: 30 }, (_, c) => ({
      variantId: `gid://shopify/ProductVariant/${9_000_000_000_000 + c}`,
      quantity: 2000,
      planned: open(1_000_000),
      held: 16 * 9999,
      keys: Object.fromEntries(Array.from({ length: 16 }, (_, rank) => [key(c, rank), 9999])),
    }));
    const listed = componentsForCheckout(components);
    const keys = listed.flatMap((component) => Object.keys(component.keys ?? {}));
    expect(keys).toHaveLength(MAX_BUNDLE_LISTED_HOLDS);
    // 64 = rounds 0 and 1 of all 30 components, then round 2 of the first 4.
    expect(listed[0]!.keys).toEqual({ [key(0, 0)]: 9999, [key(0, 1)]: 9999, [key(0, 2)]: 9999 });
    expect(Object.keys(listed[29]!.keys!)).toEqual([key(29, 0), key(29, 1)]);
    const channels = Object.fromEntries(["marketplace", "online_store", "pos", "wholesale"].map((handle) => [handle, { available: 999_999, paused: false }]));
    expect(new TextEncoder().encode(channelMetafieldValue(channels, { components: listed })).length).toBeLessThan(10_000);
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

describe("itemsAssumingMoves", () => {
  const MUG_SET: BundleInput = { inventoryItemId: "mug-set", sku: "MUG-SET", components: [{ inventoryItemId: "mug", sku: "MUG", title: "Mug", quantity: 4 }] };
  const BAG_SET: BundleInput = { inventoryItemId: "bag-set", sku: "BAG-SET", components: [{ inventoryItemId: "tote", sku: "TOTE-NAT", title: "Canvas Tote - Natural", quantity: 1 }, { inventoryItemId: "mug", sku: "MUG", title: "Mug", quantity: 1 }] };

  it("is the moved items and every bundle with one of them as a component, and no other bundle", () => {
    // The tote's move: the tote, SET (shirt + 2 totes) and BAG-SET (tote + mug); MUG-SET has no tote.
    expect([...itemsAssumingMoves(["tote"], [SET, MUG_SET, BAG_SET])].sort()).toEqual(["bag-set", "set", "tote"]);
    // The mug's move: the mug, MUG-SET and BAG-SET.
    expect([...itemsAssumingMoves(["mug"], [SET, MUG_SET, BAG_SET])].sort()).toEqual(["bag-set", "mug", "mug-set"]);
  });

  it("is the moved items alone when no bundle contains them, or the run has no bundle", () => {
    expect([...itemsAssumingMoves(["ring"], [SET, MUG_SET])]).toEqual(["ring"]);
    expect([...itemsAssumingMoves(["shirt", "tote"], [])].sort()).toEqual(["shirt", "tote"]);
  });
});
