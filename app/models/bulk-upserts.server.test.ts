import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { upsertCatalogItems } from "./catalog.server";
import { saveSyncState } from "./sync-state.server";

const SHOP = "bulk-upserts.myshopify.com";

describe("multi-row upserts in raw SQL", () => {
  it("store Booleans, JSON text and dates the way typed reads expect, then update in place", async () => {
    const item = {
      inventoryItemId: "gid://shopify/InventoryItem/1",
      variantId: "gid://shopify/ProductVariant/1",
      productId: "gid://shopify/Product/1",
      sku: "MUG-1",
      productTitle: "Mug",
      variantTitle: "Blue",
      tags: ["kitchen", "gift"],
      tracked: false,
    };
    await upsertCatalogItems(SHOP, [item]);
    await upsertCatalogItems(SHOP, [{ ...item, sku: "MUG-2", tracked: true }, { ...item, inventoryItemId: "gid://shopify/InventoryItem/2", tracked: false }]);
    const rows = await prisma.catalogItem.findMany({ where: { shop: SHOP }, orderBy: { inventoryItemId: "asc" } });
    expect(rows.map((row) => [row.inventoryItemId, row.sku, row.tracked, row.tags])).toEqual([
      ["gid://shopify/InventoryItem/1", "MUG-2", true, '["kitchen","gift"]'],
      ["gid://shopify/InventoryItem/2", "MUG-1", false, '["kitchen","gift"]'],
    ]);
    expect(rows[0].updatedAt).toBeInstanceOf(Date);

    const level = { inventoryItemId: item.inventoryItemId, locationId: "gid://shopify/Location/1", quantities: { on_hand: 5 }, protected: 2, available: 3, explain: ["two on display"] };
    const channel = { inventoryItemId: item.inventoryItemId, channel: "marketplace", available: 0, paused: true, explain: [] };
    expect(await saveSyncState(SHOP, [level], [channel, { ...channel, channel: "online_store", paused: false, available: 3 }])).toMatchObject({ written: 3 });
    expect(await saveSyncState(SHOP, [{ ...level, available: 1 }], [{ ...channel, paused: false, available: 1 }])).toMatchObject({ written: 2 });
    expect(await saveSyncState(SHOP, [{ ...level, available: 1 }], [{ ...channel, paused: false, available: 1 }])).toMatchObject({ written: 0 });

    const levels = await prisma.levelState.findMany({ where: { shop: SHOP } });
    expect(levels.map((row) => [row.available, row.protected, row.quantities, row.explain])).toEqual([[1, 2, '{"on_hand":5}', '["two on display"]']]);
    const channels = await prisma.channelState.findMany({ where: { shop: SHOP }, orderBy: { channel: "asc" } });
    expect(channels.map((row) => [row.channel, row.available, row.paused])).toEqual([
      ["marketplace", 1, false],
      ["online_store", 3, false],
    ]);
    await saveSyncState(SHOP, [], [{ ...channel, paused: true, available: 0 }]);
    expect((await prisma.channelState.findFirstOrThrow({ where: { shop: SHOP, channel: "marketplace" } })).paused).toBe(true);
  });
});

describe("recording an applied write", () => {
  it("records its audit entries once, in order, even when Shopify's confirmation is recorded twice", async () => {
    const { createWriteIntent, recordAppliedWrite } = await import("./write-intent.server");
    const audit = [3, 1, 2].map((after) => ({
      sku: "MUG-1",
      inventoryItemId: "gid://shopify/InventoryItem/1",
      locationId: `gid://shopify/Location/${after}`,
      subject: "safety_stock" as const,
      before: 0,
      after,
      ruleVersion: 4,
      reason: "Protect 2 per location",
      actor: "rule" as const,
    }));
    const intent = await createWriteIntent(SHOP, { kind: "move_quantities", request: { changes: [] }, record: { audit } }, new Date());
    expect(await recordAppliedWrite(intent, "req-1")).toBe(true);
    expect(await recordAppliedWrite(intent, "req-1")).toBe(false);
    const rows = await prisma.auditEntry.findMany({ where: { writeIntentId: intent.id }, orderBy: { intentSeq: "asc" } });
    expect(rows.map((row) => [row.intentSeq, row.locationId, row.after, row.requestId, row.actor])).toEqual([
      [0, "gid://shopify/Location/3", 3, "req-1", "rule"],
      [1, "gid://shopify/Location/1", 1, "req-1", "rule"],
      [2, "gid://shopify/Location/2", 2, "req-1", "rule"],
    ]);
    expect(rows[0].createdAt).toBeInstanceOf(Date);
    expect((await prisma.writeIntent.findUniqueOrThrow({ where: { id: intent.id } })).status).toBe("applied");
  });
});
