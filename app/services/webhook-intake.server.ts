import { env } from "~/env.server";
import { isDatabaseBusy } from "~/models/health.server";
import { markDeliveryNotActedOn, markWebhookDelivery, recordDeliveryOnce } from "~/models/webhook-delivery.server";
import { deliveryClaims, payloadChangedAt, stalenessOf } from "~/shopify/webhook-claims";
import { storedWebhookBody } from "~/shopify/webhook-fields";
import { topicToEnum, type WebhookTopic } from "~/shopify/webhook-topics";
import { enqueueWebhookDelivery } from "./jobs.server";
import { processWebhook } from "./webhook-processing.server";

/**
 * The whole life of a webhook delivery inside its route: verify, judge, record once, hand off, ack.
 *
 * - HMAC is verified by the library (`authenticate.webhook`, passed in by the route), which throws a 401 Response for
 *   a forged or tampered delivery; Remix returns that response as is. The HMAC covers the body
 *   only, so the shop header and the rest are then checked against it (`acceptVerifiedDelivery`).
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
export async function receiveWebhook(request: Request, expectedTopic: WebhookTopic, authenticateWebhook: AuthenticateWebhook): Promise<Response> {
  const receivedAt = new Date();
  const rawBody = await request.clone().text();
  const context = await authenticateWebhook(request);
  const { shop, topic, webhookId } = context;

  // A topic header that is not this route's is recorded under the route's topic and refused: a
  // retry cannot fix it (see acceptVerifiedDelivery on answering 200).
  const refused = topic === topicToEnum(expectedTopic) ? undefined : `X-Shopify-Topic is ${request.headers.get("X-Shopify-Topic") ?? topic}; this endpoint receives ${expectedTopic} only`;
  return acceptVerifiedDelivery({
    refused,
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

/** The library's `authenticate.webhook` (the route passes it: services do not build the app's Shopify side). */
export type AuthenticateWebhook = (request: Request) => Promise<{
  shop: string;
  topic: string;
  webhookId: string;
  eventId?: string;
  apiVersion?: string;
  triggeredAt?: string;
}>;

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
  /** Why the transport already refuses it (a topic header that is not its route's). */
  refused?: string;
}

/**
 * Judge, record once, hand off, ack: the same for every transport
 * (app/services/webhook-cloud-consumer.server.ts feeds Pub/Sub and EventBridge deliveries here,
 * docs/decisions/015). Throws on an unexpected failure, so the transport redelivers.
 *
 * Every delivery is recorded, but only one whose headers agree with its signed body
 * (`deliveryClaims`) and that is fresh (`WEBHOOK_FRESHNESS_HOURS`) is acted on; the others are
 * recorded `refused` or `stale` with the reason the Webhook deliveries page shows, and answered
 * 200 like any accepted delivery. Shopify counts any 2xx as delivered and retries anything else
 * 8 times over 4 hours (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism), and
 * repeated failures can remove an Admin-API subscription (docs/decisions/012 "Webhooks"): a
 * retry of the same body and headers cannot come to agree, so a 4xx would only bring it back.
 * A delivery for a shop that was redacted is not even recorded (`recordDeliveryOnce`).
 */
