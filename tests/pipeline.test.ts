import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { publishPolicy } from "~/services/policy.server";
import { differencesFromPlan, expectedPlan } from "./support/expected";
import { startHarness, type Harness } from "./support/harness";
import { realisticDay, TEST_POLICY } from "./support/scenarios";

async function installedShopWithPolicy(shop: string, options: Parameters<typeof startHarness>[0] = {}) {
  const harness = startHarness({ shops: [shop], ...options });
  await harness.install(shop);
  await harness.settle();
  const published = await publishPolicy(shop, TEST_POLICY, { createdBy: "test" });
  expect(published).toMatchObject({ ok: true });
  await harness.settle();
  return harness;
}

function driftOf(harness: Harness, shop: string) {
  const state = harness.sandbox.shop(shop).snapshot();
  return differencesFromPlan(state, expectedPlan(state, TEST_POLICY, new Date()));
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

  it("a realistic day converges: every safety_stock, available and channel metafield equals the engine's plan", async () => {
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
  });
});
