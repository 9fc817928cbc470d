/**
 * Two buyers race for the last units (docs/decisions/019): both ask the app's real holds API
 * (app/routes/api.holds.tsx) for them and both try to pay through the emulated shop's checkout,
 * which runs the real cart-validation Function (`POST /sandbox/checkout`). Whatever the order of
 * events, the buyer whose hold was confirmed always buys, the other is always refused, and no unit
 * is sold twice. Several rounds, each on freshly restocked last units.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { HOLD_ATTRIBUTE } from "~/services/holds.server";
import { HOLD_ATTRIBUTE as FUNCTION_HOLD_ATTRIBUTE } from "../extensions/safestock-cart-validation/src/index";
import type { Harness } from "./support/harness";
import { callHolds, publishedChannels, startHoldsHarness } from "./support/holds";
import { locationOf, variantOf } from "./support/scenarios";

const SHOP = "race.myshopify.com";
/** Blue mugs: stocked only at the Warehouse, the one location that fills online orders. */
const SKU = "MUG-BLU";
const LAST_UNITS = 2;

const ADJUST = `mutation Receive($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) { userErrors { field message code } }
}`;

interface CheckoutAnswer {
  placed: boolean;
  errors: { message: string; target: string }[];
  userErrors: { message: string }[];
}

/** The buyer presses "Pay now": the emulated shop's checkout endpoint, as a storefront would call it. */
async function payNow(harness: Harness, input: { quantity: number; holdKey?: string; checkoutToken: string }): Promise<CheckoutAnswer> {
  const response = await harness.sandbox.handle(
    new Request("http://127.0.0.1:3001/sandbox/checkout", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        shop: SHOP,
        placeOrder: true,
        checkoutToken: input.checkoutToken,
        lines: [{ variantId: variantOf(harness, SHOP, SKU).id, quantity: input.quantity }],
        attributes: input.holdKey ? [{ key: HOLD_ATTRIBUTE, value: input.holdKey }] : [],
      }),
    }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as CheckoutAnswer;
}

/** Stock arrives until Safestock publishes exactly LAST_UNITS for the Online Store. */
async function restockToLastUnits(harness: Harness, round: number) {
  const missing = LAST_UNITS - publishedChannels(harness, SHOP, SKU).online_store.available;
  if (missing > 0) {
    const body = await harness.gql(
      ADJUST,
      {
        key: `race-restock-${round}`,
        input: {
          name: "available",
          reason: "received",
          referenceDocumentUri: `https://erp.example/purchase-orders/RACE-${round}`,
          changes: [{ inventoryItemId: variantOf(harness, SHOP, SKU).inventoryItemId, locationId: locationOf(harness, SHOP, "Warehouse").id, delta: missing, changeFromQuantity: null }],
        },
      },
      SHOP,
    );
    expect(body.data.inventoryAdjustQuantities.userErrors).toEqual([]);
    await harness.settle();
  }
  expect(publishedChannels(harness, SHOP, SKU).online_store.available).toBe(LAST_UNITS);
}

const unitsSold = (harness: Harness) =>
  harness.sandbox
    .shop(SHOP)
    .snapshot()
    .orders.flatMap((order) => order.lineItems)
    .filter((line) => line.sku === SKU)
    .reduce((sum, line) => sum + line.quantity, 0);

/** How the two buyers' steps interleave in a round. */
type Interleaving = "both hold at once, other pays first" | "both hold at once, both pay at once" | "holder holds first, other pays first" | "other guesses a key, both pay at once";
const ROUNDS: Interleaving[] = [
  "both hold at once, other pays first",
  "both hold at once, both pay at once",
  "holder holds first, other pays first",
  "other guesses a key, both pay at once",
  "both hold at once, both pay at once",
];

describe("two buyers racing for the last units", () => {
  it("the buyer holding them always buys, the other is always refused, no unit sold twice", async () => {
    // The app converts orders by the attribute the Function reads.
    expect(HOLD_ATTRIBUTE).toBe(FUNCTION_HOLD_ATTRIBUTE);
    const harness = await startHoldsHarness(SHOP);
    const variantId = variantOf(harness, SHOP, SKU).id;
    const warehouse = locationOf(harness, SHOP, "Warehouse").id;
    const item = variantOf(harness, SHOP, SKU).inventoryItemId;
    let expectedSold = 0;

    for (const [round, interleaving] of ROUNDS.entries()) {
      await restockToLastUnits(harness, round);
      const tokens = [`race-${round}-a`, `race-${round}-b`];
      const ask = (checkoutToken: string) => callHolds(harness, SHOP, "POST", { checkoutToken, lines: [{ variantId, quantity: LAST_UNITS }] });
      const answers = interleaving.startsWith("holder holds first")
        ? [await ask(tokens[0]), await ask(tokens[1])]
        : await Promise.all(tokens.map(ask));

      // Exactly one hold is confirmed, with a key; the other is refused (409, nothing left).
      const held = answers.filter((answer) => answer.status === 200);
      expect(held, `${interleaving}: ${JSON.stringify(answers.map((a) => a.body))}`).toHaveLength(1);
      expect(held[0].body.lines[0]).toMatchObject({ ok: true, held: true, units: LAST_UNITS });
      const holdKey: string = held[0].body.holdKey;
      expect(holdKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(tokens).not.toContain(holdKey);
      const refused = answers.find((answer) => answer.status === 409)!;
      expect(refused.body.lines[0]).toMatchObject({ ok: false, available: 0 });
      const holderToken = tokens[answers.indexOf(held[0])];
      const otherToken = tokens[answers.indexOf(refused)];
      // The refused buyer's block records the refusal for the Function (docs/decisions/044;
      // tests/checkout-hold-refused.test.ts); a buyer without that record (express wallet, a
      // forged request) still meets the Function's numbers.
      const other = { checkoutToken: otherToken, quantity: 1, ...(interleaving.startsWith("other guesses") ? { holdKey: `${holdKey.slice(0, 21)}x` } : {}) };
      const holder = { checkoutToken: holderToken, quantity: LAST_UNITS, holdKey };

      let otherPaid: CheckoutAnswer;
      let holderPaid: CheckoutAnswer;
      if (interleaving.endsWith("other pays first")) {
        otherPaid = await payNow(harness, other);
        holderPaid = await payNow(harness, holder);
      } else {
        [otherPaid, holderPaid] = await Promise.all([payNow(harness, other), payNow(harness, holder)]);
      }
      expect(otherPaid, interleaving).toMatchObject({ placed: false, errors: [{ message: "This item is not available right now" }] });
      expect(holderPaid, interleaving).toMatchObject({ placed: true, errors: [], userErrors: [] });
      expectedSold += LAST_UNITS;

      await harness.settle();
      // Reference: exactly the holder's units were sold; Shopify never went below zero.
      expect(unitsSold(harness)).toBe(expectedSold);
      const level = harness.sandbox.shop(SHOP).snapshot().inventoryLevels.find((entry) => entry.inventoryItemId === item && entry.locationId === warehouse)!;
      expect(level.quantities.available).toBeGreaterThanOrEqual(0);
      // The order converted the hold (orders/create carried the key); nothing is held any more.
      const holds = await prisma.cartHold.findMany({ where: { shop: SHOP, holdKey } });
      expect(holds.map((hold) => hold.status)).toEqual(["converted"]);
      expect(JSON.parse(harness.sandbox.shop(SHOP).snapshot().metafields.find((entry) => entry.ownerId === variantId)!.value).holds).toBeUndefined();
    }
  });
});
