import type { JobHandler } from "~/jobs/worker.server";
import { backtestJobHandlers } from "./backtest.server";
import { flowTriggerJobHandlers } from "./flow-triggers.server";
import { pipelineJobHandlers } from "./pipeline-handlers.server";
import { previewJobHandlers } from "./policy-preview.server";

/**
 * The registry of job handlers, by queue name: the in-app worker and `npm run worker` run
 * exactly these. The sync pipeline's queues (app/services/pipeline-handlers.server.ts):
 * - `webhook`: recorded webhook deliveries of one shop (key = delivery id), processed in batches;
 * - `recompute`: one inventory item of one shop (coalesced by key = inventory item id);
 * - `reconcile`: a scheduled, on-demand or policy-triggered re-read of a shop's catalog;
 * - `initial-sync`: the first import after install.
 * And the admin's `policy-preview`: a Preview over a large catalog (app/services/policy-preview.server.ts),
 * `flow-trigger`: one Shopify Flow trigger to send (app/services/flow-triggers.server.ts), and
 * `backtest`: the previewed policy replayed on past orders (app/services/backtest.server.ts).
 * A handler re-reads Shopify's current truth (payloads can be stale), must be idempotent
 * (jobs run at least once) and throws `NonRetryableError` when retrying cannot help.
 */
export function jobHandlers(): Record<string, JobHandler> {
  return {
    ...pipelineJobHandlers(),
    ...previewJobHandlers(),
    ...flowTriggerJobHandlers(),
    ...backtestJobHandlers(),
  };
}
