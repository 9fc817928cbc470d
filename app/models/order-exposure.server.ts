import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { sortableId } from "./bulk-sql.server";
import { storageOf } from "./storage/index.server";
import { INSERT_ORDER_EXPOSURES, rowsStatements } from "./storage/sql";

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

/**
 * One row per order line: a redelivered orders/create keeps the first record (what was true when
 * it first arrived). Multi-row INSERTs (storage/sql.ts) instead of a typed upsert per line; a
 * flash sale records one per order.
 */
export async function recordOrderExposures(shop: string, lines: readonly OrderExposureInput[], db: PrismaClient = prisma) {
  const now = new Date();
  await storageOf(db).transaction(
    rowsStatements(
      INSERT_ORDER_EXPOSURES,
      lines.map((line) => [
        sortableId(),
        shop,
        line.orderId,
        line.lineItemId,
        line.inventoryItemId,
        line.sku,
        line.channel,
        line.locationId,
        line.quantity,
        line.published,
        line.pausedAtOrder,
        line.protection,
        line.levelAvailable,
        line.oversoldUnits,
        line.nearMiss,
        line.occurredAt,
        now,
      ]),
    ),
  );
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

/** A variant's catalog row as order processing needs it. */
export interface CatalogRowOfVariant {
  variantId: string;
  inventoryItemId: string;
  sku: string;
  /** Keeps selling when out of stock (inventoryPolicy CONTINUE): never an oversell. */
  continueSelling?: boolean;
}

/** The catalog rows of orders' variants (SKU and inventory item). */
export async function catalogItemsOfVariants(shop: string, variantIds: string[], db: PrismaClient = prisma): Promise<CatalogRowOfVariant[]> {
  if (variantIds.length === 0) return [];
  return db.catalogItem.findMany({ where: { shop, variantId: { in: variantIds } }, select: { variantId: true, inventoryItemId: true, sku: true, continueSelling: true } });
}
