/**
 * Access scopes per token, enforced field by field the way Shopify answers a missing scope
 * (shopify.dev/changelog/new-error-messages-for-graphql-operations-without-necessary-access-scopes):
 * a top-level error "Access denied for <field> field. Required access: `<scope>` access scope."
 * with `extensions { code: "ACCESS_DENIED", documentation, requiredAccess }` and the field's path,
 * and `null` for that field in `data` (a recorded pageUpdate answer shows `data.pageUpdate: null`;
 * docs/decisions/016 §3: `inventoryAdjustmentGroup.staffMember` without `read_users` is `null`
 * plus ACCESS_DENIED at that path while the rest of the payload is returned). When several scopes
 * would do, the message reads "Any of `a`, `b` access scopes.".
 *
 * A `write_x` scope grants `read_x` too (@shopify/shopify-api AuthScopes, lib/auth/scopes:
 * "write_" scopes imply their "read_" scope).
 *
 * REQUIRED_SCOPES is the table of what the emulator supports: any one of the listed scopes
 * suffices. Sources: each field's "Requires … access scope" note on shopify.dev/docs/api/admin-graphql
 * (2026-10). Where the page names alternatives the emulator does not model (e.g. read_marketplace_orders),
 * only the common scope is listed (stricter).
 */
import { GraphQLError } from "graphql";

/** Any one of the scopes grants access; a function gives one such group per need (all needed). */
export type ScopeRule = readonly string[] | ((args: Record<string, unknown>) => (readonly string[])[]);

/** Owner GID type → the scope its metafields need ("Requires same access level needed to mutate the owner resource", metafieldsSet). */
const METAFIELD_OWNER_WRITE_SCOPE: Record<string, string> = {
  Product: "write_products",
  ProductVariant: "write_products",
  Collection: "write_products",
  Order: "write_orders",
  Location: "write_locations",
  Customer: "write_customers",
};

function metafieldsSetScopes(args: Record<string, unknown>): (readonly string[])[] {
  const inputs = Array.isArray(args.metafields) ? (args.metafields as { ownerId?: unknown }[]) : [];
  const scopes = new Set<string>();
  for (const input of inputs) {
    const type = typeof input?.ownerId === "string" ? /^gid:\/\/shopify\/([^/]+)\//.exec(input.ownerId)?.[1] : undefined;
    const scope = type ? METAFIELD_OWNER_WRITE_SCOPE[type] : undefined;
    if (scope) scopes.add(scope);
  }
  // Every owner's scope is needed; the first missing one is named (the whole field is denied).
  return [...scopes].map((s) => [s]);
}

/** GID type → the read scope its object needs when fetched through `node`/`nodes`. */
const NODE_READ_SCOPE: Record<string, string> = {
  Product: "read_products",
  ProductVariant: "read_products",
  InventoryItem: "read_inventory",
  InventoryLevel: "read_inventory",
  Location: "read_locations",
  Order: "read_orders",
  Publication: "read_publications",
};

/**
 * `node(id:)` / `nodes(ids:)` need the read scope of each id's type, so they are no way around the
 * per-root table [unconfirmed wording: no capture of a denied `node`; stricter than letting it through].
 */
function nodeScopes(args: Record<string, unknown>): (readonly string[])[] {
  const ids = Array.isArray(args.ids) ? args.ids : [args.id];
  const scopes = new Set<string>();
  for (const id of ids) {
    const type = typeof id === "string" ? /^gid:\/\/shopify\/([^/?]+)\//.exec(id)?.[1] : undefined;
    const scope = type ? NODE_READ_SCOPE[type] : undefined;
    if (scope) scopes.add(scope);
  }
  return [...scopes].map((s) => [s]);
}

