import { shopTimeZone } from "~/models/shop-installation.server";
import { listWebhookDeliveries } from "~/models/webhook-delivery.server";
import { formatDateTimeToTheSecond, formatMillis, localTimesIn } from "./display-view.server";

export async function loadWebhookDeliveries(shop: string, cursor: string | null) {
  const [page, timeZone] = await Promise.all([listWebhookDeliveries(shop, { cursor, take: 25 }), shopTimeZone(shop)]);
  return {
    nextCursor: page.nextCursor,
    deliveries: page.deliveries.map((row) => ({
      ...row,
      // Written as every other page writes times (not ISO), with how long Shopify's delivery took:
      // late and out-of-order deliveries read at a glance (SHOPIFY-FACTS.md "Webhooks").
      triggeredAt: formatDateTimeToTheSecond(row.triggeredAt, timeZone),
      receivedAt: formatDateTimeToTheSecond(row.receivedAt, timeZone)!,
      // Why it was not acted on; an app/scopes_update refusal names its times in UTC (customer-privacy.server.ts).
      reason: row.reason === null ? null : localTimesIn(row.reason, timeZone),
      arrivedAfter: row.triggeredAt ? formatMillis(Math.max(0, row.receivedAt.getTime() - row.triggeredAt.getTime())) : null,
    })),
  };
}
