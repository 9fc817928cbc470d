/**
 * fulfillmentCreate (2026-10) and the fulfilment state moves shared with `orderCreate(order.fulfillment)`.
 * Inventory: fulfilling takes the units out of `committed`, and so out of `on_hand`
 * (shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps: "fulfilment removes
 * them from committed"). Messages and field paths are the recorded ones (airhorns/shopify-draft-proxy
 * fixtures/conformance/harry-test-heelo.myshopify.com/2026-04/orders/fulfillment-create-preconditions.json
 * and …/fulfillment-create-multi-group.json); their userErrors have no `code` (type `UserError`).
 */
import type { FulfillmentOrderLineRecord, FulfillmentOrderRecord, FulfillmentRecord, Gid, InventoryLevelRecord, OrderRecord } from "../../contract.js";
import { applyQuantityDelta } from "../../shop/inventory.js";
import { gid, legacyIdOf } from "../../shop/ids.js";
import { getLevel, nextLegacyId } from "../../shop/state.js";
import { emitLevelUpdates, type ApiContext } from "../context.js";
import { defineType, type Args, type ResolverMap } from "../resolvers/common.js";

export interface FulfilGroup {
  fo: FulfillmentOrderRecord;
  lines: { line: FulfillmentOrderLineRecord; quantity: number }[];
}

export interface Tracking {
  trackingNumber: string | null;
  trackingCompany: string | null;
  trackingUrl: string | null;
}

/** Recomputes an order's display fulfillment status from its lines. */
export function refreshFulfillmentStatus(order: OrderRecord): void {
  const fulfilled = order.lineItems.reduce((s, l) => s + (l.fulfilledQuantity ?? 0), 0);
  const open = order.lineItems.some((l) => l.fulfillableQuantity > 0);
  order.fulfillmentStatus = fulfilled === 0 ? "UNFULFILLED" : open ? "PARTIALLY_FULFILLED" : "FULFILLED";
}

/** Closes a fulfillment order whose lines have nothing left (captured: a cancelled order's FO is CLOSED, §9). */
export function refreshFulfillmentOrderStatus(fo: FulfillmentOrderRecord, at: string): void {
  const remaining = fo.lineItems.reduce((s, l) => s + l.remainingQuantity, 0);
  const done = fo.lineItems.some((l) => l.remainingQuantity < l.totalQuantity);
  fo.status = remaining === 0 ? "CLOSED" : done ? "IN_PROGRESS" : "OPEN";
  fo.updatedAt = at;
}

/** Fulfil `groups` (already validated): committed → gone, events as Shopify fires them. */
export function fulfil(ctx: ApiContext, order: OrderRecord, groups: FulfilGroup[], tracking: Tracking): FulfillmentRecord {
  const at = ctx.now();
  const touched: InventoryLevelRecord[] = [];
  const legacy = nextLegacyId(ctx.state, "Fulfillment");
  const fulfillment: FulfillmentRecord = {
    id: gid("Fulfillment", legacy),
    legacyId: legacy,
    orderId: order.id,
    locationId: groups[0]!.fo.locationId,
    createdAt: at,
    ...tracking,
    lines: [],
  };
  for (const { fo, lines } of groups) {
    for (const { line, quantity } of lines) {
      if (quantity <= 0) continue;
      line.remainingQuantity -= quantity;
      const orderLine = order.lineItems.find((l) => l.id === line.lineItemId)!;
      orderLine.fulfillableQuantity -= quantity;
      orderLine.fulfilledQuantity = (orderLine.fulfilledQuantity ?? 0) + quantity;
      const level = line.claimed && line.inventoryItemId ? getLevel(ctx.state, line.inventoryItemId, fo.locationId) : undefined;
      if (level) {
        applyQuantityDelta(level, "committed", -quantity, at);
        touched.push(level);
      }
      const lineLegacy = nextLegacyId(ctx.state, "FulfillmentLineItem");
      fulfillment.lines.push({ id: gid("FulfillmentLineItem", lineLegacy), legacyId: lineLegacy, lineItemId: line.lineItemId, quantity });
    }
    refreshFulfillmentOrderStatus(fo, at);
  }
  order.fulfillments = [...(order.fulfillments ?? []), fulfillment];
  ctx.state.fulfillments.set(fulfillment.id, fulfillment);
  refreshFulfillmentStatus(order);
  order.updatedAt = at;
  // inventory_levels/update fires on the level change [inferred: its REST body shows only
  // `available`, which fulfilment leaves unchanged]; fulfillments/create; orders/fulfilled once
  // nothing is left to fulfil (shopify.dev/docs/api/webhooks topics).
  emitLevelUpdates(ctx, touched);
  ctx.emit({ type: "fulfillment.created", at, order: structuredClone(order), fulfillment: structuredClone(fulfillment) });
  if (order.fulfillmentStatus === "FULFILLED") ctx.emit({ type: "order.fulfilled", at, order: structuredClone(order) });
  return fulfillment;
}

