import type { WebhookTopic } from "./webhook-topics";

/**
 * Whether what a webhook delivery claims agrees with itself.
 *
 * Shopify's HMAC covers the raw body only (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries:
 * "generated using your app's client secret and the raw request body"); the shop domain, topic,
 * ids and trigger time travel in unsigned headers. So one captured body and its HMAC can be
 * replayed under any headers. What the body says about itself is signed: its shop (on the topics
 * that carry one), the kind of resource it describes, and, on some topics, when it changed. A
 * delivery is acted on only when the headers agree with it. Pure: no IO, no clock.
 */
export type ClaimsVerdict = { agree: true } | { agree: false; reason: string };

type Json = Record<string, unknown>;

const AGREE: ClaimsVerdict = { agree: true };
const disagree = (reason: string): ClaimsVerdict => ({ agree: false, reason });

/**
 * The resource each topic's payload describes, from Shopify's sample payloads
 * (https://shopify.dev/docs/api/webhooks): its `admin_graphql_api_id` names that type.
 */
const RESOURCE_OF_TOPIC: Partial<Record<WebhookTopic, string>> = {
  "orders/create": "Order",
  "orders/updated": "Order",
  "orders/cancelled": "Order",
  "orders/fulfilled": "Order",
  "refunds/create": "Refund",
  "inventory_levels/update": "InventoryLevel",
  "inventory_items/delete": "InventoryItem",
  "products/update": "Product",
  "locations/create": "Location",
  "locations/update": "Location",
  "locations/delete": "Location",
  "app/uninstalled": "Shop",
};

/** Keys only the shop-level payloads carry: another topic's body with one is a replay of a shop-level body. */
const SHOP_LEVEL_KEYS = ["shop_domain", "myshopify_domain"] as const;

const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);
const sameDomain = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The shop a payload names, per topic (shopify.dev/docs/apps/build/compliance/privacy-law-compliance
 * for the compliance bodies, `{ shop_id, shop_domain, … }`; app/uninstalled carries the Shop
 * resource, whose `myshopify_domain` is the permanent *.myshopify.com name and `domain` the
 * primary domain, possibly the merchant's own). `undefined`: the topic carries no shop.
 */
export function payloadShopOf(topic: WebhookTopic, payload: Json): string | null | undefined {
  switch (topic) {
    case "shop/redact":
    case "customers/redact":
    case "customers/data_request":
      return text(payload.shop_domain);
    case "app/uninstalled":
      return text(payload.myshopify_domain) ?? text(payload.domain);
    default:
      return undefined;
  }
}

/** Whether the payload has the shape of its topic, where that can be told from its fields. */
function shapeDisagreement(topic: WebhookTopic, payload: Json): string | null {
  const resource = RESOURCE_OF_TOPIC[topic];
  const gid = text(payload.admin_graphql_api_id);
  if (resource && gid && !gid.startsWith(`gid://shopify/${resource}/`)) {
    return `the payload describes ${gid.replace(/^gid:\/\/shopify\/([^/]+)\/.*$/, "$1")}; ${topic} payloads describe ${resource}`;
  }
  switch (topic) {
    case "shop/redact":
      // shop/redact's body is `{ shop_id, shop_domain }` and nothing about a customer.
      return payload.shop_id == null ? "a shop/redact payload names its shop_id" : "customer" in payload ? "a shop/redact payload carries no customer" : null;
    case "customers/redact":
      return payload.customer == null || !Array.isArray(payload.orders_to_redact) ? "a customers/redact payload carries customer and orders_to_redact" : null;
    case "customers/data_request":
      return payload.customer == null || payload.data_request == null ? "a customers/data_request payload carries customer and data_request" : null;
    case "app/uninstalled":
      return payload.id == null || "shop_domain" in payload ? "an app/uninstalled payload is the Shop resource" : null;
    default:
      return SHOP_LEVEL_KEYS.some((key) => key in payload) ? `${topic} payloads carry no shop domain: this is another topic's body` : null;
  }
}

/**
 * Whether a delivery's headers agree with its (signed) body: the `X-Shopify-Shop-Domain` header
 * with the shop the payload names, and the topic with the payload's shape. A topic that carries
 * its shop and a payload that names none disagree: the check is never skipped for a missing field.
 */
export function deliveryClaims(topic: WebhookTopic, headerShop: string, payload: unknown): ClaimsVerdict {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return disagree("the payload is not a JSON object");
  const body = payload as Json;
  const shape = shapeDisagreement(topic, body);
  if (shape) return disagree(shape);
  const named = payloadShopOf(topic, body);
  if (named === undefined) return AGREE;
  if (named === null) return disagree(`the ${topic} payload names no shop`);
  if (!sameDomain(named, headerShop)) return disagree(`the payload is for ${named}, the X-Shopify-Shop-Domain header says ${headerShop}`);
  return AGREE;
}

/**
 * When the change a payload describes happened, where the topic's payload says so in a field that
 * changes with every such event (orders' `updated_at`, a level's `updated_at`, a refund's
 * `created_at`, app/scopes_update's `updated_at`). Shopify suggests it as well as `X-Shopify-Triggered-At` to tell a stale payload
 * (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism), and unlike the header it
 * is signed. null: the topic has no such field, or it is missing or unreadable.
 */
export function payloadChangedAt(topic: WebhookTopic, payload: unknown): Date | null {
  if (payload === null || typeof payload !== "object") return null;
  const body = payload as Json;
  const field =
    topic.startsWith("orders/") || topic === "inventory_levels/update" || topic === "app/scopes_update" ? body.updated_at : topic === "refunds/create" ? body.created_at : null;
  const value = text(field);
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Whether a delivery is too old to act on: its trigger time (header) or its payload's own change
 * time is older than `windowMs` before it arrived. Returns the reason, or null when fresh.
 */
export function stalenessOf(
  receivedAt: Date,
  windowMs: number,
  times: { triggeredAt: Date | null; changedAt: Date | null },
): string | null {
  const oldest = [times.triggeredAt, times.changedAt].filter((time): time is Date => time !== null).sort((a, b) => a.getTime() - b.getTime())[0];
  if (!oldest) return null;
  const ageMs = receivedAt.getTime() - oldest.getTime();
  if (ageMs <= windowMs) return null;
  const source = oldest === times.triggeredAt ? "triggered" : "changed in Shopify";
  return `${source} ${formatHours(ageMs)} before it arrived, beyond the ${formatHours(windowMs)} freshness window`;
}

const formatHours = (ms: number) => `${Math.round((ms / 3_600_000) * 10) / 10} h`;
