import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

/**
 * The rows Safestock holds that concern one customer of a shop, for the mandatory compliance
 * webhooks (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance):
 *
 * - sales lines (`SaleEvent`) and near-miss records (`OrderExposure`) of the customer's orders,
 *   keyed by order id: line quantities per SKU, no customer field;
 * - customer holds whose note, written by the merchant, names the customer (email or phone), and
 *   the Activity entries that quote such a note;
 * - webhook deliveries of the customer's orders (their stored body holds only the trimmed fields,
 *   app/shopify/webhook-fields.ts, and is emptied after WEBHOOK_BODY_RETENTION_HOURS).
 *
 * Nothing else names a customer: order payloads are trimmed before they are stored.
 */
export interface CustomerKeys {
  /** Order GIDs (`gid://shopify/Order/…`) the request names. */
  orderIds: readonly string[];
  /** The customer's email and phone, to find them in merchant-written notes; never stored. */
  mentions: readonly string[];
}

const noteMentions = (mentions: readonly string[]) => mentions.filter((text) => text.trim().length >= 3).map((text) => ({ note: { contains: text } }));
const reasonMentions = (mentions: readonly string[]) => mentions.filter((text) => text.trim().length >= 3).map((text) => ({ reason: { contains: text } }));
/**
 * A stored order body names its order by `admin_graphql_api_id`, a refund's by `order_id` (a JSON
 * integer, or a string when it has 16+ digits: app/shopify/webhook-fields.ts).
 */
const bodyMentions = (orderIds: readonly string[]) =>
  orderIds.flatMap((id) => {
    const legacy = /\/(\d+)$/.exec(id)?.[1];
    const patterns = [`"${id}"`, ...(legacy ? [`"order_id":${legacy},`, `"order_id":${legacy}}`, `"order_id":"${legacy}"`] : [])];
    return patterns.map((pattern) => ({ body: { contains: pattern } }));
  });
/** The Activity entries of earlier data requests list the orders they found. */
const requestMentions = (orderIds: readonly string[]) => orderIds.map((id) => ({ subject: "customer_data", reason: { contains: id } }));

function whereOf(shop: string, keys: CustomerKeys) {
  const orderIds = [...keys.orderIds];
  const notes = noteMentions(keys.mentions);
  const reasons = reasonMentions(keys.mentions);
  const bodies = bodyMentions(orderIds);
  return {
    sales: { shop, orderId: { in: orderIds } },
    exposures: { shop, orderId: { in: orderIds } },
    holds: notes.length ? { shop, OR: notes } : null,
    audit: reasons.length ? { shop, OR: reasons } : null,
    requests: orderIds.length ? { shop, OR: requestMentions(orderIds) } : null,
    deliveries: bodies.length ? { shop, OR: bodies } : null,
  };
}

/** What Safestock holds for a customer (customers/data_request). */
export async function customerDataOf(shop: string, keys: CustomerKeys, db: PrismaClient = prisma) {
  const where = whereOf(shop, keys);
  const [sales, exposures, holds, audit, deliveries] = await Promise.all([
    db.saleEvent.findMany({ where: where.sales, select: { orderId: true, lineItemId: true, sku: true, channel: true, quantity: true, occurredAt: true } }),
    db.orderExposure.findMany({ where: where.exposures, select: { orderId: true, lineItemId: true, sku: true, channel: true, quantity: true, occurredAt: true } }),
    where.holds ? db.cartHold.findMany({ where: where.holds, select: { id: true, sku: true, units: true, status: true, expiresAt: true } }) : [],
    where.audit ? db.auditEntry.findMany({ where: where.audit, select: { id: true, subject: true, createdAt: true } }) : [],
    where.deliveries ? db.webhookDelivery.findMany({ where: where.deliveries, select: { id: true, topic: true, receivedAt: true } }) : [],
  ]);
  return { sales, exposures, holds, audit, deliveries };
}

/**
 * Erases a customer's rows (customers/redact): the order-keyed rows and deliveries are deleted;
 * a customer hold naming the customer keeps its units (the merchant's hold stands) and loses its
 * note, and the Activity entries quoting the note lose it too; the Activity entries answering
 * earlier data requests about these orders are deleted. Returns how many rows changed.
 */
export async function redactCustomerData(shop: string, keys: CustomerKeys, db: PrismaClient = prisma): Promise<number> {
  const where = whereOf(shop, keys);
  const results = await db.$transaction([
    db.saleEvent.deleteMany({ where: where.sales }),
    db.orderExposure.deleteMany({ where: where.exposures }),
    ...(where.holds ? [db.cartHold.updateMany({ where: where.holds, data: { note: null } })] : []),
    ...(where.audit ? [db.auditEntry.updateMany({ where: where.audit, data: { reason: "Customer hold (note removed at the customer's request)" } })] : []),
    ...(where.deliveries ? [db.webhookDelivery.deleteMany({ where: where.deliveries })] : []),
    ...(where.requests ? [db.auditEntry.deleteMany({ where: where.requests })] : []),
  ]);
  return results.reduce((sum, result) => sum + result.count, 0);
}
