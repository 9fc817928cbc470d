import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { Policy } from "~/domain";
import { publishPolicy } from "~/services/policy.server";
import { startHarness, type Harness } from "./support/harness";
import { cancelOrder, placeOrder } from "./support/scenarios";
import { mswServer } from "./setup/msw";

const SHOP = "publications.myshopify.com";
const UNPUBLISH = `mutation($id: ID!, $input: [PublicationInput!]!) { publishableUnpublish(id: $id, input: $input) { userErrors { field message } } }`;

function publishedOn(harness: Harness, channelName: string, shop = SHOP) {
  const state = harness.sandbox.shop(shop).snapshot();
  const publication = state.publications.find((entry) => entry.name === channelName)!;
  return new Set(Object.keys(publication.published));
}

describe("publications follow channel availability", () => {
  it("unpublishes the products of a channel the merchant paused and republishes only those Safestock unpublished", async () => {
    const harness = startHarness({ shops: [SHOP] });
    await harness.install(SHOP);
    await harness.settle();
    const state = harness.sandbox.shop(SHOP).snapshot();
    const wholesale = state.publications.find((entry) => entry.name === "Wholesale")!;
    // The merchant keeps one product off the wholesale channel themselves.
    const merchantHidden = [...publishedOn(harness, "Wholesale")].sort()[0];
    const hidden = await harness.gql(UNPUBLISH, { id: merchantHidden, input: [{ publicationId: wholesale.id }] }, SHOP);
    expect(hidden.data.publishableUnpublish.userErrors).toEqual([]);
    expect(publishedOn(harness, "Wholesale").has(merchantHidden)).toBe(false);
    const onWholesale = [...publishedOn(harness, "Wholesale")].sort();
    expect(onWholesale.length).toBeGreaterThan(1);
    const onlineStore = [...publishedOn(harness, "Online Store")].sort();

    // The merchant pauses wholesale: every product leaves the channel.
    const paused: Policy = { version: 1, protection: [], channels: [{ channel: "wholesale", tier: 3, paused: true }] };
    expect(await publishPolicy(SHOP, paused, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect([...publishedOn(harness, "Wholesale")]).toEqual([]);
    // Other channels are untouched.
    expect([...publishedOn(harness, "Online Store")].sort()).toEqual(onlineStore);
    const recorded = await prisma.appUnpublication.findMany({ where: { shop: SHOP }, select: { productId: true } });
    expect(recorded.map((row) => row.productId).sort()).toEqual(onWholesale);
    expect(await prisma.auditEntry.count({ where: { shop: SHOP, subject: "publication", after: 0 } })).toBe(onWholesale.length);

    // The pause is lifted: Safestock brings back what it hid, never what the merchant hid.
    const open: Policy = { version: 1, protection: [], channels: [{ channel: "wholesale", tier: 3 }] };
    expect(await publishPolicy(SHOP, open, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const sellable = new Set(
      (await prisma.channelState.findMany({ where: { shop: SHOP, channel: "wholesale", available: { gt: 0 } }, select: { inventoryItemId: true } })).map(
        (row) => row.inventoryItemId,
      ),
    );
    const productsWithStock = state.variants.filter((variant) => sellable.has(variant.inventoryItemId)).map((variant) => variant.productId);
    const expected = [...new Set(productsWithStock)].filter((id) => onWholesale.includes(id)).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect([...publishedOn(harness, "Wholesale")].sort()).toEqual(expected);
    expect(publishedOn(harness, "Wholesale").has(merchantHidden)).toBe(false);
  });

  it("keeps a product that sells out and returns published: no unpublish or republish, the number alone goes to 0 and back", async () => {
    const shop = "sell-out-and-back.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    // Publication requests Safestock sends the emulated shop, counted where Shopify would see them.
    const sent = { publish: 0, unpublish: 0 };
    const count = async ({ request }: { request: Request }) => {
      if (!request.url.includes(shop) || !request.url.includes("/graphql.json")) return;
      const body = await request.clone().text();
      if (body.includes("publishableUnpublish")) sent.unpublish++;
      else if (body.includes("publishablePublish")) sent.publish++;
    };
    mswServer.events.on("request:start", count);
    try {
      await harness.install(shop);
      await harness.settle();
      // The marketplace lists from the Warehouse and pauses under 2; Gold Ring's variants have 12, 8 and 0 there.
      const policy: Policy = { version: 1, protection: [], channels: [{ channel: "marketplace", tier: 2, locations: ["Warehouse"], pauseBelow: 2 }] };
      expect(await publishPolicy(shop, policy, { createdBy: "test" })).toMatchObject({ ok: true });
      await harness.settle();
      const ring = harness.sandbox.shop(shop).snapshot().products.find((product) => product.handle === "gold-ring")!;
      const marketplaceNumber = async (sku: string) => {
        const variant = harness.sandbox.shop(shop).snapshot().variants.find((entry) => entry.sku === sku)!;
        const state = await prisma.channelState.findUnique({ where: { shop_inventoryItemId_channel: { shop, inventoryItemId: variant.inventoryItemId, channel: "marketplace" } } });
        return state && { available: state.available, paused: state.paused };
      };
      const before = { ...sent };
      expect(publishedOn(harness, "Marketplace", shop).has(ring.id)).toBe(true);

      // Sold out on every variant (RING-8 has none at the Warehouse).
      await placeOrder(harness, shop, "RING-6", 12, "marketplace");
      const seven = await placeOrder(harness, shop, "RING-7", 8, "marketplace");
      await harness.settle();
      expect(await marketplaceNumber("RING-6")).toEqual({ available: 0, paused: true });
      expect(await marketplaceNumber("RING-7")).toEqual({ available: 0, paused: true });
      expect(publishedOn(harness, "Marketplace", shop).has(ring.id)).toBe(true);

      // Back: the buyer of the 8 cancels (restocked), then they sell out again.
      await cancelOrder(harness, shop, seven!);
      await harness.settle();
      expect(await marketplaceNumber("RING-7")).toEqual({ available: 8, paused: false });
      await placeOrder(harness, shop, "RING-7", 8, "marketplace");
      await harness.settle();
      expect(await marketplaceNumber("RING-7")).toEqual({ available: 0, paused: true });

      // Not one publication request in the whole sequence, and the product is still on the channel.
      expect({ publish: sent.publish - before.publish, unpublish: sent.unpublish - before.unpublish }).toEqual({ publish: 0, unpublish: 0 });
      expect(publishedOn(harness, "Marketplace", shop).has(ring.id)).toBe(true);
      expect(await prisma.appUnpublication.count({ where: { shop } })).toBe(0);
    } finally {
      mswServer.events.removeListener("request:start", count);
    }
  });
});
