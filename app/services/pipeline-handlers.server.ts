import type { LeasedJob } from "~/jobs/queue.server";
import { NonRetryableError, WaitForShopError, type JobContext, type JobHandler } from "~/jobs/worker.server";
import { MAX_METAFIELDS_PER_SET } from "~/shopify/inventory.server";
import { getShopInstallation } from "~/models/shop-installation.server";
import { AdminApiError } from "~/shopify/admin-client.server";
import { runInitialSync } from "./initial-sync.server";
import { recomputeInventoryItems } from "./sync-items.server";
import { reconcileShop } from "./reconcile.server";
import { rethrowForShopAccess } from "./missing-session.server";
import { processRecordedDeliveries } from "./webhook-processing.server";

/** Lost access waits for the merchant; retrying cannot help when the shop uninstalled us or a scope is missing. */
async function classify(shop: string, error: unknown): Promise<never> {
  if (error instanceof AdminApiError && error.unauthorized) throw new NonRetryableError(error.message, { cause: error });
  return rethrowForShopAccess(shop, error);
}

async function whileInstalled(shop: string, work: () => Promise<unknown>, { afterInitialSync = false } = {}) {
  const installation = await getShopInstallation(shop);
  if (installation?.status === "uninstalled") return; // app/uninstalled stops work for the shop
  // Before the initial sync has imported the merchant's safety stock as policy v1, a plan would
  // release it: item changes and reconciliations wait for the import, which resumes them when it is done.
  if (afterInitialSync && installation?.initialSync !== "done") throw new WaitForShopError(`${shop}: waiting for the initial sync`);
  // Without a working token every call would 401: wait for the merchant's next admin load.
  if (installation?.accessLostAt) throw new WaitForShopError(`${shop} lost access to Shopify; waiting for re-authentication`);
  await work().catch((error: unknown) => classify(shop, error));
}

const stringList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];

/**
 * Items recomputed together: one coalescing window's changes (jobs.server.ts) of up to 25
 * items — the most one metafieldsSet takes ("Allows a maximum of 25 metafields to be set at a
 * time", https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet) — read
 * ITEMS_PER_READ a query and written in one move and one metafieldsSet, so a burst of orders
 * costs Shopify rate-limit points per window, not per order.
 */
export const RECOMPUTE_BATCH = MAX_METAFIELDS_PER_SET;

const itemIdsOf = (job: LeasedJob) => stringList((job.payload as { inventoryItemIds?: unknown })?.inventoryItemIds);

/**
 * A job also takes the shop's other due jobs of its queue (up to `limit` in all): the worker
 * gathered them (`batchLimit`), and `leaseMore` adds those that came due since. `work` returns
 * failures by job, or throws for all; the worker settles each job with its own result. Safe to
 * overlap with other workers: recomputes write compare-and-swap, and deliveries are processed
 * idempotently.
 */
async function withShopBatch(
  job: LeasedJob,
  context: JobContext,
  limit: number,
  work: (jobs: LeasedJob[]) => Promise<Map<LeasedJob, unknown> | void>,
): Promise<Map<LeasedJob, unknown> | void> {
  const extra = [...context.companions, ...(await context.leaseMore(limit - 1 - context.companions.length))];
  return work([job, ...extra]);
}

const recomputeBatch: JobHandler = async (job, context) =>
  withShopBatch(job, context, RECOMPUTE_BATCH, async (jobs) => {
    const ids = [...new Set(jobs.flatMap(itemIdsOf))];
    await whileInstalled(job.shop, () => recomputeInventoryItems(job.shop, ids), { afterInitialSync: true });
  });
recomputeBatch.batch = true;
recomputeBatch.batchLimit = RECOMPUTE_BATCH;
// A run that outlasts its window (a loaded machine, stale retries) would otherwise overlap the
// next window's run on the same hot items: both read, and the later moves come back stale
// (docs/decisions/040). Deliveries need no such turn: their batches cost no Admin API call.
recomputeBatch.batchesInTurn = true;

/**
 * Recorded webhook deliveries processed together: one read of the deliveries, one of the planned
 * levels (echo checks), one enqueue of the items to recompute, one update marking them. A batch
 * that fails is retried delivery by delivery, so one bad delivery fails its own job only.
 */
export const WEBHOOK_BATCH = 50;

const deliveryOf = (leased: LeasedJob) => String((leased.payload as { deliveryId?: unknown })?.deliveryId ?? "");

const webhookBatch: JobHandler = async (job, context) =>
  withShopBatch(job, context, WEBHOOK_BATCH, async (jobs) => {
    try {
      await processRecordedDeliveries(job.shop, jobs.map(deliveryOf));
      return;
    } catch (error) {
      if (jobs.length === 1) throw error;
    }
    const failures = new Map<LeasedJob, unknown>();
    for (const one of jobs) await processRecordedDeliveries(job.shop, [deliveryOf(one)]).catch((error: unknown) => failures.set(one, error));
    return failures;
  });
webhookBatch.batch = true;
webhookBatch.batchLimit = WEBHOOK_BATCH;

/** The sync pipeline's queues (registered in app/jobs/handlers.server.ts). */
export function pipelineJobHandlers(): Record<string, JobHandler> {
  return {
    webhook: webhookBatch,
    recompute: recomputeBatch,
    // A reconciliation plans every item: before the first import has made the merchant's own
    // safety stock policy v1 it would plan 0 and release it (tests/reconcile-waits-for-import).
    // The import runs its own first reconciliation inline, then resumes this one.
    reconcile: (job) => {
      const trigger = (job.payload as { trigger?: string })?.trigger;
      return whileInstalled(job.shop, () => reconcileShop(job.shop, trigger === "manual" ? "manual" : trigger === "policy" ? "policy" : "scheduled"), { afterInitialSync: true });
    },
    "initial-sync": (job) => whileInstalled(job.shop, () => runInitialSync(job.shop)),
  };
}
