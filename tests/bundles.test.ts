/**
 * Fixed bundles and items Safestock leaves alone, against the emulated shop's realistic catalog
 * (docs/decisions/034). The Summer Set is one SHIRT-M (Linen Shirt M) and two TOTE-NAT per set;
 * its own item has no stock. Seeded available, [Warehouse, Soho, Brooklyn]: SHIRT-M [42, 6, 3],
 * TOTE-NAT [120, 10, 8]. Only the Warehouse fulfils online orders, so the Online Store's pool of an
 * item is its Warehouse available (docs/policy.md §4). Every expected number below is worked out
 * here by hand from those seeds and the policy; none is read from Safestock.
 */
import { describe, expect, it } from "vitest";
import { loadInventoryPage } from "~/services/inventory-view.server";
import { publishPolicy } from "~/services/policy.server";
import type { SandboxShopEmulator } from "../sandbox/shop";
import { placeOrderThroughCheckout } from "../sandbox/checkout/index";
import { startHarness, type Harness } from "./support/harness";
import { variantOf } from "./support/scenarios";
import { waitFor } from "./support/wait-for";

let SHOP = "bundles.myshopify.com";

/** Keep 100 totes at the Warehouse: the set is then limited by totes, not shirts. */
const POLICY = { version: 1, protection: [{ kind: "safety_stock", units: 100, sku: "TOTE-NAT", location: "Warehouse" }] };

interface Published {
  channels: Record<string, { available: number; paused: boolean }>;
  components?: { id: string; quantity: number; available: number }[];
}

const published = (harness: Harness, sku: string): Published | null => {
  const variant = variantOf(harness, SHOP, sku);
  const entry = harness.sandbox.shop(SHOP).snapshot().metafields.find((m) => m.ownerId === variant.id && m.namespace === "safestock" && m.key === "channels");
  return entry ? (JSON.parse(entry.value) as Published) : null;
};
const online = (harness: Harness, sku: string) => published(harness, sku)?.channels.online_store?.available;

async function installed(shop: string): Promise<Harness> {
  SHOP = shop;
  const harness = startHarness({ shops: [SHOP], seed: "realistic" });
  await harness.install(SHOP);
  await harness.settle();
  return harness;
}

