/**
 * The sandbox's default webhook delivery is Shopify's (sandbox/webhooks/delivery.ts; sandbox/shop/README.md
 * "Webhook delivery"): several deliveries in flight per shop, late, out of order, some twice with the
 * same X-Shopify-Event-Id (shopify.dev/docs/apps/build/webhooks/ignore-duplicates; "About webhooks":
 * no ordering guarantee). This test counts that from the emulator's delivery log during a burst of
 * stock changes on one variant, and checks the app still ends where a hand computation says.
 *
 * Hand computation (sandbox/shop/seed.ts: MUG-WHT, no tags, `available` [48, 12, 12] at Warehouse,
 * Soho store, Brooklyn store; tests/support/scenarios.ts TEST_MODEL_POLICY: global safety stock 1):
 * - 10 POS sales at each store (1 unit each, fulfilled there): on_hand 12 → 2, safety_stock 1, available 1;
 * - 50 receipts at the Warehouse of 1, 2, …, 50 units (1,275 in all): on_hand 48 → 1,323, safety_stock 1, available 1,322.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { publishPolicy } from "~/services/policy.server";
import type { DeliveryAttempt } from "../sandbox";
import { deliverToApp, startHarness } from "./support/harness";
import { driftFromModel } from "./model/shop-drift";
import { locationOf, posSale, receiveStock, TEST_MODEL_POLICY, TEST_POLICY, variantOf } from "./support/scenarios";

const SHOP = "deliveries-default.myshopify.com";
const SKU = "MUG-WHT";
const SALES_PER_STORE = 10;
const RECEIPTS = 50;

/** What the app received, in arrival order, and how many requests overlapped at most. */
function recordingApp() {
  const arrivals: { eventId: string; webhookId: string; topic: string; level: string | null }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const deliver = async (request: Request) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const body = (await request.clone().json()) as { inventory_item_id?: number; location_id?: number };
      const topic = request.headers.get("X-Shopify-Topic")!;
      arrivals.push({
        eventId: request.headers.get("X-Shopify-Event-Id")!,
        webhookId: request.headers.get("X-Shopify-Webhook-Id")!,
        topic,
        level: topic === "inventory_levels/update" ? `${body.inventory_item_id}@${body.location_id}` : null,
      });
      return await deliverToApp(request);
    } finally {
      inFlight--;
    }
  };
  return { arrivals, deliver, maxInFlight: () => maxInFlight };
}

/** Pairs of inventory_levels/update of one level where the older event (publish order) arrived later. */
function olderAfterNewer(arrivals: ReturnType<typeof recordingApp>["arrivals"], log: readonly DeliveryAttempt[]) {
  const seqOf = new Map(log.map((attempt) => [attempt.eventId, attempt.seq]));
  const firstArrivals = arrivals.filter((a, i) => a.level !== null && arrivals.findIndex((b) => b.eventId === a.eventId) === i);
  let pairs = 0;
  for (let i = 0; i < firstArrivals.length; i++) {
    for (let j = i + 1; j < firstArrivals.length; j++) {
      const [earlier, later] = [firstArrivals[i]!, firstArrivals[j]!];
      if (earlier.level === later.level && seqOf.get(later.eventId)! < seqOf.get(earlier.eventId)!) pairs++;
    }
  }
  return pairs;
}

