/**
 * Reading Shopify's REST-shaped webhook bodies safely.
 *
 * Their numeric ids exceed 2^53 (Shopify's own sample order id is 820982911946154508), and
 * `JSON.parse` silently rounds them (docs/decisions/012 "Webhooks"). `parseWebhookBody` turns every
 * integer literal of 16+ digits into a string before parsing, so ids survive exactly.
 */
export function parseWebhookBody(raw: string): unknown {
  let out = "";
  let inString = false;
  let escaped = false;
  let index = 0;
  while (index < raw.length) {
    const char = raw[index];
    if (inString) {
      out += char;
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
      index++;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
      index++;
      continue;
    }
    if (char === "-" || (char >= "0" && char <= "9")) {
      let end = index + 1;
      while (end < raw.length && /[0-9.eE+-]/.test(raw[end])) end++;
      const literal = raw.slice(index, end);
      out += /^-?\d{16,}$/.test(literal) ? `"${literal}"` : literal;
      index = end;
      continue;
    }
    out += char;
    index++;
  }
  return JSON.parse(out);
}

type Json = Record<string, unknown>;

const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const idString = (value: unknown): string | null =>
  typeof value === "string" || typeof value === "number" ? String(value) : null;

export const inventoryItemGid = (legacyId: string) => `gid://shopify/InventoryItem/${legacyId}`;
export const variantGid = (legacyId: string) => `gid://shopify/ProductVariant/${legacyId}`;

/** What a delivery tells us about which inventory items may have changed. */
export interface WebhookEffects {
  inventoryItemIds: string[];
  variantIds: string[];
}

/**
 * The inventory items (or variants, to be mapped through the catalog) a delivery touches.
 * The payload is a hint only: the pipeline re-reads current quantities from Shopify, because
 * deliveries can be stale, duplicated or out of order.
 */
export function webhookEffects(topic: string, payload: unknown): WebhookEffects {
  const body = (payload ?? {}) as Json;
  const items = new Set<string>();
  const variants = new Set<string>();
  const addVariant = (value: unknown) => {
    const id = idString(value);
    if (id) variants.add(variantGid(id));
  };
  switch (topic) {
    case "inventory_levels/update": {
      const id = idString(body.inventory_item_id);
      if (id) items.add(inventoryItemGid(id));
      break;
    }
    case "inventory_items/delete":
      break;
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
    case "orders/fulfilled":
      for (const line of asArray(body.line_items)) addVariant(line.variant_id);
      break;
    case "refunds/create":
      for (const line of asArray(body.refund_line_items)) addVariant((line.line_item as Json | undefined)?.variant_id);
      break;
    case "products/update":
      for (const variant of asArray(body.variants)) {
        const id = idString(variant.inventory_item_id);
        if (id) items.add(inventoryItemGid(id));
      }
      break;
  }
  return { inventoryItemIds: [...items], variantIds: [...variants] };
}

/** One line of an order payload, as the velocity and exposure records keep it. */
export interface OrderLinePayload {
  lineItemId: string;
  variantId: string;
  quantity: number;
}

/** What the sales and exposure records read of an orders/create payload. */
export interface OrderPayload {
  orderId: string;
  /** The order's `created_at`, or when it was received if that is missing or unreadable. */
  occurredAt: Date;
  /** The location Shopify names for the order (POS), or null. */
  locationId: string | null;
  /** Lines with a variant (custom lines have none and are not tracked). */
  lines: OrderLinePayload[];
}

const orderGid = (kind: string, value: unknown) => (typeof value === "string" && value.startsWith("gid://") ? value : `gid://shopify/${kind}/${String(value)}`);

export function orderPayloadOf(payload: unknown, receivedAt: Date): OrderPayload {
  const order = (payload ?? {}) as Json;
  const orderId = orderGid("Order", order.admin_graphql_api_id ?? order.id);
  const created = typeof order.created_at === "string" ? Date.parse(order.created_at) : NaN;
  return {
    orderId,
    occurredAt: Number.isNaN(created) ? receivedAt : new Date(created),
    locationId: order.location_id != null ? orderGid("Location", order.location_id) : null,
    lines: asArray(order.line_items)
      .filter((line) => line.variant_id != null)
      .map((line) => ({
        lineItemId: typeof line.admin_graphql_api_id === "string" ? line.admin_graphql_api_id : `${orderId}/${String(line.id)}`,
        variantId: variantGid(String(line.variant_id)),
        quantity: Number(line.quantity) || 0,
      })),
  };
}

/**
 * Why a recorded delivery's payload cannot be processed, or null. Runs every reader the
 * processing applies to a payload (parse, effects, the order's lines) with no IO around them, so
 * a throw here is a property of the signed bytes and recurs on every attempt: such a delivery is
 * parked with this reason instead of being retried into a dead job (issue 22).
 */
export function unreadablePayload(topic: string, raw: string): string | null {
  try {
    const payload = parseWebhookBody(raw || "{}");
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return "the payload is not a JSON object";
    webhookEffects(topic, payload);
    if (topic.startsWith("orders/")) orderPayloadOf(payload, new Date(0));
    return null;
  } catch (error) {
    return `the payload cannot be read: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}
