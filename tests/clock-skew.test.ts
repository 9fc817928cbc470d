/**
 * Issue 22: with the server's clock 6 minutes ahead, every webhook looked 6 minutes late and the
 * shop's lower tiers froze under a banner blaming Shopify. The emulated shops' clock is moved 6
 * minutes back (the same skew seen from the other side); the app measures it from the Admin API's
 * `Date` header, does not freeze, and names the skew as its own clock's.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { assessWebhookHealth } from "~/domain/webhook-health";
import { loader as syncLoader } from "~/routes/app.sync";
import { runScheduledWork } from "~/services/scheduler.server";
import { publishPolicy } from "~/services/policy.server";
import { shopifyClockSkewMs } from "~/services/clock-skew.server";
import { callLoader } from "./support/admin-routes";
import { reportFigure } from "./support/chaos-figures";
import { startHarness } from "./support/harness";
import { posSale, receiveStock, TEST_POLICY } from "./support/scenarios";
import { waitFor } from "./support/wait-for";

const SKEW_MS = 6 * 60_000;

describe("a server clock 6 minutes ahead of Shopify's", () => {
  it("is measured from Shopify's Date header, corrected for in webhook lag, and reported as the server's clock", async () => {
    const shop = "skewed-clock.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    const moved = await harness.sandbox.handle(
      new Request(`https://${shop}/sandbox/clock`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ now: new Date(Date.now() - SKEW_MS).toISOString() }) }),
    );
    expect(moved.status).toBe(200);
    await harness.install(shop);
    await harness.settle();
    expect(await publishPolicy(shop, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    for (const sku of ["RING-6", "RING-7", "RING-8"]) await posSale(harness, shop, sku, "Brooklyn store");
    await receiveStock(harness, shop, "RING-6", "Brooklyn store", 2);
    await harness.settle();

    // The deliveries look 6 minutes late by our clock: without the correction this froze the shop.
    const deliveries = await prisma.webhookDelivery.findMany({ where: { shop, triggeredAt: { not: null } } });
    expect(deliveries.length).toBeGreaterThan(0);
    const samples = deliveries.map((delivery) => ({ topic: delivery.topic, triggeredAt: delivery.triggeredAt!.getTime(), receivedAt: delivery.receivedAt.getTime() }));
    expect(assessWebhookHealth(samples, Date.now())).toMatchObject({ healthy: false, reason: expect.stringContaining("late") });

    // Measured: within the Date header's second and the round trip (stored for every process
    // after the response that measured it, so waited for).
    await waitFor(async () => Math.abs((await shopifyClockSkewMs()) - SKEW_MS) < 2_000, { what: "the measured skew stored", intervalMs: 20 });
    const summary = await runScheduledWork(new Date());
    const frozenSince = (await prisma.shopInstallation.findUnique({ where: { shop } }))?.frozenSince ?? null;
    reportFigure("clock-skew", `measured skew ${((await shopifyClockSkewMs()) / 1000).toFixed(1)} s; ${summary.frozen} shop(s) frozen, frozenSince ${frozenSince ? frozenSince.toISOString() : "null"}`);
    expect(summary.frozen).toBe(0);
    expect((await prisma.shopInstallation.findUnique({ where: { shop } }))?.frozenSince ?? null).toBeNull();

    const page = await callLoader(harness, syncLoader, "/app/sync", shop);
    expect(page.data.frozen).toBeNull();
    expect(page.data.clockSkew).toBe("this server's clock is 6 minutes ahead of Shopify's");
  }, 30_000);
});
