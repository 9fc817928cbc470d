import { parseWebhookBody } from "./webhook-payload";
import type { WebhookTopic } from "./webhook-topics";

/**
 * What Safestock keeps of a webhook body: the fields the pipeline reads and nothing else.
 *
 * Order and refund payloads carry protected customer data (the customer, billing and shipping
 * addresses, email, phone, note: ../shared/SHOPIFY-FACTS.md "Access tokens and customer data").
 * The subscriptions in shopify.app.toml ask Shopify for these fields only (`include_fields`,
 * https://shopify.dev/docs/apps/build/webhooks/customize/modify-payloads), and the same lists trim
 * what is stored, so a body delivered whole (a subscription made before the trim, a Pub/Sub or
 * EventBridge message, a replay) keeps no customer data at rest either (README "Privacy").
 * tests/privacy.test.ts keeps these lists equal to the toml's.
 */

/** Read by webhookEffects, orderPayloadOf, payloadChangedAt, the claims check and the cart-hold conversion. */
const ORDER_FIELDS = [
  "id",
  "admin_graphql_api_id",
  "created_at",
  "updated_at",
  "location_id",
  "source_name",
  "checkout_token",
  "note_attributes",
  "line_items.id",
  "line_items.admin_graphql_api_id",
  "line_items.variant_id",
  "line_items.quantity",
] as const;

/** `include_fields` of each trimmed subscription; topics not listed are delivered whole (they carry no customer data). */
export const INCLUDED_FIELDS: Partial<Record<WebhookTopic, readonly string[]>> = {
  "orders/create": ORDER_FIELDS,
  "orders/updated": ORDER_FIELDS,
  "orders/cancelled": ORDER_FIELDS,
  "orders/fulfilled": ORDER_FIELDS,
  // `order_id`: customers/redact finds the deliveries of the orders it names.
  "refunds/create": ["id", "admin_graphql_api_id", "order_id", "created_at", "refund_line_items.line_item.variant_id"],
};

/**
 * Kept, for topics Shopify sends whole (no `include_fields` on compliance or app topics): the
 * compliance bodies without the customer's email and phone; app/uninstalled's Shop without its
 * owner's name, email, phone and address.
 */
const STORED_FIELDS: Partial<Record<WebhookTopic, readonly string[]>> = {
  ...INCLUDED_FIELDS,
  "customers/data_request": ["shop_id", "shop_domain", "customer.id", "orders_requested", "data_request.id"],
  "customers/redact": ["shop_id", "shop_domain", "customer.id", "orders_to_redact"],
  "shop/redact": ["shop_id", "shop_domain"],
  "app/uninstalled": ["id", "domain", "myshopify_domain"],
  "app/scopes_update": ["id", "previous", "current", "updated_at"],
};

/**
 * The one cart attribute Safestock reads (services/holds.server.ts HOLD_ATTRIBUTE); a cart's other
 * attributes are whatever the storefront put there (gift messages, names), so they are not kept.
 */
const HOLD_NOTE_ATTRIBUTE = "_safestockHold";

type Json = Record<string, unknown>;
interface FieldTree {
  [key: string]: FieldTree | true;
}

function fieldTree(fields: readonly string[]): FieldTree {
  const tree: FieldTree = {};
  for (const field of fields) {
    let node = tree;
    const parts = field.split(".");
    for (const [index, part] of parts.entries()) {
      if (node[part] === true) break; // a parent already kept whole
      if (index === parts.length - 1) node[part] = true;
      else node = (node[part] as FieldTree | undefined) ?? (node[part] = {});
    }
  }
  return tree;
}

/** Only the tree's fields; through arrays element by element, as Shopify applies `include_fields`. */
function project(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((element) => project(element, tree));
  if (value === null || typeof value !== "object") return value;
  const source = value as Json;
  const out: Json = {};
  for (const [key, sub] of Object.entries(tree)) {
    if (key in source) out[key] = sub === true ? source[key] : project(source[key], sub);
  }
  return out;
}

/**
 * The body to store for a delivery: its topic's fields only, as JSON text. Ids of 16+ digits are
 * kept exactly, as strings (parseWebhookBody), which every reader of a body accepts. A body that
 * is not a JSON object is stored as an empty object: it is refused anyway, and its text is not kept.
 */
export function storedWebhookBody(topic: WebhookTopic, rawBody: string): string {
  const fields = STORED_FIELDS[topic];
  if (!fields) return rawBody;
  let payload: unknown;
  try {
    payload = parseWebhookBody(rawBody);
  } catch {
    return "{}";
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return "{}";
  const kept = project(payload, fieldTree(fields)) as Json;
  if (Array.isArray(kept.note_attributes)) {
    kept.note_attributes = (kept.note_attributes as Json[]).filter((attribute) => attribute?.name === HOLD_NOTE_ATTRIBUTE);
  }
  return JSON.stringify(kept);
}
