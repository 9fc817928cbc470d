/**
 * Shopify Flow triggers, as the 2026-10 Admin schema and Flow's docs describe them:
 * `flowTriggerReceive(handle: String, payload: JSON, body: String @deprecated)` answers
 * `FlowTriggerReceivePayload { userErrors }` and "Triggers any workflows that begin with the trigger
 * specified" (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/flowTriggerReceive).
 *
 * The emulator accepts a trigger only when (stricter than Shopify where the docs are silent):
 * - `handle` names a `flow_trigger` extension of the calling app (extensions/*\/shopify.extension.toml,
 *   ../../flow/extensions.ts); the deprecated `body` is refused ("Use `payload` and `handle`");
 * - `payload` is a JSON object keyed by the extension's field keys
 *   (https://shopify.dev/docs/apps/build/flow/triggers/reference), with every declared field present,
 *   no undeclared key, and each value of its field's type (text: a string, single-line without a
 *   line break; number_integer: an integer; number_decimal: a number; boolean: true/false);
 * - the payload's JSON is at most 50,000 bytes (Flow's trigger reference limits it to 50 KB).
 * An accepted trigger is recorded on the shop (`flowTriggerRuns`; GET /sandbox/flow/triggers) with
 * the number of enabled workflows that start with it (`workflowsStarted`, the merchant's
 * workflows of ../../flow/lifecycle.ts). A trigger no enabled workflow uses is accepted and costs
 * the call all the same ("Triggers any workflows that begin with the trigger": none): that an app
 * should not send it is what the lifecycle callback is for
 * (https://shopify.dev/docs/apps/build/flow/track-lifecycle-events).
 */
import type { ShopState } from "../../shop/state.js";
import { loadFlowExtensions, type FlowExtension, type FlowField } from "../../flow/extensions.js";
import type { ApiContext } from "../context.js";
import { defineType, type Args, type ResolverMap } from "../resolvers/common.js";

export const MAX_FLOW_TRIGGER_PAYLOAD_BYTES = 50_000;

let extensions: Map<string, FlowExtension> | undefined;
/** The repository's Flow extensions, read once (they are deployed with the app). */
export const flowExtensions = () => (extensions ??= loadFlowExtensions());

/** The installed app deploys its Flow extensions with it (called beside deployAppFunctions). */
export function deployAppFlowExtensions(state: ShopState, appKey: string): void {
  state.flowApps.add(appKey);
}

interface UserError {
  field: string[] | null;
  message: string;
}

function valueError(field: FlowField, value: unknown): string | null {
  switch (field.type) {
    case "single_line_text_field":
      return typeof value === "string" && !/[\r\n]/.test(value) ? null : "must be one line of text";
    case "multi_line_text_field":
    case "email":
    case "url":
      return typeof value === "string" ? null : "must be text";
    case "number_integer":
      return typeof value === "number" && Number.isSafeInteger(value) ? null : "must be an integer";
    case "number_decimal":
      return typeof value === "number" && Number.isFinite(value) ? null : "must be a number";
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    default:
      return `has a field type the emulator does not know (${field.type})`;
  }
}

export function flowTriggerPayloadErrors(trigger: FlowExtension, payload: unknown): UserError[] {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return [{ field: ["payload"], message: "Payload must be a JSON object" }];
  const bytes = Buffer.byteLength(JSON.stringify(payload));
  if (bytes > MAX_FLOW_TRIGGER_PAYLOAD_BYTES) return [{ field: ["payload"], message: `Payload is ${bytes} bytes; at most ${MAX_FLOW_TRIGGER_PAYLOAD_BYTES}` }];
  const record = payload as Record<string, unknown>;
  const declared = new Map(trigger.fields.map((field) => [field.key, field]));
  const errors: UserError[] = [];
  for (const key of Object.keys(record)) if (!declared.has(key)) errors.push({ field: ["payload", key], message: `${key} is not a field of ${trigger.handle}` });
  for (const field of trigger.fields) {
    if (!(field.key in record)) errors.push({ field: ["payload", field.key], message: `${field.key} is missing` });
    else {
      const problem = valueError(field, record[field.key]);
      if (problem) errors.push({ field: ["payload", field.key], message: `${field.key} ${problem}` });
    }
  }
  return errors;
}

function flowTriggerReceive(ctx: ApiContext, args: Args): { userErrors: UserError[] } {
  if (args.body !== undefined && args.body !== null) return { userErrors: [{ field: ["body"], message: "body is deprecated: use payload and handle" }] };
  const handle = args.handle;
  if (typeof handle !== "string" || handle === "") return { userErrors: [{ field: ["handle"], message: "handle is required" }] };
  const trigger = flowExtensions().get(handle);
  if (!trigger || trigger.type !== "flow_trigger" || !ctx.state.flowApps.has(ctx.apiClientId)) {
    return { userErrors: [{ field: ["handle"], message: `No Flow trigger with handle ${handle} for this app` }] };
  }
  const errors = flowTriggerPayloadErrors(trigger, args.payload);
  if (errors.length > 0) return { userErrors: errors };
  const workflowsStarted = ctx.state.flowWorkflows.filter((workflow) => workflow.enabled && workflow.trigger === handle).length;
  ctx.state.flowTriggerRuns.push({ handle, payload: structuredClone(args.payload as Record<string, unknown>), apiClientId: ctx.apiClientId, receivedAt: ctx.now(), workflowsStarted });
  return { userErrors: [] };
}

export const flowResolvers: ResolverMap = {
  Mutation: defineType<unknown>({
    flowTriggerReceive: (_s, args, ctx) => flowTriggerReceive(ctx, args),
  }),
};
