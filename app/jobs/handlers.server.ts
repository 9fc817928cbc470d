import type { JobHandler } from "./worker.server";

/**
 * The registry of job handlers, by queue name: `npm run worker` runs exactly these.
 *
 * Empty for now. The sync pipeline (app/services/) registers its queues here:
 * - `recompute`: one inventory item of one shop (coalesced by key = inventory item id);
 * - `reconcile`: a scheduled or on-demand re-read of a shop's catalog;
 * - `initial-sync`: the first import after install.
 * A handler re-reads Shopify's current truth (payloads can be stale), must be idempotent
 * (jobs run at least once) and throws `NonRetryableError` when retrying cannot help.
 */
export function jobHandlers(): Record<string, JobHandler> {
  return {};
}
