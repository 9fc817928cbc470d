import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

/** The reads of the Overview's charts and the Channels page (app/services/dashboard-charts, channels-admin). */

/** Per channel and paused flag: how many items, and their units on sale. */
export async function channelStateTotals(shop: string, db: PrismaClient = prisma) {
  return db.channelState.groupBy({ by: ["channel", "paused"], where: { shop }, _count: { _all: true }, _sum: { available: true } });
}

/** The latest channel pauses and resumes (newest first). */
export async function recentChannelPauses(shop: string, db: PrismaClient = prisma) {
  return db.auditEntry.findMany({ where: { shop, subject: "channel_pause" }, orderBy: { createdAt: "desc" }, take: 200 });
}

export async function salesSince(shop: string, since: Date, db: PrismaClient = prisma) {
  return db.saleEvent.findMany({ where: { shop, occurredAt: { gte: since } }, select: { inventoryItemId: true, sku: true, quantity: true, occurredAt: true } });
}

export async function lagSamplesSince(shop: string, since: Date, db: PrismaClient = prisma) {
  return db.lagSample.findMany({ where: { shop, at: { gte: since } }, select: { millis: true, at: true, kind: true } });
}

/** Paused items per channel. */
export async function pausedCountsByChannel(shop: string, db: PrismaClient = prisma) {
  return db.channelState.groupBy({ by: ["channel"], where: { shop, paused: true }, _count: { _all: true } });
}

/** A sample of `take` paused channel states with their reasons. */
export async function pausedChannelSample(shop: string, take: number, db: PrismaClient = prisma) {
  return db.channelState.findMany({ where: { shop, paused: true }, select: { channel: true, explain: true }, take });
}

/** Units available across locations, per inventory item. */
export async function availableByItem(shop: string, inventoryItemIds: readonly string[], db: PrismaClient = prisma) {
  if (inventoryItemIds.length === 0) return [];
  return db.levelState.groupBy({ by: ["inventoryItemId"], where: { shop, inventoryItemId: { in: [...inventoryItemIds] } }, _sum: { available: true } });
}


/** The largest channel number per inventory item (days of supply, docs/decisions/036). */
export async function largestChannelNumberByItem(shop: string, inventoryItemIds: readonly string[], db: PrismaClient = prisma) {
  if (inventoryItemIds.length === 0) return [];
  return db.channelState.groupBy({ by: ["inventoryItemId"], where: { shop, inventoryItemId: { in: [...inventoryItemIds] } }, _max: { available: true } });
}
