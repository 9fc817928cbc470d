import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { parseChannelMetafieldValue } from "~/domain/inventory-writes";
import { publishPolicy } from "~/services/policy.server";
import { runScheduledWork } from "~/services/scheduler.server";
import { startHarness } from "./support/harness";
import { placeOrder, TEST_POLICY, variantOf } from "./support/scenarios";

const SHOP = "health.myshopify.com";

function channelsOf(harness: ReturnType<typeof startHarness>, sku: string) {
  const variant = variantOf(harness, SHOP, sku);
  const metafield = harness.sandbox.shop(SHOP).snapshot().metafields.find((entry) => entry.ownerId === variant.id);
  return parseChannelMetafieldValue(metafield?.value)!;
}

describe("webhook health", () => {
  it("freezes low-stock SKUs on lower tiers while inventory updates stop, and unfreezes on recovery", async () => {
    const harness = startHarness({ shops: [SHOP] });
    await harness.install(SHOP);
    await harness.settle();
    const policy = { ...TEST_POLICY, channels: [{ channel: "online_store", tier: 1 }, { channel: "marketplace", tier: 2 }] };
    expect(await publishPolicy(SHOP, policy, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    // A low-stock SKU (pool under 10) that the marketplace may sell while all is well.
    const lowStock = harness.sandbox
      .shop(SHOP)
      .snapshot()
      .variants.map((variant) => variant.sku)
      .find((sku) => {
        const channels = channelsOf(harness, sku);
        return channels.marketplace.available > 0 && channels.marketplace.available < 10;
      });
    expect(lowStock).toBeDefined();
    const sku = lowStock!;
    const before = channelsOf(harness, sku);

    // Shopify keeps sending orders but inventory updates stop arriving.
    harness.sandbox.dispatcher.setFaults({ drop: 1, topics: ["inventory_levels/update"] });
    for (const other of ["MUG-WHT", "TOTE-NAT", "SHIRT-M", "SHIRT-L"].filter((entry) => entry !== sku).slice(0, 3)) await placeOrder(harness, SHOP, other, 1, "web");
    await harness.settle();

    const frozen = await runScheduledWork(new Date());
    expect(frozen.frozen).toBe(1);
    await harness.settle();
    const installation = await prisma.shopInstallation.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(installation.frozenReason).toBe("inventory updates stopped while 3 orders arrived");
    const during = channelsOf(harness, sku);
    expect(during.marketplace).toEqual({ available: 0, paused: true });
    // The top tier keeps selling.
    expect(during.online_store.available).toBe(before.online_store.available);

    // Inventory updates flow again: the next check sees a healthy feed and unfreezes.
    harness.sandbox.dispatcher.setFaults({});
    await placeOrder(harness, SHOP, sku === "MUG-BLU" ? "MUG-WHT" : "MUG-BLU", 1, "web");
    await harness.settle();
    const recovered = await runScheduledWork(new Date());
    expect(recovered.unfrozen).toBe(1);
    await harness.settle();
    expect(channelsOf(harness, sku).marketplace.available).toBe(before.marketplace.available);
    const alerts = await prisma.auditEntry.findMany({ where: { shop: SHOP, subject: "policy", actor: "reconciliation" }, orderBy: { createdAt: "asc" } });
    expect(alerts.map((entry) => entry.reason)).toEqual([
      "Low-stock SKUs frozen on lower-tier channels: inventory updates stopped while 3 orders arrived",
      "Shopify's updates recovered: lower tiers unfrozen",
    ]);
  });
});
