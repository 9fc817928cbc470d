/**
 * The default delivery profile behaves as Shopify's webhooks do (sandbox/shop/README.md "Webhook
 * delivery"): concurrent, late, out of order, sometimes twice with the same X-Shopify-Event-Id
 * (shopify.dev/docs/apps/build/webhooks/ignore-duplicates), and a drain waits for all of it.
 * Seeds are fixed and printed in the test names.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_API_SECRET, SANDBOX_SHOP_DOMAIN } from "../contract.js";
import { createPrng } from "../prng.js";
import {
  createWebhookDispatcher,
  DEFAULT_DELIVERY_PROFILE,
  deliveryProfileFromEnv,
  drawDeliveryDelayMs,
  type DeliveryProfile,
} from "./index.js";

const profile = (over: Partial<DeliveryProfile> = {}): DeliveryProfile => ({ ...DEFAULT_DELIVERY_PROFILE, seed: 7, ...over });

/** A receiving app that records arrivals, how many requests overlapped, and answers 200 after `workMs`. */
function slowApp(workMs: number) {
  const arrivals: { eventId: string; webhookId: string; n: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const deliver = async (request: Request) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const body = JSON.parse(await request.text()) as { n: number };
    arrivals.push({ eventId: request.headers.get("X-Shopify-Event-Id")!, webhookId: request.headers.get("X-Shopify-Webhook-Id")!, n: body.n });
    await new Promise((r) => setTimeout(r, workMs));
    inFlight--;
    return new Response(null, { status: 200 });
  };
  return { arrivals, deliver, maxInFlight: () => maxInFlight };
}

function publishN(p: DeliveryProfile, deliver: (r: Request) => Promise<Response>, n: number) {
  const d = createWebhookDispatcher({ apiSecret: SANDBOX_API_SECRET, deliver, delivery: p, logProfile: () => {} });
  d.subscribe({ topic: "inventory_levels/update", uri: "https://safestock.test/webhooks/inventory_levels/update" });
  for (let i = 0; i < n; i++) d.publish({ shop: SANDBOX_SHOP_DOMAIN, topic: "inventory_levels/update", payload: { n: i }, triggeredAt: new Date(Date.UTC(2026, 11, 6, 0, 0, i)).toISOString() });
  return d;
}

describe("delivery profile (default: as Shopify delivers)", () => {
  it("is the default unless SANDBOX_DELIVERY=ordered asks otherwise; seeds and bounds come from the environment", () => {
    expect(deliveryProfileFromEnv({}).mode).toBe("shopify");
    expect(deliveryProfileFromEnv({ SANDBOX_DELIVERY: "ordered" }).mode).toBe("ordered");
    expect(deliveryProfileFromEnv({ SANDBOX_DELIVERY_SEED: "42", SANDBOX_DELIVERY_MAX_DELAY_MS: "300" })).toMatchObject({ seed: 42, maxDelayMs: 300 });
    expect(() => deliveryProfileFromEnv({ SANDBOX_DELIVERY: "kind" })).toThrow(/SANDBOX_DELIVERY/);
  });

  it("draws delays mostly under a second with a bounded tail of seconds (seed 11)", () => {
    const p = profile({ maxDelayMs: 5_000 });
    const rand = createPrng(11);
    const delays = Array.from({ length: 5_000 }, () => drawDeliveryDelayMs(p, rand));
    expect(Math.max(...delays)).toBeLessThanOrEqual(5_000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    const underASecond = delays.filter((ms) => ms < 1_000).length / delays.length;
    expect(underASecond).toBeGreaterThan(0.9);
    expect(delays.filter((ms) => ms >= 1_000).length).toBeGreaterThan(0);
  });

  it("several in flight per shop, newer events before older ones, duplicates with one event id; drain waits for all (seed 7)", async () => {
    const app = slowApp(5);
    const d = publishN(profile({ maxDelayMs: 300, duplicateRate: 0.1 }), app.deliver, 200);
    await d.drain();
    // Every event arrived at least once; some twice, each copy with its own webhook id.
    const byEvent = new Map<string, { webhookIds: Set<string>; n: number }>();
    for (const a of app.arrivals) {
      const e = byEvent.get(a.eventId) ?? { webhookIds: new Set<string>(), n: a.n };
      e.webhookIds.add(a.webhookId);
      byEvent.set(a.eventId, e);
    }
    expect(new Set(app.arrivals.map((a) => a.n)).size).toBe(200);
    const duplicated = [...byEvent.values()].filter((e) => e.webhookIds.size > 1);
    expect(duplicated.length).toBeGreaterThan(5);
    expect(app.arrivals).toHaveLength(200 + duplicated.length);
    // Out of order: an older event (smaller n) arrived after a newer one.
    const inversions = app.arrivals.filter((a, i) => i > 0 && a.n < app.arrivals[i - 1]!.n).length;
    expect(inversions).toBeGreaterThan(10);
    expect(app.maxInFlight()).toBeGreaterThan(1);
    expect(app.maxInFlight()).toBeLessThanOrEqual(DEFAULT_DELIVERY_PROFILE.maxInFlightPerShop);
    // The log says the same, with each event's publish order.
    expect(d.log.filter((a) => a.outcome === "delivered")).toHaveLength(app.arrivals.length);
    expect(d.log.every((a) => a.seq >= 0 && a.seq < 200)).toBe(true);
  });

  it("the same seed replays the same delays and duplicates (seed 3)", async () => {
    const run = async () => {
      const app = slowApp(0);
      const d = publishN(profile({ seed: 3, maxDelayMs: 100, duplicateRate: 0.2 }), app.deliver, 40);
      await d.drain();
      return d.log.map((a) => `${a.seq}/${a.copy}`).sort();
    };
    expect(await run()).toEqual(await run());
  });
});
