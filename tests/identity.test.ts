/**
 * Identity by inventory item (docs/decisions/020): two variants sharing a SKU, and two without one,
 * each protected and published from its own stock. Every expected number is computed by hand
 * from the fixture (tests/support/twins-shop.ts) and the policy below.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { Policy } from "~/domain";
import { parseChannelMetafieldValue } from "~/domain/inventory-writes";
import { loader as activityLoader } from "~/routes/app.activity";
import { action as holdsAction, loader as holdsLoader } from "~/routes/app.holds";
import { loader as inventoryLoader } from "~/routes/app.inventory";
import { publishPolicy } from "~/services/policy.server";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";
import { callHolds } from "./support/holds";
import { TWIN_PRODUCTS, twinsShopFactory, twinVariant } from "./support/twins-shop";

const POLICY: Policy = {
  version: 1,
  protection: [
    { kind: "safety_stock", units: 1 },
    { kind: "safety_stock", units: 3, sku: "TEE" },
    { kind: "display", units: 1, location: "Soho store", sku: "TEE" },
  ],
  channels: [
    { channel: "online_store", tier: 1, networkMinimum: 1 },
    { channel: "marketplace", tier: 2, allocationPercent: 50 },
  ],
};

async function installed(shop: string): Promise<Harness> {
  const harness = startHarness({ shops: [shop], createShop: twinsShopFactory() });
  await harness.install(shop);
  await harness.settle();
  const published = await publishPolicy(shop, POLICY, { createdBy: "test" });
  if (!published.ok) throw new Error(`policy not published: ${JSON.stringify(published)}`);
  await harness.settle();
  return harness;
}

/** Per location name: [safety_stock, available] of one variant, as Shopify holds them. */
function levelsOf(harness: Harness, shop: string, product: string, title: string) {
  const state = harness.sandbox.shop(shop).snapshot();
  const variant = twinVariant(state, product, title);
  const names = new Map(state.locations.map((location) => [location.id, location.name]));
  return Object.fromEntries(
    state.inventoryLevels
      .filter((level) => level.inventoryItemId === variant.inventoryItemId)
      .map((level) => [names.get(level.locationId)!, [level.quantities.safety_stock, level.quantities.available]]),
  );
}

/** channel → available in the variant's metafield, as channels and the checkout Function read it. */
function numbersOf(harness: Harness, shop: string, product: string, title: string) {
  const state = harness.sandbox.shop(shop).snapshot();
  const variant = twinVariant(state, product, title);
  const metafield = state.metafields.find((entry) => entry.ownerId === variant.id && entry.namespace === "safestock" && entry.key === "channels");
  const channels = parseChannelMetafieldValue(metafield?.value) ?? {};
  return Object.fromEntries(Object.entries(channels).map(([channel, ats]) => [channel, ats.available]));
}

