import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { COMPLIANCE_TOPICS, WEBHOOK_TOPICS, webhookPath, type WebhookTopic } from "~/shopify/webhook-topics";
import { signedWebhook } from "./support/signed-webhook";
import { processQueuedDeliveries } from "./support/webhook-jobs";

const root = path.resolve(__dirname, "..");
const SHOP = "safestock-sandbox.myshopify.com";
// A minute ago: deliveries older than the freshness window are not acted on (webhook-replay.test.ts).
const TRIGGERED_AT = new Date(Date.now() - 60_000).toISOString();

function signedDelivery(topic: WebhookTopic, body: string, ids: { webhookId?: string; secret?: string; eventId?: string } = {}) {
  return signedWebhook(`https://safestock.test${webhookPath(topic)}`, body, { topic, shop: SHOP, triggeredAt: TRIGGERED_AT, ...ids });
}

async function routeAction(topic: WebhookTopic) {
  const file = `webhooks.${topic.replace("/", ".")}`;
  const module = (await import(`../app/routes/${file}.tsx`)) as {
    action: (args: { request: Request; params: object; context: object }) => Promise<Response>;
  };
  return (request: Request) =>
    module.action({ request, params: {}, context: {} }).catch((thrown: unknown) => {
      // The library throws Responses (401/400); Remix would return them as is.
      if (thrown instanceof Response) return thrown;
      throw thrown;
    });
}

const byTopic = (a: { topic: string }, b: { topic: string }) => a.topic.localeCompare(b.topic);

/** One `[[webhooks.subscriptions]]` entry of shopify.app.toml. */
interface Subscription {
  topics: string[];
  compliance_topics: string[];
  uri: string;
}

/**
 * The webhook subscriptions of shopify.app.toml, read by a parser for the subset the file uses
 * (https://toml.io/en/v1.0.0: comments, `[table]`, `[[array.of.tables]]`, `key = "string"`,
 * `key = ["string", …]` on one line), so the test does not trust the app's own topic list.
 */
