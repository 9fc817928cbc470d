/**
 * EmulatorEvent -> Shopify webhook topic + REST-shaped JSON payload.
 *
 * Shapes follow Shopify's webhook samples (shopify.dev/docs/api/webhooks?reference=toml), trimmed
 * to the fields Safestock can plausibly read. Every object carries `admin_graphql_api_id` so the
 * app can key on GID strings: real numeric ids exceed 2^53 (docs/decisions/012 "Webhooks").
 * Numeric `id`s are the emulator's `legacyId`s, as exact JSON integers: an id beyond 2^53 is
 * held as a bigint (`jsonInteger`) and `webhookBodyText` writes its digits, as Shopify's sample
 * payloads do (`"id": 820982911946154508`, SHOPIFY-FACTS "Webhooks"); a JS number would round it.
 *
 * Mapping is 1:1 (one event -> one topic). Where Shopify fires two topics for one change (a
 * cancel fires orders/cancelled *and* orders/updated), the emulator emits both events.
 */
import type {
  EmulatorEvent,
  FulfillmentRecord,
  Gid,
  InventoryItemRecord,
  InventoryLevelRecord,
  LocationRecord,
  MailingAddressRecord,
  OrderLineRecord,
  OrderRecord,
  ProductRecord,
  RefundRecord,
  VariantRecord,
} from "../contract.js";

export const WEBHOOK_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/fulfilled",
  "refunds/create",
  "inventory_levels/update",
  "inventory_levels/connect",
  "inventory_levels/disconnect",
  "inventory_items/delete",
  "fulfillments/create",
  "products/update",
  "locations/create",
  "locations/update",
  "locations/delete",
  "app/uninstalled",
] as const;

export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number] | (typeof COMPLIANCE_TOPICS)[number];

export interface TopicPayload {
  topic: WebhookTopic;
  payload: Record<string, unknown>;
}

/**
 * An id as a JSON integer: a number while it is exact, a bigint beyond 2^53 (written as its
 * digits by `webhookBodyText`; JSON.stringify alone refuses bigints).
 */
export function jsonInteger(digits: string): number | bigint {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : BigInt(digits);
}

/** Numeric tail of a GID: `gid://shopify/InventoryLevel/7?inventory_item_id=9` -> 7. */
export function legacyIdOf(gid: Gid | null | undefined): number | bigint | null {
  if (!gid) return null;
  const m = /\/(\d+)(?:\?.*)?$/.exec(gid);
  return m ? jsonInteger(m[1]!) : null;
}

const BIGINT_MARK = "\u0000jsonint:";
/** A webhook payload as JSON text, bigints written as the exact integers they are. */
export function webhookBodyText(payload: unknown): string {
  const text = JSON.stringify(payload, (_key, value: unknown) => (typeof value === "bigint" ? `${BIGINT_MARK}${value}` : value));
  // JSON.stringify escapes the mark's NUL as \u0000, which no payload string produces unescaped.
  return text.replace(/"\\u0000jsonint:(-?\d+)"/g, "$1");
}

/** Stable numeric shop id derived from the domain (the emulator's contract has none). */
export function shopIdOf(domain: string): number {
  let h = 2166136261;
  for (let i = 0; i < domain.length; i++) h = Math.imul(h ^ domain.charCodeAt(i), 16777619) >>> 0;
  return 10_000_000 + (h % 89_999_999);
}

const lower = (s: string | null | undefined): string | null => (s == null ? null : s.toLowerCase());

function money(n: number): string {
  return n.toFixed(2);
}

function orderFulfillmentStatus(s: OrderRecord["fulfillmentStatus"]): string | null {
  // REST: null (unfulfilled), "partial", "fulfilled".
  return s === "FULFILLED" ? "fulfilled" : s === "PARTIALLY_FULFILLED" ? "partial" : null;
}

function priceSet(amount: string) {
  return { shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } };
}

/**
 * A REST order line item with the fields of Shopify's orders/create sample
 * (shopify.dev/docs/api/webhooks?reference=toml#list-orders/create) and nothing else: there is no
 * `inventory_item_id` on a line (key stock units on `variant_id`).
 */
