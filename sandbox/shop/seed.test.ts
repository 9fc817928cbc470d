import { describe, expect, it } from "vitest";
import { createShopEmulator } from "./index.js";
import { createManualClock } from "./clock.js";
import { identityHolds } from "./inventory.js";
import { createEmptyState, nextLegacyId } from "./state.js";

describe("seeds", () => {
  it("default seed: three locations, four publications, SKUs, tags, some zero levels", () => {
    const shop = createShopEmulator({ clock: createManualClock() });
    const s = shop.snapshot();
    expect(s.name).toBe("Safestock Sandbox");
    expect(s.locations.map((l) => [l.name, l.fulfillsOnlineOrders])).toEqual([["Warehouse", true], ["Soho store", false], ["Brooklyn store", false]]);
    expect(s.publications.map((p) => p.channelHandle)).toEqual(["online_store", "pos", "marketplace", "wholesale"]);
    expect(s.variants.map((v) => v.sku)).toContain("RING-7");
    expect(s.inventoryLevels).toHaveLength(s.variants.length * 3);
    expect(s.inventoryLevels.some((l) => l.quantities.available === 0)).toBe(true);
    expect(s.inventoryLevels.every(identityHolds)).toBe(true);
    expect(s.inventoryLevels[0]!.id).toMatch(/^gid:\/\/shopify\/InventoryLevel\/\d+\?inventory_item_id=\d+$/);
    expect(s.products.filter((p) => p.tags.includes("promo")).length).toBeGreaterThan(0);
  });

  it("is deterministic, and generates large catalogs", () => {
    const a = createShopEmulator({ clock: createManualClock(), seed: { variants: 10_000, seed: 3 } }).snapshot();
    const b = createShopEmulator({ clock: createManualClock(), seed: { variants: 10_000, seed: 3 } }).snapshot();
    expect(a.variants).toHaveLength(10_000);
    expect(a.inventoryLevels).toHaveLength(30_000);
    expect(a.inventoryLevels.map((l) => l.quantities.available)).toEqual(b.inventoryLevels.map((l) => l.quantities.available));
    expect(new Set(a.variants.map((v) => v.sku)).size).toBe(10_000);
  });

  it("realistic seed: the default catalog plus shared and blank SKUs, continue-selling and untracked variants", () => {
    const plain = createShopEmulator({ clock: createManualClock() }).snapshot();
    const s = createShopEmulator({ clock: createManualClock(), seed: "realistic" }).snapshot();
    // The default catalog comes first, unchanged.
    expect(s.variants.slice(0, plain.variants.length).map((v) => v.sku)).toEqual(plain.variants.map((v) => v.sku));
    const carrying = (sku: string) => s.variants.filter((v) => v.sku === sku).length;
    expect([carrying("RING-7"), carrying("SHIRT-M"), carrying("PIN-ENAMEL")]).toEqual([2, 2, 2]);
    expect(carrying("")).toBe(3); // two stickers and the engraving
    const items = new Map(s.inventoryItems.map((item) => [item.id, item]));
    expect(s.variants.filter((v) => v.inventoryPolicy === "CONTINUE").map((v) => v.sku)).toEqual(["SCARF-GRY", "PLANTER-L", "PLANTER-S"]);
    expect(s.variants.filter((v) => !items.get(v.inventoryItemId)!.tracked).map((v) => [v.title, v.sku])).toEqual([
      ["Default Title", "GIFT-WRAP"],
      ["Engraving", ""],
      ["$25", "GIFT-25"], // a gift card
      ["Shirt M + 2 Totes", "SET-SUMMER"], // a fixed bundle: its stock is its components'
    ]);
    // A digital good ships nothing; the bundle is one M shirt and two natural totes.
    expect(s.inventoryItems.filter((item) => !item.requiresShipping).map((item) => item.sku)).toEqual(["GUIDE-PDF"]);
    const skuOf = new Map(s.variants.map((v) => [v.id, v.sku]));
    expect(s.variants.filter((v) => v.components).map((v) => [v.sku, v.components!.map((c) => [skuOf.get(c.variantId), c.quantity])])).toEqual([
      ["SET-SUMMER", [["SHIRT-M", 1], ["TOTE-NAT", 2]]],
    ]);
    // Every variant, tracked or not, is stocked at every location (untracked items keep their levels).
    expect(s.inventoryLevels).toHaveLength(s.variants.length * 3);
    expect(s.inventoryLevels.every(identityHolds)).toBe(true);
  });

  it("a generated realistic catalog has the same kinds, at the documented rates, and the requested size", () => {
    const s = createShopEmulator({ clock: createManualClock(), seed: { variants: 1_200, catalog: "realistic" } }).snapshot();
    expect(s.variants).toHaveLength(1_200);
    const items = new Map(s.inventoryItems.map((item) => [item.id, item]));
    // Hand-counted from REALISTIC_EVERY over positions 1..1,200: 24 multiples of 50; 30 of 40, of which
    // 6 are also of 50 (blank wins); 40 of 30; 20 of 60.
    expect(s.variants.filter((v) => v.sku === "").length).toBe(24);
    const skuCounts = new Map<string, number>();
    for (const v of s.variants) if (v.sku) skuCounts.set(v.sku, (skuCounts.get(v.sku) ?? 0) + 1);
    expect([...skuCounts.values()].filter((count) => count === 2).length).toBe(24);
    expect(s.variants.filter((v) => v.inventoryPolicy === "CONTINUE").length).toBe(40);
    expect(s.variants.filter((v) => !items.get(v.inventoryItemId)!.tracked).length).toBe(20);
  });

  it("idBase: every type counts from idBase + its base − 1, exactly, beyond 2^53; a kept shop's numeric counters go on", () => {
    const s = createShopEmulator({ clock: createManualClock(), idBase: "9007199254740993" }).snapshot();
    // ID_BASES: Location 70_000_000_001, Product 8_000_000_000_001, InventoryItem 47_000_000_000_001.
    expect(s.locations.map((l) => l.legacyId)).toEqual(["9007269254740993", "9007269254740994", "9007269254740995"]);
    expect(s.products[0]!.id).toBe("gid://shopify/Product/9015199254740993");
    expect(s.inventoryItems[1]!.legacyId).toBe("9054199254740994");
    expect(s.inventoryLevels[0]!.id).toMatch(/\?inventory_item_id=9054199254740993$/);
    // A shop kept by an older run holds its counters as numbers.
    const state = createEmptyState("kept.myshopify.com", "Kept", "2026-12-06T00:00:00.000Z");
    (state.nextIds as Record<string, unknown>).Order = 6000000000007;
    expect([nextLegacyId(state, "Order"), nextLegacyId(state, "Order")]).toEqual(["6000000000007", "6000000000008"]);
  });
});
