/**
 * The "Oversell or near miss recorded" Flow trigger survives a crash between recording the oversold
 * line and queueing its trigger (docs/decisions/035-shopify-flow.md): the exposure row is the
 * trigger's outbox, owed until queued, and the scheduler queues what is owed once the live path has
 * had its minute. The crash is injected at the queue: the flow-trigger enqueue never happens (the
 * process stops there), every other job is queued as usual. Exactly one trigger reaches Flow.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import type { NewJob } from "~/jobs/queue.server";
import { jobQueue } from "~/services/jobs.server";
import { runScheduledWork } from "~/services/scheduler.server";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { startHarness, type Harness } from "./support/harness";

const harness: Harness = startHarness();
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));
beforeAll(async () => {
  await harness.install();
  await harness.settle();
  expect(await harness.sandbox.enableFlowWorkflow({ trigger: "safestock-oversell-recorded" })).toMatchObject({ ok: true });
});
afterEach(() => vi.restoreAllMocks());

const oversellRuns = () => harness.sandbox.flowTriggerRuns().filter((run) => run.handle === "safestock-oversell-recorded");

describe("the oversell Flow trigger's outbox", () => {
  it("a crash between the record and the enqueue still sends exactly one trigger once the scheduler runs", async () => {
    // A web order 2 units over what the Warehouse (the one location that fulfils online orders)
    // holds, available + safety_stock, taken as a marketplace connector would (ignoring the policy).
    const snapshot = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot();
    const warehouse = snapshot.locations.find((location) => location.name === "Warehouse")!;
    const level = snapshot.inventoryLevels.find((entry) => entry.isActive && entry.locationId === warehouse.id && entry.quantities.available > 0)!;
    const variant = snapshot.variants.find((entry) => entry.inventoryItemId === level.inventoryItemId)!;
    const quantity = level.quantities.available + level.quantities.safety_stock + 2;

    const queue = jobQueue();
    const enqueueMany = queue.enqueueMany.bind(queue);
    let crashes = 0;
    vi.spyOn(queue, "enqueueMany").mockImplementation(async (jobs: readonly NewJob[]) => {
      if (jobs.some((job) => job.queue === "flow-trigger")) {
        crashes++;
        throw new Error("process stopped before the Flow trigger was queued");
      }
      return enqueueMany(jobs);
    });
    const placed = await harness.sandbox.placeOrder({ lineItems: [{ variantId: variant.id, quantity }], sourceName: "web", options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } });
    expect(placed.status).toBe(200);
    const orderId = (placed.body as { data: { orderCreate: { order: { id: string } } } }).data.orderCreate.order.id;
    await harness.settle();
    vi.restoreAllMocks();

    expect(crashes).toBe(1);
    expect(oversellRuns()).toEqual([]);
    const recorded = await prisma.orderExposure.findMany({ where: { shop: SANDBOX_SHOP_DOMAIN, orderId } });
    expect(recorded.map((row) => [row.oversoldUnits, row.flowTriggerQueuedAt])).toEqual([[2, null]]);

    // Within the live path's minute the scheduler leaves it alone; after it, the trigger is queued once.
    expect((await runScheduledWork(new Date())).owedFlowTriggers).toBe(0);
    const later = new Date(Date.now() + 2 * 60_000);
    expect((await runScheduledWork(later)).owedFlowTriggers).toBe(1);
    await harness.settle();
    const expected = [{ Kind: "oversell", SKU: variant.sku, "Channel handle": "online_store", "Order ID": orderId, Quantity: quantity, "Units oversold": 2 }];
    expect(oversellRuns().map((run) => run.payload)).toEqual(expected);

    // Nothing is owed any more: the next runs send nothing.
    expect((await runScheduledWork(new Date(later.getTime() + 60_000))).owedFlowTriggers).toBe(0);
    await harness.settle();
    expect(oversellRuns().map((run) => run.payload)).toEqual(expected);
  });
});
