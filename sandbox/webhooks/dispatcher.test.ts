import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it, vi } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SHOP_DOMAIN, type OrderRecord } from "../contract.js";
import { DEFAULT_DELIVERY_PROFILE, type DeliveryProfile } from "./delivery.js";
import { createWebhookDispatcher, ORDERED_DELIVERY, publishCompliance, publishEmulatorEvent, type WebhookDispatcher } from "./index.js";

const shopify = shopifyApi({
  apiKey: SANDBOX_API_KEY,
  apiSecretKey: SANDBOX_API_SECRET,
  hostName: "safestock.test",
  apiVersion: ApiVersion.October26,
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error },
});

interface Received {
  request: Request;
  body: string;
}

/** Validate a delivered Request with the library's own validator (node adapter shape). */
async function validate(r: Received) {
  const rawRequest = { method: r.request.method, url: new URL(r.request.url).pathname, headers: Object.fromEntries(r.request.headers) };
  return shopify.webhooks.validate({ rawBody: r.body, rawRequest: rawRequest as never });
}

/** A receiving app whose responses are scripted per call (default 200). */
function app(statuses: (number | "throw")[] = []) {
  const received: Received[] = [];
  let call = 0;
  const deliver = async (request: Request) => {
    const body = await request.text();
    received.push({ request, body });
    const s = statuses[call++] ?? 200;
    if (s === "throw") throw new TypeError("fetch failed");
    return new Response(null, { status: s });
  };
  return { received, deliver };
}

const order = (id: number): OrderRecord => ({
  id: `gid://shopify/Order/${id}`,
  legacyId: String(id),
  name: `#${id}`,
  sourceName: "web",
  email: "buyer@example.com",
  createdAt: "2026-11-23T12:00:00.000Z",
  updatedAt: "2026-11-23T12:00:00.000Z",
  cancelledAt: null,
  cancelReason: null,
  closed: false,
  fulfillmentStatus: "UNFULFILLED",
  financialStatus: "PAID",
  lineItems: [
    {
      id: "gid://shopify/LineItem/7",
      legacyId: "7",
      variantId: "gid://shopify/ProductVariant/3",
      productId: "gid://shopify/Product/2",
      inventoryItemId: "gid://shopify/InventoryItem/4",
      sku: "SKU-1",
      title: "Widget",
      quantity: 2,
      price: "10.00",
      fulfillableQuantity: 2,
      locationId: "gid://shopify/Location/5",
    },
  ],
  refunds: [],
});

/**
 * These tests assert exact order and counts, so they ask for ordered delivery explicitly; Shopify's
 * concurrent, late and duplicated default has its own tests (./delivery.test.ts).
 */
function dispatcherFor(deliver: (r: Request) => Promise<Response>, extra: Partial<Parameters<typeof createWebhookDispatcher>[0]> = {}) {
  const d = createWebhookDispatcher({ apiSecret: SANDBOX_API_SECRET, deliver, retryDelaysMs: [5, 5, 5], delivery: ORDERED_DELIVERY, ...extra });
  for (const topic of ["orders/create", "inventory_levels/update", "customers/redact", "shop/redact"]) {
    d.subscribe({ topic, uri: `https://safestock.test/webhooks/${topic}` });
  }
  return d;
}

function publishOrders(d: WebhookDispatcher, ids: number[]) {
  return ids.map((id) => publishEmulatorEvent(d, SANDBOX_SHOP_DOMAIN, { type: "order.created", at: `2026-11-23T12:00:0${id % 10}.000Z`, order: order(id) }));
}

