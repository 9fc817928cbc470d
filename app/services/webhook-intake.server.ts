import { markWebhookDelivery, recordDeliveryOnce } from "~/models/webhook-delivery.server";
import { authenticate } from "~/shopify.server";
import { topicToEnum, type WebhookTopic } from "~/shopify/webhook-topics";
import { enqueueWebhookDelivery } from "./jobs.server";
import { processWebhook } from "./webhook-processing.server";

/**
 * The whole life of a webhook delivery inside its route: verify, record once, hand off, ack.
 *
 * - HMAC is verified by the library (`authenticate.webhook`), which throws a 401 Response for
 *   a forged or tampered delivery; Remix returns that response as is.
 * - The delivery is recorded by `X-Shopify-Webhook-Id` (kept by Shopify's retries of one
 *   delivery); a redelivery of one that was processed, or another delivery of an event already
 *   processed (same `X-Shopify-Event-Id`, https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates),
 *   is acknowledged with 200 and changes nothing. A redelivery of one whose processing failed
 *   is processed again.
 * - The route records the delivery and queues a `webhook` job for it: two database round trips,
 *   so it answers well inside Shopify's 5-s timeout even under a flash sale
 *   (https://shopify.dev/docs/apps/build/webhooks/troubleshooting-webhooks: respond within
 *   5 seconds, before processing); the worker processes recorded deliveries in batches.
 * - The raw body is read before the library parses it, because REST-shaped payloads carry
 *   numeric ids above 2^53 (docs/decisions/012 "Webhooks").
 */
export async function receiveWebhook(request: Request, expectedTopic: WebhookTopic): Promise<Response> {
  const receivedAt = new Date();
  const rawBody = await request.clone().text();
  const context = await authenticate.webhook(request);
  const { shop, topic, webhookId } = context;

  if (topic !== topicToEnum(expectedTopic)) {
    console.warn("webhook: topic does not match its route", { shop, topic, expectedTopic, webhookId });
    return new Response(`This endpoint receives ${expectedTopic} only`, { status: 400 });
  }

  return acceptVerifiedDelivery({
    shop,
    topic: expectedTopic,
    webhookId,
    eventId: context.eventId ?? null,
    apiVersion: context.apiVersion ?? null,
    triggeredAt: context.triggeredAt,
    rawBody,
    receivedAt,
  });
}

/** A delivery whose origin is established: HMAC-verified (HTTPS) or delivered by the cloud (Pub/Sub, EventBridge). */
export interface VerifiedDelivery {
  shop: string;
  topic: WebhookTopic;
  webhookId: string;
  eventId: string | null;
  apiVersion: string | null;
  triggeredAt: string | undefined;
  rawBody: string;
  receivedAt: Date;
}

/**
 * Record once, hand off, ack: the same for every transport (app/services/webhook-cloud-consumer.server.ts
 * feeds Pub/Sub and EventBridge deliveries here, docs/decisions/015). Throws on an unexpected
 * failure, so the transport redelivers.
 */
export async function acceptVerifiedDelivery(delivery: VerifiedDelivery): Promise<Response> {
  const { shop, topic, webhookId, rawBody, receivedAt } = delivery;
  const triggeredAt = parseTriggeredAt(delivery.triggeredAt);
  let deliveryId: string | null = null;
  try {
    // 1. Record it, or count the redelivery; a duplicate of an event already received or
    //    processed comes back `duplicate`.
    const recorded = await recordDeliveryOnce({
      shop,
      topic,
      webhookId,
      eventId: delivery.eventId ?? null,
      apiVersion: delivery.apiVersion ?? null,
      triggeredAt,
      receivedAt,
      body: rawBody,
    });
    deliveryId = recorded.id;
    if (recorded.status === "processed" || recorded.status === "duplicate") return new Response(null, { status: 200 });
    if (INLINE_TOPICS.has(topic)) {
      const outcome = await processWebhook({ shop, topic, rawBody, triggeredAt, receivedAt });
      if (outcome !== "shop-deleted") await markWebhookDelivery(recorded.id, "processed");
      return new Response(null, { status: 200 });
    }
    // 2. Queue it. Keyed by delivery, so a redelivery while it waits merges into the same job.
    await enqueueWebhookDelivery(shop, recorded.id);
    return new Response(null, { status: 200 });
  } catch (error) {
    // Unexpected: log with shop, topic and ids and answer 500 so Shopify redelivers; the
    // redelivery finds the row `received` or `failed` and queues it again.
    console.error("webhook: processing failed", { shop, topic, webhookId, error });
    if (deliveryId) await markWebhookDelivery(deliveryId, "failed").catch(() => undefined);
    throw error;
  }
}

/**
 * Rare topics that end or erase the shop's data are processed in the route, as before: they
 * purge the shop's jobs (app/uninstalled) or its rows (shop/redact), the queued job included.
 */
const INLINE_TOPICS: ReadonlySet<WebhookTopic> = new Set(["app/uninstalled", "shop/redact", "customers/data_request", "customers/redact"]);

function parseTriggeredAt(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