export function lineItemPayload(line: OrderLineRecord): Record<string, unknown> {
  const unfulfilled = line.fulfillableQuantity;
  const fulfilled = line.fulfilledQuantity ?? 0;
  return {
    id: jsonInteger(line.legacyId),
    admin_graphql_api_id: line.id,
    attributed_staffs: [],
    current_quantity: line.quantity - (line.refundedQuantity ?? 0),
    fulfillable_quantity: unfulfilled,
    fulfillment_service: "manual",
    fulfillment_status: fulfilled === 0 ? null : unfulfilled === 0 ? "fulfilled" : "partial",
    gift_card: false,
    grams: 0,
    name: line.title,
    price: line.price,
    price_set: priceSet(line.price),
    product_exists: line.productId != null,
    product_id: legacyIdOf(line.productId),
    properties: [],
    quantity: line.quantity,
    requires_shipping: true,
    sku: line.sku,
    taxable: true,
    title: line.title,
    total_discount: "0.00",
    total_discount_set: priceSet("0.00"),
    variant_id: legacyIdOf(line.variantId),
    variant_inventory_management: line.variantId ? "shopify" : null,
    variant_title: null,
    vendor: null,
    // A bundle's component line names its group ("when a line_item belongs to a bundle, it will have
    // an associated sales_line_item_group_id": shopify.dev/changelog/update-in-orders-webhook-to-view-bundles-and-their-components).
    // Other lines leave the key out, as the recorded orders/create sample does.
    ...(line.lineItemGroup ? { sales_line_item_group_id: legacyIdOf(line.lineItemGroup.id) } : {}),
    tax_lines: [],
    duties: [],
    discount_allocations: [],
  };
}

/** REST Fulfillment (fulfillments/create sample). */
export function fulfillmentPayload(order: OrderRecord, fulfillment: FulfillmentRecord): Record<string, unknown> {
  const index = (order.fulfillments ?? []).findIndex((f) => f.id === fulfillment.id);
  return {
    id: jsonInteger(fulfillment.legacyId),
    admin_graphql_api_id: fulfillment.id,
    order_id: jsonInteger(order.legacyId),
    location_id: legacyIdOf(fulfillment.locationId),
    name: `${order.name}.${index >= 0 ? index + 1 : 1}`,
    status: "success",
    service: "manual",
    shipment_status: null,
    created_at: fulfillment.createdAt,
    updated_at: fulfillment.createdAt,
    tracking_company: fulfillment.trackingCompany,
    tracking_number: fulfillment.trackingNumber,
    tracking_numbers: fulfillment.trackingNumber ? [fulfillment.trackingNumber] : [],
    tracking_url: fulfillment.trackingUrl,
    tracking_urls: fulfillment.trackingUrl ? [fulfillment.trackingUrl] : [],
    receipt: {},
    line_items: fulfillment.lines.map((fl) => {
      const line = order.lineItems.find((l) => l.id === fl.lineItemId)!;
      return { ...lineItemPayload(line), quantity: fl.quantity };
    }),
  };
}

/** A stable 32-hex token per order (Shopify's `token` is an opaque hex string). */
function orderToken(order: OrderRecord): string {
  let h = 0x811c9dc5;
  const out: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of `${order.id}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out.push(h.toString(16).padStart(8, "0"));
  }
  return out.join("");
}

export function refundPayload(order: OrderRecord, refund: RefundRecord): Record<string, unknown> {
  return {
    id: jsonInteger(refund.legacyId),
    admin_graphql_api_id: refund.id,
    order_id: jsonInteger(order.legacyId),
    created_at: refund.createdAt,
    processed_at: refund.createdAt,
    note: null,
    restock: refund.restock,
    user_id: null,
    refund_line_items: refund.lines.map((l, i) => {
      const line = order.lineItems.find((li) => li.id === l.lineItemId);
      const id = String(BigInt(refund.legacyId) * 100n + BigInt(i + 1));
      return {
        id: jsonInteger(id),
        admin_graphql_api_id: `gid://shopify/RefundLineItem/${id}`,
        line_item_id: legacyIdOf(l.lineItemId),
        location_id: legacyIdOf(l.locationId),
        quantity: l.quantity,
        restock_type: l.restockType.toLowerCase(),
        subtotal: line ? money(Number(line.price) * l.quantity) : "0.00",
        total_tax: "0.00",
        line_item: line ? lineItemPayload(line) : null,
      };
    }),
    transactions: [],
    order_adjustments: [],
    duties: [],
  };
}

/** A REST MailingAddress, as the orders/create sample's `billing_address` / `shipping_address`. */
function addressPayload(address: MailingAddressRecord | null | undefined): Record<string, unknown> | null {
  if (!address) return null;
  const first = address.firstName ?? null;
  const last = address.lastName ?? null;
  return {
    first_name: first,
    last_name: last,
    name: [first, last].filter(Boolean).join(" ") || null,
    company: address.company ?? null,
    address1: address.address1 ?? null,
    address2: address.address2 ?? null,
    city: address.city ?? null,
    province: address.provinceCode ?? null,
    province_code: address.provinceCode ?? null,
    country: address.countryCode ?? null,
    country_code: address.countryCode ?? null,
    zip: address.zip ?? null,
    phone: address.phone ?? null,
    latitude: null,
    longitude: null,
  };
}

/**
 * The protected customer data every order payload carries (the orders/create sample's `customer`
 * with its `default_address`, `billing_address`, `shipping_address`): what `include_fields`
 * must keep away from an app that does not need it.
 */
