import { Prisma, type PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

export interface NewWebhookDelivery {
  shop: string;
  topic: string;
  webhookId: string;
  eventId?: string | null;
  apiVersion?: string | null;
  triggeredAt?: Date | null;
  body: string;
}

export type RecordDeliveryResult =
  | { kind: "recorded"; id: string }
  /** `processed` false: the first attempt failed before finishing, so this one must process. */
  | { kind: "duplicate"; id: string; processed: boolean };

/**
 * Records a delivery once. A second delivery with the same (shop, webhook id) is a
 * redelivery: it only bumps a counter, so processing never runs twice.
 */
export async function recordWebhookDelivery(
  delivery: NewWebhookDelivery,
  db: PrismaClient = prisma,
): Promise<RecordDeliveryResult> {
  try {
    const row = await db.webhookDelivery.create({ data: delivery, select: { id: true } });
    return { kind: "recorded", id: row.id };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const row = await db.webhookDelivery.update({
        where: { shop_webhookId: { shop: delivery.shop, webhookId: delivery.webhookId } },
        data: { duplicates: { increment: 1 } },
        select: { id: true, status: true },
      });
      return { kind: "duplicate", id: row.id, processed: row.status === "processed" };
    }
    throw error;
  }
}

export interface DeliveryPage {
  deliveries: {
    id: string;
    topic: string;
    webhookId: string;
    triggeredAt: Date | null;
    receivedAt: Date;
    status: string;
    duplicates: number;
  }[];
  nextCursor: string | null;
}

/** Newest first, keyset-paginated by id so pages stay stable while deliveries arrive. */
export async function listWebhookDeliveries(
  shop: string,
  { cursor, take = 25 }: { cursor?: string | null; take?: number } = {},
  db: PrismaClient = prisma,
): Promise<DeliveryPage> {
  const rows = await db.webhookDelivery.findMany({
    where: { shop },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: take + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: { id: true, topic: true, webhookId: true, triggeredAt: true, receivedAt: true, status: true, duplicates: true },
  });
  const hasMore = rows.length > take;
  const deliveries = hasMore ? rows.slice(0, take) : rows;
  return { deliveries, nextCursor: hasMore ? deliveries[deliveries.length - 1].id : null };
}

export async function countWebhookDeliveriesByTopic(shop: string, db: PrismaClient = prisma) {
  const groups = await db.webhookDelivery.groupBy({ by: ["topic"], where: { shop }, _count: { _all: true } });
  return groups.map((group) => ({ topic: group.topic, count: group._count._all }));
}

export async function markWebhookDelivery(id: string, status: "processed" | "failed" | "duplicate", db: PrismaClient = prisma) {
  await db.webhookDelivery.update({ where: { id }, data: { status } });
}

/** Deliveries of a topic since `since` (webhook health), with their receive lag inputs. */
export async function recentDeliveries(shop: string, since: Date, db: PrismaClient = prisma) {
  return db.webhookDelivery.findMany({
    where: { shop, receivedAt: { gte: since } },
    select: { topic: true, triggeredAt: true, receivedAt: true },
  });
}

/**
 * Another delivery of the same event that was already processed. Shopify may deliver one
 * event more than once with different webhook ids; `X-Shopify-Event-Id` is shared by them
 * (https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates).
 */
export async function processedDeliveryOfEvent(
  shop: string,
  topic: string,
  eventId: string,
  exceptId: string,
  db: PrismaClient = prisma,
) {
  return db.webhookDelivery.findFirst({
    where: { shop, topic, eventId, status: "processed", id: { not: exceptId } },
    select: { id: true },
  });
}
