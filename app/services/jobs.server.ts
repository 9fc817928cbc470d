import { batchWindowMs, env, type Env } from "~/env.server";
import type { JobQueue } from "~/jobs/queue.server";

let provide: (() => JobQueue) | undefined;
let queue: JobQueue | undefined;

/** How the process's queue is built: the composition root (app/composition.server.ts) installs it. */
export function provideJobQueue(factory: () => JobQueue) {
  provide = factory;
  queue = undefined;
}

/**
 * The process's queue: the embedded SQLite adapter, or BullMQ with QUEUE=bullmq (docs/scale-out.md),
 * built on first use by the composition root's factory (docs/decisions/023).
 */
export function jobQueue(): JobQueue {
  if (queue) return queue;
  if (!provide) throw new Error("jobQueue: not composed yet (call compose() from app/composition.server.ts first)");
  queue = provide();
  return queue;
}

/** Tests swap in a queue with a fast backoff; production never calls this. */
export function useJobQueue(replacement: JobQueue | undefined) {
  queue = replacement;
}

type WindowConfig = Pick<Env, "NODE_ENV" | "RECOMPUTE_WINDOW_MS" | "WEBHOOK_WINDOW_MS">;
let windows: WindowConfig | undefined;

/** Tests set the batching windows directly; otherwise they come from the configuration (app/env.server.ts). */
export function useBatchWindows(config: WindowConfig | undefined) {
  windows = config;
}

/** What asked for a reconciliation: its report says so, and the `reconcile` handler reads it (pipeline-handlers.server.ts). */
export type ReconcileTrigger = "scheduled" | "manual" | "policy" | "health" | "location";

/** One waiting reconciliation per shop (key `reconcile`): a request while one waits merges into it. */
export async function enqueueReconcile(shop: string, trigger: ReconcileTrigger) {
  return jobQueue().enqueue({ shop, queue: "reconcile", payload: { trigger }, key: "reconcile" });
}

/** One waiting initial import per shop (key `initial-sync`). */
export async function enqueueInitialSync(shop: string) {
  return jobQueue().enqueue({ shop, queue: "initial-sync", payload: {}, key: "initial-sync" });
}

/**
 * How long a recompute waits after the first change of its item: changes arriving meanwhile
 * (the item's, merged into its pending job by key, and other items', leased with it as one batch)
 * cost one read and one write instead of one each. The worker is woken when the window ends
 * (before, its 1-s poll was the window, by accident). `RECOMPUTE_WINDOW_MS`; 0 under tests, whose
 * worker runs due jobs only.
 */
export function recomputeWindowMs(config: WindowConfig = windows ?? env()): number {
  return batchWindowMs(config.RECOMPUTE_WINDOW_MS, config, 1_000);
}

/**
 * How long a recorded webhook delivery waits before the worker processes it: deliveries arriving
 * meanwhile are processed as one batch (one read of the deliveries, of the catalog rows and levels
 * their orders name, one write of their sales and exposures, one enqueue), instead of a batch of
 * one per delivery when the worker wakes on every enqueue. It adds at most this much to the time
 * before a change is recomputed. `WEBHOOK_WINDOW_MS`; 0 under tests.
 */
export function webhookWindowMs(config: WindowConfig = windows ?? env()): number {
  return batchWindowMs(config.WEBHOOK_WINDOW_MS, config, 200);
}

/**
 * Due at the end of the current window on a fixed grid, not one window after each change: every
 * job enqueued within one window is then due at the same instant and leased as one batch.
 */
function endOfWindow(windowMs: number): Date | undefined {
  return windowMs > 0 ? new Date((Math.floor(Date.now() / windowMs) + 1) * windowMs) : undefined;
}

/** A recorded delivery for the worker, keyed by delivery so a redelivery while it waits merges into it. */
export async function enqueueWebhookDelivery(shop: string, deliveryId: string) {
  const runAt = endOfWindow(webhookWindowMs());
  return jobQueue().enqueue({ shop, queue: "webhook", payload: { deliveryId }, key: deliveryId, ...(runAt ? { runAt } : {}) });
}

/** One recompute job per inventory item: a burst of webhooks for one item coalesces. */
export async function enqueueRecompute(shop: string, inventoryItemIds: string[]) {
  if (inventoryItemIds.length === 0) return [];
  const runAt = endOfWindow(recomputeWindowMs());
  return jobQueue().enqueueMany(
    inventoryItemIds.map((id) => ({ shop, queue: "recompute", payload: { inventoryItemIds: [id] }, key: id, ...(runAt ? { runAt } : {}) })),
  );
}
