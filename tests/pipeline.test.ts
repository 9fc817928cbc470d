import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { runInitialSync } from "~/services/initial-sync.server";
import { offlineTokenKind } from "~/models/offline-session.server";
import { publishPolicy } from "~/services/policy.server";
import { driftFromModel } from "./model/shop-drift";
import { startHarness, storeOfflineSession, type Harness } from "./support/harness";
import { cancelOrder, placeOrder, realisticDay, receiveStock, TEST_MODEL_POLICY, TEST_POLICY } from "./support/scenarios";

async function installedShopWithPolicy(shop: string, options: Parameters<typeof startHarness>[0] = {}) {
  const harness = startHarness({ shops: [shop], ...options });
  await harness.install(shop);
  await harness.settle();
  const published = await publishPolicy(shop, TEST_POLICY, { createdBy: "test" });
  expect(published).toMatchObject({ ok: true });
  await harness.settle();
  return harness;
}

/** What differs from the reference model (tests/model), never from the engine. */
function driftOf(harness: Harness, shop: string) {
  return driftFromModel(harness.sandbox.shop(shop).snapshot(), TEST_MODEL_POLICY);
}

/**
 * The realistic day puts every rule of TEST_POLICY in play, so agreeing with the model means
 * something: each fact below can only come from the rule it names.
 */
function expectEveryRuleInPlay(harness: Harness, shop: string) {
  const state = harness.sandbox.shop(shop).snapshot();
  const location = new Map(state.locations.map((entry) => [entry.id, entry.name]));
  const sku = new Map(state.inventoryItems.map((item) => [item.id, item.sku]));
  const tags = new Map(state.variants.map((variant) => [variant.inventoryItemId, state.products.find((product) => product.id === variant.productId)!.tags]));
  const safetyAt = (where: string) => state.inventoryLevels.filter((level) => location.get(level.locationId) === where);
  // Display: RING-7 at Soho store withholds more than the global 1 (no other rule names Soho).
  expect(safetyAt("Soho store").find((level) => sku.get(level.inventoryItemId) === "RING-7")!.quantities.safety_stock).toBeGreaterThan(1);
  // Bestseller at the Warehouse: 2, which only the combined location + tag rule asks.
  expect(safetyAt("Warehouse").some((level) => tags.get(level.inventoryItemId)!.includes("bestseller") && level.quantities.safety_stock === 2)).toBe(true);
  const published = state.metafields.filter((entry) => entry.key === "channels").map((entry) => (JSON.parse(entry.value) as { channels: Record<string, { available: number; paused: boolean }> }).channels);
  // Wholesale: its fixed 5 where the pool reaches 15, 0 under it while the online store still sells.
  expect(published.some((channels) => channels.wholesale!.available === 5)).toBe(true);
  expect(published.some((channels) => channels.wholesale!.available === 0 && channels.online_store!.available > 0)).toBe(true);
  // Marketplace: paused below 2 somewhere, and its 50% share below the online store's number elsewhere.
  expect(published.some((channels) => channels.marketplace!.paused)).toBe(true);
  expect(published.some((channels) => channels.marketplace!.available > 0 && channels.marketplace!.available < channels.online_store!.available)).toBe(true);
}

describe("sync pipeline against the emulated shop", () => {
  it("after install the initial sync has read the catalog and published channel numbers", async () => {
    const shop = "install-sync.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    await harness.install(shop);
    await harness.settle();
    const installation = await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } });
    expect(installation.initialSync).toBe("done");
    const variants = harness.sandbox.shop(shop).snapshot().variants.length;
    expect(await prisma.catalogItem.count({ where: { shop } })).toBe(variants);
    expect(await prisma.salesChannel.findMany({ where: { shop }, select: { handle: true }, orderBy: { handle: "asc" } })).toEqual([
      { handle: "marketplace" },
      { handle: "online_store" },
      { handle: "point_of_sale" },
      { handle: "wholesale" },
    ]);
  });

  it("a realistic day converges: every safety_stock, available and channel metafield equals the reference model", async () => {
    const shop = "realistic-day.myshopify.com";
    const harness = await installedShopWithPolicy(shop);
    expect(driftOf(harness, shop)).toEqual([]);
    await realisticDay(harness, shop);
    await harness.settle();
    expect(driftOf(harness, shop)).toEqual([]);
    // The policy did protect something, so the test is not vacuous.
    const protectedUnits = harness.sandbox
      .shop(shop)
      .snapshot()
      .inventoryLevels.reduce((sum, level) => sum + level.quantities.safety_stock, 0);
    expect(protectedUnits).toBeGreaterThan(0);
    expectEveryRuleInPlay(harness, shop);
    // Every write is audited with Shopify's request id, the rule version and a reason.
    const writes = await prisma.auditEntry.findMany({ where: { shop, subject: { in: ["safety_stock", "channel_ats"] } } });
    expect(writes.length).toBeGreaterThan(0);
    for (const entry of writes) {
      expect(entry.requestId).toMatch(/^sandbox-/);
      expect(entry.reason).not.toBe("");
    }
    expect(writes.some((entry) => entry.subject === "safety_stock" && entry.ruleVersion === 1)).toBe(true);
  });
});

