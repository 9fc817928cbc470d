/**
 * A webhook delivery as Shopify sends it: the body signed with the app's secret
 * (X-Shopify-Hmac-Sha256, base64 HMAC-SHA256 of the raw body) and the unsigned headers beside it
 * (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries;
 * https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates for X-Shopify-Event-Id).
 * Tests that forge, replay or post deliveries by hand build them here.
 */
import { createHmac, randomUUID } from "node:crypto";

/** The signature Shopify puts in X-Shopify-Hmac-Sha256; the test app's own secret unless told. */
export function webhookHmac(body: string | Uint8Array, secret: string = process.env.SHOPIFY_API_SECRET!): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export interface WebhookHeaderOptions {
  topic: string;
  shop: string;
  /** X-Shopify-Hmac-Sha256 as given; null leaves the header out (an unsigned post). */
  hmac: string | null;
  /** A fresh id unless given. */
  webhookId?: string;
  /** A fresh id unless given. */
  eventId?: string;
  /** Now unless given. */
  triggeredAt?: Date | string;
}

export function webhookHeaders({ topic, shop, hmac, webhookId = randomUUID(), eventId = randomUUID(), triggeredAt = new Date() }: WebhookHeaderOptions): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": topic,
    ...(hmac === null ? {} : { "X-Shopify-Hmac-Sha256": hmac }),
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Webhook-Id": webhookId,
    "X-Shopify-Event-Id": eventId,
    "X-Shopify-Triggered-At": typeof triggeredAt === "string" ? triggeredAt : triggeredAt.toISOString(),
  };
}

/** A POST of `body` to `url`, signed with `secret` (the test app's own unless told). */
export function signedWebhook(url: string, body: string, options: Omit<WebhookHeaderOptions, "hmac"> & { secret?: string }): Request {
  const { secret, ...headers } = options;
  return new Request(url, { method: "POST", body, headers: webhookHeaders({ ...headers, hmac: webhookHmac(body, secret) }) });
}
