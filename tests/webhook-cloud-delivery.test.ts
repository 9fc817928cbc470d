/**
 * Pub/Sub and EventBridge deliveries enter the same intake as HTTPS ones (docs/decisions/015).
 * No cloud is reachable here: the messages are in-process stand-ins of the documented shapes
 * (headers as Pub/Sub attributes / EventBridge `detail.metadata`, body as `data` / `detail.payload`).
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { consumeCloudDelivery, deliveryFromLine, rawMember } from "~/services/webhook-cloud-consumer.server";
import { processQueuedDeliveries } from "./support/webhook-jobs";

const SHOP = "cloud-intake.myshopify.com";
// Shopify's own sample order id, above 2^53: JSON.parse would round it.
const BIG_ID = "820982911946154508";
// A minute ago: deliveries older than the freshness window are not acted on.
const TRIGGERED_AT = new Date(Date.now() - 60_000).toISOString();
const body = `{"id":${BIG_ID},"admin_graphql_api_id":"gid://shopify/Order/${BIG_ID}","line_items":[]}`;
// What is stored of it: the fields the pipeline reads (README "Privacy"), the id exact, as a string.
const storedBody = `{"id":"${BIG_ID}","admin_graphql_api_id":"gid://shopify/Order/${BIG_ID}","line_items":[]}`;

function headers(webhookId: string, eventId: string) {
  return {
    "X-Shopify-Topic": "orders/cancelled",
    "X-Shopify-Shop-Domain": SHOP,
    "X-Shopify-Webhook-Id": webhookId,
    "X-Shopify-Event-Id": eventId,
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Triggered-At": TRIGGERED_AT,
  };
}

function pubSubLine(webhookId: string, eventId: string) {
  return JSON.stringify({ message: { data: Buffer.from(body).toString("base64"), attributes: headers(webhookId, eventId), messageId: "1" }, subscription: "projects/p/subscriptions/s" });
}

function eventBridgeLine(webhookId: string, eventId: string) {
  const metadata = Object.fromEntries(Object.entries(headers(webhookId, eventId)).map(([key, value]) => [key.toLowerCase(), value]));
  return `{"version":"0","id":"e-1","detail-type":"shopifyWebhook","source":"aws.partner/shopify.com/123/safestock","detail":{"payload":${body},"metadata":${JSON.stringify(metadata)}}}`;
}

describe("cloud webhook delivery", () => {
  it("records a Pub/Sub delivery once, with its body's ids exact", async () => {
    expect(await consumeCloudDelivery(deliveryFromLine(pubSubLine("ps-1", "ev-1")))).toBe("accepted");
    expect(await consumeCloudDelivery(deliveryFromLine(pubSubLine("ps-1", "ev-1")))).toBe("accepted");
    await processQueuedDeliveries();
    const rows = await prisma.webhookDelivery.findMany({ where: { shop: SHOP, webhookId: "ps-1" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ topic: "orders/cancelled", eventId: "ev-1", body: storedBody, duplicates: 1, status: "processed" });
  });

  it("records an EventBridge delivery with its raw payload, and treats the same event from another channel as a duplicate", async () => {
    expect(await consumeCloudDelivery(deliveryFromLine(eventBridgeLine("eb-1", "ev-2")))).toBe("accepted");
    expect(await consumeCloudDelivery(deliveryFromLine(pubSubLine("ps-2", "ev-2")))).toBe("accepted");
    await processQueuedDeliveries();
    const rows = await prisma.webhookDelivery.findMany({ where: { shop: SHOP, eventId: "ev-2" }, orderBy: { receivedAt: "asc" } });
    expect(rows.map((row) => [row.webhookId, row.status])).toEqual([["eb-1", "processed"], ["ps-2", "duplicate"]]);
    expect(rows[0].body).toBe(storedBody);
  });

  it("drops messages it cannot trust or read, without recording them", async () => {
    const forgedShop = JSON.stringify({ data: Buffer.from(body).toString("base64"), attributes: { ...headers("bad-1", "ev-3"), "X-Shopify-Shop-Domain": "evil.example.com" } });
    const unknownTopic = JSON.stringify({ data: Buffer.from(body).toString("base64"), attributes: { ...headers("bad-2", "ev-4"), "X-Shopify-Topic": "orders/paid" } });
    for (const line of [forgedShop, unknownTopic, "not json", `{"detail":{"metadata":{}}}`]) {
      expect(await consumeCloudDelivery(deliveryFromLine(line))).toBe("invalid");
    }
    expect(await prisma.webhookDelivery.count({ where: { webhookId: { in: ["bad-1", "bad-2"] } } })).toBe(0);
  });

  it("holds cloud deliveries to the same claims and freshness as HTTPS ones", async () => {
    // The cloud authenticates the sender, not what the headers say about the body.
    const redactOther = JSON.stringify({ shop_id: 1, shop_domain: "someone-else.myshopify.com" });
    const attributes = { ...headers("ps-redact", "ev-5"), "X-Shopify-Topic": "shop/redact" };
    const redactLine = JSON.stringify({ data: Buffer.from(redactOther).toString("base64"), attributes });
    const lateAttributes = { ...headers("ps-late", "ev-6"), "X-Shopify-Triggered-At": new Date(Date.now() - 48 * 3_600_000).toISOString() };
    const lateLine = JSON.stringify({ data: Buffer.from(body).toString("base64"), attributes: lateAttributes });
    expect(await consumeCloudDelivery(deliveryFromLine(redactLine))).toBe("accepted");
    expect(await consumeCloudDelivery(deliveryFromLine(lateLine))).toBe("accepted");
    await processQueuedDeliveries();
    const rows = await prisma.webhookDelivery.findMany({ where: { shop: SHOP, webhookId: { in: ["ps-redact", "ps-late"] } }, orderBy: { webhookId: "asc" } });
    expect(rows.map((row) => [row.webhookId, row.status])).toEqual([["ps-late", "stale"], ["ps-redact", "refused"]]);
    expect(rows[1].reason).toContain("someone-else.myshopify.com");
  });

  it("finds a member's raw text past strings with braces and escapes", () => {
    const text = `{"a":"}{\\"x","detail":{"skip":[1,{"b":"]"}],"payload":{"n":${BIG_ID},"s":"q\\"}"}}}`;
    expect(rawMember(text, ["detail", "payload"])).toBe(`{"n":${BIG_ID},"s":"q\\"}"}`);
    expect(rawMember(text, ["detail", "missing"])).toBeNull();
  });
});
