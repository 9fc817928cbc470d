/**
 * Preview over a large catalog runs as a job on the durable queue: started from the page, the
 * worker that leased it dies, a restarted worker takes it over, and the page shows the finished
 * preview with the same numbers. Expected figures from the sandbox seed (sandbox/shop/README.md):
 * RING-7 has 8 on hand at the Warehouse and nothing committed, so raising its floor there from 1
 * to 4 moves 3 units into protection on that one level.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/handlers.server";
import { createWorker } from "~/jobs/worker.server";
import { loader as previewLoader } from "~/routes/app.preview";
import { action as rulesAction } from "~/routes/app.rules";
import { jobQueue } from "~/services/jobs.server";
import { PREVIEW_QUEUE, startPreview } from "~/services/policy-preview.server";
import { publishPolicy } from "~/services/policy.server";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";

let harness: Harness;
const quiet = { info() {}, warn() {}, error() {} };

beforeAll(async () => {
  harness = startHarness();
  await harness.install();
  await harness.settle();
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

const BASE = { version: 1, protection: [{ kind: "safety_stock", units: 1 }], channels: [] };
const WITH_EXCEPTION = { ...BASE, protection: [...BASE.protection, { kind: "safety_stock", units: 4, sku: "RING-7", location: "Warehouse" }] };

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
    const restarted = createWorker({ queue: jobQueue(), handlers: jobHandlers(), logger: quiet, pollIntervalMs: 5 });
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
