/**
 * The emulated shop's state: plain records (contract types) in insertion-ordered maps, which
 * is also id order (ids only grow), so connections can paginate without sorting.
 */
import type {
  FulfillmentOrderRecord,
  FulfillmentRecord,
  Gid,
  InventoryItemRecord,
  InventoryLevelRecord,
  LocationRecord,
  MetafieldRecord,
  OrderRecord,
  ProductRecord,
  PublicationRecord,
  QuantityName,
  ShopStateSnapshot,
  VariantRecord,
} from "../contract.js";
import { firstIds, gid, inventoryLevelGid, type IdKind } from "./ids.js";
import { emptyQuantities, emptyUpdatedAt } from "./inventory.js";

export interface InventoryChangeRecord {
  name: QuantityName;
  delta: number;
  ledgerDocumentUri: string | null;
  inventoryItemId: Gid;
  locationId: Gid;
}

/** What inventorySet/Adjust/MoveQuantities return (`InventoryAdjustmentGroup`). */
export interface AdjustmentGroupRecord {
  id: Gid;
  createdAt: string;
  reason: string;
  referenceDocumentUri: string | null;
  changes: InventoryChangeRecord[];
}

/** `inventoryTransfer…` (docs/decisions/016 §9 "Transfers"). */
export interface InventoryTransferRecord {
  id: Gid;
  legacyId: string;
  name: string;
  originLocationId: Gid;
  destinationLocationId: Gid;
  status: "DRAFT" | "READY_TO_SHIP" | "IN_PROGRESS" | "TRANSFERRED" | "CANCELED";
  lineItems: { id: Gid; inventoryItemId: Gid; quantity: number; shippedQuantity: number }[];
  shipmentIds: Gid[];
  referenceName: string | null;
  note: string | null;
  tags: string[];
  dateCreated: string;
}

export interface InventoryShipmentRecord {
  id: Gid;
  legacyId: string;
  name: string;
  transferId: Gid;
  status: "DRAFT" | "IN_TRANSIT" | "PARTIALLY_RECEIVED" | "RECEIVED";
  lineItems: { id: Gid; inventoryItemId: Gid; quantity: number; acceptedQuantity: number; rejectedQuantity: number }[];
  dateCreated: string;
  dateShipped: string | null;
  dateReceived: string | null;
}

/**
 * One accepted flowTriggerReceive: the trigger's handle and payload, the app that sent it, when,
 * and how many enabled workflows it started (0: accepted, and it started nothing).
 */
export interface FlowTriggerRunRecord {
  handle: string;
  payload: Record<string, unknown>;
  apiClientId: string;
  receivedAt: string;
  workflowsStarted: number;
}

/** A merchant's Flow workflow that starts with one of the app's triggers (sandbox/flow/lifecycle.ts). */
export interface FlowWorkflowRecord {
  id: string;
  /** The trigger's handle. */
  trigger: string;
  enabled: boolean;
}

/**
 * A deployed Shopify Function of an app (`ShopifyFunction`). The emulated app deploys one: the
 * cart-validation Function in extensions/safestock-cart-validation (sandbox/admin-api/mutations/validations.ts).
 */
export interface ShopifyFunctionRecord {
  id: string;
  handle: string;
  title: string;
  apiType: string;
  apiVersion: string;
  appKey: string;
}

/** A cart and checkout validation (`Validation`, 2026-10): only an enabled one runs at checkout. */
export interface ValidationRecord {
  id: Gid;
  title: string;
  enabled: boolean;
  blockOnFailure: boolean;
  functionId: string;
  functionHandle: string;
  appKey: string;
}

export interface ShopInfo {
  id: Gid;
  legacyId: string;
  name: string;
  domain: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  createdAt: string;
  updatedAt: string;
}

export interface ShopState {
  shop: ShopInfo;
  locations: Map<Gid, LocationRecord>;
  products: Map<Gid, ProductRecord>;
  variants: Map<Gid, VariantRecord>;
  inventoryItems: Map<Gid, InventoryItemRecord>;
  /** key `${inventoryItemId}|${locationId}` */
  levels: Map<string, InventoryLevelRecord>;
  levelsById: Map<Gid, InventoryLevelRecord>;
  levelsByItem: Map<Gid, InventoryLevelRecord[]>;
  publications: Map<Gid, PublicationRecord>;
  metafields: Map<Gid, MetafieldRecord>;
  /** key `${ownerId}|${namespace}|${key}` */
  metafieldIndex: Map<string, MetafieldRecord>;
  orders: Map<Gid, OrderRecord>;
  /** lineItemId -> orderId */
  lineItemOrder: Map<Gid, Gid>;
  adjustmentGroups: Map<Gid, AdjustmentGroupRecord>;
  /** The same records as in `order.fulfillmentOrders` / `order.fulfillments`, by id. */
  fulfillmentOrders: Map<Gid, FulfillmentOrderRecord>;
  fulfillments: Map<Gid, FulfillmentRecord>;
  inventoryTransfers: Map<Gid, InventoryTransferRecord>;
  inventoryShipments: Map<Gid, InventoryShipmentRecord>;
  /** Functions the installed app has deployed (by id); set by the emulator for its app. */
  shopifyFunctions: Map<string, ShopifyFunctionRecord>;
  validations: Map<Gid, ValidationRecord>;
  /** Apps whose Flow extensions are deployed (sandbox/admin-api/mutations/flow.ts). */
  flowApps: Set<string>;
  /** Flow triggers received with flowTriggerReceive, oldest first (GET /sandbox/flow/triggers). */
  flowTriggerRuns: FlowTriggerRunRecord[];
  /** The merchant's workflows that start with the app's triggers (POST /sandbox/flow/workflows). */
  flowWorkflows: FlowWorkflowRecord[];
  /** The last trigger lifecycle callback's timestamp (ms): the next one is later. */
  flowLifecycleLastMs?: number;
  /** Which non-default quantity names were ever used (inventoryProperties.isInUse). */
  namesInUse: Set<QuantityName>;
  /** Each type's next id, as decimal text (beyond 2^53 with an `idBase`; sandbox/shop/ids.ts). */
  nextIds: Record<IdKind, string>;
}

