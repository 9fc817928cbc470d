/**
 * A merchant enabling or disabling a Flow workflow that starts with one of the app's triggers, and
 * the trigger lifecycle callback Flow sends the app for it
 * (https://shopify.dev/docs/apps/build/flow/track-lifecycle-events):
 * - the callback is a JSON POST to the app's `flow_trigger_lifecycle_callback` extension's `url`
 *   (its path, on the app's URL, as for actions) with `flow_trigger_definition_id`,
 *   `has_enabled_flow` ("whether the store has an enabled workflow that uses your trigger"),
 *   `shop_id` (a number), `shopify_domain` and `timestamp` (ISO 8601), signed with the app's client
 *   secret in `X-Shopify-Hmac-Sha256` ("Step 1: … verify the HMAC header … with your client
 *   secret"). What Flow puts in `flow_trigger_definition_id` for a CLI-deployed trigger is not
 *   documented beyond an example that reads like a name; the emulator sends the trigger's handle.
 * - Enabling: "If your web server doesn't respond within five seconds, or if it responds with a
 *   different status code, then the merchant can't enable that workflow": the workflow is enabled
 *   only after a 2xx within 5 s; without one (an app that has no callback extension included) it
 *   stays off and nothing changes.
 * - Disabling always succeeds; the callback (`has_enabled_flow` false once no enabled workflow
 *   uses the trigger) is sent once and its answer is not waited on for anything: the doc names no
 *   retry, so the emulator makes none.
 * Timestamps strictly increase per shop, so "newer takes precedence" always orders them.
 * `signature: "bad" | "none"` forges the callback, as sendFlowAction does.
 */
import { randomUUID } from "node:crypto";
import type { FlowWorkflowRecord, ShopState } from "../shop/state.js";
import { signWebhookBody } from "../webhooks/sign.js";
import type { FlowExtension } from "./extensions.js";

/** "If your web server doesn't respond within five seconds … the merchant can't enable that workflow." */
export const LIFECYCLE_CALLBACK_TIMEOUT_MS = 5_000;

export interface FlowLifecycleTarget {
  appUrl: string;
  apiSecret: string;
  deliver: (request: Request) => Promise<Response>;
  shopDomain: string;
  shopId: string;
  now: () => Date;
}

export interface FlowWorkflowInput {
  /** The handle of the trigger the workflow starts with. */
  trigger: string;
  signature?: "valid" | "bad" | "none";
}

export interface LifecycleCallbackSent {
  url: string;
  /** The app's status, or null when it did not answer within five seconds. */
  status: number | null;
  body: { has_enabled_flow: boolean; flow_trigger_definition_id: string; timestamp: string };
}

export type FlowWorkflowChange =
  | { ok: true; workflow: FlowWorkflowRecord; callback: LifecycleCallbackSent | null }
  | { ok: false; problems: string[]; callback?: LifecycleCallbackSent };

/** The next callback timestamp: the clock, but always after the shop's previous one. */
function nextTimestamp(state: ShopState, now: Date): string {
  const at = Math.max(now.getTime(), (state.flowLifecycleLastMs ?? 0) + 1);
  state.flowLifecycleLastMs = at;
  return new Date(at).toISOString();
}

async function sendLifecycleCallback(
  target: FlowLifecycleTarget,
  state: ShopState,
  callbackUrl: string,
  definitionId: string,
  signature: FlowWorkflowInput["signature"] = "valid",
): Promise<LifecycleCallbackSent> {
  const hasEnabledFlow = state.flowWorkflows.some((workflow) => workflow.enabled && workflow.trigger === definitionId);
  const body = { flow_trigger_definition_id: definitionId, has_enabled_flow: hasEnabledFlow, shop_id: Number(target.shopId), shopify_domain: target.shopDomain, timestamp: nextTimestamp(state, target.now()) };
  const raw = JSON.stringify(body);
  const url = `${target.appUrl}${new URL(callbackUrl).pathname}`;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (signature !== "none") headers["X-Shopify-Hmac-Sha256"] = signWebhookBody(raw, signature === "valid" ? target.apiSecret : `not-${target.apiSecret}`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), LIFECYCLE_CALLBACK_TIMEOUT_MS)));
  try {
    const response = await Promise.race([target.deliver(new Request(url, { method: "POST", headers, body: raw })).catch(() => null), timeout]);
    await response?.text();
    return { url, status: response?.status ?? null, body: { has_enabled_flow: hasEnabledFlow, flow_trigger_definition_id: definitionId, timestamp: body.timestamp } };
  } finally {
    clearTimeout(timer);
  }
}

const callbackExtension = (extensions: ReadonlyMap<string, FlowExtension>) =>
  [...extensions.values()].find((extension) => extension.type === "flow_trigger_lifecycle_callback" && extension.callbackUrl);

/** The merchant turns on a new workflow that starts with `input.trigger`. */
export async function enableFlowWorkflow(
  target: FlowLifecycleTarget,
  state: ShopState,
  extensions: ReadonlyMap<string, FlowExtension>,
  input: FlowWorkflowInput,
): Promise<FlowWorkflowChange> {
  const trigger = extensions.get(input.trigger);
  if (!trigger || trigger.type !== "flow_trigger") return { ok: false, problems: [`no Flow trigger with handle ${input.trigger}`] };
  const workflow: FlowWorkflowRecord = { id: `workflow-${randomUUID()}`, trigger: input.trigger, enabled: true };
  const lifecycle = callbackExtension(extensions);
  if (!lifecycle) {
    state.flowWorkflows.push(workflow);
    return { ok: true, workflow, callback: null };
  }
  // Flow asks the app first: the workflow counts as enabled in the callback, and is kept only on a 2xx.
  state.flowWorkflows.push(workflow);
  const callback = await sendLifecycleCallback(target, state, lifecycle.callbackUrl!, input.trigger, input.signature);
  if (callback.status === null || callback.status < 200 || callback.status > 299) {
    state.flowWorkflows.splice(state.flowWorkflows.indexOf(workflow), 1);
    return { ok: false, problems: [`the app answered the trigger lifecycle callback ${callback.status ?? "nothing within 5 s"}: try enabling the workflow later`], callback };
  }
  return { ok: true, workflow, callback };
}

/** The merchant turns a workflow off. */
export async function disableFlowWorkflow(
  target: FlowLifecycleTarget,
  state: ShopState,
  extensions: ReadonlyMap<string, FlowExtension>,
  workflowId: string,
): Promise<FlowWorkflowChange> {
  const workflow = state.flowWorkflows.find((entry) => entry.id === workflowId);
  if (!workflow) return { ok: false, problems: [`no workflow ${workflowId}`] };
  if (!workflow.enabled) return { ok: true, workflow, callback: null };
  workflow.enabled = false;
  const lifecycle = callbackExtension(extensions);
  const callback = lifecycle ? await sendLifecycleCallback(target, state, lifecycle.callbackUrl!, workflow.trigger) : null;
  return { ok: true, workflow, callback };
}
