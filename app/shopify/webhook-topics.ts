/**
 * The webhook topics Safestock subscribes to, exactly as declared in shopify.app.toml
 * (one `[[webhooks.subscriptions]]` block and one `app/routes/webhooks.*.tsx` route each;
 * tests/webhook-routes.test.ts keeps the three in step).
 */
export const WEBHOOK_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/fulfilled",
  "refunds/create",
  "inventory_levels/update",
  "inventory_items/delete",
  "products/update",
  "locations/create",
  "locations/update",
  "locations/delete",
  "app/uninstalled",
  "app/scopes_update",
] as const;

/** Mandatory privacy topics (https://shopify.dev/docs/apps/build/privacy-law-compliance). */
export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number] | (typeof COMPLIANCE_TOPICS)[number];

/** `orders/create` → `ORDERS_CREATE`, the form `authenticate.webhook` reports. */
export function topicToEnum(topic: WebhookTopic): string {
  return topic.replace("/", "_").toUpperCase();
}

/** `orders/create` → `/webhooks/orders/create`, the `uri` in shopify.app.toml. */
export function webhookPath(topic: WebhookTopic): string {
  return `/webhooks/${topic}`;
}
