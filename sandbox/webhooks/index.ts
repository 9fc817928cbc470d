/** Webhooks: Shopify topics/payloads for emulator events, signed at-least-once delivery, app toml. */
import type { EmulatorEvent } from "../contract.js";
import type { WebhookDispatcher } from "./dispatcher.js";
import { compliancePayload, eventToWebhook, type ComplianceRequest } from "./payloads.js";

export * from "./dispatcher.js";
export * from "./delivery.js";
export * from "./payloads.js";
export * from "./app-toml.js";

/** Publish the webhook Shopify would send for one emulator event. Returns the event id. */
export function publishEmulatorEvent(dispatcher: WebhookDispatcher, shop: string, event: EmulatorEvent): string {
  const { topic, payload } = eventToWebhook(event, shop);
  return dispatcher.publish({ shop, topic, payload, triggeredAt: event.at });
}

/** Trigger a mandatory compliance webhook (customers/data_request, customers/redact, shop/redact). */
export function publishCompliance(
  dispatcher: WebhookDispatcher,
  shop: string,
  request: ComplianceRequest,
  triggeredAt: string = new Date().toISOString(),
): string {
  return dispatcher.publish({ shop, topic: request.topic, payload: compliancePayload(shop, request), triggeredAt });
}
