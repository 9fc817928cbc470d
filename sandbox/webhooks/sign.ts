import { createHmac } from "node:crypto";

/**
 * `X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the raw request body keyed with the app's
 * client secret (shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook).
 */
export function signWebhookBody(rawBody: string | Uint8Array, apiSecret: string): string {
  return createHmac("sha256", apiSecret).update(rawBody).digest("base64");
}
