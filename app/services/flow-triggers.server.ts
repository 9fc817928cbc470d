/**
 * Safestock's Shopify Flow triggers, sent through the job queue (docs/decisions/035-shopify-flow.md):
 * the service where an event happens (a channel paused or resumed, a policy published, an order
 * line that oversold or nearly did, a channel number falling below its threshold) enqueues the
 * trigger; the `flow-trigger` job sends it with flowTriggerReceive
 * (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/flowTriggerReceive). A network or
 * Shopify failure is retried by the queue with backoff; the merchant's action never waits for
 * Flow and never fails because of it. Flow is how merchants get email or Slack alerts: Safestock
 * sends none itself.
 */
import type { FlowTrigger, FlowValue } from "~/domain/flow";
import type { LeasedJob } from "~/jobs/queue.server";
import { NonRetryableError, WaitForShopError, type JobHandler } from "~/jobs/worker.server";
import { adminClientForShop, ShopAccessLostError, ShopNotInstalledError } from "~/shopify/admin-for-shop.server";
import { sendFlowTrigger } from "~/shopify/flow.server";
import { jobQueue } from "./jobs.server";

export const FLOW_TRIGGER_QUEUE = "flow-trigger";

/**
 * Enqueues triggers (`key`: one pending job per event, so a retried publish does not alert twice
 * while the first waits). A failure to enqueue is logged, never thrown: the merchant's change
 * already happened and must be answered as done.
 */
export async function enqueueFlowTriggers(shop: string, triggers: readonly { key: string; trigger: FlowTrigger }[]) {
  if (triggers.length === 0) return;
  try {
    await jobQueue().enqueueMany(triggers.map(({ key, trigger }) => ({ shop, queue: FLOW_TRIGGER_QUEUE, key, payload: { handle: trigger.handle, payload: trigger.payload } })));
  } catch (error) {
    console.error("flow: could not queue Flow triggers", { shop, handles: triggers.map(({ trigger }) => trigger.handle), error });
  }
}

function triggerOf(job: LeasedJob): FlowTrigger {
  const { handle, payload } = (job.payload ?? {}) as { handle?: unknown; payload?: unknown };
  if (typeof handle !== "string" || typeof payload !== "object" || payload === null) throw new NonRetryableError(`flow-trigger job ${job.id}: not a Flow trigger`);
  return { handle, payload: payload as Record<string, FlowValue> };
}

async function sendTrigger(job: LeasedJob) {
  const trigger = triggerOf(job);
  try {
    const result = await sendFlowTrigger(await adminClientForShop(job.shop), trigger);
    // A refused payload is refused again: dead at once, with Shopify's words, for Diagnostics.
    if (!result.ok) throw new NonRetryableError(`Flow refused ${trigger.handle}: ${result.userErrors.map((error) => error.message).join("; ")}`);
  } catch (error) {
    if (error instanceof ShopAccessLostError) throw new WaitForShopError(error.message, { cause: error });
    if (error instanceof ShopNotInstalledError) throw new NonRetryableError(error.message, { cause: error });
    throw error;
  }
}

export function flowTriggerJobHandlers(): Record<string, JobHandler> {
  return { [FLOW_TRIGGER_QUEUE]: sendTrigger };
}
