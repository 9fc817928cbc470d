/**
 * A reconciliation queued while the first import is still reading the catalog (the hourly
 * scheduler, a locations/* webhook, Flow's "Reconcile now") must not plan before the merchant's
 * own safety stock has been imported as policy v1: with no policy yet it would plan 0 protected
 * units and release what the merchant had set, and the import, reading after it, would find
 * nothing to import (found by the bad-day audit: a scheduled reconciliation ran beside a fresh
 * install's import). It waits for the import, which resumes it (app/services/pipeline-handlers.server.ts).
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { currentPolicy } from "~/models/policy.server";
import { runInitialSync } from "~/services/initial-sync.server";
import { enqueueReconcile, jobQueue } from "~/services/jobs.server";
import type { SandboxShopEmulator } from "../sandbox/admin-api/emulator";
import { startHarness, storeOfflineSession } from "./support/harness";

const SHOP = "import-first.myshopify.com";
/** What the merchant set in Shopify admin before installing Safestock, on one level. */
const MERCHANTS_SAFETY_STOCK = 5;

describe("a reconciliation queued during the first import", () => {
  it("waits for the import, so the merchant's own safety stock is imported and kept, never released", async () => {
    const harness = startHarness({ shops: [SHOP] });
    harness.sandbox.install(SHOP);
    await storeOfflineSession(harness.sandbox, SHOP);
    // The import has started (the install queued it) and is still reading the catalog.
    await prisma.shopInstallation.create({ data: { shop: SHOP, initialSync: "running" } });

    const emulator = harness.sandbox.shop(SHOP) as SandboxShopEmulator;
    const level = [...emulator.state.levels.values()].find((candidate) => candidate.quantities.available >= 10 && candidate.quantities.safety_stock === 0)!;
    level.quantities.available -= MERCHANTS_SAFETY_STOCK;
    level.quantities.safety_stock += MERCHANTS_SAFETY_STOCK;
    const key = `${level.inventoryItemId}|${level.locationId}`;
    const safetyStockNow = () => emulator.state.levels.get(key)!.quantities.safety_stock;

    await enqueueReconcile(SHOP, "scheduled");
    await harness.settle();
    // Nothing planned yet: the merchant's units are where they put them, and the job waits.
    expect(safetyStockNow()).toBe(MERCHANTS_SAFETY_STOCK);
    expect((await jobQueue().stats(SHOP)).byStatus.waiting).toBe(1);

    const result = await runInitialSync(SHOP);
    await harness.settle();
    expect(result.imported).toBeGreaterThanOrEqual(1);
    const policy = await currentPolicy(SHOP);
    expect(policy?.version).toBe(1);
    expect(JSON.stringify(policy?.document)).toContain(`"units":${MERCHANTS_SAFETY_STOCK}`);
    // The waiting reconciliation ran after the import, under v1: the units stay protected.
    expect(safetyStockNow()).toBe(MERCHANTS_SAFETY_STOCK);
    expect((await jobQueue().stats(SHOP)).byStatus.waiting).toBe(0);
    expect(await jobQueue().drained(SHOP)).toBe(true);
  });
});
