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
import { flowTriggerHandleOf, readFlowLifecycleCallback, triggersInUse, type FlowTrigger, type FlowValue } from "~/domain/flow";
import { env } from "~/env.server";
import type { LeasedJob } from "~/jobs/queue.server";
import { NonRetryableError, type JobHandler } from "~/jobs/worker.server";
import { flowTriggerDefinitionsInUse, recordFlowTriggerUsage } from "~/models/flow-trigger-usage.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import { sendFlowTrigger } from "~/shopify/flow.server";
import { webhookSignatureValid } from "~/shopify/webhook-signature";
import { jobQueue } from "./jobs.server";
import { rethrowForShopAccess } from "./missing-session.server";
import { bytesWithin, payloadTooLarge } from "./request-body.server";

export const FLOW_TRIGGER_QUEUE = "flow-trigger";

/**
 * Enqueues the triggers a workflow of the shop uses (one read of the lifecycle callbacks'
 * record; a trigger no enabled workflow starts with would cost an Admin API call and start
 * nothing, https://shopify.dev/docs/apps/build/flow/track-lifecycle-events), `key`: one pending
 * job per event, so a retried publish does not alert twice while the first waits. A failure to
 * enqueue is logged, never thrown: the merchant's change already happened and must be answered
 * as done ("failed" lets a caller with an outbox keep the trigger owed).
 */
export async function enqueueFlowTriggers(shop: string, triggers: readonly { key: string; trigger: FlowTrigger }[]): Promise<"queued" | "failed"> {
  if (triggers.length === 0) return "queued";
  try {
    const wanted = triggersInUse(triggers, await flowTriggerDefinitionsInUse(shop));
    if (wanted.length > 0) {
      await jobQueue().enqueueMany(wanted.map(({ key, trigger }) => ({ shop, queue: FLOW_TRIGGER_QUEUE, key, payload: { handle: trigger.handle, payload: trigger.payload } })));
    }
    return "queued";
  } catch (error) {
    console.error("flow: could not queue Flow triggers", { shop, handles: triggers.map(({ trigger }) => trigger.handle), error });
    return "failed";
  }
}

/** A lifecycle callback is five short fields: anything over this is not Flow's. */
const MAX_LIFECYCLE_CALLBACK_BYTES = 16_000;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8" } });

/**
 * Flow's trigger lifecycle callback (extensions/safestock-flow-lifecycle/shopify.extension.toml):
 * "has_enabled_flow" per shop and trigger, signed like a webhook ("verify the HMAC header … with
 * your client secret", `X-Shopify-Hmac-Sha256`, https://shopify.dev/docs/apps/build/flow/track-lifecycle-events
 * "Step 1"). Flow lets the merchant enable the workflow only after a 2xx within five seconds, so
 * this is one signature check and one small write. 401 for a forged callback (nothing recorded),
 * 400 for a signed body that is not a callback; an older callback than the one recorded is
 * answered 200 and ignored, as the doc says.
 */
export async function answerFlowLifecycleCallback(request: Request): Promise<Response> {
  if (request.method !== "POST") return answer(405, { message: "Flow lifecycle callbacks are POSTed" });
  const body = await bytesWithin(request, MAX_LIFECYCLE_CALLBACK_BYTES);
  if (!body.ok) return payloadTooLarge(MAX_LIFECYCLE_CALLBACK_BYTES);
  if (!webhookSignatureValid(body.bytes, request.headers.get("X-Shopify-Hmac-Sha256"), env().SHOPIFY_API_SECRET)) {
    return answer(401, { message: "Not signed by Shopify: nothing was recorded" });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body.bytes));
  } catch {
    parsed = null;
  }
  const read = readFlowLifecycleCallback(parsed);
  if (!read.ok) return answer(400, { message: "Not a Flow trigger lifecycle callback", problems: read.problems });
  const { shopDomain, ...usage } = read.value;
  const outcome = await recordFlowTriggerUsage(shopDomain, usage);
  if (outcome === "recorded" && usage.inUse && flowTriggerHandleOf(usage.definitionId) === undefined) {
    console.warn("flow: a lifecycle callback names a trigger Safestock does not know; every trigger stays on for the shop", { shop: shopDomain, definitionId: usage.definitionId });
  }
  return answer(200, { message: outcome === "recorded" ? `Recorded: ${usage.definitionId} ${usage.inUse ? "in use" : "not in use"}` : `Not recorded (${outcome})` });
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
    return rethrowForShopAccess(job.shop, error);
  }
}

export function flowTriggerJobHandlers(): Record<string, JobHandler> {
  return { [FLOW_TRIGGER_QUEUE]: sendTrigger };
}
