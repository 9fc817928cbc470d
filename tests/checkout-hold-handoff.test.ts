/**
 * The cart-hold → order hand-off, end to end: the checkout UI extension holds units under its
 * `checkoutToken`; the buyer completes the (emulated) checkout; Shopify's orders/create carries
 * that token as `checkout_token` (shopify.dev/docs/api/checkout-ui-extensions/latest/apis/checkout-token:
 * the extension's checkoutToken "matches … the `checkout_token` field in the REST Admin API Order
 * resource") and the app converts the hold instead of counting it on top of the order.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { eventToWebhook } from "../sandbox";
import { placeOrderThroughCheckout } from "../sandbox/checkout/index";
import type { Harness } from "./support/harness";
import { callHolds, publishedChannels, startHoldsHarness } from "./support/holds";
import { variantOf } from "./support/scenarios";

const SHOP = "handoff.myshopify.com";

const channels = (harness: Harness, sku: string) => publishedChannels(harness, SHOP, sku);

describe("cart hold → order hand-off through the emulated checkout", () => {
  it("orders/create carries the checkout's checkout_token and the app converts the hold (no double count)", async () => {
    // What the dispatcher signs and delivers for each event (the same mapping).
    const deliveries: Record<string, unknown>[] = [];
    const harness = await startHoldsHarness(SHOP, (h) =>
      h.sandbox.shop(SHOP).onEvent((event) => {
        const { topic, payload } = eventToWebhook(event, SHOP);
        if (topic === "orders/create") deliveries.push(payload);
      }),
    );

    const sku = "SHIRT-M";
    const variantId = variantOf(harness, SHOP, sku).id;
    const before = channels(harness, sku);
    expect(before.marketplace.available).toBeGreaterThan(2);

    const checkoutToken = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    expect((await callHolds(harness, SHOP, "POST", { checkoutToken, lines: [{ variantId, quantity: 2 }] })).status).toBe(200);
    await harness.settle();
    expect(channels(harness, sku).marketplace.available).toBe(before.marketplace.available - 2);

    const placed = await placeOrderThroughCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId, quantity: 2 }], checkoutToken, cartToken: "cart-token-1" });
    expect(placed.placed).toBe(true);
    await harness.settle();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ checkout_token: checkoutToken, cart_token: "cart-token-1", source_name: "web" });

    const holds = await prisma.cartHold.findMany({ where: { shop: SHOP, holder: checkoutToken } });
    expect(holds.map((h) => h.status)).toEqual(["converted"]);
    // Reference: the 2 units are now committed in Shopify (pool −2) and no longer held, so the
    // marketplace loses them once — not once for the order and again for a hold still running.
    expect(channels(harness, sku).marketplace.available).toBe(before.marketplace.available - 2);
  });
});
