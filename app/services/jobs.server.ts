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
  const configured = Number(env.RECOMPUTE_WINDOW_MS);
  if (env.RECOMPUTE_WINDOW_MS?.trim() && Number.isFinite(configured) && configured >= 0) return configured;
  return env.NODE_ENV === "test" ? 0 : 1_000;
}

/** One recompute job per inventory item: a burst of webhooks for one item coalesces. */
export async function enqueueRecompute(shop: string, inventoryItemIds: string[]) {
  if (inventoryItemIds.length === 0) return [];
  const windowMs = recomputeWindowMs();
  // Due at the end of the current window on a fixed grid, not one window after each change:
  // every item changed within one window is then due at the same instant and leased as one batch.
  const runAt = windowMs > 0 ? new Date((Math.floor(Date.now() / windowMs) + 1) * windowMs) : undefined;
  return jobQueue().enqueueMany(
    inventoryItemIds.map((id) => ({ shop, queue: "recompute", payload: { inventoryItemIds: [id] }, key: id, ...(runAt ? { runAt } : {}) })),
  );
}
