/**
 * The contract between the parts of the emulated Shopify shop (`sandbox/`).
 *
 * - `sandbox/shop/` + `sandbox/admin-api/` own the shop's state and the Admin GraphQL API.
 *   They implement `ShopEmulator` and emit `EmulatorEvent`s for every state change.
 * - `sandbox/webhooks/`, `sandbox/auth/`, `sandbox/http/`, `sandbox/msw/`, `sandbox/admin/`
 *   turn those events into signed webhook deliveries, answer OAuth token exchange, serve
 *   everything over HTTP or msw, and render the local "admin" page.
 *
 * Ids are Shopify GIDs (`gid://shopify/Order/1001`); `legacyId` is the numeric tail as decimal
 * text (it may lie beyond 2^53: `idBase`, sandbox/shop/ids.ts), which webhook payloads
 * (REST-shaped) carry as exact JSON integers. See docs/decisions/012.
 */

export const SANDBOX_API_VERSION = "2026-10";
export const SANDBOX_SHOP_DOMAIN = "safestock-sandbox.myshopify.com";
export const SANDBOX_ADMIN_TOKEN = "sandbox-admin-token";
export const SANDBOX_API_KEY = "sandbox-api-key";
export const SANDBOX_API_SECRET = "sandbox-api-secret";

export type Gid = string;

/** Shopify's quantity names (shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps). */
export const QUANTITY_NAMES = [
  "available",
  "committed",
  "reserved",
  "damaged",
  "safety_stock",
  "quality_control",
  "on_hand",
  "incoming",
] as const;
export type QuantityName = (typeof QUANTITY_NAMES)[number];

