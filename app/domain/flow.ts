/**
 * Shopify Flow, the pure part (docs/decisions/035-shopify-flow.md): the payloads of Safestock's
 * four Flow triggers, keyed by the field keys of their extensions
 * (extensions/safestock-<trigger>/shopify.extension.toml; Flow reads the payload by those keys,
 * https://shopify.dev/docs/apps/build/flow/triggers/reference), fitted under Flow's payload limit,
 * and the reading of the three Flow actions' properties
 * (https://shopify.dev/docs/apps/build/flow/actions/endpoints#flow-action-execution).
 * No IO: the services send the triggers through the job queue and run the actions.
 */
import type { Problem, Result } from "./result";
import { ok, refused } from "./result";
import type { ChannelRule } from "./types";

export type FlowValue = string | number | boolean;

export interface FlowTrigger {
  /** The trigger extension's handle: flowTriggerReceive(handle:). */
  readonly handle: string;
  /** flowTriggerReceive(payload:): one entry per field of the extension. */
  readonly payload: Readonly<Record<string, FlowValue>>;
}

/**
 * Flow refuses a trigger payload over 50 KB (trigger reference, "Payload size"); Safestock keeps
 * each one under 50,000 bytes of JSON, a little stricter, so a long reason never loses the event.
 */
export const MAX_FLOW_PAYLOAD_BYTES = 50_000;

export const FLOW_TRIGGER_HANDLES = {
  channelPaused: "safestock-channel-paused",
  channelNumberLow: "safestock-channel-number-low",
  oversellRecorded: "safestock-oversell-recorded",
  protectionChanged: "safestock-protection-changed",
} as const;

/** Each trigger extension's `name` (what the merchant picks in Flow's editor), by handle. */
export const FLOW_TRIGGER_NAMES: Readonly<Record<string, string>> = {
  [FLOW_TRIGGER_HANDLES.channelPaused]: "Sales channel paused or resumed",
  [FLOW_TRIGGER_HANDLES.channelNumberLow]: "Channel stock fell below threshold",
  [FLOW_TRIGGER_HANDLES.oversellRecorded]: "Oversell or near miss recorded",
  [FLOW_TRIGGER_HANDLES.protectionChanged]: "Stock protection changed",
};

/** UTF-8 bytes of a string (the payload limit counts bytes, not characters). */
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export const flowPayloadBytes = (payload: Readonly<Record<string, FlowValue>>): number => utf8Bytes(JSON.stringify(payload));

/**
 * The trigger with its longest text fields shortened (ending in "…") until its JSON fits
 * `maxBytes`. Numbers and booleans are kept: only free text (reasons, summaries) is long.
 */
export function fitFlowPayload(trigger: FlowTrigger, maxBytes = MAX_FLOW_PAYLOAD_BYTES): FlowTrigger {
  const payload: Record<string, FlowValue> = { ...trigger.payload };
  for (let round = 0; round < 64 && flowPayloadBytes(payload) > maxBytes; round++) {
    const longest = Object.entries(payload)
      .filter((entry): entry is [string, string] => typeof entry[1] === "string")
      .sort((a, b) => b[1].length - a[1].length)[0];
    if (!longest || longest[1].length <= 1) break;
    const excess = flowPayloadBytes(payload) - maxBytes;
    // Characters may take up to 4 bytes (JSON escapes up to 6): cut at least the excess in characters.
    const keep = Math.max(0, longest[1].length - Math.max(excess, 1) - 1);
    payload[longest[0]] = `${[...longest[1]].slice(0, keep).join("")}…`;
  }
  return { handle: trigger.handle, payload };
}

export function channelPausedTrigger(input: { channelName: string; channel: string; paused: boolean; reason: string; policyVersion: number }): FlowTrigger {
  return fitFlowPayload({
    handle: FLOW_TRIGGER_HANDLES.channelPaused,
    payload: { Channel: input.channelName, "Channel handle": input.channel, Paused: input.paused, Reason: input.reason, "Policy version": input.policyVersion },
  });
}

export function protectionChangedTrigger(input: { policyVersion: number; changedBy: string; summary: string }): FlowTrigger {
  return fitFlowPayload({
    handle: FLOW_TRIGGER_HANDLES.protectionChanged,
    payload: { "Policy version": input.policyVersion, "Changed by": input.changedBy, Summary: input.summary },
  });
}

export interface ExposureLine {
  orderId: string;
  lineItemId: string;
  sku: string;
  channel: string;
  quantity: number;
  oversoldUnits: number;
  nearMiss: boolean;
}

