import { describe, expect, it } from "vitest";
import { createShopEmulator } from "./index.js";
import { createManualClock } from "./clock.js";
import { identityHolds } from "./inventory.js";

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
});
