/**
 * What a merchant sees on Shopify's bad days (SHOPIFY-FACTS.md: slow bulk reads, expiring tokens): the emulated shop behind msw,
 * the admin pages' loaders as the embedded app calls them.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loader as overviewLoader } from "~/routes/app._index";
import { runInitialSync } from "~/services/initial-sync.server";
import { callLoader } from "./support/admin-routes";
import { startHarness, storeOfflineSession } from "./support/harness";

const SHOP = "bad-days.myshopify.com";

describe("a long bulk read during the first import", () => {
  it("the Overview says the catalog is being read and how far, not 'Reading locations and sales channels'", { timeout: 120_000 }, async () => {
    // 1,200 variants (above the 1,000 that switch to a bulk read), 1,000 objects a second of the
    // shop's clock: ~6,000 objects, so the read spans several polls.
    const harness = startHarness({ shops: [SHOP], seed: { variants: 1200, catalog: "plain", seed: 47 }, bulkObjectsPerSecond: 1000 });
    harness.sandbox.install(SHOP);
    await storeOfflineSession(harness.sandbox, SHOP);
    await prisma.shopInstallation.create({ data: { shop: SHOP } });

    const notesWhileReading: string[] = [];
    // The first bulk operation reads the catalog; the first plan's reconciliation reads it again after.
    let catalogReadId: string | null = null;
    let bulkRunning = false;
    // Between polls the shop's clock moves on (the read goes on) and the merchant looks at the Overview.
    const sleep = async (ms: number) => {
      harness.sandbox.setClock(new Date(harness.sandbox.clock.now().getTime() + ms));
      if (!bulkRunning) return;
      const overview = await callLoader(harness, overviewLoader, "/app", SHOP);
      notesWhileReading.push(overview.data.installation.initialSyncNote);
    };
    await runInitialSync(SHOP, {
      readMode: "bulk",
      bulk: { pollIntervalMs: 500, sleep, onPoll: (operation) => {
        catalogReadId ??= operation.id;
        bulkRunning = operation.id === catalogReadId && (operation.status === "RUNNING" || operation.status === "CREATED");
      } },
    });

    expect(notesWhileReading.length).toBeGreaterThanOrEqual(2);
    for (const note of notesWhileReading) expect(note).toMatch(/^Shopify is reading your catalog: [\d,]+ records so far$/);
    const counts = notesWhileReading.map((note) => Number(/: ([\d,]+) records/.exec(note)![1].replace(/,/g, "")));
    // The count moves: the merchant sees the read progress, never go back.
    expect(counts[counts.length - 1]).toBeGreaterThan(counts[0]);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
  });
});
