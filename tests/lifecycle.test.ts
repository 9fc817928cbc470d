import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { jobQueue } from "~/services/jobs.server";
import { publishPolicy } from "~/services/policy.server";
import { startHarness } from "./support/harness";
import { realisticDay, TEST_POLICY } from "./support/scenarios";

const SHOP_A = "tenant-a.myshopify.com";
const SHOP_B = "tenant-b.myshopify.com";

/** Every table that has a `shop` column, from Prisma's own model list. */
const shopScopedModels = Prisma.dmmf.datamodel.models.filter((model) => model.fields.some((field) => field.name === "shop"));

async function rowsOf(shop: string) {
  const counts: Record<string, number> = {};
  for (const model of shopScopedModels) {
    const delegate = (prisma as unknown as Record<string, { count(args: unknown): Promise<number> }>)[
      model.name[0].toLowerCase() + model.name.slice(1)
    ];
    counts[model.name] = await delegate.count({ where: { shop } });
  }
  return counts;
}

describe("tenancy and lifecycle", () => {
  it("two shops in one database never see each other's rows; uninstall + shop/redact leave nothing of the shop", async () => {
    expect(shopScopedModels.length).toBeGreaterThan(10);
    const harness = startHarness({ shops: [SHOP_A, SHOP_B] });
    for (const shop of [SHOP_A, SHOP_B]) {
      await harness.install(shop);
      await harness.settle();
    }
    // Only shop A gets a policy and a day of trading.
    expect(await publishPolicy(SHOP_A, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await realisticDay(harness, SHOP_A);
    await harness.settle();

    const bBefore = await rowsOf(SHOP_B);
    expect(bBefore.PolicyVersion).toBe(0);
    expect(await prisma.policyVersion.count({ where: { shop: SHOP_A } })).toBe(1);
    // B's Shopify never received a safety_stock move: A's policy is A's alone.
    const bLevels = harness.sandbox.shop(SHOP_B).snapshot().inventoryLevels;
    expect(bLevels.every((level) => level.quantities.safety_stock === 0)).toBe(true);
    const aLevels = harness.sandbox.shop(SHOP_A).snapshot().inventoryLevels;
    expect(aLevels.some((level) => level.quantities.safety_stock > 0)).toBe(true);

    // A's merchant has a Flow workflow: Flow told the app, which keeps that until shop/redact.
    expect(await harness.sandbox.enableFlowWorkflow({ trigger: "safestock-oversell-recorded" }, SHOP_A)).toMatchObject({ ok: true, callback: { status: 200 } });
    expect(await prisma.flowTriggerUsage.count({ where: { shop: SHOP_A } })).toBe(1);

    // Uninstall: Shopify revokes the token and sends app/uninstalled; work for A stops.
    harness.sandbox.uninstall(SHOP_A);
    await harness.settle();
    const installation = await prisma.shopInstallation.findUniqueOrThrow({ where: { shop: SHOP_A } });
    expect(installation.status).toBe("uninstalled");
    expect(await prisma.session.count({ where: { shop: SHOP_A } })).toBe(0);
    expect(await jobQueue().drained(SHOP_A)).toBe(true);

    // shop/redact (48 h later in reality): nothing of A remains but its tombstone (the domain and
    // when, so that replays re-create nothing), B is untouched.
    harness.sandbox.triggerCompliance({ topic: "shop/redact" }, SHOP_A);
    await harness.settle();
    const { RedactedShop: tombstones, ...aAfter } = await rowsOf(SHOP_A);
    expect(Object.entries(aAfter).filter(([, count]) => count > 0)).toEqual([]);
    expect(tombstones).toBe(1);
    expect(await rowsOf(SHOP_B)).toEqual(bBefore);
  });
});