/** `Type.field` → scopes, any of which grants access. Roots not listed need no scope (see SCOPE_FREE_ROOTS). */
export const REQUIRED_SCOPES: Record<string, ScopeRule> = {
  "QueryRoot.node": nodeScopes,
  "QueryRoot.nodes": nodeScopes,
  // Locations
  "QueryRoot.locations": ["read_locations"],
  "QueryRoot.location": ["read_locations"],
  "QueryRoot.locationsCount": ["read_locations"],
  // Products and variants
  "QueryRoot.products": ["read_products"],
  "QueryRoot.product": ["read_products"],
  "QueryRoot.productByHandle": ["read_products"],
  "QueryRoot.productsCount": ["read_products"],
  "QueryRoot.productVariants": ["read_products"],
  "QueryRoot.productVariant": ["read_products"],
  "QueryRoot.productVariantsCount": ["read_products"],
  // Inventory
  "QueryRoot.inventoryItems": ["read_inventory"],
  "QueryRoot.inventoryItem": ["read_inventory"],
  "QueryRoot.inventoryLevel": ["read_inventory"],
  "QueryRoot.inventoryProperties": ["read_inventory"],
  // Publications and channels
  "QueryRoot.publications": ["read_publications"],
  "QueryRoot.publication": ["read_publications"],
  "QueryRoot.publicationsCount": ["read_publications"],
  "QueryRoot.channels": ["read_publications"],
  // Orders (orders older than 60 days also need read_all_orders on Shopify: not emulated)
  "QueryRoot.orders": ["read_orders"],
  "QueryRoot.order": ["read_orders"],
  "QueryRoot.ordersCount": ["read_orders"],
  // Fulfilment (shopify.dev FulfillmentOrder / Fulfillment "Required access"); [unconfirmed] whether
  // read_orders alone suffices for `fulfillment` (no recorded answer): kept as the fulfilment tests use it.
  "QueryRoot.fulfillmentOrder": ["read_assigned_fulfillment_orders", "read_merchant_managed_fulfillment_orders", "read_third_party_fulfillment_orders"],
  "QueryRoot.fulfillment": ["read_fulfillments", "read_orders"],
  // Transfers and shipments (shopify.dev InventoryTransfer / InventoryShipment "Required access")
  "QueryRoot.inventoryTransfer": ["read_inventory_transfers"],
  "QueryRoot.inventoryShipment": ["read_inventory_shipments"],
  // Cart and checkout validations (shopify.dev Validation / validationCreate "Requires … access scope")
  "QueryRoot.validations": ["read_validations"],
  "QueryRoot.validation": ["read_validations"],
  // Nested: the staff member behind an adjustment (docs/decisions/016 §3)
  "InventoryAdjustmentGroup.staffMember": ["read_users"],
  // Mutations
  "Mutation.inventorySetQuantities": ["write_inventory"],
  "Mutation.inventoryAdjustQuantities": ["write_inventory"],
  "Mutation.inventoryMoveQuantities": ["write_inventory"],
  "Mutation.inventorySetOnHandQuantities": ["write_inventory"],
  "Mutation.inventoryActivate": ["write_inventory"],
  "Mutation.inventoryDeactivate": ["write_inventory"],
  "Mutation.inventoryBulkToggleActivation": ["write_inventory"],
  "Mutation.inventoryTransferCreate": ["write_inventory_transfers"],
  "Mutation.inventoryTransferMarkAsReadyToShip": ["write_inventory_transfers"],
  "Mutation.inventoryTransferCreateAsReadyToShip": ["write_inventory_transfers"],
  "Mutation.inventoryTransferCancel": ["write_inventory_transfers"],
  "Mutation.inventoryShipmentCreateInTransit": ["write_inventory_shipments"],
  "Mutation.inventoryShipmentCreate": ["write_inventory_shipments"],
  "Mutation.inventoryShipmentReceive": ["write_inventory_shipments"],
  "Mutation.locationEdit": ["write_locations"],
  "Mutation.locationActivate": ["write_locations"],
  "Mutation.locationDeactivate": ["write_locations"],
  "Mutation.publishablePublish": ["write_publications"],
  "Mutation.publishableUnpublish": ["write_publications"],
  "Mutation.metafieldsSet": metafieldsSetScopes,
  "Mutation.validationCreate": ["write_validations"],
  "Mutation.validationUpdate": ["write_validations"],
  "Mutation.validationDelete": ["write_validations"],
  "Mutation.orderCreate": ["write_orders"],
  "Mutation.productVariantRelationshipBulkUpdate": ["write_products"],
  "Mutation.orderCancel": ["write_orders"],
  "Mutation.refundCreate": ["write_orders"],
  "Mutation.fulfillmentCreate": ["write_fulfillments", "write_assigned_fulfillment_orders", "write_merchant_managed_fulfillment_orders", "write_third_party_fulfillment_orders"],
};

/**
 * Emulated roots that need no scope of their own: `shop` (any installed app may read it), the job and
 * bulk-operation roots (a bulk query's inner fields would be checked by Shopify: not emulated, see
 * sandbox/shop/README.md).
 */
export const SCOPE_FREE_ROOTS = new Set([
  "QueryRoot.shop",
  "QueryRoot.job",
  "QueryRoot.bulkOperation",
  "QueryRoot.currentBulkOperation",
  "QueryRoot.bulkOperations",
  "Mutation.bulkOperationRunQuery",
  "Mutation.bulkOperationCancel",
  // No scope is documented for flowTriggerReceive; the emulator accepts only the calling app's own
  // trigger extensions instead (mutations/flow.ts).
  "Mutation.flowTriggerReceive",
]);

/** Marker for the sandbox's own admin token before any install: every scope (never a Shopify token). */
export const ALL_SCOPES = "*";

/** Granted scopes plus the ones they imply (`write_x` → `read_x`). */
export function expandScopes(scopes: readonly string[]): Set<string> {
  const out = new Set(scopes);
  for (const scope of scopes) {
    const write = /^(unauthenticated_)?write_(.*)$/.exec(scope);
    if (write) out.add(`${write[1] ?? ""}read_${write[2]}`);
  }
  return out;
}

/** What `Type.field` with these arguments needs: groups that must all be met, each by any one scope. */
export function requiredScopes(typeName: string, fieldName: string, args: Record<string, unknown>): (readonly string[])[] {
  const rule = REQUIRED_SCOPES[`${typeName}.${fieldName}`];
  if (!rule) return [];
  return typeof rule === "function" ? rule(args) : [rule];
}

export function requiredAccessText(scopes: readonly string[]): string {
  const quoted = scopes.map((s) => `\`${s}\``);
  return scopes.length === 1 ? `${quoted[0]} access scope.` : `Any of ${quoted.join(", ")} access scopes.`;
}

/** Shopify's ACCESS_DENIED error for a field (the executor adds locations and path). */
export function accessDeniedError(fieldName: string, scopes: readonly string[]): GraphQLError {
  const requiredAccess = requiredAccessText(scopes);
  return new GraphQLError(`Access denied for ${fieldName} field. Required access: ${requiredAccess}`, {
    extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess },
  });
}

/** Throws ACCESS_DENIED when `granted` holds none of the scopes the field needs. */
export function checkFieldAccess(granted: ReadonlySet<string> | typeof ALL_SCOPES, typeName: string, fieldName: string, args: Record<string, unknown>): void {
  if (granted === ALL_SCOPES) return;
  for (const anyOf of requiredScopes(typeName, fieldName, args)) {
    if (!anyOf.some((s) => granted.has(s))) throw accessDeniedError(fieldName, anyOf);
  }
}