/** A New York shop unless told otherwise: a zone with a short name and daylight saving, as many shops have. */
export const DEFAULT_SHOP_TIME_ZONE = "America/New_York";

export function createEmptyState(domain: string, name: string, now: string, idBase?: string, ianaTimezone: string = DEFAULT_SHOP_TIME_ZONE): ShopState {
  const nextIds = firstIds(idBase);
  const shopLegacy = nextIds.Shop;
  nextIds.Shop = String(BigInt(shopLegacy) + 1n);
  return {
    shop: {
      id: gid("Shop", shopLegacy),
      legacyId: shopLegacy,
      name,
      domain,
      email: "owner@safestock.example",
      currencyCode: "USD",
      ianaTimezone,
      createdAt: now,
      updatedAt: now,
    },
    locations: new Map(),
    products: new Map(),
    variants: new Map(),
    inventoryItems: new Map(),
    levels: new Map(),
    levelsById: new Map(),
    levelsByItem: new Map(),
    publications: new Map(),
    metafields: new Map(),
    metafieldIndex: new Map(),
    orders: new Map(),
    lineItemOrder: new Map(),
    adjustmentGroups: new Map(),
    fulfillmentOrders: new Map(),
    fulfillments: new Map(),
    inventoryTransfers: new Map(),
    inventoryShipments: new Map(),
    shopifyFunctions: new Map(),
    validations: new Map(),
    flowApps: new Set(),
    flowTriggerRuns: [],
    flowWorkflows: [],
    namesInUse: new Set(["available", "committed", "on_hand"]),
    nextIds,
  };
}

/** Issues the next id of a type. BigInt arithmetic: a counter beyond 2^53 stays exact (a shop kept by an older run has numbers here). */
export function nextLegacyId(state: ShopState, kind: IdKind): string {
  const id = String(state.nextIds[kind]);
  state.nextIds[kind] = String(BigInt(id) + 1n);
  return id;
}

export function levelKey(inventoryItemId: Gid, locationId: Gid): string {
  return `${inventoryItemId}|${locationId}`;
}

export function getLevel(state: ShopState, inventoryItemId: Gid, locationId: Gid): InventoryLevelRecord | undefined {
  return state.levels.get(levelKey(inventoryItemId, locationId));
}

/** Stock an item at a location (an active level with zero quantities unless given). */
export function addLevel(
  state: ShopState,
  item: InventoryItemRecord,
  locationId: Gid,
  now: string,
  quantities: Partial<Record<QuantityName, number>> = {},
): InventoryLevelRecord {
  const legacy = nextLegacyId(state, "InventoryLevel");
  const q = emptyQuantities();
  const updatedAt = emptyUpdatedAt();
  for (const [name, value] of Object.entries(quantities) as [QuantityName, number][]) {
    if (name === "on_hand") continue;
    q[name] = value;
    if (value !== 0) updatedAt[name] = now;
  }
  q.on_hand = q.available + q.committed + q.reserved + q.damaged + q.safety_stock + q.quality_control;
  const level: InventoryLevelRecord = {
    id: inventoryLevelGid(legacy, item.legacyId),
    inventoryItemId: item.id,
    locationId,
    isActive: true,
    quantities: q,
    quantityUpdatedAt: updatedAt,
    createdAt: now,
    updatedAt: now,
  };
  state.levels.set(levelKey(item.id, locationId), level);
  state.levelsById.set(level.id, level);
  const list = state.levelsByItem.get(item.id) ?? [];
  list.push(level);
  state.levelsByItem.set(item.id, list);
  return level;
}

export function metafieldKey(ownerId: Gid, namespace: string, key: string): string {
  return `${ownerId}|${namespace}|${key}`;
}

/** `variant.inventoryQuantity` = sum of `available` over active levels (docs/decisions/016 §8). */
export function variantInventoryQuantity(state: ShopState, variant: VariantRecord): number {
  let sum = 0;
  for (const level of state.levelsByItem.get(variant.inventoryItemId) ?? []) {
    if (level.isActive) sum += level.quantities.available;
  }
  return sum;
}

export function snapshotState(state: ShopState): ShopStateSnapshot {
  return structuredClone({
    domain: state.shop.domain,
    name: state.shop.name,
    locations: [...state.locations.values()],
    products: [...state.products.values()],
    variants: [...state.variants.values()],
    inventoryItems: [...state.inventoryItems.values()],
    inventoryLevels: [...state.levels.values()],
    publications: [...state.publications.values()],
    metafields: [...state.metafields.values()],
    orders: [...state.orders.values()],
    validations: [...state.validations.values()],
    flowTriggerRuns: state.flowTriggerRuns,
    flowWorkflows: state.flowWorkflows,
  });
}
