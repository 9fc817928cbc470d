/**
 * `npm run webhooks:consume`: the consumer entry point for Shopify's Pub/Sub and EventBridge
 * webhook delivery (docs/decisions/015, shopify.app.toml). It reads messages as JSON lines on
 * stdin — what a Pub/Sub pull subscriber (`gcloud pubsub subscriptions pull --format=json`) or an
 * SQS poller behind an EventBridge rule hands over — and feeds each to the same intake as the
 * HTTPS routes. Exit code 1 when a message failed (the caller must not ack it).
 * Environment: the app's (DATABASE_URL, QUEUE, REDIS_URL, SHOPIFY_*).
 */
import { createInterface } from "node:readline";
import { compose } from "~/composition.server";
import { consumeCloudDelivery, deliveryFromLine } from "~/services/webhook-cloud-consumer.server";

compose();

let failed = 0;
let accepted = 0;
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === "") continue;
  try {
    if ((await consumeCloudDelivery(deliveryFromLine(line))) === "accepted") accepted++;
  } catch (error) {
    failed++;
    console.error("webhooks:consume: delivery failed (not acked)", { error });
  }
}
console.info(`webhooks:consume: ${accepted} accepted, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
