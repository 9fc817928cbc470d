/**
 * Cart holds for fixed bundles, against the emulated shop's realistic catalog (docs/decisions/034
 * "Holds"). The Summer Set is one SHIRT-M and two TOTE-NAT. With 100 totes kept at the Warehouse
 * (the only location fulfilling online orders), the Online Store's numbers are SHIRT-M 42 and
 * TOTE-NAT 120 − 100 = 20, so the set's is min(42, ⌊20/2⌋) = 10 (the same seeds as
 * tests/bundles.test.ts). Every expected number is worked out here by hand from those.
 */
import { describe, expect, it } from "vitest";
import { unitsForHolder } from "~/domain/inventory-writes";
import { publishPolicy } from "~/services/policy.server";
import { runScheduledWork } from "~/services/scheduler.server";
import { runCheckout } from "../sandbox/checkout/index";
import { startHarness } from "./support/harness";
import type { Harness } from "./support/harness";
import { callHolds } from "./support/holds";
import { variantOf } from "./support/scenarios";

const SHOP = "bundle-holds.myshopify.com";
const POLICY = { version: 1, protection: [{ kind: "safety_stock", units: 100, sku: "TOTE-NAT", location: "Warehouse" }] };

const valueOf = (harness: Harness, sku: string) => {
  const variant = variantOf(harness, SHOP, sku);
  return harness.sandbox.shop(SHOP).snapshot().metafields.find((m) => m.ownerId === variant.id && m.namespace === "safestock" && m.key === "channels")?.value;
};
/** What any other shopper's checkout may take of the item, by the published value (the Function's arithmetic). */
const forOthers = (harness: Harness, sku: string) => unitsForHolder(valueOf(harness, sku), "another-shopper")?.available;
const heldOf = (harness: Harness, sku: string) => (JSON.parse(valueOf(harness, sku)!) as { holds?: { held: number } }).holds?.held ?? 0;