describe("WebhookDispatcher deliveries", () => {
  it("sends Shopify's headers and a body the library's validator accepts", async () => {
    const { received, deliver } = app();
    const d = dispatcherFor(deliver);
    const [eventId] = publishOrders(d, [1001]);
    await d.drain();

    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.request.url).toBe("https://safestock.test/webhooks/orders/create");
    expect(r.request.headers.get("x-shopify-topic")).toBe("orders/create");
    expect(r.request.headers.get("x-shopify-shop-domain")).toBe(SANDBOX_SHOP_DOMAIN);
    expect(r.request.headers.get("x-shopify-api-version")).toBe("2026-10");
    expect(r.request.headers.get("x-shopify-event-id")).toBe(eventId);
    expect(r.request.headers.get("x-shopify-triggered-at")).toBe("2026-11-23T12:00:01.000Z");
    expect(r.request.headers.get("x-shopify-webhook-id")).toMatch(/^[0-9a-f-]{36}$/);

    const result = await validate(r);
    expect(result).toMatchObject({ valid: true, topic: "ORDERS_CREATE", domain: SANDBOX_SHOP_DOMAIN, apiVersion: "2026-10" });

    const body = JSON.parse(r.body);
    expect(body).toMatchObject({
      id: 1001,
      admin_graphql_api_id: "gid://shopify/Order/1001",
      financial_status: "paid",
      fulfillment_status: null,
      line_items: [{ id: 7, admin_graphql_api_id: "gid://shopify/LineItem/7", variant_id: 3, quantity: 2, fulfillable_quantity: 2 }],
    });
  });

  it("a tampered body or a wrong secret fails the library's validation", async () => {
    const { received, deliver } = app();
    const d = dispatcherFor(deliver);
    publishOrders(d, [1001]);
    await d.drain();
    const tampered = { ...received[0]!, body: received[0]!.body.replace('"quantity":2', '"quantity":3') };
    expect(tampered.body).not.toBe(received[0]!.body);
    expect(await validate(tampered)).toMatchObject({ valid: false, reason: "invalid_hmac" });

    const other = app();
    const wrong = createWebhookDispatcher({ apiSecret: "not-the-secret", deliver: other.deliver, delivery: ORDERED_DELIVERY });
    wrong.subscribe({ topic: "orders/create", uri: "https://safestock.test/webhooks/orders/create" });
    publishOrders(wrong, [1002]);
    await wrong.drain();
    expect(await validate(other.received[0]!)).toMatchObject({ valid: false });
  });

  it("inventory_levels/update carries Shopify's sample fields", async () => {
    const { received, deliver } = app();
    const d = dispatcherFor(deliver);
    publishEmulatorEvent(d, SANDBOX_SHOP_DOMAIN, {
      type: "inventory_level.updated",
      at: "2026-11-23T12:00:00.000Z",
      level: {
        id: "gid://shopify/InventoryLevel/5?inventory_item_id=4",
        inventoryItemId: "gid://shopify/InventoryItem/4",
        locationId: "gid://shopify/Location/5",
        isActive: true,
        quantities: { available: 6, committed: 2, reserved: 0, damaged: 0, safety_stock: 0, quality_control: 0, on_hand: 8, incoming: 0 },
        quantityUpdatedAt: { available: null, committed: null, reserved: null, damaged: null, safety_stock: null, quality_control: null, on_hand: null, incoming: null },
        createdAt: "2026-11-23T11:00:00.000Z",
        updatedAt: "2026-11-23T12:00:00.000Z",
      },
      item: { id: "gid://shopify/InventoryItem/4", legacyId: "4", variantId: "gid://shopify/ProductVariant/3", sku: "SKU-1", tracked: true, requiresShipping: true, createdAt: "x", updatedAt: "x" },
    });
    await d.drain();
    expect(JSON.parse(received[0]!.body)).toEqual({
      inventory_item_id: 4,
      location_id: 5,
      available: 6,
      updated_at: "2026-11-23T12:00:00.000Z",
      admin_graphql_api_id: "gid://shopify/InventoryLevel/5?inventory_item_id=4",
    });
  });

  it("compliance topics can be triggered on demand", async () => {
    const { received, deliver } = app();
    const d = dispatcherFor(deliver);
    publishCompliance(d, SANDBOX_SHOP_DOMAIN, { topic: "customers/redact", customer: { id: 9, email: "a@b.c" }, orderIds: [1001] });
    publishCompliance(d, SANDBOX_SHOP_DOMAIN, { topic: "shop/redact" });
    await d.drain();
    expect(received.map((r) => r.request.headers.get("x-shopify-topic"))).toEqual(["customers/redact", "shop/redact"]);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ shop_domain: SANDBOX_SHOP_DOMAIN, customer: { id: 9, email: "a@b.c" }, orders_to_redact: [1001] });
    expect(await validate(received[1]!)).toMatchObject({ valid: true, topic: "SHOP_REDACT" });
  });

  it("only delivers to subscribed topics and to the subscription's shop", async () => {
    const { received, deliver } = app();
    const d = createWebhookDispatcher({ apiSecret: SANDBOX_API_SECRET, deliver, delivery: ORDERED_DELIVERY });
    d.subscribe({ topic: "orders/create", uri: "https://a.test/hook", shop: "a.myshopify.com" });
    publishEmulatorEvent(d, "b.myshopify.com", { type: "order.created", at: "t", order: order(1) });
    publishEmulatorEvent(d, "a.myshopify.com", { type: "order.updated", at: "t", order: order(2) });
    publishEmulatorEvent(d, "a.myshopify.com", { type: "order.created", at: "t", order: order(3) });
    await d.drain();
    expect(received.map((r) => JSON.parse(r.body).id)).toEqual([3]);
  });
});