interface PlainUserError {
  field: string[] | null;
  message: string;
}

const failed = (userErrors: PlainUserError[]) => ({ fulfillment: null, userErrors });

function fulfillmentCreate(ctx: ApiContext, args: Args) {
  const input = args.fulfillment as Args;
  const byFo = (input.lineItemsByFulfillmentOrder ?? []) as { fulfillmentOrderId: Gid; fulfillmentOrderLineItems?: { id: Gid; quantity: number }[] | null }[];
  const whole = ["fulfillment"];
  // Recorded precedence: a non-positive quantity anywhere is reported before unknown, mixed-order
  // or mixed-location fulfillment orders (cases "unknownBeforeQuantity", "differentOrderBeforeQuantity").
  for (const [i, group] of byFo.entries()) {
    for (const [j, item] of (group.fulfillmentOrderLineItems ?? []).entries()) {
      if (item.quantity <= 0) {
        return failed([{ field: ["fulfillment", "lineItemsByFulfillmentOrder", String(i), "fulfillmentOrderLineItems", String(j), "quantity"], message: "Quantity must be greater than 0" }]);
      }
    }
  }
  const fos: FulfillmentOrderRecord[] = [];
  for (const group of byFo) {
    const fo = ctx.state.fulfillmentOrders.get(group.fulfillmentOrderId);
    if (!fo) return failed([{ field: whole, message: "Fulfillment order does not exist." }]);
    fos.push(fo);
  }
  const orderIds = [...new Set(fos.map((fo) => fo.orderId))];
  if (orderIds.length > 1) {
    return failed([{ field: whole, message: `All fulfillment orders must belong to the same order. Multiple orders with ids [${orderIds.map(legacyIdOf).join(", ")}] were found.` }]);
  }
  const locationIds = [...new Set(fos.map((fo) => fo.locationId))];
  if (locationIds.length > 1) {
    return failed([{ field: whole, message: `All fulfillment orders must be assigned to a single location. Multiple locations with ids [${locationIds.map(legacyIdOf).join(", ")}] were found.` }]);
  }
  const groups: FulfilGroup[] = [];
  for (const [i, group] of byFo.entries()) {
    const fo = fos[i]!;
    if (fo.status === "CLOSED" || fo.status === "CANCELLED") {
      return failed([{ field: whole, message: `Fulfillment order ${fo.legacyId} has an unfulfillable status= ${fo.status.toLowerCase()}.` }]);
    }
    // Left blank: every line of the fulfillment order (FulfillmentOrderLineItemsInput).
    const requested = group.fulfillmentOrderLineItems ?? fo.lineItems.map((line) => ({ id: line.id, quantity: line.remainingQuantity }));
    const lines: FulfilGroup["lines"] = [];
    for (const item of requested) {
      const line = fo.lineItems.find((l) => l.id === item.id);
      if (!line) return failed([{ field: whole, message: "Fulfillment order line item does not exist." }]);
      if (item.quantity > line.remainingQuantity) return failed([{ field: whole, message: "Invalid fulfillment order line item quantity requested." }]);
      lines.push({ line, quantity: item.quantity });
    }
    groups.push({ fo, lines });
  }
  const order = ctx.state.orders.get(orderIds[0]!)!;
  const tracking = (input.trackingInfo ?? {}) as Args;
  const fulfillment = fulfil(ctx, order, groups, {
    trackingNumber: (tracking.number as string | undefined) ?? (tracking.numbers as string[] | undefined)?.[0] ?? null,
    trackingCompany: (tracking.company as string | undefined) ?? null,
    trackingUrl: (tracking.url as string | undefined) ?? (tracking.urls as string[] | undefined)?.[0] ?? null,
  });
  ctx.emit({ type: "order.updated", at: ctx.now(), order: structuredClone(order) });
  return { fulfillment, userErrors: [] };
}

export const fulfillmentMutations: ResolverMap = {
  Mutation: defineType<unknown>({
    fulfillmentCreate: (_s, args, ctx) => fulfillmentCreate(ctx, args),
  }),
};
