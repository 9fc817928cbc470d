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
    // Unchanged rows (Booleans and tags read back as stored) are not written again.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await upsertCatalogItems(SHOP, [{ ...item, sku: "MUG-2", tracked: true }, { ...item, inventoryItemId: "gid://shopify/InventoryItem/2", tracked: false }]);
    const again = await prisma.catalogItem.findMany({ where: { shop: SHOP }, orderBy: { inventoryItemId: "asc" } });
    expect(again.map((row) => row.updatedAt.getTime())).toEqual(rows.map((row) => row.updatedAt.getTime()));

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

describe("recording an applied write's sync state from its stored JSON", () => {
  it("stores levels and channels as the state save writes them, so an unchanged save writes nothing", async () => {
    const { createWriteIntent, recordAppliedWrite } = await import("./write-intent.server");
    const shop = "record-json.myshopify.com";
    const level = {
      inventoryItemId: "gid://shopify/InventoryItem/9",
      locationId: "gid://shopify/Location/1",
      quantities: { on_hand: 12, committed: 1, safety_stock: 2 },
      protected: 2,
      available: 9,
      explain: ["Protect 2 × per location — \"display\"", { rule: 1, units: 0.5 }],
    };
    const channels = [
      { inventoryItemId: level.inventoryItemId, channel: "marketplace", available: 0, paused: true, explain: ["paused: ü"] },
      { inventoryItemId: level.inventoryItemId, channel: "online_store", available: 9, paused: false, explain: [] },
    ];
    const audit = [{ subject: "channel_ats" as const, channel: "marketplace", before: null, after: 0, reason: "Paused", actor: "rule" as const }];
    const moved = await createWriteIntent(shop, { kind: "move_quantities", request: {}, record: { audit, levels: [level] } }, new Date());
    const set = await createWriteIntent(shop, { kind: "metafields_set", request: {}, record: { audit, channels } }, new Date());
    expect(await recordAppliedWrite(moved, null)).toBe(true);
    expect(await recordAppliedWrite(set, "req-2")).toBe(true);

    const stored = await prisma.levelState.findFirstOrThrow({ where: { shop } });
    expect([stored.quantities, stored.explain, stored.protected, stored.available]).toEqual([JSON.stringify(level.quantities), JSON.stringify(level.explain), 2, 9]);
    const storedChannels = await prisma.channelState.findMany({ where: { shop }, orderBy: { channel: "asc" } });
    expect(storedChannels.map((row) => [row.channel, row.available, row.paused, row.explain])).toEqual([
      ["marketplace", 0, true, '["paused: ü"]'],
      ["online_store", 9, false, "[]"],
    ]);
    expect(storedChannels[0].updatedAt).toBeInstanceOf(Date);
    const entries = await prisma.auditEntry.findMany({ where: { shop }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(entries.map((entry) => [entry.writeIntentId, entry.before, entry.after, entry.requestId, entry.sku])).toEqual([
      [moved.id, null, 0, null, null],
      [set.id, null, 0, "req-2", null],
    ]);
    expect(await saveSyncState(shop, [level], channels)).toMatchObject({ written: 0 });
  });
});