describe("cart holds for fixed bundles", () => {
  it("a held bundle holds its components, a cart of loose components cannot take them, and a release gives them back", async () => {
    const harness = startHarness({ shops: [SHOP], seed: "realistic" });
    await harness.install(SHOP);
    await harness.settle();
    expect(await publishPolicy(SHOP, POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const set = variantOf(harness, SHOP, "SET-SUMMER").id;
    const tote = variantOf(harness, SHOP, "TOTE-NAT").id;
    expect([forOthers(harness, "SHIRT-M"), forOthers(harness, "TOTE-NAT")]).toEqual([42, 20]);

    // Cart A holds 3 sets: 3 shirts and 6 totes are held, for A only.
    const held = await callHolds(harness, SHOP, "POST", { checkoutToken: "checkout-a", lines: [{ variantId: set, quantity: 3 }] });
    expect(held.status).toBe(200);
    expect(held.body.lines).toEqual([{ variantId: set, ok: true, held: true, units: 3, expiresAt: expect.any(String) }]);
    await harness.settle();
    expect([heldOf(harness, "SHIRT-M"), heldOf(harness, "TOTE-NAT")]).toEqual([3, 6]);
    // Every other shopper: shirts 42 − 3 = 39, totes 20 − 6 = 14.
    expect([forOthers(harness, "SHIRT-M"), forOthers(harness, "TOTE-NAT")]).toEqual([39, 14]);
    // Cart A itself may still take its 6 totes.
    expect(unitsForHolder(valueOf(harness, "TOTE-NAT"), held.body.holdKey)?.available).toBe(20);
    // Cart A's checkout passes the checkout Function with its hold key.
    const holdKeyOfA = [{ key: "_safestockHold", value: held.body.holdKey as string }];
    expect((await runCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId: set, quantity: 3 }], attributes: holdKeyOfA })).errors).toEqual([]);

    // Cart B wants 15 loose totes: only 14 are left.
    const loose = await callHolds(harness, SHOP, "POST", { checkoutToken: "checkout-b", lines: [{ variantId: tote, quantity: 15 }] });
    expect(loose.status).toBe(409);
    expect(loose.body.lines).toEqual([{ variantId: tote, ok: false, available: 14, reason: "Only 14 left: 6 are in other shoppers' checkouts." }]);
    // And the checkout Function refuses B's 15 totes too.
    const checkoutB = await runCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId: tote, quantity: 15 }] });
    expect(checkoutB.errors).toContainEqual(expect.objectContaining({ message: "Only 14 left — please lower the quantity" }));

    // Cart C mixes 2 sets (4 totes) and 11 loose totes: 15 > 14. Each line is told what the other leaves it:
    // sets ⌊(14 − 11) / 2⌋ = 1, loose totes 14 − 4 = 10.
    const mixed = await callHolds(harness, SHOP, "POST", { checkoutToken: "checkout-c", lines: [{ variantId: set, quantity: 2 }, { variantId: tote, quantity: 11 }] });
    expect(mixed.status).toBe(409);
    expect(mixed.body.lines).toEqual([
      { variantId: set, ok: false, available: 1, reason: "Only 1 left." },
      { variantId: tote, ok: false, available: 10, reason: "Only 10 left." },
    ]);
    // The refused sets hold no shirts either: only A's 3 shirts and 6 totes are held.
    await harness.settle();
    expect([heldOf(harness, "SHIRT-M"), heldOf(harness, "TOTE-NAT")]).toEqual([3, 6]);
    // 2 sets and 10 loose totes fit (14 totes): held.
    const fits = await callHolds(harness, SHOP, "POST", { checkoutToken: "checkout-c", lines: [{ variantId: set, quantity: 2 }, { variantId: tote, quantity: 10 }] });
    expect(fits.status).toBe(200);
    await harness.settle();
    // Totes held: 6 by A, 4 + 10 by C; shirts: 3 by A, 2 by C.
    expect([heldOf(harness, "SHIRT-M"), heldOf(harness, "TOTE-NAT")]).toEqual([5, 20]);

    // A leaves: both of its component holds end together, and the units are back for everyone else.
    const released = await callHolds(harness, SHOP, "DELETE", { checkoutToken: "checkout-a", holdKey: held.body.holdKey });
    expect(released.body).toEqual({ released: 2 });
    await harness.settle();
    expect([heldOf(harness, "SHIRT-M"), heldOf(harness, "TOTE-NAT")]).toEqual([2, 14]);
    expect([forOthers(harness, "SHIRT-M"), forOthers(harness, "TOTE-NAT")]).toEqual([40, 6]);
    await callHolds(harness, SHOP, "DELETE", { checkoutToken: "checkout-c", holdKey: fits.body.holdKey });
    await harness.settle();
    expect([forOthers(harness, "SHIRT-M"), forOthers(harness, "TOTE-NAT")]).toEqual([42, 20]);
    expect([heldOf(harness, "SHIRT-M"), heldOf(harness, "TOTE-NAT")]).toEqual([0, 0]);

    // Cart D wants 8 sets: 16 of the 20 totes, 8 of the 42 shirts, more than half of the totes left
    // (8 ≤ the set's 10). The set's published value lists its totes less every checkout's held ones,
    // 20 − 16 = 4, and gives D its own 16 back under D's key: D may take 4 + 16 = 20 ≥ 16, so D is held.
    const big = await callHolds(harness, SHOP, "POST", { checkoutToken: "checkout-d", lines: [{ variantId: set, quantity: 8 }] });
    expect(big.body.lines).toEqual([{ variantId: set, ok: true, held: true, units: 8, expiresAt: expect.any(String) }]);
    await harness.settle();
    expect([heldOf(harness, "SHIRT-M"), heldOf(harness, "TOTE-NAT")]).toEqual([8, 16]);
    const setValue = JSON.parse(valueOf(harness, "SET-SUMMER")!) as { components: { available: number; keys?: Record<string, number> }[] };
    // Shirts 42 − 8 = 34 for anyone, D 34 + 8 = 42; totes 20 − 16 = 4, D 4 + 16 = 20.
    expect(setValue.components).toEqual([
      { id: variantOf(harness, SHOP, "SHIRT-M").id, quantity: 1, available: 34, keys: { [big.body.holdKey]: 8 } },
      { id: tote, quantity: 2, available: 4, keys: { [big.body.holdKey]: 16 } },
    ]);
    // D's own checkout passes the Function with its key; a cart without it gets ⌊4 / 2⌋ = 2 sets.
    const holdKeyOfD = [{ key: "_safestockHold", value: big.body.holdKey as string }];
    expect((await runCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId: set, quantity: 8 }], attributes: holdKeyOfD })).errors).toEqual([]);
    expect((await runCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId: set, quantity: 3 }] })).errors).toContainEqual(
      expect.objectContaining({ message: "Only 2 left — please lower the quantity" }),
    );
    // And the hold API tells another cart the same: 3 sets need 6 totes, 4 are left.
    const another = await callHolds(harness, SHOP, "POST", { checkoutToken: "checkout-f", lines: [{ variantId: set, quantity: 3 }] });
    expect(another.body.lines).toEqual([{ variantId: set, ok: false, available: 2, reason: "Only 2 left." }]);
    expect((await callHolds(harness, SHOP, "DELETE", { checkoutToken: "checkout-d", holdKey: big.body.holdKey })).body).toEqual({ released: 2 });
    await harness.settle();
    expect([heldOf(harness, "SHIRT-M"), heldOf(harness, "TOTE-NAT")]).toEqual([0, 0]);

    // Cart E holds 1 set and never comes back: both component holds expire together (15 minutes, the default).
    expect((await callHolds(harness, SHOP, "POST", { checkoutToken: "checkout-e", lines: [{ variantId: set, quantity: 1 }] })).body.lines[0]).toMatchObject({ held: true, units: 1 });
    await harness.settle();
    expect([heldOf(harness, "SHIRT-M"), heldOf(harness, "TOTE-NAT")]).toEqual([1, 2]);
    expect((await runScheduledWork(new Date(Date.now() + 16 * 60_000))).expiredHolds).toBe(2);
    await harness.settle();
    expect([forOthers(harness, "SHIRT-M"), forOthers(harness, "TOTE-NAT")]).toEqual([42, 20]);

    // A hold on loose shirts stays published when a tote's change republishes the set and its shirts.
    const shirt = variantOf(harness, SHOP, "SHIRT-M").id;
    expect((await callHolds(harness, SHOP, "POST", { checkoutToken: "checkout-s", lines: [{ variantId: shirt, quantity: 2 }] })).status).toBe(200);
    expect((await callHolds(harness, SHOP, "POST", { checkoutToken: "checkout-t", lines: [{ variantId: tote, quantity: 1 }] })).status).toBe(200);
    await harness.settle();
    expect([heldOf(harness, "SHIRT-M"), heldOf(harness, "TOTE-NAT")]).toEqual([2, 1]);
    expect([forOthers(harness, "SHIRT-M"), forOthers(harness, "TOTE-NAT")]).toEqual([40, 19]);
  });
});