describe("variants sharing a SKU or without one", () => {
  it("protects and publishes each variant from its own stock, with the SKU's rules on both twins", async () => {
    const shop = "identity-twins.myshopify.com";
    const harness = await installed(shop);

    // Blue (TEE): Warehouse 10 → the SKU rule 3; Soho 2 → 1 on display + 1 of the 3 (all that is left).
    expect(levelsOf(harness, shop, "Tee", "Blue")).toEqual({ Warehouse: [3, 7], "Soho store": [2, 0], "Brooklyn store": [0, 0] });
    // Navy (TEE): Warehouse 1 → the SKU rule takes it; nothing of Blue's stock is counted.
    expect(levelsOf(harness, shop, "Tee", "Navy")).toEqual({ Warehouse: [1, 0], "Soho store": [0, 0], "Brooklyn store": [0, 0] });
    // No SKU: the global rule, 1 per level with stock.
    expect(levelsOf(harness, shop, "Sticker", "Round")).toEqual({ Warehouse: [1, 5], "Soho store": [0, 0], "Brooklyn store": [0, 0] });
    expect(levelsOf(harness, shop, "Sticker", "Square")).toEqual({ Warehouse: [1, 2], "Soho store": [1, 3], "Brooklyn store": [0, 0] });

    // Online channels draw on the Warehouse only; POS on every store.
    // Blue: pool 7 → online 7 − 1 minimum = 6, marketplace 50% of 7 = 3, POS 7 + 0 + 0, wholesale 7.
    expect(numbersOf(harness, shop, "Tee", "Blue")).toEqual({ online_store: 6, marketplace: 3, point_of_sale: 7, wholesale: 7 });
    expect(numbersOf(harness, shop, "Tee", "Navy")).toEqual({ online_store: 0, marketplace: 0, point_of_sale: 0, wholesale: 0 });
    // Round: pool 5 → 4, 2, 5, 5. Square: pool 2 → 1, 1; POS 2 + 3 = 5.
    expect(numbersOf(harness, shop, "Sticker", "Round")).toEqual({ online_store: 4, marketplace: 2, point_of_sale: 5, wholesale: 5 });
    expect(numbersOf(harness, shop, "Sticker", "Square")).toEqual({ online_store: 1, marketplace: 1, point_of_sale: 5, wholesale: 2 });
  });

  it("a marketplace selling each twin's published number oversells nothing, and the web cannot buy the protected twin", async () => {
    const shop = "identity-sale.myshopify.com";
    const harness = await installed(shop);
    const state = harness.sandbox.shop(shop).snapshot();
    const blue = twinVariant(state, "Tee", "Blue");
    const navy = twinVariant(state, "Tee", "Navy");

    // The connector orders what it lists, ignoring Shopify's available (docs/decisions/012 "Sales channels"):
    // 3 of Blue, none of Navy (it lists 0).
    const sold = await harness.sandbox.placeOrder(
      { lineItems: [{ variantId: blue.id, quantity: numbersOf(harness, shop, "Tee", "Blue").marketplace! }], sourceName: "marketplace", options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } },
      shop,
    );
    expect(sold.status).toBe(200);
    expect(numbersOf(harness, shop, "Tee", "Navy").marketplace).toBe(0);
    // A web shopper asks for Navy's one unit: it is safety stock, so Shopify refuses the order.
    const refused = await harness.sandbox.placeOrder({ lineItems: [{ variantId: navy.id, quantity: 1 }], sourceName: "web" }, shop);
    expect((refused.body as { data?: { orderCreate?: { order: unknown } } }).data?.orderCreate?.order ?? null).toBeNull();
    await harness.settle();

    // Blue: 10 on hand, 3 committed → 7 sellable − 3 protected = 4; online 3, marketplace 50% of 4 = 2.
    expect(levelsOf(harness, shop, "Tee", "Blue").Warehouse).toEqual([3, 4]);
    expect(numbersOf(harness, shop, "Tee", "Blue")).toEqual({ online_store: 3, marketplace: 2, point_of_sale: 4, wholesale: 4 });
    // Navy keeps its protected unit and its zeros.
    expect(levelsOf(harness, shop, "Tee", "Navy").Warehouse).toEqual([1, 0]);
    expect(numbersOf(harness, shop, "Tee", "Navy")).toEqual({ online_store: 0, marketplace: 0, point_of_sale: 0, wholesale: 0 });
    // Nowhere was more sold than there was.
    const after = harness.sandbox.shop(shop).snapshot();
    expect(after.inventoryLevels.filter((level) => level.quantities.available < 0)).toEqual([]);
    // The sale is recorded against Blue's own item, with Blue's own published number: covered, no near miss.
    const sales = await prisma.saleEvent.findMany({ where: { shop }, select: { inventoryItemId: true, sku: true, quantity: true } });
    expect(sales).toEqual([{ inventoryItemId: blue.inventoryItemId, sku: "TEE", quantity: 3 }]);
    const exposure = await prisma.orderExposure.findMany({ where: { shop }, select: { inventoryItemId: true, channel: true, quantity: true, published: true, oversoldUnits: true } });
    expect(exposure).toEqual([{ inventoryItemId: blue.inventoryItemId, channel: "marketplace", quantity: 3, published: 3, oversoldUnits: 0 }]);
  });

  it("a hold on one twin lowers that twin's other channels only", async () => {
    const shop = "identity-hold.myshopify.com";
    const harness = await installed(shop);
    const state = harness.sandbox.shop(shop).snapshot();
    const round = twinVariant(state, "Sticker", "Round");

    const held = await callHolds(harness, shop, "POST", { checkoutToken: "checkout-round", lines: [{ variantId: round.id, quantity: 2 }] });
    expect(held.status).toBe(200);
    await harness.settle();
    // Round: the online store keeps 4 (the holder's channel); marketplace 50% of 5 = 2 is still
    // within 5 − 2 held = 3; POS 5 − 2 = 3; wholesale 5 − 2 = 3.
    expect(numbersOf(harness, shop, "Sticker", "Round")).toEqual({ online_store: 4, marketplace: 2, point_of_sale: 3, wholesale: 3 });
    // Square, the other variant without a SKU, is untouched.
    expect(numbersOf(harness, shop, "Sticker", "Square")).toEqual({ online_store: 1, marketplace: 1, point_of_sale: 5, wholesale: 2 });
  });
});

