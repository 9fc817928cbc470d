import { recordAudit } from "~/models/audit.server";
import { customerDataOf, redactCustomerData, type CustomerKeys } from "~/models/customer-data.server";
import { applyScopesIfNewer } from "~/models/shop-installation.server";

/**
 * The mandatory compliance requests about one customer
 * (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance) and the scope change
 * notice. Shopify sends the customer's id, email and phone and the order ids; Safestock keeps no
 * customer field (order payloads are trimmed before they are stored, app/shopify/webhook-fields.ts),
 * so what it holds for a customer is what is keyed by those orders, and the customer holds whose
 * merchant-written note names the customer (app/models/customer-data.server.ts).
 */
type Json = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);
const orderGid = (value: unknown) => (typeof value === "string" && value.startsWith("gid://") ? value : `gid://shopify/Order/${String(value)}`);

function keysOf(payload: Json, ordersField: "orders_requested" | "orders_to_redact"): CustomerKeys {
  const customer = (payload.customer ?? {}) as Json;
  const orders = Array.isArray(payload[ordersField]) ? (payload[ordersField] as unknown[]) : [];
  return {
    orderIds: orders.filter((id) => typeof id === "string" || typeof id === "number").map(orderGid),
    mentions: [text(customer.email), text(customer.phone)].filter((value): value is string => value !== null),
  };
}

/**
 * customers/data_request: what Safestock holds for the customer, written to the shop's Activity
 * log for the merchant to pass on (Shopify expects the app to give the data to the merchant; the
 * webhook's answer is only an acknowledgement). The entry names the request, orders and rows, not
 * the customer's email or phone.
 */
export async function answerCustomerDataRequest(shop: string, payload: Json) {
  const keys = keysOf(payload, "orders_requested");
  const data = await customerDataOf(shop, keys);
  const request = String(((payload.data_request ?? {}) as Json).id ?? "?");
  const customerId = String(((payload.customer ?? {}) as Json).id ?? "?");
  const orders = [...new Set([...data.sales, ...data.exposures].map((row) => row.orderId))];
  const lines = data.sales.map((row) => `${row.orderId} ${row.sku ?? "(no SKU)"} ×${row.quantity} on ${row.channel} at ${row.occurredAt.toISOString()}`);
  const holds = data.holds.map((hold) => `hold ${hold.id}: ${hold.units} × ${hold.sku} (${hold.status}, until ${hold.expiresAt.toISOString()})`);
  const reason = [
    `Customer data request ${request} (customer ${customerId}):`,
    `${data.sales.length} sales lines and ${data.exposures.length} near-miss records of ${orders.length} of the ${keys.orderIds.length} orders named`,
    `${data.holds.length} customer holds whose note names the customer`,
    `${data.deliveries.length} webhook deliveries of those orders (order ids and line quantities only).`,
    ...lines,
    ...holds,
  ].join("; ");
  await recordAudit(shop, [{ subject: "customer_data", reason, actor: "merchant" }]);
  console.info("webhook: customers/data_request answered in Activity", { shop, request, sales: data.sales.length, holds: data.holds.length });
  return data;
}

/** customers/redact: erase what Safestock holds for the customer. */
export async function redactCustomer(shop: string, payload: Json) {
  const changed = await redactCustomerData(shop, keysOf(payload, "orders_to_redact"));
  console.info("webhook: customers/redact done", { shop, rowsChanged: changed });
  return changed;
}

/**
 * app/scopes_update: the scopes the merchant granted changed (an optional scope granted or
 * revoked); the stored offline session says what the token can do. As the React Router app
 * template's `webhooks.app.scopes_update` route does, `current` becomes the session's scope — but
 * only when this update is newer than the last one applied. Its time is the oldest of the
 * X-Shopify-Triggered-At header (unsigned: anyone replaying a body can set it) and the payload's
 * own `updated_at` (signed with the body; https://shopify.dev/docs/api/webhooks?reference=toml&accordionItem=webhooks-app-scopes_update),
 * so a replayed old body cannot pass for a newer update by a fresh header. The freshness window
 * (WEBHOOK_FRESHNESS_HOURS) was already applied at intake (app/services/webhook-intake.server.ts).
 */
export async function applyScopesUpdate(shop: string, payload: Json, triggeredAt: Date | null) {
  const current = Array.isArray(payload.current) ? payload.current.filter((scope): scope is string => typeof scope === "string") : null;
  if (!current) return { refused: "an app/scopes_update payload lists the current scopes" } as const;
  const updatedAt = typeof payload.updated_at === "string" ? new Date(payload.updated_at) : null;
  const times = [triggeredAt, updatedAt && !Number.isNaN(updatedAt.getTime()) ? updatedAt : null].filter((time): time is Date => time !== null);
  if (times.length === 0) return { refused: "an app/scopes_update delivery says neither when it was triggered nor when the scopes changed" } as const;
  const changedAt = new Date(Math.min(...times.map((time) => time.getTime())));
  const outcome = await applyScopesIfNewer(shop, current.join(","), changedAt);
  if (outcome.applied) return "processed" as const;
  if (!outcome.installed) return { refused: "app/scopes_update for a shop with no installation" } as const;
  return {
    refused: `app/scopes_update of ${changedAt.toISOString()} is not newer than the scopes in force (updated ${outcome.inForceSince?.toISOString() ?? "unknown"})`,
  } as const;
}
