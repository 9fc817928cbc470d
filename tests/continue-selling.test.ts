/**
 * Items that keep selling when out of stock (`inventoryPolicy: CONTINUE`, preorders and
 * backorders). "Customers can buy this product variant after it's out of stock"
 * (https://shopify.dev/docs/api/admin-graphql/latest/enums/ProductVariantInventoryPolicy), so
 * Shopify lets their `available` go below zero. The default seed's grey scarf is one, with 0 on
 * hand everywhere. Through the real Function at the emulated checkout: sold before any policy
 * (install alone used to block it: its published number is 0) and after one; never counted as
 * oversold, while a DENY item sold past its stock the same way is (so the count is not vacuous).
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loadInventoryPage } from "~/services/inventory-view.server";
import { jobQueue } from "~/services/jobs.server";
import { loadExposureChart } from "~/services/near-miss.server";
import { processWebhook } from "~/services/webhook-processing.server";
import { productPayload } from "../sandbox/webhooks/payloads";
import { publishPolicy } from "~/services/policy.server";
import { placeOrderThroughCheckout } from "../sandbox/checkout/index";
import { callHolds } from "./support/holds";
import { startHarness, type Harness } from "./support/harness";
import { TEST_POLICY, variantOf } from "./support/scenarios";

const SHOP = "preorders.myshopify.com";
const PREORDER = "SCARF-GRY";

const levelsOf = (harness: Harness, sku: string) => {
  const item = variantOf(harness, SHOP, sku).inventoryItemId;
  return harness.sandbox.shop(SHOP).snapshot().inventoryLevels.filter((level) => level.inventoryItemId === item);
};
const published = (harness: Harness, sku: string) =>
  JSON.parse(harness.sandbox.shop(SHOP).snapshot().metafields.find((entry) => entry.ownerId === variantOf(harness, SHOP, sku).id)!.value) as {
    channels: Record<string, { available: number }>;
    continueSelling?: boolean;
  };

async function buyThroughCheckout(harness: Harness, sku: string, quantity: number) {
  const result = await placeOrderThroughCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId: variantOf(harness, SHOP, sku).id, quantity }] });
  await harness.settle();
  return result;
}

describe("items that keep selling when out of stock", () => {
  it("are sold through the checkout Function at 0 on hand with and without a policy, and never counted as oversold", async () => {
    const harness = startHarness({ shops: [SHOP] });
    await harness.install(SHOP);
    await harness.settle();

    // Reference: the seed has no unit of the scarf anywhere, and Shopify sells it anyway.
    expect(variantOf(harness, SHOP, PREORDER).inventoryPolicy).toBe("CONTINUE");
    expect(levelsOf(harness, PREORDER).every((level) => level.quantities.on_hand === 0)).toBe(true);
    expect(published(harness, PREORDER)).toMatchObject({ channels: { online_store: { available: 0 } }, continueSelling: true });

    // Installed, no policy yet.
    const before = await buyThroughCheckout(harness, PREORDER, 2);
    expect(before).toMatchObject({ placed: true, errors: [], userErrors: [] });
    // Shopify let available go below zero (the emulator too: CONTINUE skips the stock claim check).
    expect(Math.min(...levelsOf(harness, PREORDER).map((level) => level.quantities.available))).toBe(-2);

    // With a policy (safety stock everywhere, channel rules).
    expect(await publishPolicy(SHOP, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect(published(harness, PREORDER).continueSelling).toBe(true);
    const after = await buyThroughCheckout(harness, PREORDER, 1);
    expect(after).toMatchObject({ placed: true, errors: [], userErrors: [] });

    // A checkout hold has nothing to keep for it: passed, not held, not refused.
    const hold = await callHolds(harness, SHOP, "POST", { checkoutToken: "preorder-checkout", lines: [{ variantId: variantOf(harness, SHOP, PREORDER).id, quantity: 5 }] });
    expect(hold).toMatchObject({ status: 200, body: { holdKey: null, lines: [{ ok: true, held: false, units: 0 }] } });

    // Control: a DENY item sold past its stock by a connector (DECREMENT_IGNORING_POLICY) is an oversell.
    const mug = variantOf(harness, SHOP, "MUG-BLU");
    const onHand = levelsOf(harness, "MUG-BLU").reduce((sum, level) => sum + level.quantities.available + level.quantities.safety_stock, 0);
    await harness.sandbox.placeOrder({ lineItems: [{ variantId: mug.id, quantity: onHand + 1 }], sourceName: "marketplace", options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } }, SHOP);
    await harness.settle();

    const exposures = await prisma.orderExposure.findMany({ where: { shop: SHOP } });
    const scarf = exposures.filter((row) => row.sku === PREORDER);
    expect(scarf.map((row) => row.quantity).sort()).toEqual([1, 2]);
    expect(scarf.every((row) => row.oversoldUnits === 0 && !row.nearMiss)).toBe(true);
    expect(exposures.filter((row) => row.sku === "MUG-BLU").map((row) => row.oversoldUnits)).toEqual([1]);
    expect((await loadExposureChart(SHOP)).totals).toMatchObject({ oversells: 1, oversoldUnits: 1 });

    // The Inventory page says how the item is treated, on its channel numbers too.
    const page = await loadInventoryPage(SHOP, { search: PREORDER, cursor: null, direction: "next" });
    expect(page.items).toHaveLength(1);
    expect(page.items[0].continueSelling).toBe(true);
    expect(page.items[0].channels.find((channel) => channel.channel === "Online Store")!.explain).toContain(
      "keeps selling when out of stock: checkout never blocks it, and sales past this number are backorders, not oversells",
    );
  });

  it("are recomputed when the merchant toggles continue selling (products/update), and not otherwise", async () => {
    const shop = "preorder-toggle.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    await harness.install(shop);
    await harness.settle();
    const state = harness.sandbox.shop(shop).snapshot();
    const scarf = state.variants.find((variant) => variant.sku === PREORDER)!;
    const product = state.products.find((entry) => entry.id === scarf.productId)!;
    const variants = state.variants.filter((variant) => variant.productId === product.id);
    const recomputesQueued = async () => (await jobQueue().stats(shop)).byQueue.recompute?.pending ?? 0;
    const deliver = (payload: Record<string, unknown>) =>
      processWebhook({ shop, topic: "products/update", rawBody: JSON.stringify(payload), triggeredAt: null, receivedAt: new Date() });

    // Unchanged (e.g. a publication change): nothing to plan.
    await deliver(productPayload(product, variants));
    expect(await recomputesQueued()).toBe(0);
    // The scarf stops selling when out of stock.
    await deliver(productPayload(product, variants.map((variant) => (variant.id === scarf.id ? { ...variant, inventoryPolicy: "DENY" as const } : variant))));
    expect(await recomputesQueued()).toBeGreaterThan(0);
  });
});
