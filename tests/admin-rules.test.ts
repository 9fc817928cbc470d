/**
 * Rules editor → preview → publish → rollback through the page routes (loaders and actions,
 * authenticated by the library), with the emulated shop behind msw. Expected numbers come from
 * the sandbox's seed (sandbox/shop/README.md): RING-7 has 8 / 3 / 1 on hand at
 * Warehouse / Soho store / Brooklyn store and nothing committed.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { jobHandlers } from "~/services/job-handlers.server";
import { createWorker } from "~/jobs/worker.server";
import { loader as catalogSearch } from "~/routes/app.catalog-search";
import { action as previewAction, loader as previewLoader } from "~/routes/app.preview";
import { action as rulesAction, loader as rulesLoader } from "~/routes/app.rules";
import { jobQueue } from "~/services/jobs.server";
import { PREVIEW_QUEUE, startPreview } from "~/services/policy-preview.server";
import { publishPolicy } from "~/services/policy.server";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";

let harness: Harness;

function safetyStockOf(sku: string, locationName: string): number {
  const state = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot();
  const variant = state.variants.find((entry) => entry.sku === sku)!;
  const location = state.locations.find((entry) => entry.name === locationName)!;
  return state.inventoryLevels.find((level) => level.inventoryItemId === variant.inventoryItemId && level.locationId === location.id)!.quantities.safety_stock;
}

beforeAll(async () => {
  harness = startHarness();
  await harness.install();
  await harness.settle();
});
// The test setup resets msw after each test: the emulated shop answers again in every test.
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

const BASE = { version: 1, protection: [{ kind: "safety_stock", units: 1 }], channels: [] };
const WITH_EXCEPTION = { ...BASE, protection: [...BASE.protection, { kind: "safety_stock", units: 4, sku: "RING-7", location: "Warehouse" }] };

describe("rules editor routes", () => {
  it("shows the version in force when there is no draft, and lists the shop's locations and channels", async () => {
    const page = await callLoader(harness, rulesLoader, "/app/rules");
    expect(page.status).toBe(200);
    expect(page.data.draft).toBeNull();
    expect(page.data.document).toEqual({ version: 1, protection: [], channels: [] });
    expect(page.data.locations).toEqual(["Brooklyn store", "Soho store", "Warehouse"]);
    expect(page.data.channels.map((channel: { handle: string }) => channel.handle).sort()).toEqual(["marketplace", "online_store", "point_of_sale", "wholesale"]);
  });

  it("searches the catalog as the merchant types", async () => {
    expect((await callLoader(harness, catalogSearch, "/app/catalog-search?kind=sku&q=RING")).data.matches).toEqual(["RING-6", "RING-7", "RING-8"]);
    expect((await callLoader(harness, catalogSearch, "/app/catalog-search?kind=tag&q=best")).data.matches).toEqual(["bestseller"]);
    expect((await callLoader(harness, catalogSearch, "/app/catalog-search?kind=product&q=Mug")).data.matches).toEqual(["Ceramic Mug"]);
    expect((await callLoader(harness, catalogSearch, "/app/catalog-search?kind=nope&q=x")).status).toBe(400);
  });

  it("saves a draft with the engine's problems, keeps it across reloads and refuses to preview it", async () => {
    const invalid = { ...BASE, protection: [{ kind: "safety_stock", units: -1 }, { kind: "safety_stock", units: 2, sku: "NOPE-1" }] };
    const saved = await callAction(harness, rulesAction, "/app/rules", { intent: "save", document: JSON.stringify(invalid) });
    expect(saved.status).toBe(200);
    expect(saved.data.problems).toEqual([
      { path: "protection[0].units", message: "must not be negative, got -1" },
      { path: "protection[1].sku", message: 'unknown SKU "NOPE-1"' },
    ]);
    const reloaded = await callLoader(harness, rulesLoader, "/app/rules");
    expect(reloaded.data.document).toEqual(invalid);
    expect(reloaded.data.problems).toHaveLength(2);
    const refused = await callAction(harness, rulesAction, "/app/rules", { intent: "preview", document: JSON.stringify(invalid) });
    expect(refused.status).toBe(422);
    expect(await prisma.policyPreview.count()).toBe(0);
  });

  it("previews a draft over the whole catalog, publishes it, and rolls back after the same preview", { timeout: 40_000 }, async () => {
    // First version: 1 unit everywhere.
    const first = await callAction(harness, rulesAction, "/app/rules", { intent: "preview", document: JSON.stringify(BASE) });
    expect(first.status).toBe(302);
    const firstId = new URL(first.location!, "http://x").searchParams.get("id")!;
    expect((await callAction(harness, previewAction, `/app/preview?id=${firstId}`, { id: firstId })).data).toMatchObject({ ok: true, version: 1 });
    await harness.settle();
    expect(safetyStockOf("RING-7", "Warehouse")).toBe(1);
    expect((await callLoader(harness, rulesLoader, "/app/rules")).data.draft).toBeNull();

    // The merchant adds a SKU exception: RING-7 at Warehouse keeps 4 instead of 1.
    const started = await callAction(harness, rulesAction, "/app/rules", { intent: "preview", document: JSON.stringify(WITH_EXCEPTION) });
    const id = new URL(started.location!, "http://x").searchParams.get("id")!;
    const preview = await callLoader(harness, previewLoader, `/app/preview?id=${id}&sku=RING-7`);
    expect(preview.data.status).toBe("done");
    expect(preview.data.processed).toBe(preview.data.total);
    // Only one level changes, by 3 units; channels drawing from Warehouse lose them.
    expect(preview.data.summary).toMatchObject({ levelsChanged: 1, unitsIntoProtection: 3, unitsOutOfProtection: 0 });
    const level = preview.data.summary.biggest.find((change: { kind: string }) => change.kind === "protected");
    expect(level).toMatchObject({ sku: "RING-7", where: "Warehouse", before: 1, after: 4 });
    expect(level.reasonsAfter).toEqual(["4 safety stock for SKU RING-7 at Warehouse"]);
    // No channel rules: online channels share the Warehouse pool (the stores do not fulfil online
    // orders), 8 − 1 = 7 before, 3 fewer after; POS counts every store, (8 + 3 + 1) − 3 × 1 = 9 before.
    const channels = preview.data.summary.biggest.filter((change: { kind: string }) => change.kind === "channel");
    expect(channels.map((change: { where: string; before: number; after: number }) => [change.where, change.before, change.after]).sort()).toEqual([
      ["marketplace", 7, 4],
      ["online_store", 7, 4],
      ["point_of_sale", 9, 6],
      ["wholesale", 7, 4],
    ]);
    expect(preview.data.summary.channelNumbersChanged).toBe(4);
    const drill = preview.data.drillDown;
    expect(drill.found).toBe(true);
    expect(drill.changes.find((change: { where: string }) => change.where === "Soho store")).toMatchObject({ before: 1, after: 1 });
    // Nothing was written yet.
    expect(safetyStockOf("RING-7", "Warehouse")).toBe(1);

    const published = await callAction(harness, previewAction, `/app/preview?id=${id}`, { id, note: "RING-7 floor" });
    expect(published.data).toMatchObject({ ok: true, version: 2 });
    await harness.settle();
    expect(safetyStockOf("RING-7", "Warehouse")).toBe(4);
    // Publishing the same preview twice is refused: v2 is in force now.
    expect((await callAction(harness, previewAction, `/app/preview?id=${id}`, { id })).status).toBe(422);

    // Rollback to v1: the same preview first (3 units back on sale), then publish.
    const rollback = await callAction(harness, previewAction, "/app/preview", { intent: "rollback", version: "1" });
    expect(rollback.status).toBe(302);
    const rollbackId = new URL(rollback.location!, "http://x").searchParams.get("id")!;
    const rollbackPreview = await callLoader(harness, previewLoader, `/app/preview?id=${rollbackId}`);
    expect(rollbackPreview.data).toMatchObject({ source: "rollback", version: 1, status: "done" });
    expect(rollbackPreview.data.summary).toMatchObject({ levelsChanged: 1, unitsIntoProtection: 0, unitsOutOfProtection: 3 });
    expect((await callAction(harness, previewAction, `/app/preview?id=${rollbackId}`, { id: rollbackId })).data).toMatchObject({ ok: true, version: 3 });
    await harness.settle();
    expect(safetyStockOf("RING-7", "Warehouse")).toBe(1);
  });

  it("refuses a preview that does not exist and a rollback to a missing version", async () => {
    expect((await callLoader(harness, previewLoader, "/app/preview?id=nope")).status).toBe(404);
    const refused = await callAction(harness, previewAction, "/app/preview", { intent: "rollback", version: "99" });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([{ path: "version", message: "v99 does not exist" }]);
  });
});

// A large catalog's Preview is a job on the durable queue: started from the page, the worker that
// leased it dies, a restarted worker takes it over, and the page shows the same numbers (RING-7's
// floor at the Warehouse from 1 to 4: 3 units into protection on that one level).
describe("Preview on the durable queue", () => {
  it("a preview started, its worker gone, a restarted worker finishes it", { timeout: 60_000 }, async () => {
    expect(await publishPolicy(SANDBOX_SHOP_DOMAIN, BASE, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect((await callAction(harness, rulesAction, "/app/rules", { intent: "save", document: JSON.stringify(WITH_EXCEPTION) })).status).toBe(200);

    // Queued even for this small catalog, as a large one would be.
    const started = await startPreview(SANDBOX_SHOP_DOMAIN, { source: "draft" }, { createdBy: "test", inlineUpTo: 0 });
    expect(started).toMatchObject({ ok: true, queued: true });
    const id = started.ok ? started.id : "";
    const running = await callLoader(harness, previewLoader, `/app/preview?id=${id}`);
    expect(running.data).toMatchObject({ status: "running", processed: 0, summary: null });
    expect(running.data.total).toBeGreaterThan(0);

    // A worker leases the job and its process dies: no completion, the lease runs out.
    const [leased] = await jobQueue().lease({ queues: [PREVIEW_QUEUE], limit: 1, visibilityTimeoutMs: 100 });
    expect(leased).toMatchObject({ shop: SANDBOX_SHOP_DOMAIN, queue: PREVIEW_QUEUE, payload: { previewId: id } });
    expect((await callLoader(harness, previewLoader, `/app/preview?id=${id}`)).data.status).toBe("running");

    // The worker restarts (a new one, from the same registry) and takes the job over.
    const restarted = createWorker({ queue: jobQueue(), handlers: jobHandlers(), logger: { info() {}, warn() {}, error() {} }, pollIntervalMs: 5 });
    await expect
      .poll(
        async () => {
          await restarted.runUntilIdle({ shop: SANDBOX_SHOP_DOMAIN });
          return (await callLoader(harness, previewLoader, `/app/preview?id=${id}`)).data.status;
        },
        { timeout: 30_000, interval: 50 },
      )
      .toBe("done");

    const done = await callLoader(harness, previewLoader, `/app/preview?id=${id}`);
    expect(done.data.processed).toBe(done.data.total);
    expect(done.data.summary).toMatchObject({ levelsChanged: 1, unitsIntoProtection: 3, unitsOutOfProtection: 0 });
    expect(done.data.summary.biggest.find((change: { kind: string }) => change.kind === "protected")).toMatchObject({ sku: "RING-7", where: "Warehouse", before: 1, after: 4 });
    expect(await jobQueue().drained(SANDBOX_SHOP_DOMAIN)).toBe(true);
  });
});