function buyerPayload(order: OrderRecord): Record<string, unknown> {
  const customer = order.buyer?.customer;
  const shipping = addressPayload(order.buyer?.shippingAddress);
  return {
    billing_address: addressPayload(order.buyer?.billingAddress),
    shipping_address: shipping,
    customer: customer
      ? {
          id: jsonInteger(String(BigInt(order.legacyId) + 7_000_000n)),
          admin_graphql_api_id: `gid://shopify/Customer/${BigInt(order.legacyId) + 7_000_000n}`,
          email: customer.email,
          first_name: customer.firstName,
          last_name: customer.lastName,
          phone: customer.phone,
          state: "disabled",
          note: null,
          verified_email: true,
          tax_exempt: false,
          tags: "",
          currency: "USD",
          created_at: order.createdAt,
          updated_at: order.createdAt,
          default_address: shipping ? { ...shipping, default: true } : null,
        }
      : null,
  };
}

export function orderPayload(order: OrderRecord): Record<string, unknown> {
  const subtotal = order.lineItems.reduce((s, l) => s + Number(l.price) * l.quantity, 0);
  // The order number is the name's ("#1001"), never the id's.
  const num = Number(/\d+/.exec(order.name)?.[0] ?? 1000);
  return {
    id: jsonInteger(order.legacyId),
    admin_graphql_api_id: order.id,
    name: order.name,
    order_number: num,
    number: num - 1000,
    email: order.email,
    contact_email: order.email,
    phone: order.buyer?.phone ?? null,
    browser_ip: null,
    customer_locale: "en",
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    processed_at: order.createdAt,
    cancelled_at: order.cancelledAt,
    cancel_reason: lower(order.cancelReason),
    closed_at: order.closed ? order.updatedAt : null,
    confirmed: true,
    test: false,
    currency: "USD",
    presentment_currency: "USD",
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status: orderFulfillmentStatus(order.fulfillmentStatus),
    source_name: order.sourceName,
    // "The ID of the physical location where the order was processed. This property refers to the
    // POS location. location_id will always be set to null for online orders." (REST Order resource)
    location_id: legacyIdOf(order.retailLocationId),
    token: orderToken(order),
    // Set only when the order came through the Online Store checkout; the checkout UI extension's
    // `checkoutToken` equals `checkout_token` (shopify.dev/docs/api/checkout-ui-extensions/latest/apis/checkout-token).
    checkout_token: order.checkoutToken ?? null,
    cart_token: order.cartToken ?? null,
    checkout_id: null,
    subtotal_price: money(subtotal),
    total_price: money(subtotal),
    total_tax: "0.00",
    total_discounts: "0.00",
    tags: "",
    note: order.buyer?.note ?? null,
    ...buyerPayload(order),
    // The checkout's cart attributes (shopify.dev/docs/api/storefront/2026-04/objects/Attribute).
    note_attributes: (order.noteAttributes ?? []).map(({ name, value }) => ({ name, value })),
    line_items: order.lineItems.map(lineItemPayload),
    refunds: order.refunds.map((r) => refundPayload(order, r)),
    fulfillments: (order.fulfillments ?? []).map((f) => fulfillmentPayload(order, f)),
    shipping_lines: [],
  };
}

/** inventory_levels/update sample: {inventory_item_id, location_id, available, updated_at, admin_graphql_api_id}. */
export function inventoryLevelPayload(level: InventoryLevelRecord, item: InventoryItemRecord): Record<string, unknown> {
  return {
    inventory_item_id: jsonInteger(item.legacyId),
    location_id: legacyIdOf(level.locationId),
    available: level.quantities.available,
    updated_at: level.updatedAt,
    admin_graphql_api_id: level.id,
  };
}

export function inventoryItemDeletePayload(item: InventoryItemRecord): Record<string, unknown> {
  return {
    id: jsonInteger(item.legacyId),
    country_code_of_origin: null,
    province_code_of_origin: null,
    harmonized_system_code: null,
    country_harmonized_system_codes: [],
    admin_graphql_api_id: item.id,
  };
}

export function variantPayload(v: VariantRecord): Record<string, unknown> {
  return {
    id: jsonInteger(v.legacyId),
    admin_graphql_api_id: v.id,
    product_id: legacyIdOf(v.productId),
    title: v.title,
    sku: v.sku,
    price: v.price,
    position: v.position,
    inventory_policy: v.inventoryPolicy.toLowerCase(),
    inventory_management: "shopify",
    inventory_item_id: legacyIdOf(v.inventoryItemId),
    compare_at_price: null,
    barcode: null,
    taxable: true,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
  };
}

