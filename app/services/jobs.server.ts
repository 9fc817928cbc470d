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

/** One recompute job per inventory item: a burst of webhooks for one item coalesces. */
export async function enqueueRecompute(shop: string, inventoryItemIds: string[]) {
  if (inventoryItemIds.length === 0) return [];
  return jobQueue().enqueueMany(
    inventoryItemIds.map((id) => ({ shop, queue: "recompute", payload: { inventoryItemIds: [id] }, key: id })),
  );
}