describe("reading a large catalog", () => {
  it("a bulk operation read lands exactly the state paged reads land", async () => {
    const paged = "catalog-paged.myshopify.com";
    const bulk = "catalog-bulk.myshopify.com";
    const harness = startHarness({ shops: [paged, bulk] });
    for (const shop of [paged, bulk]) {
      harness.sandbox.install(shop);
      await storeOfflineSession(harness.sandbox, shop);
      await prisma.shopInstallation.create({ data: { shop } });
    }
    const noWait = { sleep: async () => {} };
    const viaPages = await runInitialSync(paged, { readMode: "paged" });
    const viaBulk = await runInitialSync(bulk, { readMode: "bulk", bulk: noWait });
    expect(viaPages.readMode).toBe("paged");
    expect(viaBulk.readMode).toBe("bulk");
    expect(viaBulk.items).toBe(viaPages.items);
    expect(viaBulk.levelsChecked).toBe(viaPages.levelsChecked);
    const statesOf = async (shop: string) =>
      (await prisma.channelState.findMany({ where: { shop }, orderBy: [{ inventoryItemId: "asc" }, { channel: "asc" }] })).map(
        ({ inventoryItemId, channel, available, paused }) => ({ inventoryItemId, channel, available, paused }),
      );
    expect(await statesOf(bulk)).toEqual(await statesOf(paged));
    expect((await statesOf(bulk)).length).toBeGreaterThan(0);
  });
});

// From 2027-01-01 Shopify refuses Admin API calls made with a public app's non-expiring offline
// token (shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens),
// and so does the emulator: the suite must keep passing on and after that date.
describe("after 2027-01-01, when non-expiring offline tokens are refused", () => {
  const NEW_YEAR = "2027-01-02T09:00:00.000Z";

  it("a shop installed on 2027-01-02 syncs, and orders, a receipt and a cancellation converge to the reference model", async () => {
    const shop = "new-year-pipeline.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    harness.sandbox.setClock(NEW_YEAR);
    await harness.install(shop);
    await harness.settle();
    expect(await offlineTokenKind(shop)).toMatchObject({ kind: "expiring" });
    expect(await publishPolicy(shop, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const web = await placeOrder(harness, shop, "RING-7", 2, "web");
    await placeOrder(harness, shop, "NECK-16", 1, "marketplace");
    await receiveStock(harness, shop, "RING-6", "Warehouse", 5);
    await cancelOrder(harness, shop, web!);
    await harness.settle();

    expect(driftFromModel(harness.sandbox.shop(shop).snapshot(), TEST_MODEL_POLICY)).toEqual([]);
    const installation = await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } });
    expect(installation.accessLostAt).toBeNull();
    expect((await prisma.auditEntry.count({ where: { shop, subject: "safety_stock" } })) > 0).toBe(true);
  });

  it("a service driven directly on the harness's stored offline session reads the catalog on 2027-01-02", async () => {
    const shop = "new-year-direct.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    harness.sandbox.setClock(NEW_YEAR);
    harness.sandbox.install(shop);
    await storeOfflineSession(harness.sandbox, shop);
    await prisma.shopInstallation.create({ data: { shop } });
    expect(await offlineTokenKind(shop)).toMatchObject({ kind: "expiring" });
    const sync = await runInitialSync(shop, { readMode: "paged" });
    expect(sync.items).toBe(harness.sandbox.shop(shop).snapshot().variants.length);
  });
});