/** One trigger per order line that oversold or was a near miss; other lines start nothing. */
export function exposureTriggers(lines: readonly ExposureLine[]): { key: string; trigger: FlowTrigger }[] {
  return lines
    .filter((line) => line.oversoldUnits > 0 || line.nearMiss)
    .map((line) => ({
      key: `exposure:${line.orderId}:${line.lineItemId}`,
      trigger: fitFlowPayload({
        handle: FLOW_TRIGGER_HANDLES.oversellRecorded,
        payload: {
          Kind: line.oversoldUnits > 0 ? "oversell" : "near miss",
          SKU: line.sku,
          "Channel handle": line.channel,
          "Order ID": line.orderId,
          Quantity: line.quantity,
          "Units oversold": line.oversoldUnits,
        },
      }),
    }));
}

export interface ChannelNumber {
  inventoryItemId: string;
  sku: string;
  channel: string;
  available: number;
}

/**
 * A channel's low-stock alert threshold: the rule's own `alertBelow`, else its `pauseBelow` (the
 * number below which the merchant already said the channel should stop). None for a channel the
 * merchant paused: it is at 0 on purpose, an alert per SKU would be noise.
 */
export function lowStockThreshold(rule: Pick<ChannelRule, "alertBelow" | "pauseBelow" | "paused"> | undefined): number | undefined {
  if (!rule || rule.paused) return undefined;
  return rule.alertBelow ?? rule.pauseBelow;
}

/**
 * A SKU's channel number that crossed below its channel's threshold (`lowStockThreshold`):
 * it was at or above it before (or had no number yet) and is below it now. Staying below starts
 * nothing, so a merchant gets one alert per fall, not one per recompute.
 */
export function channelNumberLowTriggers(
  before: readonly ChannelNumber[],
  after: readonly ChannelNumber[],
  thresholdOf: (channel: string) => number | undefined,
): { key: string; trigger: FlowTrigger }[] {
  const previous = new Map(before.map((state) => [`${state.inventoryItemId}|${state.channel}`, state.available]));
  return after.flatMap((state) => {
    const threshold = thresholdOf(state.channel);
    if (threshold === undefined || state.available >= threshold) return [];
    const was = previous.get(`${state.inventoryItemId}|${state.channel}`);
    if (was !== undefined && was < threshold) return [];
    return [
      {
        key: `low:${state.inventoryItemId}:${state.channel}:${state.available}`,
        trigger: fitFlowPayload({
          handle: FLOW_TRIGGER_HANDLES.channelNumberLow,
          payload: { SKU: state.sku, "Channel handle": state.channel, "Channel number": state.available, Threshold: threshold },
        }),
      },
    ];
  });
}

/** The body Flow POSTs to an action's runtime_url (the fields Safestock reads). */
export interface FlowActionRequest {
  shopDomain: string;
  actionRunId: string;
  handle: string;
  properties: Readonly<Record<string, unknown>>;
}

const MYSHOPIFY_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

/**
 * Flow names the shop by "the myshopify.com domain of the shop"
 * (https://shopify.dev/docs/apps/build/flow/actions/endpoints#flow-action-execution): anything else is
 * refused here, by name, rather than thrown on by the session lookup.
 */
function shopDomainOf(text: string, problems: Problem[]): string {
  if (text !== "" && !MYSHOPIFY_DOMAIN.test(text)) problems.push({ path: "shopify_domain", message: `must be a shop's myshopify.com domain, got ${JSON.stringify(text.slice(0, 100))}` });
  return text;
}

/** Flow's execution body: `shopify_domain`, `action_run_id`, `handle`, `properties`. */
export function readFlowActionRequest(body: unknown): Result<FlowActionRequest> {
  const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const problems: Problem[] = [];
  const text = (field: string) => {
    const value = record[field];
    if (typeof value === "string" && value.trim() !== "") return value;
    problems.push({ path: field, message: "is missing" });
    return "";
  };
  const shopDomain = shopDomainOf(text("shopify_domain"), problems);
  const actionRunId = text("action_run_id");
  const handle = text("handle");
  const properties = record.properties;
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) problems.push({ path: "properties", message: "must be an object" });
  if (problems.length > 0) return refused(problems);
  return ok({ shopDomain, actionRunId, handle, properties: properties as Record<string, unknown> });
}

function textProperty(properties: Readonly<Record<string, unknown>>, key: string, problems: Problem[]): string {
  const value = properties[key];
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  problems.push({ path: `properties.${key}`, message: "is required" });
  return "";
}

