import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

/** One order line as it arrived, with what Safestock had published for it (app/services/near-miss.server.ts). */
export interface OrderExposureInput {
  orderId: string;
  lineItemId: string;
  inventoryItemId: string;
  sku: string;
  channel: string;
  locationId: string | null;
  quantity: number;
  published: number | null;
  pausedAtOrder: boolean;
  protection: number;
  levelAvailable: number;
  oversoldUnits: number;
  nearMiss: boolean;
  occurredAt: Date;
}

/** One row per order line: a redelivered orders/create keeps the first record (what was true when it first arrived). */
export async function recordOrderExposures(shop: string, lines: OrderExposureInput[], db: PrismaClient = prisma) {
  for (const line of lines) {
    await db.orderExposure.upsert({
      where: { shop_lineItemId: { shop, lineItemId: line.lineItemId } },
      create: { shop, ...line },
      update: {},
    });
  }
}

/** Order lines since `since` that were oversold or near-misses (the Overview's chart), oldest first. */
export async function flaggedExposuresSince(shop: string, since: Date, db: PrismaClient = prisma) {
  return db.orderExposure.findMany({
    where: { shop, occurredAt: { gte: since }, OR: [{ nearMiss: true }, { oversoldUnits: { gt: 0 } }] },
    select: { orderId: true, sku: true, channel: true, oversoldUnits: true, nearMiss: true, occurredAt: true },
    orderBy: { occurredAt: "asc" },
    take: 20_000,
  });
}

/** The catalog rows of an order's variants (SKU and inventory item). */
export async function catalogItemsOfVariants(shop: string, variantIds: string[], db: PrismaClient = prisma) {
  if (variantIds.length === 0) return [];
  return db.catalogItem.findMany({ where: { shop, variantId: { in: variantIds } }, select: { variantId: true, inventoryItemId: true, sku: true } });
}
