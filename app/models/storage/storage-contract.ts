/**
 * What every storage adapter must do, run on SQLite (both adapters) and PostgreSQL by
 * storage-contract.test.ts. The models are driven through a client whose storage is the adapter
 * under test; expected values are written out by hand.
 */
import type { PrismaClient } from "@prisma/client";
import { beforeEach, describe, expect, it } from "vitest";
import { recordAudit } from "../audit.server";
import { catalogItemsForProducts, upsertCatalogItems, type CatalogItemInput } from "../catalog.server";
import { markWebhookDeliveries, recordDeliveryOnce } from "../webhook-delivery.server";
import { flaggedExposuresSince, recordOrderExposures } from "../order-exposure.server";
import { saveSyncState, storedChannelStates } from "../sync-state.server";
import { lagPercentile, recordLags, recordSales, unitsPerMinute } from "../telemetry.server";
import { createWriteIntent, recordAppliedWrite, type WriteRecord } from "../write-intent.server";
import { storageOf } from "./index.server";
import type { StorageAdapterName } from "./port";
import { INSERT_WRITE_INTENT } from "./sql";

export interface StorageUnderTest {
  db: PrismaClient;
  adapter: StorageAdapterName;
}

const SHOP = "contract.myshopify.com";
const T0 = new Date("2026-12-01T10:00:00.000Z");

const shirt: CatalogItemInput = {
  inventoryItemId: "gid://shopify/InventoryItem/1",
  variantId: "gid://shopify/ProductVariant/1",
  productId: "gid://shopify/Product/1",
  sku: "SHIRT-S",
  productTitle: "Shirt",
  variantTitle: "S",
  tags: ["summer", "cotton"],
  tracked: true,
  continueSelling: false,
};

