import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Whether `X-Shopify-Hmac-Sha256` signs these bytes: "a base64-encoded HMAC-SHA256 … generated
 * using your app's client secret and the raw request body"
 * (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries). Computed once, on the bytes as
 * they arrived (not on a decoded string, which would differ from them for a body that is not
 * valid UTF-8), and compared in constant time.
 */
export function webhookSignatureValid(body: Uint8Array, hmacHeader: string | null, secret: string): boolean {
  if (!hmacHeader) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(body).digest("base64"));
  const given = Buffer.from(hmacHeader.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The HTTPS delivery headers an intake needs (https://shopify.dev/docs/apps/build/webhooks: "Shopify headers"). */
export interface WebhookHeaders {
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion: string;
  eventId: string | null;
  triggeredAt: string | undefined;
}

/** The delivery's headers, or the names of the required ones that are missing. */
export function webhookHeadersOf(headers: Headers): WebhookHeaders | { missing: string[] } {
  const required = { shop: "X-Shopify-Shop-Domain", topic: "X-Shopify-Topic", webhookId: "X-Shopify-Webhook-Id", apiVersion: "X-Shopify-API-Version" } as const;
  const missing = Object.values(required).filter((name) => !headers.get(name));
  if (missing.length > 0) return { missing };
  return {
    shop: headers.get(required.shop)!,
    topic: headers.get(required.topic)!,
    webhookId: headers.get(required.webhookId)!,
    apiVersion: headers.get(required.apiVersion)!,
    eventId: headers.get("X-Shopify-Event-Id") || null,
    triggeredAt: headers.get("X-Shopify-Triggered-At") || undefined,
  };
}