function subscriptionsIn(toml: string): Subscription[] {
  const subscriptions: Subscription[] = [];
  let current: Subscription | null = null;
  for (const raw of toml.split("\n")) {
    const line = raw.replace(/^\s*#.*$/, "").trim();
    if (line === "") continue;
    if (line.startsWith("[")) {
      current = line === "[[webhooks.subscriptions]]" ? { topics: [], compliance_topics: [], uri: "" } : null;
      if (current) subscriptions.push(current);
      continue;
    }
    const match = /^([a-z_]+)\s*=\s*(.+)$/.exec(line);
    if (!current || !match) continue;
    const [, key, value] = match;
    const strings = [...value!.matchAll(/"([^"]*)"/g)].map((quoted) => quoted[1]!);
    if (key === "uri") current.uri = strings[0]!;
    if (key === "topics" || key === "compliance_topics") current[key] = strings;
  }
  return subscriptions;
}

/** The URL a Remix flat route file answers (https://remix.run/docs/en/main/file-conventions/routes): dots are slashes. */
const urlOfRouteFile = (file: string) => `/${file.replace(/\.tsx$/, "").split(".").join("/")}`;

describe("webhook routes", () => {
  const subscriptions = subscriptionsIn(readFileSync(path.join(root, "shopify.app.toml"), "utf8"));
  const routeUrls = readdirSync(path.join(root, "app/routes"))
    .filter((file) => file.startsWith("webhooks.") && file.endsWith(".tsx"))
    .map(urlOfRouteFile);
  const subscribed = subscriptions.flatMap((entry) => [...entry.topics, ...entry.compliance_topics].map((topic) => ({ topic, uri: entry.uri })));

  it("shopify.app.toml subscribes to every topic the app handles, compliance topics included", () => {
    // Read by hand from the file: thirteen topics (app/scopes_update among them) and Shopify's
    // three mandatory compliance topics (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance).
    expect(subscribed.length).toBe(16);
    expect(subscribed.map((entry) => entry.topic)).toContain("app/scopes_update");
    expect(subscriptions.flatMap((entry) => entry.compliance_topics).sort()).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
    expect(new Set(subscribed.map((entry) => entry.topic)).size).toBe(subscribed.length);
  });

  it.each(subscribed)("$topic has exactly one route at its uri $uri", ({ uri }) => {
    expect(routeUrls.filter((url) => url === uri)).toEqual([uri]);
  });

  it("every webhook route is subscribed in shopify.app.toml", () => {
    expect(routeUrls.length).toBeGreaterThan(0);
    const uris = new Set(subscribed.map((entry) => entry.uri));
    expect(routeUrls.filter((url) => !uris.has(url))).toEqual([]);
  });

  it("the app's topic list names the same topics as shopify.app.toml", () => {
    expect([...WEBHOOK_TOPICS, ...COMPLIANCE_TOPICS].map((topic) => ({ topic, uri: webhookPath(topic) })).sort(byTopic)).toEqual([...subscribed].sort(byTopic));
  });

  it("records a signed delivery and acknowledges it", async () => {
    const action = await routeAction("orders/create");
    // Written as text: the id is above 2^53, like Shopify's own sample order id.
    const body = '{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"}';
    const response = await action(signedDelivery("orders/create", body, { webhookId: "wh-recorded" }));
    expect(response.status).toBe(200);
    const row = await prisma.webhookDelivery.findUniqueOrThrow({
      where: { shop_webhookId: { shop: SHOP, webhookId: "wh-recorded" } },
    });
    expect(row.topic).toBe("orders/create");
    // The stored body keeps the 18-digit id exactly (as a string), not rounded by JSON.parse.
    expect(row.body).toContain('"820982911946154508"');
    expect(row.triggeredAt?.toISOString()).toBe(TRIGGERED_AT);
  });

  it("rejects a forged delivery with 401 and records nothing", async () => {
    const action = await routeAction("inventory_levels/update");
    const forged = signedDelivery("inventory_levels/update", "{}", { webhookId: "wh-forged", secret: "not-the-secret" });
    const response = await action(forged);
    expect(response.status).toBe(401);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-forged" } })).toBe(0);
  });

  it("acknowledges a duplicate delivery but records it once", async () => {
    const action = await routeAction("orders/cancelled");
    const body = JSON.stringify({ id: 1, admin_graphql_api_id: "gid://shopify/Order/1" });
    const first = await action(signedDelivery("orders/cancelled", body, { webhookId: "wh-dup" }));
    const second = await action(signedDelivery("orders/cancelled", body, { webhookId: "wh-dup" }));
    expect([first.status, second.status]).toEqual([200, 200]);
    const rows = await prisma.webhookDelivery.findMany({ where: { webhookId: "wh-dup" } });
    expect(rows).toHaveLength(1);
    expect(rows[0].duplicates).toBe(1);
  });

  it("treats a second delivery of the same event (new webhook id, same event id) as a duplicate", async () => {
    const action = await routeAction("orders/updated");
    const body = JSON.stringify({ id: 2, admin_graphql_api_id: "gid://shopify/Order/2" });
    await action(signedDelivery("orders/updated", body, { webhookId: "wh-event-1", eventId: "event-42" }));
    const again = await action(signedDelivery("orders/updated", body, { webhookId: "wh-event-2", eventId: "event-42" }));
    expect(again.status).toBe(200);
    // The first is queued (received), so the second is a duplicate before either is processed.
    await processQueuedDeliveries();
    const rows = await prisma.webhookDelivery.findMany({ where: { eventId: "event-42" }, orderBy: { receivedAt: "asc" } });
    expect(rows.map((row) => row.status)).toEqual(["processed", "duplicate"]);
  });

  it("processes a delivery whose first processing failed when it is delivered again, and not one that was processed", async () => {
    const action = await routeAction("orders/cancelled");
    const body = JSON.stringify({ id: 3, admin_graphql_api_id: "gid://shopify/Order/3" });
    await action(signedDelivery("orders/cancelled", body, { webhookId: "wh-retry", eventId: "event-43" }));
    await prisma.webhookDelivery.updateMany({ where: { webhookId: "wh-retry" }, data: { status: "failed" } });
    await prisma.job.deleteMany({ where: { queue: "webhook" } });
    expect((await action(signedDelivery("orders/cancelled", body, { webhookId: "wh-retry", eventId: "event-43" }))).status).toBe(200);
    expect(await processQueuedDeliveries()).toMatchObject({ succeeded: 1 });
    expect(await prisma.webhookDelivery.findMany({ where: { webhookId: "wh-retry" } })).toMatchObject([{ status: "processed", duplicates: 1 }]);
    // Processed: a third delivery is acknowledged and queues nothing.
    expect((await action(signedDelivery("orders/cancelled", body, { webhookId: "wh-retry", eventId: "event-43" }))).status).toBe(200);
    expect(await processQueuedDeliveries()).toMatchObject({ processed: 0 });
  });

  it("records a delivery whose topic does not match the route as refused, and does not act on it", async () => {
    const action = await routeAction("orders/create");
    const request = signedDelivery("orders/cancelled", "{}", { webhookId: "wh-wrong-route" });
    const response = await action(request);
    // 200: Shopify retries anything else for 4 hours, and a retry cannot come to match.
    expect(response.status).toBe(200);
    const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { shop_webhookId: { shop: SHOP, webhookId: "wh-wrong-route" } } });
    expect(row).toMatchObject({ topic: "orders/create", status: "refused", reason: "X-Shopify-Topic is orders/cancelled; this endpoint receives orders/create only" });
    expect(await processQueuedDeliveries()).toMatchObject({ processed: 0 });
  });
});
