import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recordOrderExposures, type OrderExposureInput } from "./order-exposure.server";
import { recordSales, type SaleInput } from "./telemetry.server";

const SHOP = "order-records.myshopify.com";
const at = new Date("2026-11-30T12:00:00.000Z");

describe("recording orders' lines in one statement", () => {
  it("keeps the first record of a line, whether it comes again in the same batch or in a later one", async () => {
    const sale = (lineItemId: string, quantity: number): SaleInput => ({ orderId: "gid://shopify/Order/1", lineItemId, inventoryItemId: "gid://shopify/InventoryItem/1", sku: null, channel: "online_store", quantity, occurredAt: at });
    await recordSales(SHOP, [sale("L1", 2), sale("L2", 3), sale("L1", 9)]);
    await recordSales(SHOP, [sale("L2", 7), sale("L3", 1)]);
    const sales = await prisma.saleEvent.findMany({ where: { shop: SHOP }, orderBy: { lineItemId: "asc" } });
    expect(sales.map((row) => [row.lineItemId, row.quantity, row.sku, row.occurredAt.toISOString()])).toEqual([
      ["L1", 2, null, at.toISOString()],
      ["L2", 3, null, at.toISOString()],
      ["L3", 1, null, at.toISOString()],
    ]);

    const exposure = (lineItemId: string, oversoldUnits: number): OrderExposureInput => ({
      orderId: "gid://shopify/Order/1",
      lineItemId,
      inventoryItemId: "gid://shopify/InventoryItem/1",
      sku: "MUG-1",
      channel: "marketplace",
      locationId: null,
      quantity: 2,
      published: null,
      pausedAtOrder: true,
      protection: 1,
      levelAvailable: -1,
      oversoldUnits,
      nearMiss: false,
      occurredAt: at,
    });
    expect(await recordOrderExposures(SHOP, [exposure("L1", 1), exposure("L1", 5)])).toEqual(new Set(["L1"]));
    expect(await recordOrderExposures(SHOP, [exposure("L1", 7), { ...exposure("L2", 0), nearMiss: true, published: 3, pausedAtOrder: false, locationId: "gid://shopify/Location/1" }])).toEqual(new Set(["L2"]));
    const rows = await prisma.orderExposure.findMany({ where: { shop: SHOP }, orderBy: { lineItemId: "asc" } });
    expect(rows.map((row) => [row.lineItemId, row.oversoldUnits, row.nearMiss, row.pausedAtOrder, row.published, row.locationId, row.occurredAt.toISOString()])).toEqual([
      ["L1", 1, false, true, null, null, at.toISOString()],
      ["L2", 0, true, false, 3, "gid://shopify/Location/1", at.toISOString()],
    ]);
    expect(rows[0]!.createdAt).toBeInstanceOf(Date);
  });
});
