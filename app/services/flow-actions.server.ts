/**
 * Safestock's Shopify Flow actions (docs/decisions/035-shopify-flow.md): Flow POSTs each run to the
 * action's runtime_url (extensions/safestock-<action>/shopify.extension.toml) with
 * `shopify_domain`, `action_run_id`, `handle` and `properties`, signed with the app secret in
 * `X-Shopify-Hmac-Sha256` (https://shopify.dev/docs/apps/build/flow/actions/endpoints). Each action
 * changes the shop through the path the admin uses: a safety stock is a new policy version checked
 * by the one policy check (app/domain/policy-check.ts), a pause is the Channels page's pause, a
 * reconciliation is the Sync page's. The actor is the Flow run, in the policy history and the
 * audit log.
 *
 * Answers, as Flow reads them: 200 done; 401 not signed by Shopify (nothing read further);
 * 4xx with `{ message, problems }` when the run asks for something invalid (Flow does not retry
 * a 4xx, and nothing changed); a 5xx (thrown) is retried by Flow, so every action is idempotent.
 */
import { readFlowActionRequest, readPauseChannel, readReconcileSkus, readSetSafetyStock, type FlowActionRequest } from "~/domain/flow";
import { editableDraft, type Policy, type Problem, type ProtectionRule } from "~/domain";
import { env } from "~/env.server";
import { catalogItemsWithSku, listChannels } from "~/models/catalog.server";
import { getPolicyDraft, savePolicyDraft } from "~/models/policy-draft.server";
import { currentPolicy } from "~/models/policy.server";
import { webhookSignatureValid } from "~/shopify/webhook-signature";
import { setChannelPaused } from "./channels-admin.server";
import { enqueueReconcile, enqueueRecompute } from "./jobs.server";
import { publishPolicy } from "./policy.server";
import { bytesWithin, payloadTooLarge } from "./request-body.server";
import { EMPTY_POLICY } from "./sync-context.server";

export const FLOW_ACTION_HANDLES = {
  setSafetyStock: "safestock-set-safety-stock",
  pauseChannel: "safestock-pause-channel",
  reconcileNow: "safestock-reconcile-now",
} as const;

type FlowActionHandle = (typeof FLOW_ACTION_HANDLES)[keyof typeof FLOW_ACTION_HANDLES];

/** An action run's body is a few fields: anything over this is not Flow's. */
const MAX_FLOW_ACTION_BYTES = 64_000;
/** The most SKUs one "Reconcile stock now" run names (and the variants looked up per SKU). */
const MAX_RECONCILE_SKUS = 250;

/** `authenticate.flow` of @shopify/shopify-app-remix (https://shopify.dev/docs/api/shopify-app-remix/latest/authenticate/flow). */
type AuthenticateFlow = (request: Request) => Promise<{ session: { shop: string }; payload: unknown }>;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8" } });
const invalid = (message: string, problems: readonly Problem[]) =>
  answer(422, { message: `${message}: ${problems.map((problem) => `${problem.path} ${problem.message}`).join("; ")}`, problems });

/**
 * Runs one Flow action request. The signature is checked here first, on at most 64 KB of the
 * body, so a forged or oversized post is answered 401/413 unread; `authenticate.flow` then checks
 * it again and finds the shop's offline session (it answers a bad signature 400, not the 401 a
 * forged request should get).
 */
export async function answerFlowAction(request: Request, handle: FlowActionHandle, authenticate: AuthenticateFlow): Promise<Response> {
  if (request.method !== "POST") return answer(405, { message: "Flow actions are POSTed" });
  const body = await bytesWithin(request.clone(), MAX_FLOW_ACTION_BYTES);
  if (!body.ok) return payloadTooLarge(MAX_FLOW_ACTION_BYTES);
  if (!webhookSignatureValid(body.bytes, request.headers.get("X-Shopify-Hmac-Sha256"), env().SHOPIFY_API_SECRET)) {
    return answer(401, { message: "Not signed by Shopify: nothing was changed" });
  }
  // Read before `authenticate.flow`, which throws (a 500, retried by Flow) on a body without a shop domain.
  const read = readFlowActionRequest(jsonOrNull(body.bytes));
  if (!read.ok) return invalid("Not a Flow action request", read.problems);
  const authenticated = await authenticate(request).catch((thrown: unknown) => (thrown instanceof Response ? thrown : Promise.reject(thrown)));
  // A shop without the app's session (never installed, or uninstalled): `authenticate.flow` throws a
  // bare 400 with no body, which names nothing in the run's log.
  if (authenticated instanceof Response) {
    return answer(authenticated.status, { message: `Safestock is not installed on ${read.value.shopDomain}: nothing was changed`, problems: [{ path: "shopify_domain", message: "has no Safestock session" }] });
  }
  const { session } = authenticated;
  if (read.value.handle !== handle) return answer(400, { message: `This address runs ${handle}, not ${read.value.handle}`, problems: [{ path: "handle", message: `must be ${handle}` }] });
  const run = { ...read.value, shopDomain: session.shop };
  if (handle === FLOW_ACTION_HANDLES.setSafetyStock) return setSafetyStockFromFlow(run);
  if (handle === FLOW_ACTION_HANDLES.pauseChannel) return pauseChannelFromFlow(run);
  return reconcileFromFlow(run);
}

