import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

/** Sales and lag samples that size velocity buffers (DESIGN.md §3 "velocity buffer"). */

export interface SaleInput {
  orderId: string;
  lineItemId: string;
  inventoryItemId: string;
  sku: string | null;
  channel: string;
  quantity: number;
  occurredAt: Date;
}

/** One row per order line: a redelivered orders/create counts once. */
export async function recordSales(shop: string, sales: SaleInput[], db: PrismaClient = prisma) {
  for (const sale of sales) {
    await db.saleEvent.upsert({
      where: { shop_lineItemId: { shop, lineItemId: sale.lineItemId } },
      create: { shop, ...sale },
      update: {},
    });
  }
}

/** Units per minute per inventory item over `[since, now]`, across channels. */
export async function unitsPerMinute(shop: string, inventoryItemIds: string[], since: Date, now: Date, db: PrismaClient = prisma) {
  const groups = await db.saleEvent.groupBy({
    by: ["inventoryItemId"],
    where: { shop, inventoryItemId: { in: inventoryItemIds }, occurredAt: { gte: since, lte: now } },
    _sum: { quantity: true },
  });
  const minutes = Math.max(1, (now.getTime() - since.getTime()) / 60_000);
  return new Map(groups.map((group) => [group.inventoryItemId, (group._sum.quantity ?? 0) / minutes]));
}

export interface LagInput {
  kind: "receive" | "write";
  topic?: string | null;
  millis: number;
  at: Date;
}

export async function recordLag(shop: string, sample: LagInput, db: PrismaClient = prisma) {
  await recordLags(shop, [sample], db);
}

export async function recordLags(shop: string, samples: readonly LagInput[], db: PrismaClient = prisma) {
  if (samples.length === 0) return;
  await db.lagSample.createMany({ data: samples.map((sample) => ({ shop, ...sample, millis: Math.max(0, Math.round(sample.millis)) })) });
}

/** 90th percentile of recent samples of one kind, in ms (0 without samples). */
export async function lagPercentile(shop: string, kind: "receive" | "write", since: Date, db: PrismaClient = prisma) {
  const rows = await db.lagSample.findMany({
    where: { shop, kind, at: { gte: since } },
    select: { millis: true },
    orderBy: { millis: "asc" },
    take: 5000,
  });
  if (rows.length === 0) return 0;
  return rows[Math.min(rows.length - 1, Math.floor(rows.length * 0.9))].millis;
}
