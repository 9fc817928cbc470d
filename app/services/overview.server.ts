import { listWebhookDeliveries } from "~/models/webhook-delivery.server";

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