describe("webhook deliveries as Shopify makes them (the sandbox default)", () => {
  it("arrive concurrently, late, out of order and twice, and the app still lands the hand-computed state", async () => {
    const app = recordingApp();
    const harness = startHarness({ shops: [SHOP], deliver: app.deliver });
    const { dispatcher } = harness.sandbox;
    expect(dispatcher.delivery().mode).toBe("shopify");
    await harness.install(SHOP);
    await harness.settle();
    expect(await publishPolicy(SHOP, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    dispatcher.clearLog();
    app.arrivals.length = 0;

    // The burst: no settling in between, so deliveries of one level overlap.
    for (let sale = 0; sale < SALES_PER_STORE; sale++) {
      await posSale(harness, SHOP, SKU, "Soho store");
      await posSale(harness, SHOP, SKU, "Brooklyn store");
    }
    for (let units = 1; units <= RECEIPTS; units++) await receiveStock(harness, SHOP, SKU, "Warehouse", units);
    // Lateness is measured on the clock below, so the delays are waited out, not released in due order.
    await harness.settle({ realTime: true });

    // What the emulator did, from its delivery log.
    const delivered = dispatcher.log.filter((attempt) => attempt.outcome === "delivered");
    const copiesByEvent = new Map<string, Set<string>>();
    for (const attempt of delivered) copiesByEvent.set(attempt.eventId, (copiesByEvent.get(attempt.eventId) ?? new Set()).add(attempt.webhookId));
    const duplicateCopies = [...copiesByEvent.values()].reduce((sum, ids) => sum + ids.size - 1, 0);
    const outOfOrder = olderAfterNewer(app.arrivals, dispatcher.log);
    const lags = await prisma.webhookDelivery.findMany({ where: { shop: SHOP, triggeredAt: { not: null } }, select: { triggeredAt: true, receivedAt: true } });
    const maxLagMs = Math.max(...lags.map((row) => row.receivedAt.getTime() - row.triggeredAt!.getTime()));
    console.info(
      `[deliveries] ${delivered.length} delivered, ${duplicateCopies} duplicate copies, ${outOfOrder} older-after-newer inventory_levels/update pairs, ` +
        `max ${app.maxInFlight()} in flight, max receive lag ${maxLagMs} ms (seed ${dispatcher.delivery().seed})`,
    );
    expect(duplicateCopies).toBeGreaterThan(0);
    expect(outOfOrder).toBeGreaterThan(0);
    expect(app.maxInFlight()).toBeGreaterThan(1);
    expect(maxLagMs).toBeGreaterThan(250);

    // The app recorded every extra copy as a duplicate of its event, and acted on each event once.
    const rows = await prisma.webhookDelivery.findMany({ where: { shop: SHOP, eventId: { in: [...copiesByEvent.keys()] } }, select: { eventId: true, status: true } });
    expect(rows.filter((row) => row.status === "duplicate")).toHaveLength(duplicateCopies);
    const actedOn = rows.filter((row) => row.status === "processed" || row.status === "received");
    expect(new Set(actedOn.map((row) => row.eventId)).size).toBe(actedOn.length);
    // Each POS sale counted once for velocity, however many times its orders/create came.
    const item = variantOf(harness, SHOP, SKU).inventoryItemId;
    const sales = await prisma.saleEvent.aggregate({ where: { shop: SHOP, inventoryItemId: item }, _sum: { quantity: true }, _count: true });
    expect(sales).toMatchObject({ _count: 2 * SALES_PER_STORE, _sum: { quantity: 2 * SALES_PER_STORE } });

    // Shopify's levels and the app's own view of them are the hand-computed ones: no older
    // inventory_levels/update left an older state behind.
    const expected: Record<string, { on_hand: number; safety_stock: number; available: number }> = {
      Warehouse: { on_hand: 48 + (RECEIPTS * (RECEIPTS + 1)) / 2, safety_stock: 1, available: 47 + (RECEIPTS * (RECEIPTS + 1)) / 2 },
      "Soho store": { on_hand: 12 - SALES_PER_STORE, safety_stock: 1, available: 11 - SALES_PER_STORE },
      "Brooklyn store": { on_hand: 12 - SALES_PER_STORE, safety_stock: 1, available: 11 - SALES_PER_STORE },
    };
    const snapshot = harness.sandbox.shop(SHOP).snapshot();
    for (const [name, want] of Object.entries(expected)) {
      const locationId = locationOf(harness, SHOP, name).id;
      const level = snapshot.inventoryLevels.find((entry) => entry.inventoryItemId === item && entry.locationId === locationId)!;
      expect(level.quantities, `Shopify's ${SKU} at ${name}`).toMatchObject(want);
      const state = await prisma.levelState.findUnique({ where: { shop_inventoryItemId_locationId: { shop: SHOP, inventoryItemId: item, locationId } } });
      expect(JSON.parse(state!.quantities), `the app's ${SKU} at ${name}`).toMatchObject(want);
    }
    // Every other level and channel number: the reference model (tests/model), never the engine.
    expect(driftFromModel(snapshot, TEST_MODEL_POLICY)).toEqual([]);
  });
});
