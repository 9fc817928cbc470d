/**
 * A refused hold blocks checkout through the cart-validation Function (docs/decisions/044), not
 * through the checkout block's buyer-journey intercept, which Shopify deprecated from checkout UI
 * extensions 2026-07 ("migrate to a cart and checkout validation Function",
 * https://shopify.dev/changelog/deprecating-the-usebuyerjourneyintercept-api-on-checkout-ui-extensions).
 *
 * Two buyers want the last blue mugs. The app holds them for the first and refuses the second; the
 * second buyer's block records the refusal on the cart (`_safestockHoldState`, built here by the
 * block's own hold-state.js from the app's real answer). The Function then reads a value from
 * before the first buyer's hold — the lag decision 019 leaves unconfirmed (whether Shopify hands a
 * Function a metafield the moment it is written) — so its numbers alone would let the second buyer
 * take a mug the first one holds. The refusal still stops them, and the holder buys.
 */
import { describe, expect, it } from "vitest";
import { holdStateChange, stateFromAnswer } from "../extensions/safestock-cart-hold/src/hold-state.js";
import { HOLD_ATTRIBUTE } from "~/services/holds.server";
import type { Harness } from "./support/harness";
import { callHolds, publishedChannels, startHoldsHarness } from "./support/holds";
import { variantOf } from "./support/scenarios";

const SHOP = "refused.myshopify.com";
/** Blue mugs: 2 at the Warehouse (the seed), the one location that fills online orders; the test policy publishes fewer. */
const SKU = "MUG-BLU";

const SET_VALUE = `mutation Lag($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { userErrors { field message } }
}`;

interface CheckoutAnswer {
  placed: boolean;
  errors: { message: string; target: string }[];
  userErrors: { message: string }[];
}

/** The buyer presses "Pay now" at the emulated shop's checkout, which runs the real Function. */
async function payNow(harness: Harness, input: { quantity: number; checkoutToken: string; attributes: { key: string; value: string }[] }): Promise<CheckoutAnswer> {
  const response = await harness.sandbox.handle(
    new Request("http://127.0.0.1:3001/sandbox/checkout", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ shop: SHOP, placeOrder: true, checkoutToken: input.checkoutToken, lines: [{ variantId: variantOf(harness, SHOP, SKU).id, quantity: input.quantity }], attributes: input.attributes }),
    }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as CheckoutAnswer;
}

const channelsValue = (harness: Harness) => harness.sandbox.shop(SHOP).snapshot().metafields.find((entry) => entry.ownerId === variantOf(harness, SHOP, SKU).id)!.value;

describe("a refused hold at checkout", () => {
  it("stops the refused buyer through the Function even when its numbers lag, and the holder buys", async () => {
    const harness = await startHoldsHarness(SHOP);
    const variantId = variantOf(harness, SHOP, SKU).id;
    const lastUnits = publishedChannels(harness, SHOP, SKU).online_store.available;
    expect(lastUnits).toBeGreaterThan(0);
    const beforeHolds = channelsValue(harness);

    const holder = await callHolds(harness, SHOP, "POST", { checkoutToken: "refused-holder", lines: [{ variantId, quantity: lastUnits }] });
    expect(holder.status).toBe(200);
    const other = await callHolds(harness, SHOP, "POST", { checkoutToken: "refused-other", lines: [{ variantId, quantity: 1 }] });
    expect(other.status).toBe(409);
    expect(other.body.lines[0]).toMatchObject({ variantId, ok: false, available: 0 });

    // What each block writes on its cart after the app's answer.
    const holderAttributes = [{ key: HOLD_ATTRIBUTE, value: holder.body.holdKey as string }];
    const refusal = holdStateChange(stateFromAnswer(other.status, other.body));
    expect(refusal.type).toBe("updateAttribute");
    const otherAttributes = [{ key: refusal.key, value: refusal.value! }];

    // The Function is handed the value from before the hold (019's unconfirmed lag).
    const lag = await harness.gql(SET_VALUE, { metafields: [{ ownerId: variantId, namespace: "safestock", key: "channels", type: "json", value: beforeHolds }] }, SHOP);
    expect(lag.data.metafieldsSet.userErrors).toEqual([]);

    const otherPaid = await payNow(harness, { checkoutToken: "refused-other", quantity: 1, attributes: otherAttributes });
    expect(otherPaid).toMatchObject({ placed: false, errors: [{ message: "This item is not available right now", target: "$.cart.lines[0].quantity" }] });
    const holderPaid = await payNow(harness, { checkoutToken: "refused-holder", quantity: lastUnits, attributes: holderAttributes });
    expect(holderPaid).toMatchObject({ placed: true, errors: [], userErrors: [] });

    // Reference: the holder's mugs are the only ones sold; Safestock published no more than that.
    const sold = harness.sandbox.shop(SHOP).snapshot().orders.flatMap((order) => order.lineItems).filter((line) => line.sku === SKU);
    expect(sold.map((line) => line.quantity)).toEqual([lastUnits]);
  });
});
