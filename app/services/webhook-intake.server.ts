import prisma from "~/db.server";
import { recordWebhookDelivery } from "~/models/webhook-delivery.server";
import { authenticate } from "~/shopify.server";
import { topicToEnum, type WebhookTopic } from "~/shopify/webhook-topics";

/**
 * The whole life of a webhook delivery inside its route: verify, record once, acknowledge.
 *
 * - HMAC is verified by the library (`authenticate.webhook`), which throws a 401 Response for
 *   a forged or tampered delivery; Remix returns that response as is.
 * - The delivery is recorded by `X-Shopify-Webhook-Id`; a redelivery is acknowledged with 200
 *   and changes nothing (Shopify retries anything that is not 2xx, so duplicates must ack).
 * - The raw body is read before the library parses it, because REST-shaped payloads carry
 *   numeric ids above 2^53 (SHOPIFY-FACTS "Webhooks").
 */
export async function receiveWebhook(request: Request, expectedTopic: WebhookTopic): Promise<Response> {
  const rawBody = await request.clone().text();
  const context = await authenticate.webhook(request);
  const { shop, topic, webhookId } = context;

  if (topic !== topicToEnum(expectedTopic)) {
    console.warn("webhook: topic does not match its route", { shop, topic, expectedTopic, webhookId });
    return new Response(`This endpoint receives ${expectedTopic} only`, { status: 400 });
  }

  try {
    const recorded = await recordWebhookDelivery({
      shop,
      topic: expectedTopic,
      webhookId,
      eventId: context.eventId ?? null,
      apiVersion: context.apiVersion ?? null,
      triggeredAt: parseTriggeredAt(context.triggeredAt),
      body: rawBody,
    });
    if (recorded.kind === "recorded" && expectedTopic === "app/uninstalled") {
      // The offline token is revoked on uninstall; keeping the session would only fail later.
      await prisma.session.deleteMany({ where: { shop } });
    }
    return new Response(null, { status: 200 });
  } catch (error) {
    // Unexpected: log with shop, topic and ids and answer 500 so Shopify redelivers.
    console.error("webhook: failed to record delivery", { shop, topic: expectedTopic, webhookId, error });
    throw error;
  }
}

function parseTriggeredAt(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
