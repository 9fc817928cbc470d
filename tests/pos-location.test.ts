/**
 * POS orders carry the store they were sold at (issue 17 §5): the REST Order's `location_id` is
 * "the ID of the physical location where the order was processed. This property refers to the POS
 * location. location_id will always be set to null for online orders." (shopify.dev REST Order
 * resource; docs/SHOPIFY-FACTS "Webhooks"). The app attributes a POS line to that store
 * (app/services/near-miss.server.ts: the order's location when Shopify names one), and an online
 * line to every location that fulfils online orders.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { orderPayload } from "../sandbox/webhooks/payloads";
import { startHarness } from "./support/harness";
import { locationOf, placeOrder, posSale } from "./support/scenarios";

describe("POS orders carry location_id", () => {
  it("orders/create names the store of a POS sale and null for an online order; the exposure rows keep them", async () => {
    const shop = "pos-location.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    await harness.install(shop);
    await harness.settle();
    const soho = locationOf(harness, shop, "Soho store");
    expect((await posSale(harness, shop, "RING-7", "Soho store")).status).toBe(200);
    const onlineId = await placeOrder(harness, shop, "RING-6", 1, "web");
    expect(onlineId).toBeTruthy();
    await harness.settle();

    // The emulator's orders/create bodies (sandbox/webhooks/payloads.ts), by source.
    const orders = harness.sandbox.shop(shop).snapshot().orders;
    const bodies = orders.map((order) => orderPayload(order));
    expect(bodies.map((body) => [body.source_name, body.location_id])).toEqual([
      ["pos", Number(soho.id.split("/").pop())],
      ["web", null],
    ]);

    const rows = await prisma.orderExposure.findMany({ where: { shop }, orderBy: { sku: "asc" } });
    expect(rows.map((row) => [row.sku, row.channel, row.locationId])).toEqual([
      ["RING-6", "online_store", null],
      ["RING-7", "point_of_sale", soho.id],
    ]);
  }, 60_000);
});