describe("WebhookDispatcher retries", () => {
  it("retries non-2xx and network errors with the same webhook id and body until 2xx", async () => {
    const { received, deliver } = app([500, "throw", 404, 200]);
    const d = dispatcherFor(deliver);
    publishOrders(d, [1001]);
    await d.drain();
    expect(received).toHaveLength(4);
    expect(new Set(received.map((r) => r.request.headers.get("x-shopify-webhook-id"))).size).toBe(1);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(d.log.map((a) => [a.attempt, a.outcome, a.status ?? a.error])).toEqual([
      [1, "failed", 500],
      [2, "failed", "fetch failed"],
      [3, "failed", 404],
      [4, "delivered", 200],
    ]);
  });

  it("gives up after the configured number of retries", async () => {
    const { received, deliver } = app([500, 500, 500, 500, 500, 500]);
    const d = dispatcherFor(deliver, { retryDelaysMs: [1, 1] });
    publishOrders(d, [1001]);
    await d.drain();
    expect(received).toHaveLength(3);
    expect(d.log.at(-1)).toMatchObject({ attempt: 3, outcome: "failed", gaveUp: true });
  });

  it("drain({fastForward}) skips Shopify's real 4-hour schedule", async () => {
    const { received, deliver } = app([503, 503]);
    const d = createWebhookDispatcher({ apiSecret: SANDBOX_API_SECRET, deliver, delivery: ORDERED_DELIVERY }); // default schedule
    d.subscribe({ topic: "orders/create", uri: "https://safestock.test/h" });
    publishOrders(d, [1001]);
    const started = Date.now();
    await d.drain({ fastForward: true });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(received).toHaveLength(3);
    expect(d.log.at(-1)).toMatchObject({ attempt: 3, outcome: "delivered" });
  });

  it("a hung endpoint counts as a failed attempt after timeoutMs", async () => {
    let calls = 0;
    const d = createWebhookDispatcher({
      apiSecret: SANDBOX_API_SECRET,
      retryDelaysMs: [1],
      timeoutMs: 20,
      deliver: () => (++calls === 1 ? new Promise<Response>(() => {}) : Promise.resolve(new Response("ok"))),
    });
    d.subscribe({ topic: "orders/create", uri: "https://safestock.test/h" });
    publishOrders(d, [1001]);
    await d.drain();
    expect(d.log.map((a) => a.outcome)).toEqual(["failed", "delivered"]);
    expect(d.log[0]!.error).toMatch(/timeout/);
  });
});

