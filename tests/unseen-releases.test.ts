/**
 * A marketplace order (`DECREMENT_IGNORING_POLICY`) that takes a fenced level's `available` below
 * 0 costs the channel numbers only: the release that would lift `available` back to 0 sells
 * nothing and is not sent (docs/decisions/041). Against the emulated shop: what Shopify holds,
 * what is published, what is audited, and what reconciliation finds.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { Policy } from "~/domain";
import { publishPolicy } from "~/services/policy.server";
import { reconcileShop } from "~/services/reconcile.server";
import { startHarness, type Harness } from "./support/harness";
import { cancelOrder, locationOf, variantOf } from "./support/scenarios";

const SHOP = "unseen-releases.myshopify.com";

// RING-6 in the sandbox seed: Warehouse 12, Soho 2, Brooklyn 0. A fence of 4 for the marketplace at
// the Warehouse, which lists only its fence; no other protection.
const POLICY: Policy = {
  version: 1,
  protection: [],
  channels: [
    { channel: "online_store", tier: 1, locations: ["Warehouse"] },
    { channel: "marketplace", tier: 2, locations: ["Warehouse"], ringFenceUnits: 4, fixedUnits: 0 },
  ],
};

function warehouse(harness: Harness) {
  const item = variantOf(harness, SHOP, "RING-6").inventoryItemId;
  const location = locationOf(harness, SHOP, "Warehouse").id;
  return harness.sandbox.shop(SHOP).snapshot().inventoryLevels.find((level) => level.inventoryItemId === item && level.locationId === location)!.quantities;
}

function published(harness: Harness): Record<string, { available: number }> {
  const variant = variantOf(harness, SHOP, "RING-6");
  const metafield = harness.sandbox.shop(SHOP).snapshot().metafields.find((m) => m.ownerId === variant.id && m.namespace === "safestock" && m.key === "channels");
  return (JSON.parse(metafield!.value) as { channels: Record<string, { available: number }> }).channels;
}

const moves = () => prisma.auditEntry.count({ where: { shop: SHOP, subject: "safety_stock" } });

describe("a marketplace sale below 0 at a fenced level", () => {
  it("publishes the smaller fence without a move, and the cancelled order's units come back without one either", async () => {
    const harness = startHarness({ shops: [SHOP] });
    await harness.install(SHOP);
    await harness.settle();
    expect(await publishPolicy(SHOP, POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    // 12 at the Warehouse: 4 fenced, 8 for the web.
    expect(warehouse(harness)).toMatchObject({ available: 8, safety_stock: 4 });
    expect(published(harness)).toMatchObject({ marketplace: { available: 4 }, online_store: { available: 8 } });
    const movesBefore = await moves();

    // The marketplace's connector orders 9 from its copy, ignoring the policy: available 8 − 9 = −1.
    const order = await harness.sandbox.placeOrder(
      { lineItems: [{ variantId: variantOf(harness, SHOP, "RING-6").id, quantity: 9 }], sourceName: "marketplace", options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } },
      SHOP,
    );
    const orderId = (order.body as { data: { orderCreate: { order: { id: string } } } }).data.orderCreate.order.id;
    await harness.settle();
    // 12 − 9 committed = 3 there: the fence is 3, the web gets 0. Releasing 1 of the 4 would only
    // lift available from −1 to 0; the Soho store's 2 keep the variant's Σ available above 0 either way.
    expect(warehouse(harness)).toMatchObject({ available: -1, safety_stock: 4, committed: 9 });
    expect(published(harness)).toMatchObject({ marketplace: { available: 3 }, online_store: { available: 0 } });
    expect(await moves()).toBe(movesBefore);
    const stored = await prisma.levelState.findUniqueOrThrow({
      where: { shop_inventoryItemId_locationId: { shop: SHOP, inventoryItemId: variantOf(harness, SHOP, "RING-6").inventoryItemId, locationId: locationOf(harness, SHOP, "Warehouse").id } },
    });
    expect(stored).toMatchObject({ protected: 3, available: 0 });

    // Reconciliation reads the same level and finds nothing to write.
    const report = await reconcileShop(SHOP, "manual");
    expect(report).toMatchObject({ drifted: 0, fixed: 0, failed: 0 });
    expect(await moves()).toBe(movesBefore);

    // The order is cancelled and restocked: 8 available, 4 in safety_stock, as before the sale. The old
    // plan moved 1 out and then 1 back in; now neither.
    await cancelOrder(harness, SHOP, orderId);
    await harness.settle();
    expect(warehouse(harness)).toMatchObject({ available: 8, safety_stock: 4 });
    expect(published(harness)).toMatchObject({ marketplace: { available: 4 }, online_store: { available: 8 } });
    expect(await moves()).toBe(movesBefore);
  });
});
