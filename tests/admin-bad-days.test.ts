/**
 * What a merchant sees on Shopify's bad days (SHOPIFY-FACTS.md: slow bulk reads, expiring tokens): the emulated shop behind msw,
 * the admin pages' loaders as the embedded app calls them.
 */
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loader as overviewLoader } from "~/routes/app._index";
import { loader as syncLoader } from "~/routes/app.sync";
import { loader as webhooksLoader } from "~/routes/app.webhooks";
import { runInitialSync } from "~/services/initial-sync.server";
import { jobQueue } from "~/services/jobs.server";
import { WriteStillTransientError } from "~/services/write-retries.server";
import { SANDBOX_SHOP_DOMAIN } from "../sandbox";
import { callLoader } from "./support/admin-routes";
import { startHarness, storeOfflineSession } from "./support/harness";

const SHOP = "bad-days.myshopify.com";

describe("a long bulk read during the first import", () => {
  it("the Overview says the catalog is being read (then read again for the first plan) and how far, not one frozen line for minutes", { timeout: 120_000 }, async () => {
    // 1,200 variants (above the 1,000 that switch to a bulk read), 1,000 objects a second of the
    // shop's clock: ~6,000 objects, so the read spans several polls.
    const harness = startHarness({ shops: [SHOP], seed: { variants: 1200, catalog: "plain", seed: 47 }, bulkObjectsPerSecond: 1000 });
    harness.sandbox.install(SHOP);
    await storeOfflineSession(harness.sandbox, SHOP);
    await prisma.shopInstallation.create({ data: { shop: SHOP } });

    // Notes the merchant reads on the Overview while each bulk operation runs, by operation: the
    // first reads the catalog, the second is the first plan's reconciliation reading it again.
    const notesByRead = new Map<string, string[]>();
    let running: string | null = null;
    // Between polls the shop's clock moves on (the read goes on) and the merchant looks at the Overview.
    const sleep = async (ms: number) => {
      harness.sandbox.setClock(new Date(harness.sandbox.clock.now().getTime() + ms));
      if (!running) return;
      const overview = await callLoader(harness, overviewLoader, "/app", SHOP);
      notesByRead.set(running, [...(notesByRead.get(running) ?? []), overview.data.installation.initialSyncNote]);
    };
    const result = await runInitialSync(SHOP, {
      readMode: "bulk",
      bulk: { pollIntervalMs: 500, sleep, onPoll: (operation) => void (running = operation.status === "RUNNING" || operation.status === "CREATED" ? operation.id : null) },
    });
    expect(result.readMode).toBe("bulk");

    const [catalogRead, planRead] = [...notesByRead.values()];
    const expectProgress = (notes: string[] | undefined, prefix: string) => {
      expect(notes?.length ?? 0, prefix).toBeGreaterThanOrEqual(2);
      for (const note of notes!) expect(note.startsWith(`${prefix}: `), note).toBe(true);
      for (const note of notes!) expect(note).toMatch(/: [\d,]+ records so far$/);
      const counts = notes!.map((note) => Number(/: ([\d,]+) records so far$/.exec(note)![1].replace(/,/g, "")));
      // The count moves: the merchant sees the read progress, never go back.
      expect(counts[counts.length - 1]).toBeGreaterThan(counts[0]);
      expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    };
    expectProgress(catalogRead, "Shopify is reading your catalog");
    expectProgress(planRead, "Publishing the first plan: Shopify is reading your catalog again");
    // And when it is over, the outcome, not a late progress note.
    const after = await callLoader(harness, overviewLoader, "/app", SHOP);
    expect(after.data.installation).toMatchObject({ initialSync: "done", initialSyncNote: expect.stringMatching(/^Checked \d+ levels/) });
  });
});

describe("a job that died of Shopify's transient failures", () => {
  it("Failed jobs says what the job did and what happened in plain words; the raw error is only a detail for support", async () => {
    const harness = startHarness();
    await harness.install();
    await harness.settle();
    // A recompute that met "try again" on every send of every attempt (docs/decisions/027), made
    // dead through the queue itself with the error the write path throws.
    const queue = jobQueue();
    const item = "gid://shopify/InventoryItem/1";
    await queue.enqueue({ shop: SANDBOX_SHOP_DOMAIN, queue: "recompute", key: item, payload: { inventoryItemIds: [item] }, maxAttempts: 1 });
    const [leased] = await queue.lease({ limit: 1, visibilityTimeoutMs: 30_000, queues: ["recompute"], shop: SANDBOX_SHOP_DOMAIN });
    const error = new WriteStillTransientError("inventoryMoveQuantities", "SERVICE_UNAVAILABLE: The service is temporarily unavailable. Try again later.");
    expect(await queue.fail(leased!, error, { retryable: true })).toMatchObject({ kind: "dead" });

    const page = await callLoader(harness, syncLoader, "/app/sync");
    expect(page.status).toBe(200);
    expect(page.data.deadJobs).toHaveLength(1);
    const [dead] = page.data.deadJobs;
    // What the merchant reads first: no queue name, item id, error class or Shopify code.
    expect(dead.work).toBe("Update one item's protected units and channel numbers");
    expect(dead.problem).toMatch(/^Shopify kept answering “try again later”.*Retry sends the same change again/);
    for (const shown of [dead.work, dead.problem]) expect(shown).not.toMatch(/gid:|recompute|Error\b|SERVICE_UNAVAILABLE|idempotency|intent/);
    // Support still gets the first line of the error.
    expect(dead.error).toMatch(/^WriteStillTransientError: inventoryMoveQuantities still failing/);
  });
});

describe("a webhook Shopify delivered late", () => {
  it("Webhook deliveries writes its times as the other pages do, to the second, in the shop's time zone, with how long it took to arrive", async () => {
    const harness = startHarness();
    await harness.install();
    await harness.settle();
    // Shopify triggered it at 17:54:54.594 and it arrived 26.794 s later (a delivery from the tail).
    await prisma.webhookDelivery.create({
      data: {
        shop: SANDBOX_SHOP_DOMAIN,
        topic: "orders/create",
        webhookId: "late-delivery",
        eventId: "late-event",
        triggeredAt: new Date("2030-01-01T17:54:54.594Z"),
        receivedAt: new Date("2030-01-01T17:55:21.388Z"),
        body: "{}",
        status: "processed",
      },
    });

    const page = await callLoader(harness, webhooksLoader, "/app/webhooks");
    expect(page.status).toBe(200);
    const [late] = page.data.deliveries;
    // The sandbox shop is in America/New_York (Shop.ianaTimezone), on EST (UTC−5) in January:
    // 17:54:54 UTC is 12:54:54 PM there.
    expect(late).toMatchObject({
      topic: "orders/create",
      triggeredAt: "Jan 1, 2030, 12:54:54 PM EST",
      receivedAt: "Jan 1, 2030, 12:55:21 PM EST",
      // 26.794 s, written as every duration in the app is (whole seconds from 10 s up).
      arrivedAfter: "27 s",
    });
  });
});