export function productPayload(p: ProductRecord, variants: VariantRecord[]): Record<string, unknown> {
  return {
    id: jsonInteger(p.legacyId),
    admin_graphql_api_id: p.id,
    title: p.title,
    body_html: null,
    vendor: p.vendor,
    product_type: p.productType,
    handle: p.handle,
    status: p.status.toLowerCase(),
    tags: p.tags.join(", "),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    published_at: p.status === "ACTIVE" ? p.createdAt : null,
    published_scope: "global",
    template_suffix: null,
    variants: variants.map(variantPayload),
    variant_gids: variants.map((v) => ({ admin_graphql_api_id: v.id, updated_at: v.updatedAt })),
    options: [],
    images: [],
    image: null,
    media: [],
    category: null,
  };
}

export function locationPayload(l: LocationRecord): Record<string, unknown> {
  return {
    id: jsonInteger(l.legacyId),
    admin_graphql_api_id: l.id,
    name: l.name,
    active: l.isActive,
    legacy: false,
    address1: null,
    address2: null,
    city: null,
    zip: null,
    province: null,
    province_code: null,
    country: "US",
    country_code: "US",
    country_name: "United States",
    phone: null,
    created_at: l.createdAt,
    updated_at: l.updatedAt,
  };
}

export function shopPayload(domain: string, name?: string): Record<string, unknown> {
  const id = shopIdOf(domain);
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Shop/${id}`,
    name: name ?? domain.replace(/\.myshopify\.com$/, ""),
    email: `owner@${domain}`,
    domain,
    myshopify_domain: domain,
    plan_name: "partner_test",
    currency: "USD",
    iana_timezone: "UTC",
    country_code: "US",
  };
}

/** The topic and REST payload Shopify would send for one emulator event. */
export function eventToWebhook(event: EmulatorEvent, shopDomain: string): TopicPayload {
  switch (event.type) {
    case "inventory_level.updated":
      return { topic: "inventory_levels/update", payload: inventoryLevelPayload(event.level, event.item) };
    case "inventory_level.connected":
      return { topic: "inventory_levels/connect", payload: inventoryLevelPayload(event.level, event.item) };
    case "inventory_level.disconnected":
      // inventory_levels/disconnect sample: {inventory_item_id, location_id}.
      return { topic: "inventory_levels/disconnect", payload: { inventory_item_id: jsonInteger(event.item.legacyId), location_id: legacyIdOf(event.level.locationId) } };
    case "fulfillment.created":
      return { topic: "fulfillments/create", payload: fulfillmentPayload(event.order, event.fulfillment) };
    case "inventory_item.deleted":
      return { topic: "inventory_items/delete", payload: inventoryItemDeletePayload(event.item) };
    case "order.created":
      return { topic: "orders/create", payload: orderPayload(event.order) };
    case "order.updated":
      return { topic: "orders/updated", payload: orderPayload(event.order) };
    case "order.cancelled":
      return { topic: "orders/cancelled", payload: orderPayload(event.order) };
    case "order.fulfilled":
      return { topic: "orders/fulfilled", payload: orderPayload(event.order) };
    case "refund.created":
      return { topic: "refunds/create", payload: refundPayload(event.order, event.refund) };
    case "product.updated":
      return { topic: "products/update", payload: productPayload(event.product, event.variants) };
    case "location.created":
      return { topic: "locations/create", payload: locationPayload(event.location) };
    case "location.updated":
      return { topic: "locations/update", payload: locationPayload(event.location) };
    case "location.deleted":
      return {
        topic: "locations/delete",
        payload: { id: jsonInteger(event.location.legacyId), admin_graphql_api_id: event.location.id },
      };
    case "app.uninstalled":
      return { topic: "app/uninstalled", payload: shopPayload(shopDomain) };
    default: {
      const never: never = event;
      throw new Error(`unmapped emulator event ${(never as { type: string }).type}`);
    }
  }
}

export interface ComplianceRequest {
  topic: (typeof COMPLIANCE_TOPICS)[number];
  customer?: { id: number; email?: string | null; phone?: string | null };
  /** Legacy order ids; for data_request -> orders_requested, redact -> orders_to_redact. */
  orderIds?: number[];
  dataRequestId?: number;
}

/** Mandatory compliance webhook bodies (shopify.dev/docs/apps/build/compliance/privacy-law-compliance). */
export function compliancePayload(shopDomain: string, req: ComplianceRequest): Record<string, unknown> {
  const base = { shop_id: shopIdOf(shopDomain), shop_domain: shopDomain };
  const customer = {
    id: req.customer?.id ?? 1,
    email: req.customer?.email ?? null,
    phone: req.customer?.phone ?? null,
  };
  switch (req.topic) {
    case "customers/data_request":
      return {
        ...base,
        orders_requested: req.orderIds ?? [],
        customer,
        data_request: { id: req.dataRequestId ?? 1 },
      };
    case "customers/redact":
      return { ...base, customer, orders_to_redact: req.orderIds ?? [] };
    case "shop/redact":
      return base;
  }
}