describe("WebhookDispatcher faults", () => {
  it("duplicate: N copies with new webhook ids and the same event id, each valid", async () => {
    const { received, deliver } = app();
    const d = dispatcherFor(deliver, { faults: { duplicate: 3 } });
    const [eventId] = publishOrders(d, [1001]);
    await d.drain();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.request.headers.get("x-shopify-webhook-id"))).size).toBe(3);
    expect(received.every((r) => r.request.headers.get("x-shopify-event-id") === eventId)).toBe(true);
    for (const r of received) expect((await validate(r)).valid).toBe(true);
  });

  it("reorder: shuffles a batch deterministically by seed", async () => {
    const run = async (seed: number) => {
      const { received, deliver } = app();
      const d = dispatcherFor(deliver, { faults: { reorder: true, seed } });
      publishOrders(d, [1, 2, 3, 4, 5, 6, 7, 8]);
      await d.drain();
      return received.map((r) => JSON.parse(r.body).id as number);
    };
    const a = await run(42);
    expect(a).toEqual(await run(42));
    expect(a).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...a].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await run(7)).not.toEqual(a);

    const plain = app();
    const d = dispatcherFor(plain.deliver);
    publishOrders(d, [1, 2, 3, 4, 5, 6, 7, 8]);
    await d.drain();
    expect(plain.received.map((r) => JSON.parse(r.body).id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("drop: loses a seeded fraction, the same ones every run, and logs them", async () => {
    const run = async () => {
      const { received, deliver } = app();
      const d = dispatcherFor(deliver, { faults: { drop: 0.5, seed: 3 } });
      publishOrders(d, Array.from({ length: 40 }, (_, i) => i + 1));
      await d.drain();
      return { ids: received.map((r) => JSON.parse(r.body).id as number), dropped: d.log.filter((a) => a.outcome === "dropped").length };
    };
    const first = await run();
    expect(first.ids.length).toBeGreaterThan(5);
    expect(first.ids.length).toBeLessThan(35);
    expect(first.dropped).toBe(40 - first.ids.length);
    expect(await run()).toEqual(first);
  });

  it("delay: holds each first attempt for delayMs", async () => {
    const { received, deliver } = app();
    // When the delivery reached the app, measured at the app: no sleeping to look in between.
    let arrivedAfterMs = -1;
    const d = dispatcherFor(
      async (request: Request) => {
        arrivedAfterMs = Date.now() - started;
        return deliver(request);
      },
      { faults: { delayMs: 60 } },
    );
    const started = Date.now();
    publishOrders(d, [1001]);
    expect(received).toHaveLength(0);
    await d.drain();
    expect(received).toHaveLength(1);
    // Timers may fire a millisecond early; 60 ms held is at least 55 by any clock.
    expect(arrivedAfterMs).toBeGreaterThanOrEqual(55);
  });

  it("faults can be limited to topics", async () => {
    const { received, deliver } = app();
    const d = dispatcherFor(deliver, { faults: { duplicate: 2, topics: ["shop/redact"] } });
    publishOrders(d, [1001]);
    publishCompliance(d, SANDBOX_SHOP_DOMAIN, { topic: "shop/redact" });
    await d.drain();
    expect(received.map((r) => r.request.headers.get("x-shopify-topic"))).toEqual(["orders/create", "shop/redact", "shop/redact"]);
  });
});

describe("drain({ inDueOrder }) under Shopify-like delivery", () => {
  it("delivers in the order the drawn delays give in real time (late ones after earlier ones), without waiting them out", async () => {
    const profile: DeliveryProfile = { ...DEFAULT_DELIVERY_PROFILE, mode: "shopify", seed: 7, duplicateRate: 0 };
    // As many as may be in flight at once per shop: none waits for a slot, so the order is the delays' alone.
    const ids = Array.from({ length: profile.maxInFlightPerShop }, (_, i) => 2000 + i);
    const arrivals = async (inDueOrder: boolean) => {
      // The order in which deliveries are sent (the app's handler is called), by event id.
      const sent: string[] = [];
      const { deliver } = app();
      const d = dispatcherFor((request) => (sent.push(request.headers.get("x-shopify-event-id")!), deliver(request)), { delivery: profile, logProfile: () => undefined });
      const eventIds = publishOrders(d, ids);
      if (inDueOrder) {
        // Timers stand still from here (the publish's own flush runs first): the drain can only
        // end by releasing the delays itself, never by waiting them out.
        vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
        vi.advanceTimersByTime(0);
      }
      try {
        await d.drain({ inDueOrder });
      } finally {
        vi.useRealTimers();
      }
      return sent.map((eventId) => ids[eventIds.indexOf(eventId)]);
    };
    const realTime = await arrivals(false);
    // The seed draws delays that reorder the burst: this is not publish order.
    expect(realTime).not.toEqual(ids);
    expect([...realTime].sort()).toEqual(ids);
    expect(await arrivals(true)).toEqual(realTime);
  });
});