/** "Set safety stock": SKU, Location (its name), Units (the policy check judges the number itself). */
export function readSetSafetyStock(properties: Readonly<Record<string, unknown>>): Result<{ sku: string; location: string; units: unknown }> {
  const problems: Problem[] = [];
  const sku = textProperty(properties, "SKU", problems);
  const location = textProperty(properties, "Location", problems);
  if (!("Units" in properties) || properties.Units === null || properties.Units === "") problems.push({ path: "properties.Units", message: "is required" });
  if (problems.length > 0) return refused(problems);
  // Flow sends number_integer fields as numbers; a numeric string is read as its number, anything else goes on as written.
  const raw = properties.Units;
  const units = typeof raw === "string" && raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return ok({ sku, location, units });
}

/** "Pause or resume a sales channel": Channel handle, Paused (boolean), Reason. */
export function readPauseChannel(properties: Readonly<Record<string, unknown>>): Result<{ channel: string; paused: boolean; reason: string }> {
  const problems: Problem[] = [];
  const channel = textProperty(properties, "Channel handle", problems);
  const paused = properties.Paused;
  if (typeof paused !== "boolean") problems.push({ path: "properties.Paused", message: "must be true (pause) or false (resume)" });
  const reason = textProperty(properties, "Reason", problems);
  if (problems.length > 0) return refused(problems);
  return ok({ channel, paused: paused as boolean, reason });
}

/** "Reconcile stock now": SKUs separated by commas, or none for the whole catalog. */
export function readReconcileSkus(properties: Readonly<Record<string, unknown>>): Result<string[]> {
  const raw = properties.SKUs;
  if (raw === undefined || raw === null) return ok([]);
  if (typeof raw !== "string") return refused([{ path: "properties.SKUs", message: "must be SKUs separated by commas" }]);
  return ok([...new Set(raw.split(",").map((sku) => sku.trim()).filter((sku) => sku !== ""))]);
}

/**
 * One trigger lifecycle callback (https://shopify.dev/docs/apps/build/flow/track-lifecycle-events,
 * "Properties"): `flow_trigger_definition_id`, `has_enabled_flow`, `shop_id` (a number; the
 * doc's example sends it as a string), `shopify_domain`, `timestamp` (ISO 8601).
 */
export interface FlowLifecycleCallback {
  definitionId: string;
  inUse: boolean;
  shopDomain: string;
  notifiedAt: Date;
}

export function readFlowLifecycleCallback(body: unknown): Result<FlowLifecycleCallback> {
  const record = (typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const problems: Problem[] = [];
  const text = (field: string) => {
    const value = record[field];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
    problems.push({ path: field, message: "is missing" });
    return "";
  };
  const definitionId = text("flow_trigger_definition_id");
  const shopDomain = shopDomainOf(text("shopify_domain"), problems);
  const inUse = record.has_enabled_flow;
  if (typeof inUse !== "boolean") problems.push({ path: "has_enabled_flow", message: "must be true or false" });
  const shopId = record.shop_id;
  if (!(typeof shopId === "number" && Number.isSafeInteger(shopId)) && !(typeof shopId === "string" && /^\d+$/.test(shopId))) problems.push({ path: "shop_id", message: "must be the shop's numeric id" });
  const timestamp = text("timestamp");
  // ISO 8601 with a date and a time: a bare date or "yesterday" is not Flow's.
  const notifiedAt = new Date(timestamp);
  if (timestamp !== "" && (!/^\d{4}-\d{2}-\d{2}T/.test(timestamp) || Number.isNaN(notifiedAt.getTime()))) problems.push({ path: "timestamp", message: "must be an ISO 8601 date and time" });
  if (problems.length > 0) return refused(problems);
  return ok({ definitionId, inUse: inUse as boolean, shopDomain, notifiedAt });
}

/** The trigger a lifecycle callback's definition id names (by handle or by name), if it is one of Safestock's. */
export const flowTriggerHandleOf = (definitionId: string): string | undefined =>
  definitionId in FLOW_TRIGGER_NAMES ? definitionId : Object.keys(FLOW_TRIGGER_NAMES).find((handle) => FLOW_TRIGGER_NAMES[handle] === definitionId);

/**
 * The triggers worth sending: those an enabled workflow of the shop uses (`definitionsInUse`, from
 * the lifecycle callbacks). What Flow puts in `flow_trigger_definition_id` for a CLI-deployed
 * trigger is not documented beyond an example that reads like a trigger's name ("Add row to
 * spreadsheet"), so a trigger matches by its handle or its name; a definition id in use that
 * matches neither (or the "*" marker of shops installed before the callback existed) keeps every
 * trigger on, so an id Safestock misreads costs requests, never a merchant's alert.
 */
export function triggersInUse<T extends { trigger: FlowTrigger }>(triggers: readonly T[], definitionsInUse: readonly string[]): T[] {
  const handles = definitionsInUse.map(flowTriggerHandleOf);
  if (handles.some((handle) => handle === undefined)) return [...triggers];
  return triggers.filter(({ trigger }) => handles.includes(trigger.handle));
}
