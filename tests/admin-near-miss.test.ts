/**
 * Near-misses and oversells on the Overview: orders arrive through the orders/create handling
 * and the chart counts them per hour and per day. Figures are hand-computed from the stored
 * levels and channel numbers below (what Safestock had last read and published).
 *
 * - RING-7 at the Warehouse: 3 available, 4 protected, online store listed at 3 → a web order of 1
 *   is covered but 3 ≤ 4: a near-miss. So is a web order of 5: more than the 3 available, but the
 *   4 protected units are on the shelf (7 ≥ 5), so the buffer absorbed it: no unit is missing.
 * - MUG at the Warehouse: 1 available → a web order of 3 is 2 units short: an oversell.
 * - CAP at the Warehouse was read *after* the order (the sale is in it): −1 available → 1 unit short.
 * - HAT: 50 available, 2 protected, listed at 48 → nothing to report.
 * - A POS order at the Soho store (2 available, nothing protected, POS listed at 2) → nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loadDashboardCharts } from "~/services/dashboard-charts.server";
import { jobQueue } from "~/services/jobs.server";
import { processWebhook } from "~/services/webhook-processing.server";

const SHOP = "near-miss.myshopify.com";
const WAREHOUSE = "gid://shopify/Location/1";
const SOHO = "gid://shopify/Location/2";
const items = { ring: 11, mug: 12, cap: 13, hat: 14 } as const;

let orderAt: Date;

function order(id: number, sourceName: string, lines: [keyof typeof items, number][], extra: Record<string, unknown> = {}) {
  return {
    shop: SHOP,
    topic: "orders/create" as const,
    rawBody: JSON.stringify({
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      created_at: orderAt.toISOString(),
      source_name: sourceName,
      line_items: lines.map(([item, quantity], i) => ({ id: id * 10 + i, admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + i}`, variant_id: items[item], quantity })),
      ...extra,
    }),
    triggeredAt: null,
    receivedAt: orderAt,
  };
}

beforeAll(async () => {
  // The merchant has a Flow workflow that starts with "Oversell or near miss recorded" (decision 035).
  await prisma.flowTriggerUsage.create({ data: { shop: SHOP, definitionId: "safestock-oversell-recorded", inUse: true, notifiedAt: new Date() } });
  await prisma.catalogLocation.createMany({
    data: [
      { shop: SHOP, locationId: WAREHOUSE, name: "Warehouse", fulfillsOnlineOrders: true },
      { shop: SHOP, locationId: SOHO, name: "Soho store", fulfillsOnlineOrders: false },
    ],
  });
  await prisma.catalogItem.createMany({
    data: Object.entries(items).map(([name, id]) => ({
      shop: SHOP,
      inventoryItemId: `gid://shopify/InventoryItem/${id}`,
      variantId: `gid://shopify/ProductVariant/${id}`,
      productId: `gid://shopify/Product/${id}`,
      sku: name === "ring" ? "RING-7" : name.toUpperCase(),
      productTitle: name,
      variantTitle: "Default",
    })),
  });
  const level = (item: keyof typeof items, locationId: string, available: number, protectedUnits: number) => ({
    shop: SHOP,
    inventoryItemId: `gid://shopify/InventoryItem/${items[item]}`,
    locationId,
    quantities: JSON.stringify({ available, on_hand: available + protectedUnits, safety_stock: protectedUnits }),
    protected: protectedUnits,
    available,
  });
  await prisma.levelState.createMany({
    data: [level("ring", WAREHOUSE, 3, 4), level("ring", SOHO, 2, 0), level("mug", WAREHOUSE, 1, 0), level("hat", WAREHOUSE, 50, 2), level("hat", SOHO, 5, 0)],
  });
  const channel = (item: keyof typeof items, name: string, available: number) => ({ shop: SHOP, inventoryItemId: `gid://shopify/InventoryItem/${items[item]}`, channel: name, available, paused: false });
  await prisma.channelState.createMany({
    data: [channel("ring", "online_store", 3), channel("ring", "point_of_sale", 2), channel("mug", "online_store", 1), channel("hat", "online_store", 48), channel("cap", "online_store", 0)],
  });
  // Orders are created after those reads…
  orderAt = new Date(Date.now() + 1_000);
  // …except CAP's level, read after its order was placed.
  await prisma.levelState.create({ data: { ...level("cap", WAREHOUSE, -1, 0) } });
  await prisma.levelState.update({
    where: { shop_inventoryItemId_locationId: { shop: SHOP, inventoryItemId: `gid://shopify/InventoryItem/${items.cap}`, locationId: WAREHOUSE } },
    data: { updatedAt: new Date(orderAt.getTime() + 5_000) },
  });
});

describe("oversells and near-misses on the Overview", () => {
  it("counts an oversold order, a near-miss and nothing for covered orders, per hour and per day", async () => {
    await processWebhook(order(1001, "web", [["ring", 1], ["hat", 1]]));
    await processWebhook(order(1002, "web", [["mug", 3]]));
    await processWebhook(order(1003, "web", [["cap", 2]]));
    await processWebhook(order(1004, "pos", [["ring", 1]], { location_id: 2 }));
    await processWebhook(order(1005, "web", [["ring", 5]]));
    // A redelivery counts once.
    await processWebhook(order(1002, "web", [["mug", 3]]));

    const now = new Date(orderAt.getTime() + 60_000);
    const { exposure } = await loadDashboardCharts(SHOP, now);
    const hourLabel = `${orderAt.toISOString().slice(11, 13)}h`;
    const dayLabel = orderAt.toISOString().slice(5, 10);
    expect(exposure.byHour.find((bucket) => bucket.label === hourLabel)).toEqual({ label: hourLabel, oversells: 2, nearMisses: 2, oversoldUnits: 3 });
    expect(exposure.byDay.find((bucket) => bucket.label === dayLabel)).toEqual({ label: dayLabel, oversells: 2, nearMisses: 2, oversoldUnits: 3 });
    expect(exposure.byDay).toHaveLength(14);
    expect(exposure.byHour).toHaveLength(24);
    expect(exposure.totals).toEqual({ oversells: 2, nearMisses: 2, oversoldUnits: 3 });

    // What was recorded for the near-miss line: the published number and the protection at the time.
    const ring = await prisma.orderExposure.findFirstOrThrow({ where: { shop: SHOP, lineItemId: "gid://shopify/LineItem/10010" } });
    expect(ring).toMatchObject({ sku: "RING-7", channel: "online_store", published: 3, protection: 4, levelAvailable: 3, oversoldUnits: 0, nearMiss: true });
    const pos = await prisma.orderExposure.findFirstOrThrow({ where: { shop: SHOP, lineItemId: "gid://shopify/LineItem/10040" } });
    expect(pos).toMatchObject({ channel: "point_of_sale", locationId: SOHO, published: 2, protection: 0, levelAvailable: 2, nearMiss: false });

    // Each flagged line waits to start the "Oversell or near miss recorded" Flow trigger (docs/decisions/035);
    // the redelivered order merges into its waiting one.
    // Read through the queue port (the PostgreSQL profile's queue is BullMQ), then settled.
    const flow = (await jobQueue().lease({ queues: ["flow-trigger"], shop: SHOP, limit: 10, visibilityTimeoutMs: 60_000 })).sort((a, b) => (a.key! < b.key! ? -1 : 1));
    for (const job of flow) await jobQueue().complete(job);
    const line = (orderId: number, index: number, kind: string, sku: string, quantity: number, oversold: number) => ({
      key: `exposure:gid://shopify/Order/${orderId}:gid://shopify/LineItem/${orderId * 10 + index}`,
      payload: { handle: "safestock-oversell-recorded", payload: { Kind: kind, SKU: sku, "Channel handle": "online_store", "Order ID": `gid://shopify/Order/${orderId}`, Quantity: quantity, "Units oversold": oversold } },
    });
    expect(flow.map((job) => ({ key: job.key, payload: job.payload }))).toEqual([
      line(1001, 0, "near miss", "RING-7", 1, 0),
      line(1002, 0, "oversell", "MUG", 3, 2),
      line(1003, 0, "oversell", "CAP", 2, 1),
      line(1005, 0, "near miss", "RING-7", 5, 0),
    ]);
  });

  it("an empty shop has empty buckets", async () => {
    const { exposure } = await loadDashboardCharts("quiet.myshopify.com");
    expect(exposure.totals).toEqual({ oversells: 0, nearMisses: 0, oversoldUnits: 0 });
    expect(exposure.byDay.every((bucket) => bucket.oversells === 0 && bucket.nearMisses === 0)).toBe(true);
  });
});
