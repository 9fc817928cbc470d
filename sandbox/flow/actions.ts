/**
 * Flow running one of the app's actions, as Shopify Flow does
 * (https://shopify.dev/docs/apps/build/flow/actions/endpoints#flow-action-execution): a POST to the
 * action extension's `runtime_url` (its path, on the app's URL) with the JSON body
 * `{shop_id, shopify_domain, action_run_id, action_definition_id, handle, properties}`, signed
 * with the app's client secret: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body
 * (https://shopify.dev/docs/apps/build/flow/actions/endpoints#verifying-requests).
 *
 * Flow checks a workflow's values against the action's fields before it runs (a required field is
 * filled, a number_integer is an integer), so the emulator refuses to send properties that do not
 * fit the declared fields; values that fit but that the app must judge (a negative number of units,
 * an unknown SKU) go through. `signature: "bad"` signs with another secret, "none" sends no header:
 * what a forged request looks like.
 */
import { randomUUID } from "node:crypto";
import { signWebhookBody } from "../webhooks/sign.js";
import type { FlowExtension } from "./extensions.js";

export interface FlowActionInput {
  handle: string;
  properties: Record<string, unknown>;
  signature?: "valid" | "bad" | "none";
  /** Flow's id of the run (default: a new one); a retried run keeps its id. */
  actionRunId?: string;
}

export interface FlowActionSent {
  status: number;
  body: unknown;
  actionRunId: string;
  url: string;
}

function propertyProblems(action: FlowExtension, properties: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const declared = new Map(action.fields.map((field) => [field.key, field]));
  for (const key of Object.keys(properties)) if (!declared.has(key)) problems.push(`${key} is not a field of ${action.handle}`);
  for (const field of action.fields) {
    const value = properties[field.key];
    if (value === undefined || value === null || value === "") {
      if (field.required) problems.push(`${field.key} is required`);
      continue;
    }
    const fits =
      field.type === "number_integer" ? Number.isSafeInteger(value) : field.type === "boolean" ? typeof value === "boolean" : field.type === "number_decimal" ? typeof value === "number" : typeof value === "string";
    if (!fits) problems.push(`${field.key} must be a ${field.type}`);
  }
  return problems;
}

export async function sendFlowAction(
  options: { appUrl: string; apiSecret: string; deliver: (request: Request) => Promise<Response>; shopDomain: string; shopId: string },
  action: FlowExtension | undefined,
  input: FlowActionInput,
): Promise<FlowActionSent | { problems: string[] }> {
  if (!action || action.type !== "flow_action" || !action.runtimeUrl) return { problems: [`no Flow action with handle ${input.handle}`] };
  const problems = propertyProblems(action, input.properties);
  if (problems.length > 0) return { problems };
  const actionRunId = input.actionRunId ?? randomUUID();
  const raw = JSON.stringify({
    shop_id: Number(options.shopId),
    shopify_domain: options.shopDomain,
    action_run_id: actionRunId,
    action_definition_id: action.handle,
    handle: action.handle,
    properties: input.properties,
  });
  // The deployed runtime_url points at the app's host; the emulator sends to the same path on the app it serves.
  const url = `${options.appUrl}${new URL(action.runtimeUrl).pathname}`;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const signature = input.signature ?? "valid";
  if (signature !== "none") headers["X-Shopify-Hmac-Sha256"] = signWebhookBody(raw, signature === "valid" ? options.apiSecret : `not-${options.apiSecret}`);
  const response = await options.deliver(new Request(url, { method: "POST", headers, body: raw }));
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (e.g. an empty 400 from the library): kept as text.
  }
  return { status: response.status, body, actionRunId, url };
}