describe("fixed bundles", () => {
  it("an order for a bundle commits its components, and the numbers of the bundle and its components follow", async () => {
    const harness = await installed("bundle-orders.myshopify.com");
    const shirt = variantOf(harness, SHOP, "SHIRT-M");
    const tote = variantOf(harness, SHOP, "TOTE-NAT");
    const set = variantOf(harness, SHOP, "SET-SUMMER");

    // No policy: Online Store = Warehouse available. Shirt 42, tote 120; set = min(42/1, ⌊120/2⌋ = 60) = 42.
    expect([online(harness, "SHIRT-M"), online(harness, "TOTE-NAT"), online(harness, "SET-SUMMER")]).toEqual([42, 120, 42]);
    expect(published(harness, "SET-SUMMER")!.components).toEqual([
      { id: shirt.id, quantity: 1, available: 42 },
      { id: tote.id, quantity: 2, available: 120 },
    ]);

    // 100 totes kept at the Warehouse: totes 120 − 100 = 20; set = min(42, ⌊20/2⌋ = 10) = 10, limited by TOTE-NAT.
    expect(await publishPolicy(SHOP, POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect([online(harness, "SHIRT-M"), online(harness, "TOTE-NAT"), online(harness, "SET-SUMMER")]).toEqual([42, 20, 10]);

    // A web order for 3 sets commits 3 shirts and 6 totes at the Warehouse; the set's own item is untouched.
    await harness.sandbox.placeOrder({ sourceName: "web", lineItems: [{ variantId: set.id, quantity: 3 }], options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } }, SHOP);
    await harness.settle();
    const warehouse = harness.sandbox.shop(SHOP).snapshot().locations.find((l) => l.name === "Warehouse")!.id;
    const levelOf = (itemId: string) => harness.sandbox.shop(SHOP).snapshot().inventoryLevels.find((l) => l.inventoryItemId === itemId && l.locationId === warehouse)!.quantities;
    expect(levelOf(shirt.inventoryItemId)).toMatchObject({ committed: 3, available: 39 });
    // Totes: 120 − 6 = 114 on the shelf for sale or kept; 100 kept → 14 available.
    expect(levelOf(tote.inventoryItemId)).toMatchObject({ committed: 6, available: 14, safety_stock: 100 });
    expect(levelOf(set.inventoryItemId)).toMatchObject({ committed: 0, available: 0 });
    // Shirt 39; totes 14; set = min(39, ⌊14/2⌋ = 7) = 7.
    await waitFor(() => online(harness, "SET-SUMMER") === 7, { what: "the set's number follows its components" });
    expect([online(harness, "SHIRT-M"), online(harness, "TOTE-NAT")]).toEqual([39, 14]);

    // The Inventory page names the component that limits the set.
    const page = await loadInventoryPage(SHOP, { search: "SET-SUMMER", cursor: null, direction: "next" });
    const onlineStore = page.items[0]!.channels.find((channel) => channel.channel === "Online Store")!;
    expect(onlineStore.available).toBe(7);
    expect(page.items[0]!.bundle).toBe(true);
    expect(onlineStore.explain).toContain("bundle limited by TOTE-NAT: 14 units for this channel, 2 per bundle");
  });

  it("the checkout Function refuses a cart whose bundle lines exceed a component's number", async () => {
    const harness = await installed("bundle-checkout.myshopify.com");
    expect(await publishPolicy(SHOP, POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const set = variantOf(harness, SHOP, "SET-SUMMER");
    const tote = variantOf(harness, SHOP, "TOTE-NAT");
    // 20 totes for sale online: 8 sets (16 totes) and 5 loose totes need 21.
    const refused = await placeOrderThroughCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId: set.id, quantity: 8 }, { variantId: tote.id, quantity: 5 }] });
    expect(refused.placed).toBe(false);
    // What is left for the sets once the loose totes are counted: ⌊(20 − 5) / 2⌋ = 7.
    expect(refused.errors).toContainEqual(expect.objectContaining({ message: "Only 7 left — please lower the quantity" }));
    // 7 sets (14 totes) and 5 loose totes: 19 ≤ 20, placed.
    const placed = await placeOrderThroughCheckout(harness.sandbox, { shop: SHOP, lines: [{ variantId: set.id, quantity: 7 }, { variantId: tote.id, quantity: 5 }] });
    expect(placed).toMatchObject({ placed: true, errors: [] });
  });
});

/** The app's requests by operation name, from the emulated shop's own request log (not from app code). */
const requestsNamed = (harness: Harness, operation: string) =>
  (harness.sandbox.shop(SHOP) as SandboxShopEmulator).costLog().filter((entry) => entry.operation === operation).length;

const MAKE_BUNDLE = `mutation MakeBundle($input: [ProductVariantRelationshipUpdateInput!]!) {
  productVariantRelationshipBulkUpdate(input: $input) {
    parentProductVariants { id requiresComponents }
    userErrors { field message code }
  }
}`;

