import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { Policy } from "~/domain";
import { publishPolicy } from "~/services/policy.server";
import { startHarness, type Harness } from "./support/harness";

const SHOP = "publications.myshopify.com";
const UNPUBLISH = `mutation($id: ID!, $input: [PublicationInput!]!) { publishableUnpublish(id: $id, input: $input) { userErrors { field message } } }`;

function publishedOn(harness: Harness, channelName: string) {
  const state = harness.sandbox.shop(SHOP).snapshot();
  const publication = state.publications.find((entry) => entry.name === channelName)!;
  return new Set(Object.keys(publication.published));
}

describe("publications follow channel availability", () => {
  it("unpublishes products a paused channel cannot sell and republishes only those Safestock unpublished", async () => {
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

    // Wholesale paused below a threshold no SKU reaches: every product leaves the channel.
    const paused: Policy = { version: 1, protection: [], channels: [{ channel: "wholesale", tier: 3, pauseBelow: 100_000 }] };
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
});
