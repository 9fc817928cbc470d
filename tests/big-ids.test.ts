/**
 * Ids are strings end to end. Shopify's ids are 64-bit (its sample payloads carry 18-digit ones,
 * docs/decisions/012 "Webhooks"); a shop whose ids start beyond 2^53 at an odd number
 * (sandbox/shop/ids.ts `idBase`) turns any numeric parse — a JSON.parse of a webhook body, a
 * Number() of a GID tail — into another item's id. The whole pipeline runs on such a shop:
 * install, initial sync, a policy, orders, their webhooks, the writes they cause.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { publishPolicy } from "~/services/policy.server";
import { startHarness } from "./support/harness";

const SHOP = "big-ids.myshopify.com";
const ID_BASE = "9007199254740993"; // 2^53 + 1: the first integer a double cannot hold
const beyondDoubles = (gid: string) => {
  const tail = /\/(\d+)(\?.*)?$/.exec(gid)![1]!;
  return BigInt(tail) > 2n ** 53n && String(Number(tail)) !== tail;
};

describe("a shop whose ids lie beyond 2^53", () => {
  it("syncs, protects, takes orders and writes on exactly the items the policy names", async () => {
    const harness = startHarness({ shops: [SHOP], idBase: ID_BASE });
    const shop = harness.sandbox.shop(SHOP);
    const seeded = shop.snapshot();
    const itemOf = (sku: string) => seeded.inventoryItems.find((item) => item.sku === sku)!;
    const variantOf = (sku: string) => seeded.variants.find((variant) => variant.sku === sku)!;
    const warehouse = seeded.locations.find((location) => location.name === "Warehouse")!;
    // RING-6 is the first item and variant: odd ids no double holds; RING-7's are their neighbours.
    expect(beyondDoubles(itemOf("RING-6").id)).toBe(true);
    expect(beyondDoubles(variantOf("RING-6").id)).toBe(true);
    expect(beyondDoubles(warehouse.id)).toBe(true);
    expect(BigInt(itemOf("RING-7").legacyId) - BigInt(itemOf("RING-6").legacyId)).toBe(1n);

    await harness.install(SHOP);
    await harness.settle();
    expect((await prisma.shopInstallation.findUniqueOrThrow({ where: { shop: SHOP } })).initialSync).toBe("done");
    const synced = await prisma.catalogItem.findMany({ where: { shop: SHOP }, select: { inventoryItemId: true, variantId: true, sku: true } });
    expect(new Set(synced.map((row) => `${row.sku} ${row.inventoryItemId} ${row.variantId}`))).toEqual(
      new Set(seeded.variants.map((variant) => `${variant.sku} ${variant.inventoryItemId} ${variant.id}`)),
    );

    expect(await publishPolicy(SHOP, { version: 1, protection: [{ kind: "safety_stock", units: 3, sku: "RING-6" }] }, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const level = (sku: string, location = "Warehouse") => {
      const state = shop.snapshot();
      const locationId = state.locations.find((l) => l.name === location)!.id;
      return state.inventoryLevels.find((l) => l.inventoryItemId === itemOf(sku).id && l.locationId === locationId)!.quantities;
    };
    // Seeded RING-6 [12, 2, 0], RING-7 [8, 3, 1]: only RING-6 is protected, 3 units or all it has.
    expect(level("RING-6")).toMatchObject({ safety_stock: 3, available: 9, on_hand: 12 });
    expect(level("RING-6", "Soho store")).toMatchObject({ safety_stock: 2, available: 0 });
    for (const location of ["Warehouse", "Soho store", "Brooklyn store"]) expect(level("RING-7", location).safety_stock).toBe(0);

    // A marketplace connector's order (Admin API, DECREMENT_IGNORING_POLICY) takes 11 of RING-6:
    // sellable 12 − 11 = 1, so the webhook's recompute must lower RING-6's protection to 1.
    const placed = await harness.sandbox.placeOrder(
      { lineItems: [{ variantId: variantOf("RING-6").id, quantity: 11 }], sourceName: "marketplace", options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } },
      SHOP,
    );
    expect((placed.body as { data: { orderCreate: { userErrors: unknown[] } } }).data.orderCreate.userErrors).toEqual([]);
    // And a web order of RING-7, which must not move RING-6.
    await harness.sandbox.placeOrder({ lineItems: [{ variantId: variantOf("RING-7").id, quantity: 2 }], sourceName: "web" }, SHOP);
    await harness.settle();

    expect(level("RING-6")).toMatchObject({ safety_stock: 1, available: 0, committed: 11, on_hand: 12 });
    expect(level("RING-7")).toMatchObject({ safety_stock: 0, available: 6, committed: 2, on_hand: 8 });
    // The sales the app recorded from the orders/create payloads name the exact items.
    const sales = await prisma.saleEvent.findMany({ where: { shop: SHOP }, select: { inventoryItemId: true, quantity: true } });
    expect(sales.map((sale) => `${sale.inventoryItemId} × ${sale.quantity}`).sort()).toEqual([`${itemOf("RING-6").id} × 11`, `${itemOf("RING-7").id} × 2`].sort());
  });
});
