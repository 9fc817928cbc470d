/**
 * A marketplace ring fence holds units only of products published on the marketplace
 * (docs/decisions/045): a product not on it cannot be bought there, so fencing it would only
 * withhold it from the web store, POS and B2B. A published product keeps its fence.
 *
 * Hand-computed from the sandbox seed (Warehouse column): MUG-WHT (Ceramic Mug, on the online
 * store and POS only) 48; RING-6 (Gold Ring, on every channel) 12. Policy: 2 safety stock for
 * every item, a fence of 4 for the marketplace at the Warehouse.
 * - MUG-WHT: safety_stock 2 (not 2 + 4), available 46; the online store lists 46 (42 with the fence).
 * - RING-6: safety_stock 2 + 4 = 6, available 6; the online store lists 6, the marketplace 6 + 4 = 10.
 * Preview of the same fence reads the same publications, so it shows what publishing will hold.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { compilePolicy, type Policy } from "~/domain";
import { savePolicyDraft } from "~/models/policy-draft.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { diffCatalog, loadPreview, startPreview } from "~/services/policy-preview.server";
import { publishPolicy } from "~/services/policy.server";
import type { CostLogEntry } from "../sandbox/admin-api/cost-log";
import { startHarness, type Harness } from "./support/harness";
import { locationOf, variantOf } from "./support/scenarios";

const SHOP = "fence-only-where-published.myshopify.com";
const REPUBLISHED = "fence-after-publish.myshopify.com";
const BUNDLED = "fence-bundle-component.myshopify.com";
const PREVIEWED = "fence-preview.myshopify.com";
const PREVIEWED_BUNDLE = "fence-preview-bundle.myshopify.com";
const UNPUBLISHED = "fence-after-unpublish.myshopify.com";
const UNFENCED = "no-fence-publish.myshopify.com";
const PUBLISH = `mutation($id: ID!, $input: [PublicationInput!]!) { publishablePublish(id: $id, input: $input) { userErrors { field message } } }`;
const UNPUBLISH = `mutation($id: ID!, $input: [PublicationInput!]!) { publishableUnpublish(id: $id, input: $input) { userErrors { field message } } }`;

const POLICY: Policy = {
  version: 1,
  protection: [{ kind: "safety_stock", units: 2 }],
  channels: [
    { channel: "online_store", tier: 1, locations: ["Warehouse"] },
    { channel: "marketplace", tier: 2, locations: ["Warehouse"], ringFenceUnits: 4 },
  ],
};

function warehouse(harness: Harness, sku: string, shop = SHOP) {
  const item = variantOf(harness, shop, sku).inventoryItemId;
  const location = locationOf(harness, shop, "Warehouse").id;
  return harness.sandbox.shop(shop).snapshot().inventoryLevels.find((level) => level.inventoryItemId === item && level.locationId === location)!.quantities;
}

/** What each channel lists for the variant (its `safestock.channels` metafield, read by channels and the checkout). */
function listed(harness: Harness, sku: string, shop = SHOP): Record<string, number> {
  const variant = variantOf(harness, shop, sku);
  const metafield = harness.sandbox.shop(shop).snapshot().metafields.find((m) => m.ownerId === variant.id && m.namespace === "safestock" && m.key === "channels");
  const channels = (JSON.parse(metafield!.value) as { channels: Record<string, { available: number }> }).channels;
  return Object.fromEntries(Object.entries(channels).map(([channel, { available }]) => [channel, available]));
}