describe("admin pages with twins and blank SKUs", () => {
  const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);

  it("holds a picked variant (a shared SKU alone cannot say which) and shows each variant's own activity", async () => {
    const shop = "identity-admin.myshopify.com";
    const harness = await installed(shop);
    const navy = twinVariant(harness.sandbox.shop(shop).snapshot(), "Tee", "Navy");
    const square = twinVariant(harness.sandbox.shop(shop).snapshot(), "Sticker", "Square");

    // Typing the shared SKU is refused with the variants that carry it.
    const form = { intent: "create", location: "Soho store", units: "2", expiresAt: tomorrow(), note: "" };
    const ambiguous = await callAction(harness, holdsAction, "/app/holds", { ...form, sku: "TEE" }, shop);
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.data.problems).toEqual([{ path: "sku", message: 'SKU "TEE" is on several variants (Tee / Blue, Tee / Navy): pick the one to hold from the list' }]);
    // Square (no SKU) has 3 for sale at Soho: a hold of 2 from the picker's choice.
    const held = await callAction(harness, holdsAction, "/app/holds", { ...form, sku: "", item: square.inventoryItemId }, shop);
    expect(held.status).toBe(200);
    await harness.settle();
    // Square: POS 5 − 2 held = 3 and every online channel 2 − 2 = 0 (1 for the online store's
    // minimum first, then the hold takes the last one); Round keeps its numbers.
    expect(numbersOf(harness, shop, "Sticker", "Square")).toEqual({ online_store: 0, marketplace: 0, point_of_sale: 3, wholesale: 0 });
    expect(numbersOf(harness, shop, "Sticker", "Round")).toEqual({ online_store: 4, marketplace: 2, point_of_sale: 5, wholesale: 5 });
    const page = await callLoader(harness, holdsLoader, "/app/holds", shop);
    expect(page.data.holds).toMatchObject([{ kind: "customer", sku: "", variant: "Sticker / Square", units: 2 }]);

    // The Inventory page lists both twins, each with its own numbers and its own activity link.
    const warehouseProtection = async (query: string) => {
      const inventory = await callLoader(harness, inventoryLoader, `/app/inventory?q=${query}`, shop);
      const items = inventory.data.items as { sku: string; title: string; levels: { location: string; protected: number }[] }[];
      return items.map((item) => [item.sku, item.title, item.levels.find((level) => level.location === "Warehouse")?.protected]);
    };
    expect(await warehouseProtection("TEE")).toEqual([
      ["TEE", "Tee / Blue", 3],
      ["TEE", "Tee / Navy", 1],
    ]);
    // Variants without a SKU are found by their product.
    expect(await warehouseProtection("Sticker")).toEqual([
      ["", "Sticker / Round", 1],
      ["", "Sticker / Square", 1],
    ]);
    const activity = await callLoader(harness, activityLoader, `/app/activity?item=${encodeURIComponent(navy.inventoryItemId)}`, shop);
    expect(activity.data.variant).toBe("TEE · Tee / Navy");
    const moves = activity.data.entries.filter((entry: { subject: string }) => entry.subject === "Safety stock");
    // Navy's only move: 0 → 1 at the Warehouse (its one unit), never Blue's 0 → 3.
    expect(moves.map((entry: { change: string; where: string }) => [entry.where, entry.change])).toEqual([["Warehouse", "0 → 1"]]);
  });
});

describe("safety stock set before install, on twins and a variant without a SKU", () => {
  it("imports one rule per SKU and location, the largest of the twins' values, and says what it could not import", async () => {
    const shop = "identity-import.myshopify.com";
    // Blue had 2 protected at the Warehouse, Navy 1; Square (no SKU) 1 at Soho.
    const [tee, sticker] = TWIN_PRODUCTS;
    const products = [
      { ...tee!, variants: [{ ...tee!.variants[0]!, safetyStock: [2, 0, 0] as [number, number, number] }, { ...tee!.variants[1]!, safetyStock: [1, 0, 0] as [number, number, number] }] },
      { ...sticker!, variants: [sticker!.variants[0]!, { ...sticker!.variants[1]!, safetyStock: [0, 1, 0] as [number, number, number] }] },
    ];
    const harness = startHarness({ shops: [shop], createShop: twinsShopFactory(products) });
    await harness.install(shop);
    await harness.settle();

    const version = await prisma.policyVersion.findFirstOrThrow({ where: { shop }, orderBy: { version: "desc" } });
    expect(JSON.parse(version.document).protection).toEqual([{ kind: "safety_stock", units: 2, sku: "TEE", location: "Warehouse" }]);
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { shop, subject: "policy" } });
    expect(audit.reason).toContain("1 level(s) of variants without a SKU were not imported");
    // The rule applies to each twin on its own stock: Blue 10 + 2 on hand → 2 kept; Navy 1 + 1 → 2, both kept.
    expect(levelsOf(harness, shop, "Tee", "Blue").Warehouse).toEqual([2, 10]);
    expect(levelsOf(harness, shop, "Tee", "Navy").Warehouse).toEqual([2, 0]);
    // Square's unimported unit goes back on sale (no rule names it).
    expect(levelsOf(harness, shop, "Sticker", "Square")["Soho store"]).toEqual([0, 5]);
  });
});
