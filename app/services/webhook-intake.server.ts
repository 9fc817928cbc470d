import { env } from "~/env.server";
import { isDatabaseBusy } from "~/models/health.server";
import { markDeliveryNotActedOn, markWebhookDelivery, recordDeliveryOnce } from "~/models/webhook-delivery.server";
import { deliveryClaims, payloadChangedAt, stalenessOf } from "~/shopify/webhook-claims";
import { storedWebhookBody } from "~/shopify/webhook-fields";
import { topicToEnum, type WebhookTopic } from "~/shopify/webhook-topics";
import { webhookHeadersOf, webhookSignatureValid } from "~/shopify/webhook-signature";
import { enqueueWebhookDelivery } from "./jobs.server";
import { bytesWithin, payloadTooLarge } from "./request-body.server";
import { processWebhook } from "./webhook-processing.server";

/**
 * The whole life of a webhook delivery inside its route: bound, verify, judge, record once, hand off, ack.
 *
 * - The body is read only up to `MAX_WEBHOOK_BODY_BYTES` (413 beyond it, before any check that
 *   needs it whole), and the HMAC is computed once, on those bytes (`webhookSignatureValid`):
 *   a forged or tampered delivery is answered 401 having cost at most the limit in memory
 *   (issue 22: unsigned bodies were read whole, twice, before the library's check). The
 *   library's `authenticate.webhook` is not used: it reads the body as text, validates that
 *   string, loads the shop's offline session (a database read the intake never needs) and
 *   `JSON.parse`s the body, so a signed body that is not JSON answered 500 and was never recorded.
 * - A signed body that is not a JSON object is recorded `refused` with its reason and answered
 *   400 (`judgeDelivery`); Shopify's retries of it are counted on the same row, never processed.
 * - The HMAC covers the body only, so the shop header and the rest are then checked against it
 *   (`acceptVerifiedDelivery`).
 * - The delivery is recorded by `X-Shopify-Webhook-Id` (kept by Shopify's retries of one
 *   delivery); a redelivery of one that was processed, or another delivery of an event already
 *   processed (same `X-Shopify-Event-Id`, https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates),
 *   is acknowledged with 200 and changes nothing. A redelivery of one whose processing failed
 *   is processed again.
 * - The route records the delivery and queues a `webhook` job for it: two database round trips,
 *   so it answers well inside Shopify's 5-s timeout even under a flash sale
 *   (https://shopify.dev/docs/apps/build/webhooks/troubleshooting-webhooks: respond within
 *   5 seconds, before processing); the worker processes recorded deliveries in batches.
 * - The raw body is kept as text, never parsed into numbers here, because REST-shaped payloads
 *   carry numeric ids above 2^53 (docs/decisions/012 "Webhooks").
 */
export async function receiveWebhook(request: Request, expectedTopic: WebhookTopic): Promise<Response> {
  const receivedAt = new Date();
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "POST" } });
  const hmac = request.headers.get("X-Shopify-Hmac-Sha256");
  // An unsigned post is refused before its body is read at all.
  if (!hmac) return new Response(null, { status: 401 });
  const body = await bytesWithin(request, MAX_WEBHOOK_BODY_BYTES);
  if (!body.ok) return payloadTooLarge(MAX_WEBHOOK_BODY_BYTES);
  if (!webhookSignatureValid(body.bytes, hmac, env().SHOPIFY_API_SECRET)) return new Response(null, { status: 401 });
  const headers = webhookHeadersOf(request.headers);
  if ("missing" in headers) return new Response(`Missing ${headers.missing.join(", ")}`, { status: 400 });

  // A topic header that is not this route's is recorded under the route's topic and refused: a
  // retry cannot fix it (see acceptVerifiedDelivery on answering 200).
  const sameTopic = headers.topic.toUpperCase().replace(/[/.]/g, "_") === topicToEnum(expectedTopic);
  return acceptVerifiedDelivery({
    refused: sameTopic ? undefined : `X-Shopify-Topic is ${headers.topic}; this endpoint receives ${expectedTopic} only`,
    shop: headers.shop,
    topic: expectedTopic,
    webhookId: headers.webhookId,
    eventId: headers.eventId,
    apiVersion: headers.apiVersion,
    triggeredAt: headers.triggeredAt,
    rawBody: textOf(body.bytes),
    receivedAt,
  });
}