export async function acceptVerifiedDelivery(delivery: VerifiedDelivery): Promise<Response> {
  const { shop, topic, webhookId, rawBody, receivedAt } = delivery;
  const triggeredAt = parseTriggeredAt(delivery.triggeredAt);
  let deliveryId: string | null = null;
  try {
    const notActedOn = judgeDelivery(delivery, triggeredAt);
    // 1. Record it, or count the redelivery; a duplicate of an event already received or
    //    processed comes back `duplicate`, one not to act on `refused` or `stale`.
    const recorded = await recordDeliveryOnce({
      shop,
      topic,
      webhookId,
      eventId: delivery.eventId ?? null,
      apiVersion: delivery.apiVersion ?? null,
      triggeredAt,
      receivedAt,
      // Only the fields the pipeline reads are stored: no customer data at rest (README "Privacy").
      body: storedWebhookBody(topic, rawBody),
      notActedOn,
    });
    if (!recorded) {
      console.warn("webhook: delivery for a redacted shop ignored (a new install lifts the redaction)", { shop, topic, webhookId, eventId: delivery.eventId });
      return new Response(null, { status: 200 });
    }
    deliveryId = recorded.id;
    if (recorded.status === "refused" || recorded.status === "stale") {
      if (!recorded.redelivery) console.warn(`webhook: delivery ${recorded.status}, not acted on`, { shop, topic, webhookId, eventId: delivery.eventId, reason: notActedOn?.reason });
      return new Response(null, { status: 200 });
    }
    if (recorded.status !== "received" && recorded.status !== "failed") return new Response(null, { status: 200 });
    if (INLINE_TOPICS.has(topic)) {
      const outcome = await processWebhook({ shop, topic, rawBody, triggeredAt, receivedAt });
      if (typeof outcome === "object") {
        console.warn("webhook: delivery refused, not acted on", { shop, topic, webhookId, eventId: delivery.eventId, reason: outcome.refused });
        await markDeliveryNotActedOn(recorded.id, "refused", outcome.refused);
      } else if (outcome !== "shop-deleted") await markWebhookDelivery(recorded.id, "processed");
      return new Response(null, { status: 200 });
    }
    // 2. Queue it. Keyed by delivery, so a redelivery while it waits merges into the same job.
    await enqueueWebhookDelivery(shop, recorded.id);
    return new Response(null, { status: 200 });
  } catch (error) {
    // Another process holds SQLite's write lock past the short busy timeout (DATABASE_BUSY_TIMEOUT_MS):
    // answer at once and let Shopify retry, rather than wait past its 5-s delivery timeout (issue 22).
    if (isDatabaseBusy(error)) {
      console.warn("webhook: database locked, asking Shopify to retry", { shop, topic, webhookId });
      return new Response(null, { status: 503, headers: { "Retry-After": "5" } });
    }
    // Unexpected: log with shop, topic and ids and answer 500 so Shopify redelivers; the
    // redelivery finds the row `received` or `failed` and queues it again.
    console.error("webhook: processing failed", { shop, topic, webhookId, error });
    if (deliveryId) await markWebhookDelivery(deliveryId, "failed").catch(() => undefined);
    throw error;
  }
}

/**
 * Why a delivery is not to be acted on, or null. Pure apart from the setting: the claims its
 * headers make against its signed body, then its age. Lifecycle and compliance topics are not
 * judged by age: what they say is confirmed with Shopify instead (`confirmAppGone`), a genuine
 * one stays true however late it comes, and whether shop/redact's trigger time is the uninstall's
 * (48 h before it is sent) is [unconfirmed].
 */
function judgeDelivery(delivery: VerifiedDelivery, triggeredAt: Date | null): { status: "refused" | "stale"; reason: string } | null {
  if (delivery.refused) return { status: "refused", reason: delivery.refused };
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.rawBody);
  } catch {
    return { status: "refused", reason: "the body is not JSON" };
  }
  const claims = deliveryClaims(delivery.topic, delivery.shop, payload);
  if (!claims.agree) return { status: "refused", reason: claims.reason };
  if (INLINE_TOPICS.has(delivery.topic)) return null;
  const windowMs = env().WEBHOOK_FRESHNESS_HOURS * 3_600_000;
  const stale = stalenessOf(delivery.receivedAt, windowMs, { triggeredAt, changedAt: payloadChangedAt(delivery.topic, payload) });
  if (!stale) return null;
  // Every other topic's effect on stock is a recompute from Shopify's current quantities, which
  // the scheduled reconciliation also makes (docs/pipeline.md "Reconciliation reports").
  const covered = delivery.topic === "orders/create" ? "reconciliation re-reads the stock it names; its sale is not counted in sales velocity" : "reconciliation re-reads the stock it names";
  return { status: "stale", reason: `${stale}; ${covered}` };
}

/**
 * Rare topics that end or erase the shop's data are processed in the route, as before: they
 * purge the shop's jobs (app/uninstalled) or its rows (shop/redact), the queued job included.
 */
const INLINE_TOPICS: ReadonlySet<WebhookTopic> = new Set(["app/uninstalled", "shop/redact", "customers/data_request", "customers/redact", "app/scopes_update"]);

function parseTriggeredAt(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
