/**
 * A reconciliation of a large catalog (the hourly one, or "Reconcile now") ran for minutes while the
 * Sync page only said "Reconciling (manual), started …": no sign it moved, nor, after it, when it
 * finished and what it changed. Now the page shows Shopify's bulk read counting records (as the first
 * import does on the Overview), then the items checked of the catalog with what changed so far, and
 * after the run a line with when it finished and what it changed.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loader as syncLoader } from "~/routes/app.sync";
import { runInitialSync } from "~/services/initial-sync.server";
import { reconcileShop } from "~/services/reconcile.server";
import type { SandboxShopEmulator } from "../sandbox/admin-api/emulator";
import { callLoader } from "./support/admin-routes";
import { startHarness, storeOfflineSession } from "./support/harness";

const SHOP = "long-reconcile.myshopify.com";
const VARIANTS = 700;
/** Levels given safety stock in Shopify behind Safestock's back: the drift the run must fix. */
const DRIFTED_LEVELS = 3;

describe("a long reconciliation on the Sync page", () => {
  it("shows the bulk read's records, then items checked of the catalog with what changed so far, then when it finished and what it changed", { timeout: 120_000 }, async () => {
    // 700 variants, 1,000 objects a second of the shop's clock: the bulk read spans several polls.
    const harness = startHarness({ shops: [SHOP], seed: { variants: VARIANTS, catalog: "plain", seed: 47 }, bulkObjectsPerSecond: 1000 });
    harness.sandbox.install(SHOP);
    await storeOfflineSession(harness.sandbox, SHOP);
    await prisma.shopInstallation.create({ data: { shop: SHOP } });
    await runInitialSync(SHOP, { readMode: "paged" });

    // No policy: Safestock protects nothing, so safety stock set in Shopify meanwhile is drift.
    const emulator = harness.sandbox.shop(SHOP) as SandboxShopEmulator;
    const levels = [...emulator.state.levels.values()].filter((level) => level.quantities.available >= 10 && level.quantities.safety_stock === 0).slice(0, DRIFTED_LEVELS);
    for (const level of levels) {
      level.quantities.available -= 2;
      level.quantities.safety_stock += 2;
    }

    const seen: string[] = [];
    const look = async () => {
      const page = await callLoader(harness, syncLoader, "/app/sync", SHOP);
      const running = page.data.reports.find((report: { status: string }) => report.status === "running");
      if (running) seen.push(running.progress);
    };
    // Between polls the shop's clock moves on (the read goes on) and the merchant looks at the page.
    const sleep = async (ms: number) => {
      harness.sandbox.setClock(new Date(harness.sandbox.clock.now().getTime() + ms));
      await look();
    };
    await reconcileShop(SHOP, "manual", { readMode: "bulk", bulk: { pollIntervalMs: 500, sleep }, onProgress: look });

    const reading = seen.filter((line) => line.startsWith("Shopify is reading your catalog: "));
    expect(reading.length, seen.join("\n")).toBeGreaterThanOrEqual(2);
    const records = reading.map((line) => Number(/: ([\d,]+) records so far/.exec(line)![1].replace(/,/g, "")));
    expect(records[records.length - 1]).toBeGreaterThan(records[0]);
    expect([...records].sort((a, b) => a - b)).toEqual(records);

    // Then the items, 500 a batch (CATALOG_SYNC_BATCH), of the 700 the import found, with what changed so far.
    const checking = seen.filter((line) => line.startsWith("checked "));
    expect(checking.map((line) => /^checked ([\d,]+ of [\d,]+) items/.exec(line)?.[1])).toEqual(["500 of 700", "700 of 700"]);
    expect(checking[checking.length - 1]).toMatch(/; so far \d+ drifted, \d+ fixed, 0 failed/);

    // After it: no progress line, and when it finished and what it changed.
    const after = await callLoader(harness, syncLoader, "/app/sync", SHOP);
    expect(after.data.busy).toBe(false);
    expect(after.data.lastRun).toMatch(
      new RegExp(`^Last reconciliation \\(manual\\) finished .+ E[SD]T after .+: checked 700 items \\(\\d[\\d,]* levels\\), ${DRIFTED_LEVELS} drifted, ${DRIFTED_LEVELS} fixed, 0 failed\\.$`),
    );
    for (const level of levels) expect(emulator.state.levels.get(`${level.inventoryItemId}|${level.locationId}`)!.quantities.safety_stock).toBe(0);
  });
});