/**
 * The largest webhook body accepted. Shopify documents no cap for HTTPS deliveries (its staff:
 * "some message bodies from Shopify can be upwards of a megabyte",
 * https://community.shopify.com/c/Shopify-APIs-SDKs/Webhook-requests-exceed-max-size/m-p/144434;
 * EventBridge caps them at 1,000,000 bytes,
 * https://shopify.dev/changelog/amazon-eventbridge-webhook-payload-size-limit-increased-to-1-mb):
 * 8 MB leaves room for the largest order or product and bounds what an unsigned post costs.
 */
export const MAX_WEBHOOK_BODY_BYTES = 8_000_000;

/** UTF-8 as Shopify sends it; bytes that are not UTF-8 become U+FFFD, and the body then fails to parse and is recorded as such. */
const textOf = (bytes: Uint8Array) => new TextDecoder("utf-8").decode(bytes);

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
 * The one exception is a malformed body (not JSON, or not a JSON object): recorded `refused`
 * with the parse error as its reason and answered 400 (issue 22), so the failure shows in
 * Shopify's delivery metrics as well as on the Webhook deliveries page; its retries are counted on
 * the same row and answered 400 again, never processed.
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
      return new Response(null, { status: notActedOn?.malformed ? 400 : 200 });
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
 * headers make against its signed body, then its age. Lifecycle and compliance topics (all but
 * app/scopes_update, AGE_JUDGED_INLINE_TOPICS) are not judged by age: what they say is confirmed with Shopify instead (`confirmAppGone`), a genuine
 * one stays true however late it comes, and whether shop/redact's trigger time is the uninstall's
 * (48 h before it is sent) is [unconfirmed].
 */
function judgeDelivery(delivery: VerifiedDelivery, triggeredAt: Date | null): { status: "refused" | "stale"; reason: string; malformed?: true } | null {
  if (delivery.refused) return { status: "refused", reason: delivery.refused };
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.rawBody);
  } catch (error) {
    return { status: "refused", reason: `malformed: the body is not JSON (${error instanceof Error ? error.message : String(error)})`, malformed: true };
  }
  // Every topic's payload is an object: `null`, a number or a list is malformed for all of them.
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return { status: "refused", reason: `malformed: the body is ${payload === null ? "null" : Array.isArray(payload) ? "a list" : `a ${typeof payload}`}, not a JSON object`, malformed: true };
  }
  const claims = deliveryClaims(delivery.topic, delivery.shop, payload);
  if (!claims.agree) return { status: "refused", reason: claims.reason };
  if (INLINE_TOPICS.has(delivery.topic) && !AGE_JUDGED_INLINE_TOPICS.has(delivery.topic)) return null;
  const windowMs = env().WEBHOOK_FRESHNESS_HOURS * 3_600_000;
  const stale = stalenessOf(delivery.receivedAt, windowMs, { triggeredAt, changedAt: payloadChangedAt(delivery.topic, payload) });
  if (!stale) return null;
  // Every other topic's effect on stock is a recompute from Shopify's current quantities, which
  // the scheduled reconciliation also makes (docs/pipeline.md "Reconciliation reports").
  if (delivery.topic === "app/scopes_update") {
    // An old one, replayed or late, could set scopes that are no longer granted. What the token
    // can do is settled by Shopify anyway: the next token exchange records the granted scopes.
    return { status: "stale", reason: `${stale}; the scopes it lists may no longer be the granted ones` };
  }
  const covered = delivery.topic === "orders/create" ? "reconciliation re-reads the stock it names; its sale is not counted in sales velocity" : "reconciliation re-reads the stock it names";
  return { status: "stale", reason: `${stale}; ${covered}` };
}

/**
 * Rare topics that end or erase the shop's data are processed in the route, as before: they
 * purge the shop's jobs (app/uninstalled) or its rows (shop/redact), the queued job included.
 */
const INLINE_TOPICS: ReadonlySet<WebhookTopic> = new Set(["app/uninstalled", "shop/redact", "customers/data_request", "customers/redact", "app/scopes_update"]);

/**
 * Inline topics judged by age like the queued ones: app/scopes_update changes what the stored
 * session says the token can do, and nothing confirms it with Shopify first, so an old delivery
 * is not acted on (and a fresh one only when newer than the last applied: applyScopesUpdate).
 */
const AGE_JUDGED_INLINE_TOPICS: ReadonlySet<WebhookTopic> = new Set(["app/scopes_update"]);

function parseTriggeredAt(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
