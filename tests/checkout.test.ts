import { describe, expect, it } from "vitest";
import { parseChannelMetafieldValue } from "~/domain/inventory-writes";
import { publishPolicy } from "~/services/policy.server";
import { placeOrderThroughCheckout, runCheckout } from "../sandbox/checkout/index";
import { startHarness } from "./support/harness";
import { TEST_POLICY } from "./support/scenarios";

const SHOP = "checkout.myshopify.com";

describe("checkout enforces the online store's share, end to end", () => {
  it("the cart-validation Function blocks a cart over the ATS Safestock published, and lets the rest through", async () => {
    const harness = startHarness({ shops: [SHOP] });
    await harness.install(SHOP);
    await harness.settle();
    const policy = { ...TEST_POLICY, channels: [{ channel: "online_store", tier: 1, networkMinimum: 3 }] };
    expect(await publishPolicy(SHOP, policy, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();

    // A variant whose whole online share fits one location (the emulator routes an order to a
    // single location, so a larger order could be refused by Shopify for another reason).
    const state = harness.sandbox.shop(SHOP).snapshot();
    const atsOf = (variantId: string) =>
      parseChannelMetafieldValue(state.metafields.find((entry) => entry.ownerId === variantId)?.value)?.online_store.available ?? 0;
    const variant = state.variants.find((candidate) => {
      const ats = atsOf(candidate.id);
      const best = Math.max(...state.inventoryLevels.filter((level) => level.inventoryItemId === candidate.inventoryItemId).map((level) => level.quantities.available));
      return ats > 0 && ats <= best;
    })!;
    expect(variant).toBeDefined();
    const ats = atsOf(variant.id);

    const over = await placeOrderThroughCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId: variant.id, quantity: ats + 1 }] });
    expect(over.placed).toBe(false);
    expect(over.errors.map((error) => error.message)).toEqual([`Only ${ats} left — please lower the quantity`]);

    const within = await placeOrderThroughCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId: variant.id, quantity: ats }] });
    expect(within.placed).toBe(true);
    await harness.settle();
    // The order is committed; Safestock republishes a smaller number and checkout follows it.
    const after = await runCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId: variant.id, quantity: 1 }] });
    expect(after.errors.map((error) => error.message)).toEqual(["This item is not available right now"]);
  });
});