describe("a marketplace ring fence", () => {
  it("holds nothing of a product not published on the marketplace, and still fences a published one", async () => {
    const harness = startHarness({ shops: [SHOP] });
    await harness.install(SHOP);
    await harness.settle();
    // The seed: the Ceramic Mug is not on the marketplace, the Gold Ring is.
    const onMarketplace = new Set(Object.keys(harness.sandbox.shop(SHOP).snapshot().publications.find((p) => p.name === "Marketplace")!.published));
    expect(onMarketplace.has(variantOf(harness, SHOP, "MUG-WHT").productId)).toBe(false);
    expect(onMarketplace.has(variantOf(harness, SHOP, "RING-6").productId)).toBe(true);

    expect(await publishPolicy(SHOP, POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();

    expect(warehouse(harness, "MUG-WHT")).toMatchObject({ safety_stock: 2, available: 46 });
    expect(listed(harness, "MUG-WHT").online_store).toBe(46);
    expect(warehouse(harness, "RING-6")).toMatchObject({ safety_stock: 6, available: 6 });
    expect(listed(harness, "RING-6")).toMatchObject({ online_store: 6, marketplace: 10 });

    // The marketplace's explanation (the Inventory page's) says why nothing is fenced.
    const mugItem = variantOf(harness, SHOP, "MUG-WHT").inventoryItemId;
    const state = await prisma.channelState.findFirst({ where: { shop: SHOP, inventoryItemId: mugItem, channel: "marketplace" } });
    expect(state?.explain).toContain("not published on marketplace: nothing ring-fenced");
  });

  it("fences a product from the plan that follows the merchant publishing it on the marketplace (products/update)", async () => {
    const harness = startHarness({ shops: [REPUBLISHED] });
    await harness.install(REPUBLISHED);
    await harness.settle();
    expect(await publishPolicy(REPUBLISHED, POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect(warehouse(harness, "MUG-WHT", REPUBLISHED)).toMatchObject({ safety_stock: 2, available: 46 });

    const marketplace = harness.sandbox.shop(REPUBLISHED).snapshot().publications.find((p) => p.name === "Marketplace")!;
    const published = await harness.gql(PUBLISH, { id: variantOf(harness, REPUBLISHED, "MUG-WHT").productId, input: [{ publicationId: marketplace.id }] }, REPUBLISHED);
    expect(published.data.publishablePublish.userErrors).toEqual([]);
    await harness.settle();
    // Now on the marketplace: 48 − 2 safety − 4 fence = 42; the online store lists 42, the marketplace 42 + 4 = 46.
    expect(warehouse(harness, "MUG-WHT", REPUBLISHED)).toMatchObject({ safety_stock: 6, available: 42 });
    expect(listed(harness, "MUG-WHT", REPUBLISHED)).toMatchObject({ online_store: 42, marketplace: 46 });
  });

  it("releases the fence of a product the merchant takes off the marketplace, with no sale or edit (products/update)", async () => {
    const harness = startHarness({ shops: [UNPUBLISHED] });
    await harness.install(UNPUBLISHED);
    await harness.settle();
    expect(await publishPolicy(UNPUBLISHED, POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect(warehouse(harness, "RING-6", UNPUBLISHED)).toMatchObject({ safety_stock: 6, available: 6 });

    const marketplace = harness.sandbox.shop(UNPUBLISHED).snapshot().publications.find((p) => p.name === "Marketplace")!;
    const unpublished = await harness.gql(UNPUBLISH, { id: variantOf(harness, UNPUBLISHED, "RING-6").productId, input: [{ publicationId: marketplace.id }] }, UNPUBLISHED);
    expect(unpublished.data.publishableUnpublish.userErrors).toEqual([]);
    await harness.settle();
    // Off the marketplace: nothing fenced, 12 − 2 safety = 10 sellable; the online store lists 10 (6 with the fence).
    expect(warehouse(harness, "RING-6", UNPUBLISHED)).toMatchObject({ safety_stock: 2, available: 10 });
    expect(listed(harness, "RING-6", UNPUBLISHED).online_store).toBe(10);
  });

  it("costs a shop without a fence no Admin API request when the merchant publishes a product", async () => {
    const harness = startHarness({ shops: [UNFENCED] });
    await harness.install(UNFENCED);
    await harness.settle();
    const noFence: Policy = { ...POLICY, channels: POLICY.channels.map(({ ringFenceUnits: _fence, ...rule }) => rule) };
    expect(await publishPolicy(UNFENCED, noFence, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const costLog = async () => (await (await harness.sandbox.handle(new Request(`https://${UNFENCED}/sandbox/cost-log`))).json()) as CostLogEntry[];
    const before = (await costLog()).length;
    const deliveredBefore = await prisma.webhookDelivery.count({ where: { shop: UNFENCED, topic: "products/update" } });

    const marketplace = harness.sandbox.shop(UNFENCED).snapshot().publications.find((p) => p.name === "Marketplace")!;
    const published = await harness.gql(PUBLISH, { id: variantOf(harness, UNFENCED, "MUG-WHT").productId, input: [{ publicationId: marketplace.id }] }, UNFENCED);
    expect(published.data.publishablePublish.userErrors).toEqual([]);
    await harness.settle();
    // The publish reached the app (so the silence below is its choice): where the mug is published changes no plan.
    expect(await prisma.webhookDelivery.count({ where: { shop: UNFENCED, topic: "products/update" } })).toBeGreaterThan(deliveredBefore);
    // The only request since is the merchant's own publish.
    expect((await costLog()).slice(before).map((entry) => entry.operation ?? (entry.mutation ? "mutation" : "query"))).toEqual(["mutation"]);
    expect(warehouse(harness, "MUG-WHT", UNFENCED)).toMatchObject({ safety_stock: 2, available: 46 });
  });

  it("still fences a bundle's component whose own product is not on the marketplace: it sells there through the bundle", async () => {
    // The realistic seed has the Summer Set (on the marketplace): SHIRT-M + 2 × TOTE-NAT; the Canvas Tote is not on it.
    const harness = startHarness({ shops: [BUNDLED], seed: "realistic" });
    await harness.install(BUNDLED);
    await harness.settle();
    const before = warehouse(harness, "TOTE-NAT", BUNDLED);
    const marketplace = harness.sandbox.shop(BUNDLED).snapshot().publications.find((p) => p.name === "Marketplace")!;
    expect(variantOf(harness, BUNDLED, "TOTE-NAT").productId in marketplace.published).toBe(false);
    expect(variantOf(harness, BUNDLED, "SET-SUMMER").productId in marketplace.published).toBe(true);
    expect(before.available).toBeGreaterThanOrEqual(6);

    expect(await publishPolicy(BUNDLED, POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    // 2 safety stock + the 4-unit fence come out of what was available.
    expect(warehouse(harness, "TOTE-NAT", BUNDLED)).toMatchObject({ safety_stock: 6, available: before.available - 6 });
  });

  it("is previewed as it will be published: Preview fences only the products on the marketplace", async () => {
    // Only the fence (no safety stock), so any protection the preview shows is the fence's.
    // Hand-computed, Warehouse (sandbox seed): RING-6 (on the marketplace) 12 → protected 0 → 4, the
    // online store 12 → 8; MUG-WHT (not on it) 48 → protected stays 0, the online store stays 48
    // (old code: 4 and 44).
    const fenceOnly: Policy = { version: 1, protection: [], channels: POLICY.channels };
    const harness = startHarness({ shops: [PREVIEWED] });
    await harness.install(PREVIEWED);
    await harness.settle();
    await savePolicyDraft(PREVIEWED, { document: fenceOnly, basedOnVersion: null, updatedBy: "test" });
    const started = await startPreview(PREVIEWED, { source: "draft" }, { createdBy: "test" });
    expect(started).toMatchObject({ ok: true, queued: false });
    const id = (started as { id: string }).id;

    const mug = (await loadPreview(PREVIEWED, id, { sku: "MUG-WHT" }))!;
    const mugWarehouse = mug.drillDown!.changes.find((change) => change.kind === "protected" && change.where === "Warehouse")!;
    expect(mugWarehouse).toMatchObject({ before: 0, after: 0 });
    expect(mugWarehouse.reasonsAfter.join(" ")).toContain("not published on marketplace: nothing ring-fenced");
    expect(mug.drillDown!.changes.find((change) => change.where === "online_store")).toMatchObject({ before: 48, after: 48 });
    const ring = (await loadPreview(PREVIEWED, id, { sku: "RING-6" }))!;
    expect(ring.drillDown!.changes.find((change) => change.kind === "protected" && change.where === "Warehouse")).toMatchObject({ before: 0, after: 4 });
    expect(ring.drillDown!.changes.find((change) => change.where === "online_store")).toMatchObject({ before: 12, after: 8 });

    // The summary (the whole catalog, chunk by chunk) agrees: the ring's level moves 4 units, the
    // mug's none (ties sort by SKU, so a 4-unit mug change would be listed before the ring's).
    const biggest = mug.summary!.biggest.filter((change) => change.kind === "protected");
    expect(biggest).toContainEqual(expect.objectContaining({ sku: "RING-6", where: "Warehouse", before: 0, after: 4 }));
    expect(biggest.filter((change) => change.sku === "MUG-WHT")).toEqual([]);

    // Without a fence in either policy, Preview asks Shopify nothing.
    const asked: string[] = [];
    const recording = { shop: PREVIEWED, request: async (operation: string) => { asked.push(operation); throw new Error("not expected"); } } as unknown as AdminClient;
    const safetyOnly = compilePolicy({ version: 1, protection: [{ kind: "safety_stock", units: 2 }], channels: [] });
    expect((await diffCatalog(PREVIEWED, safetyOnly, { client: recording })).unitsIntoProtection).toBeGreaterThan(0);
    expect(asked).toEqual([]);
  });

  it("previews a bundle's component whose own product is not on the marketplace as fenced", async () => {
    // Realistic seed: TOTE-NAT is in the Summer Set (on the marketplace), the Canvas Tote is not: 4 fenced at the Warehouse.
    const fenceOnly: Policy = { version: 1, protection: [], channels: POLICY.channels };
    const harness = startHarness({ shops: [PREVIEWED_BUNDLE], seed: "realistic" });
    await harness.install(PREVIEWED_BUNDLE);
    await harness.settle();
    expect(warehouse(harness, "TOTE-NAT", PREVIEWED_BUNDLE).available).toBeGreaterThanOrEqual(4);
    await savePolicyDraft(PREVIEWED_BUNDLE, { document: fenceOnly, basedOnVersion: null, updatedBy: "test" });
    const started = await startPreview(PREVIEWED_BUNDLE, { source: "draft" }, { createdBy: "test" });
    const tote = (await loadPreview(PREVIEWED_BUNDLE, (started as { id: string }).id, { sku: "TOTE-NAT" }))!;
    expect(tote.drillDown!.changes.find((change) => change.kind === "protected" && change.where === "Warehouse")).toMatchObject({ before: 0, after: 4 });
  });
});