export function describeStorageContract(name: string, setup: () => StorageUnderTest | Promise<StorageUnderTest>) {
  describe(`storage contract: ${name}`, () => {
    let db: PrismaClient;

    beforeEach(async () => {
      const under = await setup();
      db = under.db;
      expect(storageOf(db).adapter).toBe(under.adapter);
      for (const table of ["auditEntry", "writeIntent", "levelState", "channelState", "appUnpublication", "saleEvent", "orderExposure", "lagSample", "catalogItem", "webhookDelivery"] as const) {
        await (db[table] as unknown as { deleteMany(args: object): Promise<unknown> }).deleteMany({ where: { shop: SHOP } });
      }
    });

    it("runs a transaction all or nothing", async () => {
      const intent = (id: string) => ({ sql: INSERT_WRITE_INTENT, params: [id, SHOP, "publish", "{}", "{}", T0, T0] });
      await expect(storageOf(db).transaction([intent("a"), intent("a")])).rejects.toThrow();
      expect(await db.writeIntent.count({ where: { shop: SHOP } })).toBe(0);
      await storageOf(db).transaction([intent("a"), intent("b")]);
      expect(await db.writeIntent.count({ where: { shop: SHOP } })).toBe(2);
    });

    it("records an applied write once: status, audit in order, states and publication bookkeeping", async () => {
      const record: WriteRecord = {
        audit: [
          { inventoryItemId: shirt.inventoryItemId, subject: "safety_stock", before: 0, after: 3, reason: "first", actor: "rule", ruleVersion: 2 },
          { inventoryItemId: shirt.inventoryItemId, channel: "web", subject: "channel_ats", before: 10, after: 7, reason: "second", actor: "rule" },
        ],
        levels: [{ inventoryItemId: shirt.inventoryItemId, locationId: "L1", quantities: { available: 7, on_hand: 10 }, protected: 3, available: 7, explain: ["x"] }],
        channels: [{ inventoryItemId: shirt.inventoryItemId, channel: "web", available: 7, paused: true, explain: [], reserveHistory: [{ units: 7, publishedAtMs: 1 }] }],
        unpublished: { productId: shirt.productId, publicationId: "P1", channel: "web", reason: "sold out" },
      };
      const intent = await createWriteIntent(SHOP, { kind: "move_quantities", request: { changes: 1 }, record }, T0, db);
      expect(await recordAppliedWrite(intent, "req-1", db)).toBe(true);
      expect(await recordAppliedWrite(intent, "req-2", db)).toBe(false);

      expect(await db.writeIntent.findUnique({ where: { id: intent.id }, select: { status: true, requestId: true } })).toEqual({ status: "applied", requestId: "req-1" });
      const audit = await db.auditEntry.findMany({ where: { shop: SHOP }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      expect(audit.map((entry) => [entry.reason, entry.before, entry.after, entry.ruleVersion, entry.channel, entry.requestId, entry.intentSeq])).toEqual([
        ["first", 0, 3, 2, null, "req-1", 0],
        ["second", 10, 7, null, "web", "req-1", 1],
      ]);
      const level = await db.levelState.findFirstOrThrow({ where: { shop: SHOP } });
      expect([JSON.parse(level.quantities), level.protected, level.available, JSON.parse(level.explain)]).toEqual([{ available: 7, on_hand: 10 }, 3, 7, ["x"]]);
      expect(await storedChannelStates(SHOP, [shirt.inventoryItemId], db)).toEqual([
        { inventoryItemId: shirt.inventoryItemId, channel: "web", available: 7, paused: true, explain: "[]", reserveHistory: '[{"units":7,"publishedAtMs":1}]' },
      ]);
      expect(await db.appUnpublication.findMany({ where: { shop: SHOP }, select: { productId: true, reason: true } })).toEqual([{ productId: shirt.productId, reason: "sold out" }]);

      const back = await createWriteIntent(SHOP, { kind: "publish", request: {}, record: { audit: [], republished: { productId: shirt.productId, publicationId: "P1" } } }, T0, db);
      expect(await recordAppliedWrite(back, null, db)).toBe(true);
      expect(await db.appUnpublication.count({ where: { shop: SHOP } })).toBe(0);
    });

    syncStateContract(() => db);

    it("upserts catalog rows with their Booleans and tags, and finds them by product", async () => {
      await upsertCatalogItems(SHOP, [shirt, { ...shirt, inventoryItemId: "gid://shopify/InventoryItem/2", sku: "SHIRT-M", tracked: false, continueSelling: true }], db);
      await upsertCatalogItems(SHOP, [{ ...shirt, sku: "SHIRT-SMALL" }], db);
      const rows = await db.catalogItem.findMany({ where: { shop: SHOP }, orderBy: { inventoryItemId: "asc" }, select: { sku: true, tags: true, tracked: true, continueSelling: true } });
      expect(rows).toEqual([
        { sku: "SHIRT-SMALL", tags: '["summer","cotton"]', tracked: true, continueSelling: false },
        { sku: "SHIRT-M", tags: '["summer","cotton"]', tracked: false, continueSelling: true },
      ]);
      const ofProduct = await catalogItemsForProducts(SHOP, [shirt.productId], db);
      expect(ofProduct.map((row) => row.sku).sort()).toEqual(["SHIRT-M", "SHIRT-SMALL"]);
    });

    it("counts a redelivered sale and order exposure once, and keeps lag samples", async () => {
      const sale = { orderId: "O1", lineItemId: "LI1", inventoryItemId: shirt.inventoryItemId, sku: "SHIRT-S", channel: "web", quantity: 3, occurredAt: T0 };
      await recordSales(SHOP, [sale], db);
      await recordSales(SHOP, [{ ...sale, quantity: 99 }], db);
      // 3 units over a 10-minute window.
      const rates = await unitsPerMinute(SHOP, [shirt.inventoryItemId], new Date(T0.getTime() - 5 * 60_000), new Date(T0.getTime() + 5 * 60_000), db);
      expect(rates.get(shirt.inventoryItemId)).toBeCloseTo(0.3);

      const line = {
        orderId: "O1",
        lineItemId: "LI1",
        inventoryItemId: shirt.inventoryItemId,
        sku: "SHIRT-S",
        channel: "web",
        locationId: null,
        quantity: 3,
        published: 2,
        pausedAtOrder: true,
        protection: 1,
        levelAvailable: 2,
        oversoldUnits: 1,
        nearMiss: false,
        occurredAt: T0,
      };
      // Each call answers the lines it recorded: a redelivery records (and so alerts) nothing again.
      expect(await recordOrderExposures(SHOP, [line], db)).toEqual(new Set(["LI1"]));
      expect(await recordOrderExposures(SHOP, [{ ...line, oversoldUnits: 0, nearMiss: true }], db)).toEqual(new Set());
      expect(await flaggedExposuresSince(SHOP, new Date(T0.getTime() - 1000), db)).toEqual([
        { orderId: "O1", sku: "SHIRT-S", channel: "web", oversoldUnits: 1, nearMiss: false, occurredAt: T0 },
      ]);
      expect(await db.orderExposure.findFirstOrThrow({ where: { shop: SHOP }, select: { pausedAtOrder: true } })).toEqual({ pausedAtOrder: true });

      await recordLags(SHOP, Array.from({ length: 10 }, (_, i) => ({ kind: "write" as const, millis: (i + 1) * 100, at: T0 })), db);
      // The 90th percentile of 100…1000: the 10th sample of 10 (index 9).
      expect(await lagPercentile(SHOP, "write", new Date(T0.getTime() - 1000), db)).toBe(1000);
    });

    it("records audit entries of the merchant's actions", async () => {
      await recordAudit(SHOP, [{ subject: "settings", reason: "buffer 2 → 3", before: 2, after: 3, actor: "merchant" }], db);
      expect(await db.auditEntry.findMany({ where: { shop: SHOP }, select: { subject: true, before: true, after: true, writeIntentId: true } })).toEqual([
        { subject: "settings", before: 2, after: 3, writeIntentId: null },
      ]);
    });

    it("records a webhook delivery once, counts its redelivery, and marks another delivery of the same event duplicate", async () => {
      const delivery = { shop: SHOP, topic: "orders/create", webhookId: "W1", eventId: "E1", body: "{}", receivedAt: T0 };
      const first = await recordDeliveryOnce(delivery, db);
      expect(first).toMatchObject({ status: "received", redelivery: false });
      expect(await recordDeliveryOnce(delivery, db)).toEqual({ id: first!.id, status: "received", redelivery: true });
      expect(await recordDeliveryOnce({ ...delivery, webhookId: "W2" }, db)).toMatchObject({ status: "duplicate", redelivery: false });
      expect(await recordDeliveryOnce({ ...delivery, webhookId: "W3", eventId: "E3", notActedOn: { status: "stale", reason: "older" } }, db)).toMatchObject({
        status: "stale",
      });
      expect(await db.webhookDelivery.count({ where: { shop: SHOP } })).toBe(3);
    });

    it("acts on exactly one of two copies of an event that arrive at once, and records the other duplicate", async () => {
      // docs/decisions/025: Shopify may send one event twice (same X-Shopify-Event-Id, another
      // webhook id) and the two can arrive together. On PostgreSQL neither insert sees the other's
      // uncommitted row; the partial unique index of acted-on rows decides. 40 rounds: the race is
      // won by timing, and one round may well never interleave.
      const rounds = 40;
      const outcomes = await Promise.all(
        Array.from({ length: rounds }, async (_, round) => {
          const copy = { shop: SHOP, topic: "inventory_levels/update", eventId: `race-${round}`, body: "{}", receivedAt: T0 };
          const both = await Promise.all([recordDeliveryOnce({ ...copy, webhookId: `race-${round}-a` }, db), recordDeliveryOnce({ ...copy, webhookId: `race-${round}-b` }, db)]);
          return both.map((recorded) => recorded?.status).sort();
        }),
      );
      expect(outcomes).toEqual(Array.from({ length: rounds }, () => ["duplicate", "received"]));
      expect(await db.webhookDelivery.count({ where: { shop: SHOP, eventId: { startsWith: "race-" }, status: "received" } })).toBe(rounds);
    });

    it("records a copy of an event whose first delivery failed as duplicate: the failed one is processed again", async () => {
      const delivery = { shop: SHOP, topic: "orders/create", webhookId: "F1", eventId: "EF", body: "{}", receivedAt: T0 };
      const first = await recordDeliveryOnce(delivery, db);
      await markWebhookDeliveries([first!.id], "failed", db);
      expect(await recordDeliveryOnce({ ...delivery, webhookId: "F2" }, db)).toMatchObject({ status: "duplicate", redelivery: false });
      // Shopify's retry of the failed one (same webhook id) is counted on its row, still to process.
      expect(await recordDeliveryOnce(delivery, db)).toEqual({ id: first!.id, status: "failed", redelivery: true });
    });

    it("hands back what a retried piece of work returns", async () => {
      expect(await storageOf(db).retryWhenBusy(async () => 42)).toBe(42);
    });
  });
}

/** Level and channel states: written when changed, and never overwritten by an older plan's. */
function syncStateContract(database: () => PrismaClient) {
  it("saves sync state, writing only what changed, and updates rows in place", async () => {
    const db = database();
    const level = { inventoryItemId: shirt.inventoryItemId, locationId: "L1", quantities: { available: 5 }, protected: 1, available: 4, explain: [] };
    const channel = { inventoryItemId: shirt.inventoryItemId, channel: "web", available: 4, paused: false, explain: [{ rule: "floor" }] };
    expect((await saveSyncState(SHOP, [level], [channel], db)).written).toBe(2);
    expect((await saveSyncState(SHOP, [level], [channel], db)).written).toBe(0);
    expect((await saveSyncState(SHOP, [{ ...level, available: 3 }], [{ ...channel, paused: true }], db)).written).toBe(2);
    // A self-sizing reserve's history alone changing is written too: the next plan holds the reserve from it.
    expect((await saveSyncState(SHOP, [], [{ ...channel, paused: true, reserveHistory: [{ units: 2, publishedAtMs: 5 }] }], db)).written).toBe(1);
    expect((await saveSyncState(SHOP, [], [{ ...channel, paused: true }], db)).written).toBe(1);
    expect(await db.levelState.findMany({ where: { shop: SHOP }, select: { available: true } })).toEqual([{ available: 3 }]);
    expect(await storedChannelStates(SHOP, [shirt.inventoryItemId], db)).toEqual([
      { inventoryItemId: shirt.inventoryItemId, channel: "web", available: 4, paused: true, explain: '[{"rule":"floor"}]', reserveHistory: "[]" },
    ]);
  });

  it("keeps the newest plan's state when an older plan's write is recorded late (a resumed intent)", async () => {
    const db = database();
    const level = { inventoryItemId: shirt.inventoryItemId, locationId: "L1", quantities: { available: 5 }, protected: 1, available: 4, explain: [] };
    const channel = { inventoryItemId: shirt.inventoryItemId, channel: "marketplace", available: 4, paused: false, explain: [], reserveHistory: [{ units: 6, publishedAtMs: 2 }] };
    const later = new Date(T0.getTime() + 60_000);
    // The plan of T0 + 1 min is stored first; the write planned at T0 is confirmed after it.
    await saveSyncState(SHOP, [level], [channel], db, { plannedAt: later });
    const stale: WriteRecord = { audit: [], levels: [{ ...level, available: 9 }], channels: [{ ...channel, available: 9, reserveHistory: [{ units: 3, publishedAtMs: 1 }] }] };
    const intent = await createWriteIntent(SHOP, { kind: "move_quantities", request: {}, record: stale }, T0, db);
    expect(await recordAppliedWrite(intent, null, db)).toBe(true);
    expect(await db.levelState.findMany({ where: { shop: SHOP }, select: { available: true } })).toEqual([{ available: 4 }]);
    expect(await storedChannelStates(SHOP, [shirt.inventoryItemId], db)).toEqual([
      { inventoryItemId: shirt.inventoryItemId, channel: "marketplace", available: 4, paused: false, explain: "[]", reserveHistory: '[{"units":6,"publishedAtMs":2}]' },
    ]);
    // A write planned after the stored state does replace it.
    const newer = await createWriteIntent(SHOP, { kind: "move_quantities", request: {}, record: stale }, new Date(later.getTime() + 1), db);
    expect(await recordAppliedWrite(newer, null, db)).toBe(true);
    expect(await db.levelState.findMany({ where: { shop: SHOP }, select: { available: true } })).toEqual([{ available: 9 }]);
  });
}