function jsonOrNull(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

const flowActor = (run: FlowActionRequest) => `Shopify Flow (run ${run.actionRunId})`;

const isExactSafetyStock = (rule: ProtectionRule, sku: string, location: string) =>
  rule.kind === "safety_stock" && rule.sku === sku && rule.location === location && rule.product === undefined && rule.tag === undefined;

/** The document with one exception: exactly this SKU at this location keeps `units` out of sale (replacing such a rule). */
function withSafetyStock(document: Policy, sku: string, location: string, units: unknown): Policy {
  const others = document.protection.filter((rule) => !isExactSafetyStock(rule, sku, location));
  // `units` goes to the policy check as Flow sent it, so its message names what the workflow sent.
  return { ...document, protection: [...others, { kind: "safety_stock", sku, location, units } as ProtectionRule] };
}

async function setSafetyStockFromFlow(run: FlowActionRequest): Promise<Response> {
  const read = readSetSafetyStock(run.properties);
  if (!read.ok) return invalid("Safestock could not set the safety stock", read.problems);
  const { sku, location, units } = read.value;
  const current = await currentPolicy(run.shopDomain);
  const document = (current?.document as Policy | undefined) ?? EMPTY_POLICY;
  // Flow retries a run it did not hear back from: the same exception already in force is done.
  if (current && document.protection.some((rule) => isExactSafetyStock(rule, sku, location) && rule.kind === "safety_stock" && rule.units === units)) {
    return answer(200, { message: `Safety stock of ${sku} at ${location} is already ${String(units)}`, version: current.version });
  }
  const note = `Shopify Flow set the safety stock of ${sku} at ${location} to ${String(units)}`;
  const result = await publishPolicy(run.shopDomain, withSafetyStock(document, sku, location, units), { createdBy: flowActor(run), note, actor: "flow" });
  if (!result.ok) return invalid("Safestock could not set the safety stock", result.problems);
  // An open draft gets the same exception, so publishing it later does not silently undo this one.
  // (A draft saved mid-edit that is no list of rules is left as typed: it cannot be published as it is.)
  const draft = await getPolicyDraft(run.shopDomain);
  const editable = draft ? editableDraft(draft.document) : null;
  if (editable) {
    await savePolicyDraft(run.shopDomain, { document: withSafetyStock(editable, sku, location, units), basedOnVersion: result.version, updatedBy: flowActor(run) });
  }
  return answer(200, { message: note, version: result.version });
}

async function pauseChannelFromFlow(run: FlowActionRequest): Promise<Response> {
  const read = readPauseChannel(run.properties);
  if (!read.ok) return invalid("Safestock could not pause or resume the channel", read.problems);
  const { channel, paused, reason } = read.value;
  const current = (await currentPolicy(run.shopDomain))?.document as Policy | undefined;
  const known = (await listChannels(run.shopDomain)).some((entry) => entry.handle === channel);
  const isPaused = current?.channels.some((rule) => rule.channel === channel && rule.paused === true) ?? false;
  if (known && isPaused === paused) return answer(200, { message: `${channel} is already ${paused ? "paused" : "selling"}` });
  const result = await setChannelPaused(run.shopDomain, { channel, paused, reason: `${reason} (Shopify Flow)` }, { createdBy: flowActor(run), actor: "flow" });
  if (!result.ok) return invalid("Safestock could not pause or resume the channel", result.problems);
  return answer(200, { message: `${paused ? "Paused" : "Resumed"} ${channel}`, version: result.version });
}

async function reconcileFromFlow(run: FlowActionRequest): Promise<Response> {
  const read = readReconcileSkus(run.properties);
  if (!read.ok) return invalid("Safestock could not reconcile", read.problems);
  const skus = read.value;
  if (skus.length === 0) {
    await enqueueReconcile(run.shopDomain, "manual");
    return answer(200, { message: "Reconciling the whole catalog" });
  }
  if (skus.length > MAX_RECONCILE_SKUS) return invalid("Safestock could not reconcile", [{ path: "properties.SKUs", message: `names ${skus.length} SKUs; at most ${MAX_RECONCILE_SKUS}` }]);
  const found = await Promise.all(skus.map(async (sku) => ({ sku, items: await catalogItemsWithSku(run.shopDomain, sku, MAX_RECONCILE_SKUS) })));
  const unknown = found.filter((entry) => entry.items.length === 0).map((entry) => entry.sku);
  if (unknown.length > 0) return invalid("Safestock could not reconcile", [{ path: "properties.SKUs", message: `names SKUs Safestock does not know: ${unknown.join(", ")}` }]);
  await enqueueRecompute(run.shopDomain, [...new Set(found.flatMap((entry) => entry.items.map((item) => item.inventoryItemId)))]);
  return answer(200, { message: `Reconciling ${skus.join(", ")}` });
}
