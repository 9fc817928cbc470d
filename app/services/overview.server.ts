import { countWebhookDeliveriesByTopic, listWebhookDeliveries } from "~/models/webhook-delivery.server";

/** What the Overview page shows a merchant: how much Shopify has told us so far. */
export async function loadOverview(shop: string) {
  const byTopic = await countWebhookDeliveriesByTopic(shop);
  const total = byTopic.reduce((sum, row) => sum + row.count, 0);
  return { shop, totalDeliveries: total, byTopic: byTopic.sort((a, b) => b.count - a.count) };
}

export async function loadWebhookDeliveries(shop: string, cursor: string | null) {
  const page = await listWebhookDeliveries(shop, { cursor, take: 25 });
  return {
    nextCursor: page.nextCursor,
    deliveries: page.deliveries.map((row) => ({
      ...row,
      triggeredAt: row.triggeredAt?.toISOString() ?? null,
      receivedAt: row.receivedAt.toISOString(),
    })),
  };
}