export interface LocationRecord {
  id: Gid;
  legacyId: string;
  name: string;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ProductRecord {
  id: Gid;
  legacyId: string;
  title: string;
  handle: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  tags: string[];
  vendor: string;
  productType: string;
  /** A gift card product (`Product.isGiftCard`); absent = false (shops kept by older runs). */
  isGiftCard?: boolean;
  variantIds: Gid[];
  createdAt: string;
  updatedAt: string;
}

export interface VariantRecord {
  id: Gid;
  legacyId: string;
  productId: Gid;
  title: string;
  sku: string;
  price: string;
  position: number;
  inventoryItemId: Gid;
  inventoryPolicy: "DENY" | "CONTINUE";
  /**
   * A fixed bundle's parent variant (`requiresComponents`, `productVariantComponents`): it sells
   * its components' stock, `quantity` of each per bundle
   * (shopify.dev/docs/apps/build/product-merchandising/bundles/add-variant-fixed-bundle). Absent = none.
   */
  components?: { variantId: Gid; quantity: number }[];
  createdAt: string;
  updatedAt: string;
}

export interface InventoryItemRecord {
  id: Gid;
  legacyId: string;
  variantId: Gid;
  sku: string;
  tracked: boolean;
  requiresShipping: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface InventoryLevelRecord {
  /** `gid://shopify/InventoryLevel/<n>?inventory_item_id=<item>` (docs/decisions/016 §8). */
  id: Gid;
  inventoryItemId: Gid;
  locationId: Gid;
  isActive: boolean;
  quantities: Record<QuantityName, number>;
  /** Per name; `on_hand` is always null (docs/decisions/016 §8). */
  quantityUpdatedAt: Record<QuantityName, string | null>;
  createdAt: string;
  updatedAt: string;
}

export interface PublicationRecord {
  id: Gid;
  legacyId: string;
  /** e.g. "Online Store", "Point of Sale", "Marketplace", "Wholesale" */
  name: string;
  /** Stable handle Safestock's policy uses: online_store, pos, marketplace, wholesale. */
  channelHandle: string;
  /** productId -> publishedAt */
  published: Record<Gid, string>;
}

export interface MetafieldRecord {
  id: Gid;
  ownerId: Gid;
  /** resolved namespace, e.g. `app--<apiClientId>--safestock` */
  namespace: string;
  key: string;
  type: string;
  value: string;
  compareDigest: string;
  createdAt: string;
  updatedAt: string;
}

export interface OrderLineRecord {
  id: Gid;
  legacyId: string;
  variantId: Gid | null;
  productId: Gid | null;
  inventoryItemId: Gid | null;
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
  /** Units not yet fulfilled, cancelled or refunded. */
  fulfillableQuantity: number;
  /** Where the emulator's default routing assigned the line. */
  locationId: Gid | null;
  /** Added by sandbox/shop: units already fulfilled (they left committed and on_hand). */
  fulfilledQuantity?: number;
  /** Added by sandbox/shop: units refunded (with or without restock). */
  refundedQuantity?: number;
  /** Added by sandbox/shop: whether orderCreate claimed inventory (false under BYPASS or untracked items). */
  inventoryClaimed?: boolean;
  /**
   * A component line of a bundle sold on the order (`LineItem.lineItemGroup`,
   * shopify.dev/docs/api/admin-graphql/latest/objects/LineItemGroup): the bundle's variant and how many bundles.
   */
  lineItemGroup?: { id: Gid; title: string; quantity: number; variantId: Gid; productId: Gid; variantSku: string | null };
}

/**
 * Added by sandbox/shop: where routing sent an order's units. One fulfillment order per assigned
 * location (shopify.dev/docs/apps/build/orders-fulfillment/order-management-apps: "a fulfillment
 * order … represents a group of one or more items … to be fulfilled from one location").
 */
export interface FulfillmentOrderRecord {
  id: Gid;
  legacyId: string;
  orderId: Gid;
  locationId: Gid;
  status: "OPEN" | "IN_PROGRESS" | "CLOSED" | "CANCELLED";
  lineItems: FulfillmentOrderLineRecord[];
  createdAt: string;
  updatedAt: string;
}

export interface FulfillmentOrderLineRecord {
  id: Gid;
  legacyId: string;
  lineItemId: Gid;
  inventoryItemId: Gid | null;
  totalQuantity: number;
  /** Units not yet fulfilled, cancelled or refunded at this location. */
  remainingQuantity: number;
  /** Whether these units were claimed (available → committed) at the fulfillment order's location. */
  claimed: boolean;
}

export interface FulfillmentRecord {
  id: Gid;
  legacyId: string;
  orderId: Gid;
  locationId: Gid;
  createdAt: string;
  trackingNumber: string | null;
  trackingCompany: string | null;
  trackingUrl: string | null;
  lines: { id: Gid; legacyId: string; lineItemId: Gid; quantity: number }[];
}

export interface RefundRecord {
  id: Gid;
  legacyId: string;
  orderId: Gid;
  createdAt: string;
  restock: boolean;
  lines: { lineItemId: Gid; quantity: number; restockType: "RETURN" | "CANCEL" | "NO_RESTOCK"; locationId: Gid | null }[];
}

/** MailingAddressInput's fields (shopify.dev/docs/api/admin-graphql/latest/input-objects/MailingAddressInput). */
export interface MailingAddressRecord {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  countryCode?: string | null;
  zip?: string | null;
  phone?: string | null;
}

export interface OrderBuyerRecord {
  customer: { firstName: string | null; lastName: string | null; email: string | null; phone: string | null } | null;
  billingAddress: MailingAddressRecord | null;
  shippingAddress: MailingAddressRecord | null;
  phone: string | null;
  note: string | null;
}

export interface OrderRecord {
  id: Gid;
  legacyId: string;
  name: string;
  /** The channel the order came from: "web", "pos", "marketplace", "wholesale", ... */
  sourceName: string;
  /** The store a POS order was processed at (REST `location_id`); absent / null for online orders. */
  retailLocationId?: Gid | null;
  email: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  closed: boolean;
  fulfillmentStatus: "UNFULFILLED" | "PARTIALLY_FULFILLED" | "FULFILLED";
  financialStatus: "PAID" | "PENDING" | "REFUNDED" | "PARTIALLY_REFUNDED";
  lineItems: OrderLineRecord[];
  refunds: RefundRecord[];
  /** Added by sandbox/shop: `options.inventoryBehaviour` the order was created with. */
  inventoryBehaviour?: "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY";
  /** Added by sandbox/shop: a test order (`order.test`). */
  test?: boolean;
  /** Added by sandbox/shop: ISO time the order was processed (`order.processedAt`, defaults to createdAt). */
  processedAt?: string;
  /**
   * Added by sandbox/shop: set only for orders placed through the (emulated) Online Store checkout.
   * REST `checkout_token` equals the checkout UI extension's `checkoutToken`
   * (shopify.dev/docs/api/checkout-ui-extensions/latest/apis/checkout-token).
   */
  checkoutToken?: string | null;
  cartToken?: string | null;
  /** Added by sandbox/shop: the checkout's cart attributes, REST `note_attributes` (see CheckoutCompletionInput). */
  noteAttributes?: { name: string; value: string }[];
  /**
   * Added by sandbox/shop: the buyer, as OrderCreateOrderInput gives it (`customer.toUpsert`,
   * `billingAddress`, `shippingAddress`, `phone`, `note`; MailingAddressInput field names). Protected
   * customer data that every order payload carries (sandbox/webhooks/payloads.ts).
   */
  buyer?: OrderBuyerRecord;
  /** Added by sandbox/shop: routing result, one per assigned location (see FulfillmentOrderRecord). */
  fulfillmentOrders?: FulfillmentOrderRecord[];
  /** Added by sandbox/shop: fulfillments made by `fulfillmentCreate` or `order.fulfillment`. */
  fulfillments?: FulfillmentRecord[];
}

/**
 * Every state change the emulator makes, in the order it made them. The webhook part maps
 * them to topics (orders/create, inventory_levels/update, ...) and REST-shaped payloads.
 * `at` is the emulator clock's ISO time of the change (becomes X-Shopify-Triggered-At).
 */
export type EmulatorEvent =
  | { type: "inventory_level.updated"; at: string; level: InventoryLevelRecord; item: InventoryItemRecord }
  | { type: "inventory_level.connected" | "inventory_level.disconnected"; at: string; level: InventoryLevelRecord; item: InventoryItemRecord }
  | { type: "inventory_item.deleted"; at: string; item: InventoryItemRecord }
  | { type: "order.created"; at: string; order: OrderRecord }
  | { type: "order.updated"; at: string; order: OrderRecord }
  | { type: "order.cancelled"; at: string; order: OrderRecord }
  | { type: "order.fulfilled"; at: string; order: OrderRecord }
  | { type: "fulfillment.created"; at: string; order: OrderRecord; fulfillment: FulfillmentRecord }
  | { type: "refund.created"; at: string; order: OrderRecord; refund: RefundRecord }
  | { type: "product.updated"; at: string; product: ProductRecord; variants: VariantRecord[] }
  | { type: "location.created" | "location.updated" | "location.deleted"; at: string; location: LocationRecord }
  | { type: "app.uninstalled"; at: string };

/** The emulator's clock; tests pass a controllable one. */
export interface Clock {
  now(): Date;
}

export interface ThrottleOptions {
  /** Leaky-bucket size in cost points (default 1,000). */
  bucketSize: number;
  /** Points restored per second (default 100). */
  restoreRate: number;
}

export interface GraphQLRequestBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface GraphQLResult {
  /** HTTP status the Admin API would answer (200 for GraphQL and business errors). */
  status: number;
  body: { data?: unknown; errors?: unknown[] | string; extensions?: unknown };
  /** No answer at all: the connection is dropped after this many real ms (fault `transientErrorRate`, kind `timeout`). */
  lostAfterMs?: number;
}

/** One emulated shop. Implemented by `sandbox/shop/` (see `createShopEmulator`). */
export interface ShopEmulator {
  readonly domain: string;
  readonly clock: Clock;
  /** Execute an Admin GraphQL request for an access token (invalid token → 401 body). */
  graphql(body: GraphQLRequestBody, accessToken: string | null): Promise<GraphQLResult>;
  /** Register an access token (token exchange / install) with its granted scopes. */
  grantAccessToken(token: string, scopes: string[]): void;
  /**
   * An expiring offline token of the installed app: the Admin API answers 401 from `expiresAt` on
   * (shop clock). Optional: test doubles may only have `grantAccessToken`.
   */
  grantExpiringAccessToken?(token: string, scopes: string[], expiresAt: Date): void;
  revokeAccessTokens(): void;
  /** How many times the installed app's access was revoked (refresh tokens die with it). Optional. */
  accessRevocations?(): number;
  /**
   * Retires a non-expiring token of the installed app that Shopify still accepts, for its
   * migration to an expiring one; false when the token is not such a token. Optional.
   */
  retireNonExpiringToken?(token: string): boolean;
  /** Listen to state changes; returns an unsubscribe function. */
  onEvent(listener: (event: EmulatorEvent) => void): () => void;
  /** Read-only view for tests, the admin page and assertions. */
  snapshot(): ShopStateSnapshot;
  /**
   * The Online Store checkout completing: Shopify creates the order itself (not through an app's
   * Admin API call, so no app's rate-limit bucket pays for it) and records the checkout and cart
   * tokens on it. Optional: only the real emulator (sandbox/shop) implements it.
   */
  completeCheckout?(input: CheckoutCompletionInput): Promise<CheckoutCompletionResult>;
}

export interface CheckoutCompletionInput {
  lines: { variantId: Gid; quantity: number }[];
  checkoutToken: string;
  cartToken: string;
  email?: string;
  /**
   * The cart's attributes (checkout UI extensions set them with applyAttributeChange). "Attributes
   * set on a cart carry over to the resulting order after checkout"
   * (shopify.dev/docs/api/storefront/2026-04/objects/Attribute): REST `note_attributes`.
   */
  attributes?: { key: string; value: string }[];
}

export interface CheckoutCompletionResult {
  order: { id: Gid; legacyResourceId: string; name: string } | null;
  userErrors: { field: string[] | null; message: string }[];
}

export interface ShopStateSnapshot {
  domain: string;
  name: string;
  locations: LocationRecord[];
  products: ProductRecord[];
  variants: VariantRecord[];
  inventoryItems: InventoryItemRecord[];
  inventoryLevels: InventoryLevelRecord[];
  publications: PublicationRecord[];
  metafields: MetafieldRecord[];
  orders: OrderRecord[];
  /** Cart and checkout validations (validationCreate, validationUpdate, validationDelete); the checkout runs only enabled ones. */
  validations: { id: Gid; title: string; enabled: boolean; blockOnFailure: boolean; functionId: string; functionHandle: string; appKey: string }[];
  /** Shopify Flow triggers the shop received (flowTriggerReceive), oldest first; test doubles may have none. */
  flowTriggerRuns?: { handle: string; payload: Record<string, unknown>; apiClientId: string; receivedAt: string; workflowsStarted: number }[];
  /** The merchant's Flow workflows that start with the app's triggers; test doubles may have none. */
  flowWorkflows?: { id: string; trigger: string; enabled: boolean }[];
}
