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
 * flash sale records one per order. Answers the line item ids this call recorded (`RETURNING`):
 * a line recorded before, by an earlier delivery of the same order, is not among them, so its
 * "Oversell or near miss recorded" Flow trigger starts once (docs/decisions/035-shopify-flow.md).
 * Each statement (up to 200 lines) stands alone: a redelivery records the rest and keeps the rest.
 */
export async function recordOrderExposures(shop: string, lines: readonly OrderExposureInput[], db: PrismaClient = prisma): Promise<Set<string>> {
  const now = new Date();
  const storage = storageOf(db);
  const recorded = new Set<string>();
  const statements = rowsStatements(
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
  );
  for (const statement of statements) for (const row of await storage.query(statement)) recorded.add(String(row.lineItemId));
  return recorded;
}

/** The lines' Flow triggers are queued (or none was needed): nothing is owed for them any more. */
export async function markExposureTriggersQueued(shop: string, lineItemIds: readonly string[], at: Date, db: PrismaClient = prisma) {
  if (lineItemIds.length === 0) return;
  await db.orderExposure.updateMany({ where: { shop, lineItemId: { in: [...lineItemIds] }, flowTriggerQueuedAt: null }, data: { flowTriggerQueuedAt: at } });
}

/**
 * Lines recorded before `recordedBefore` whose Flow trigger is still owed (the process stopped
 * between the record and the enqueue, or the enqueue failed), oldest first, at most `limit`.
 */
export async function exposuresOwingTriggers(shop: string, recordedBefore: Date, limit: number, db: PrismaClient = prisma) {
  return db.orderExposure.findMany({
    where: { shop, flowTriggerQueuedAt: null, createdAt: { lt: recordedBefore } },
    select: { orderId: true, lineItemId: true, sku: true, channel: true, quantity: true, oversoldUnits: true, nearMiss: true },
    orderBy: { createdAt: "asc" },
    take: limit,
  });
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
