import { Prisma, type PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { chunk } from "~/domain/inventory-writes";
import { sortableId, sqlBoolean } from "./bulk-sql.server";

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
 * it first arrived). One multi-row INSERT per 200 lines (bulk-sql.server.ts: the same SQL on
 * SQLite and PostgreSQL) instead of a typed upsert per line; a flash sale records one per order.
 */
export async function recordOrderExposures(shop: string, lines: readonly OrderExposureInput[], db: PrismaClient = prisma) {
  const now = new Date();
  for (const part of chunk(lines, EXPOSURE_ROWS_PER_STATEMENT)) {
    const rows = part.map(
      (line) =>
        Prisma.sql`(${sortableId()}, ${shop}, ${line.orderId}, ${line.lineItemId}, ${line.inventoryItemId}, ${line.sku}, ${line.channel}, ${line.locationId}, ${line.quantity}, ${line.published}, ${sqlBoolean(line.pausedAtOrder)}, ${line.protection}, ${line.levelAvailable}, ${line.oversoldUnits}, ${sqlBoolean(line.nearMiss)}, ${line.occurredAt}, ${now})`,
    );
    await db.$executeRaw`
      INSERT INTO "OrderExposure" ("id", "shop", "orderId", "lineItemId", "inventoryItemId", "sku", "channel", "locationId", "quantity", "published", "pausedAtOrder", "protection", "levelAvailable", "oversoldUnits", "nearMiss", "occurredAt", "createdAt")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("shop", "lineItemId") DO NOTHING`;
  }
}

const EXPOSURE_ROWS_PER_STATEMENT = 200;

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
