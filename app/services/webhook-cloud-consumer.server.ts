import { COMPLIANCE_TOPICS, WEBHOOK_TOPICS, type WebhookTopic } from "~/shopify/webhook-topics";
import { acceptVerifiedDelivery, type VerifiedDelivery } from "./webhook-intake.server";

/**
 * High-volume webhook intake (docs/decisions/015-high-volume-webhook-delivery.md): Shopify can
 * deliver a subscription to Google Cloud Pub/Sub (https://shopify.dev/docs/apps/webhooks/configuration/google-cloud)
 * or Amazon EventBridge (https://shopify.dev/docs/apps/webhooks/configuration/eventbridge) instead
 * of HTTPS. The cloud authenticates the sender (only Shopify's service account / partner event
 * source can publish), so these messages skip the HMAC check and enter the same intake as an
 * HTTPS delivery: recorded once by webhook id, duplicates of an event ignored, work enqueued.
 * The cloud vouches for the sender, not for what the metadata says about the body, so the intake
 * holds these to the same checks: the shop and topic against the payload, the freshness window,
 * and Shopify's confirmation of an uninstall or redaction (`acceptVerifiedDelivery`).
 *
 * Message shapes (the X-Shopify-* headers of an HTTPS delivery travel as message metadata):
 * - Pub/Sub: `{ data: base64(JSON body), attributes: { "X-Shopify-Topic", "X-Shopify-Shop-Domain",
 *   "X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-API-Version", "X-Shopify-Triggered-At", … } }`
 *   (a push subscription wraps it as `{ message: {…}, subscription }`);
 * - EventBridge: `{ "detail-type", source: "aws.partner/shopify.com/…", detail: { payload: {…},
 *   metadata: { "X-Shopify-Topic", … } } }`.
 * Header names are matched without regard to case. The body is kept as raw text (EventBridge:
 * the raw text of `detail.payload`), because numeric ids exceed 2^53 (docs/decisions/012).
 */
export interface PubSubMessage {
  data: string;
  attributes?: Record<string, string>;
  messageId?: string;
}

export type CloudDeliveryError = { kind: "invalid"; reason: string };

const TOPICS: readonly string[] = [...WEBHOOK_TOPICS, ...COMPLIANCE_TOPICS];

function header(metadata: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!metadata) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(metadata)) if (key.toLowerCase() === wanted && value != null) return String(value);
  return undefined;
}

function toDelivery(metadata: Record<string, unknown> | undefined, rawBody: string, receivedAt: Date): VerifiedDelivery | CloudDeliveryError {
  const topic = header(metadata, "X-Shopify-Topic");
  const shop = header(metadata, "X-Shopify-Shop-Domain");
  const webhookId = header(metadata, "X-Shopify-Webhook-Id");
  if (!topic || !TOPICS.includes(topic)) return { kind: "invalid", reason: `unknown or missing topic "${topic}"` };
  if (!shop || !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return { kind: "invalid", reason: `bad shop domain "${shop}"` };
  if (!webhookId) return { kind: "invalid", reason: "missing X-Shopify-Webhook-Id" };
  return {
    shop,
    topic: topic as WebhookTopic,
    webhookId,
    eventId: header(metadata, "X-Shopify-Event-Id") ?? null,
    apiVersion: header(metadata, "X-Shopify-API-Version") ?? null,
    triggeredAt: header(metadata, "X-Shopify-Triggered-At"),
    rawBody,
    receivedAt,
  };
}

export function deliveryFromPubSub(message: PubSubMessage | { message: PubSubMessage }, receivedAt = new Date()): VerifiedDelivery | CloudDeliveryError {
  const inner = "message" in message ? message.message : message;
  if (typeof inner?.data !== "string") return { kind: "invalid", reason: "Pub/Sub message without data" };
  return toDelivery(inner.attributes, Buffer.from(inner.data, "base64").toString("utf8"), receivedAt);
}

/** `eventText` is the event as received (JSON text), so the payload's big ids survive. */
export function deliveryFromEventBridge(eventText: string, receivedAt = new Date()): VerifiedDelivery | CloudDeliveryError {
  let event: { detail?: { metadata?: Record<string, unknown> } };
  try {
    event = JSON.parse(eventText);
  } catch {
    return { kind: "invalid", reason: "EventBridge event is not JSON" };
  }
  const payload = rawMember(eventText, ["detail", "payload"]);
  if (payload === null || !event.detail?.metadata) return { kind: "invalid", reason: "EventBridge event without detail.payload and detail.metadata" };
  return toDelivery(event.detail.metadata, payload, receivedAt);
}

/**
 * Feeds one cloud delivery to the intake. Resolves when it is recorded and handed off (ack the
 * message); rejects on an unexpected failure (nack: the cloud redelivers). Invalid messages
 * resolve as `invalid` (ack them: redelivery cannot fix them) and are logged.
 */
export async function consumeCloudDelivery(delivery: VerifiedDelivery | CloudDeliveryError): Promise<"accepted" | "invalid"> {
  if ("kind" in delivery) {
    console.warn("webhook: invalid cloud delivery dropped", { reason: delivery.reason });
    return "invalid";
  }
  const response = await acceptVerifiedDelivery(delivery);
  if (response.status >= 500) throw new Error(`intake answered ${response.status}`);
  return "accepted";
}

/** The raw JSON text of the member at `path` (objects only), or null. A small scanner: strings, escapes, nesting. */
export function rawMember(text: string, path: string[]): string | null {
  let index = 0;
  const skipSpace = () => {
    while (/\s/.test(text[index] ?? "")) index++;
  };
  const readString = (): string => {
    const start = ++index;
    while (index < text.length && text[index] !== '"') index += text[index] === "\\" ? 2 : 1;
    return JSON.parse(`"${text.slice(start, index++)}"`) as string;
  };
  const skipValue = (): void => {
    skipSpace();
    const char = text[index];
    if (char === '"') return void readString();
    if (char === "{" || char === "[") {
      const close = char === "{" ? "}" : "]";
      index++;
      for (;;) {
        skipSpace();
        if (text[index] === close) return void index++;
        if (char === "{") {
          readString();
          skipSpace();
          index++; // ':'
        }
        skipValue();
        skipSpace();
        if (text[index] === ",") index++;
      }
    }
    while (index < text.length && !/[,}\]\s]/.test(text[index])) index++;
  };
  for (const key of path) {
    skipSpace();
    if (text[index] !== "{") return null;
    index++;
    let found = false;
    while (!found) {
      skipSpace();
      if (text[index] !== '"') return null;
      const name = readString();
      skipSpace();
      index++; // ':'
      skipSpace();
      if (name === key) found = true;
      else {
        skipValue();
        skipSpace();
        if (text[index] === ",") index++;
      }
    }
  }
  const start = index;
  skipValue();
  return text.slice(start, index);
}

/** One message as a line of JSON: a Pub/Sub message (or push envelope) or an EventBridge event. */
export function deliveryFromLine(line: string, receivedAt = new Date()): VerifiedDelivery | CloudDeliveryError {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { kind: "invalid", reason: "not JSON" };
  }
  if ("detail" in parsed) return deliveryFromEventBridge(line, receivedAt);
  return deliveryFromPubSub(parsed as unknown as PubSubMessage, receivedAt);
}
