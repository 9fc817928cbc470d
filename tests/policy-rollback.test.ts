import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { jobQueue } from "~/services/jobs.server";
import { exportPolicy, publishPolicy, rollbackPolicy } from "~/services/policy.server";

const SHOP = "rollback.myshopify.com";

beforeAll(async () => {
  await prisma.catalogLocation.createMany({
    data: [
      { shop: SHOP, locationId: "gid://shopify/Location/1", name: "Soho" },
      { shop: SHOP, locationId: "gid://shopify/Location/2", name: "Warehouse" },
    ],
  });
  await prisma.salesChannel.create({ data: { shop: SHOP, publicationId: "gid://shopify/Publication/1", handle: "online_store", name: "Online Store" } });
  await prisma.catalogItem.create({
    data: { shop: SHOP, inventoryItemId: "gid://shopify/InventoryItem/1", variantId: "gid://shopify/ProductVariant/1", productId: "gid://shopify/Product/1", sku: "RING-7", productTitle: "Ring", variantTitle: "7" },
  });
});

describe("policy rollback", () => {
  it("republishes an earlier version as a new version and applies it", async () => {
    const first = { version: 1, protection: [{ kind: "safety_stock", units: 2 }], channels: [] };
    const second = { version: 1, protection: [{ kind: "safety_stock", units: 5, location: "Warehouse" }], channels: [] };
    expect(await publishPolicy(SHOP, first, { createdBy: "a@example.com" })).toEqual({ ok: true, version: 1 });
    expect(await publishPolicy(SHOP, second, { createdBy: "a@example.com" })).toEqual({ ok: true, version: 2 });

    expect(await rollbackPolicy(SHOP, 1, { createdBy: "b@example.com" })).toEqual({ ok: true, version: 3 });
    expect(await exportPolicy(SHOP)).toEqual({ version: 3, document: first });
    const stored = await prisma.policyVersion.findUniqueOrThrow({ where: { shop_version: { shop: SHOP, version: 3 } } });
    expect(stored).toMatchObject({ createdBy: "b@example.com", note: "Rollback to v1" });
    expect(await prisma.auditEntry.findFirst({ where: { shop: SHOP, ruleVersion: 3 } })).toMatchObject({ reason: "Published policy v3: Rollback to v1", actor: "merchant" });
    expect((await jobQueue().stats(SHOP)).byQueue.reconcile?.pending).toBe(1);
  });

  it("refuses a version that does not exist or no longer fits the catalog, changing nothing", async () => {
    expect(await rollbackPolicy(SHOP, 99, { createdBy: "b@example.com" })).toEqual({ ok: false, problems: [{ path: "version", message: "v99 does not exist" }] });
    // What the route hands on for a form field of "abc", "-1" or "1e99".
    for (const garbage of [Number("abc"), -1, 1e99]) {
      expect(await rollbackPolicy(SHOP, garbage, { createdBy: "b@example.com" })).toEqual({ ok: false, problems: [{ path: "version", message: "must be a version number (1, 2, …)" }] });
    }
    // v2 names Warehouse; the location is gone now.
    await prisma.catalogLocation.deleteMany({ where: { shop: SHOP, name: "Warehouse" } });
    const refused = await rollbackPolicy(SHOP, 2, { createdBy: "b@example.com" });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.problems.map((problem) => problem.path)).toEqual(["protection[0].location"]);
    expect((await exportPolicy(SHOP))?.version).toBe(3);
  });
});
