import type { JobQueue } from "~/jobs/queue.server";
import { createJobQueueFromEnv } from "~/jobs/queue-factory.server";

/** The pipeline's queues (see app/jobs/handlers.server.ts for who runs them). */
export type PipelineQueue = "webhook" | "recompute" | "reconcile" | "initial-sync";

let queue: JobQueue | undefined;

/** The process's queue: the embedded SQLite adapter, or BullMQ with QUEUE=bullmq (docs/scale-out.md). */
export function jobQueue(): JobQueue {
  queue ??= createJobQueueFromEnv();
  return queue;
}

/** Tests swap in a queue with a fast backoff; production never calls this. */
export function useJobQueue(replacement: JobQueue) {
  queue = replacement;
}

export async function enqueueShopJob(shop: string, name: PipelineQueue, payload: unknown, key: string | null) {
  return jobQueue().enqueue({ shop, queue: name, payload, key });
}

/**
 * How long a recompute waits after the first change of its item: changes arriving meanwhile
 * (the item's, merged into its pending job by key, and other items', leased with it as one batch)
 * cost one read and one write instead of one each. The worker is woken when the window ends
 * (before, its 1-s poll was the window, by accident). `RECOMPUTE_WINDOW_MS`; 0 under tests, whose
 * worker runs due jobs only.
 */
export function recomputeWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  return windowFromEnv(env, "RECOMPUTE_WINDOW_MS", 1_000);
}

/**
 * How long a recorded webhook delivery waits before the worker processes it: deliveries arriving
 * meanwhile are processed as one batch (one read of the deliveries, of the catalog rows and levels
 * their orders name, one write of their sales and exposures, one enqueue), instead of a batch of
 * one per delivery when the worker wakes on every enqueue. It adds at most this much to the time
 * before a change is recomputed. `WEBHOOK_WINDOW_MS`; 0 under tests.
 */
export function webhookWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  return windowFromEnv(env, "WEBHOOK_WINDOW_MS", 200);
}

function windowFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const configured = Number(env[name]);
  if (env[name]?.trim() && Number.isFinite(configured) && configured >= 0) return configured;
  return env.NODE_ENV === "test" ? 0 : fallback;
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