describe("bundle links are asked only for bundles and their components", () => {
  it("a shop without bundles sends no SafestockBundleLinks; a bundle made after install is found by its components' next run, sold, and followed", async () => {
    // The default seed has no bundle. Seeded Warehouse available: SHIRT-L 25, TOTE-BLK 60, RING-8 0;
    // only the Warehouse fulfils online orders, so each Online Store number is its Warehouse available.
    const harness = startHarness({ shops: [SHOP = "no-bundles.myshopify.com"], seed: "default" });
    await harness.install(SHOP);
    await harness.settle();
    // A sync run of its own: a web order for 2 SHIRT-L commits 2 at the Warehouse (25 → 23).
    await harness.sandbox.placeOrder({ sourceName: "web", lineItems: [{ variantId: variantOf(harness, SHOP, "SHIRT-L").id, quantity: 2 }] }, SHOP);
    await harness.settle();
    await waitFor(() => online(harness, "SHIRT-L") === 23, { what: "the shirt's number follows the order" });
    expect(requestsNamed(harness, "SafestockItemLevels")).toBeGreaterThan(0);
    expect(requestsNamed(harness, "SafestockBundleLinks")).toBe(0);
    expect(requestsNamed(harness, "SafestockBundleParentVariants")).toBe(0);

    // The merchant makes RING-8 a bundle of 1 SHIRT-L and 2 TOTE-BLK. Shopify documents no webhook
    // for it, and the emulator sends none: the app learns it from the components' next read.
    const [ring, shirt, tote] = ["RING-8", "SHIRT-L", "TOTE-BLK"].map((sku) => variantOf(harness, SHOP, sku));
    const made = await harness.gql<{ data: { productVariantRelationshipBulkUpdate: { userErrors: unknown[] } } }>(
      MAKE_BUNDLE,
      { input: [{ parentProductVariantId: ring!.id, productVariantRelationshipsToCreate: [{ id: shirt!.id, quantity: 1 }, { id: tote!.id, quantity: 2 }] }] },
      SHOP,
    );
    expect(made.data.productVariantRelationshipBulkUpdate.userErrors).toEqual([]);

    // A web order for 3 bundles commits 3 shirts (23 → 20) and 6 totes (60 → 54) at the Warehouse.
    await harness.sandbox.placeOrder({ sourceName: "web", lineItems: [{ variantId: ring!.id, quantity: 3 }], options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } }, SHOP);
    await harness.settle();
    // Shirts 20, totes 54; the bundle = min(20 / 1, ⌊54 / 2⌋ = 27) = 20, limited by SHIRT-L.
    await waitFor(() => online(harness, "RING-8") === 20, { what: "the new bundle's number is published from its components" });
    expect([online(harness, "SHIRT-L"), online(harness, "TOTE-BLK")]).toEqual([20, 54]);
    expect(published(harness, "RING-8")!.components).toEqual([
      { id: shirt!.id, quantity: 1, available: 20 },
      { id: tote!.id, quantity: 2, available: 54 },
    ]);
    expect(requestsNamed(harness, "SafestockBundleLinks")).toBeGreaterThan(0);
  });
});

describe("items Safestock leaves alone", () => {
  it("an untracked item, a gift card and a digital good are never written, and the Inventory page says why", async () => {
    const harness = await installed("left-alone.myshopify.com");
    expect(await publishPolicy(SHOP, { version: 1, protection: [{ kind: "safety_stock", units: 2 }] }, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const leftAlone = ["GIFT-WRAP", "GIFT-25", "GUIDE-PDF"].map((sku) => variantOf(harness, SHOP, sku));
    const items = new Set(leftAlone.map((variant) => variant.inventoryItemId));
    // The shop's own log of every request the app made: no quantity it changed belongs to them.
    const appRequests = (harness.sandbox.shop(SHOP) as SandboxShopEmulator).costLog().filter((entry) => entry.mutation);
    expect(appRequests.length).toBeGreaterThan(0);
    expect(appRequests.flatMap((entry) => entry.levels).filter((level) => items.has(level.inventoryItemId))).toEqual([]);
    expect(appRequests.flatMap((entry) => entry.idempotent.flatMap((outcome) => outcome.changes)).filter((change) => items.has(change.inventoryItemId))).toEqual([]);
    // No number is published for them either: no metafield write names them, and none exists.
    const variants = new Set(leftAlone.map((variant) => variant.id));
    expect(appRequests.flatMap((entry) => entry.metafieldOwners).filter((owner) => variants.has(owner))).toEqual([]);
    expect(appRequests.flatMap((entry) => entry.metafieldOwners)).toContain(variantOf(harness, SHOP, "SHIRT-M").id);
    for (const sku of ["GIFT-WRAP", "GIFT-25", "GUIDE-PDF"]) expect(published(harness, sku), sku).toBeNull();
    // Control: a tracked item next to them was written (2 kept at each location).
    expect(published(harness, "SHIRT-M")).not.toBeNull();

    const page = await loadInventoryPage(SHOP, { search: "GUIDE-PDF", cursor: null, direction: "next" });
    expect(page.items.map((item) => item.leftAlone)).toEqual(["Left alone: this item does not ship (a digital good or service), so no location's stock is at risk."]);
  });
});
