/** Fulfillment orders (routing results) and fulfillments. */
import type { FulfillmentOrderLineRecord, FulfillmentOrderRecord, FulfillmentRecord, OrderRecord } from "../../contract.js";
import type { ApiContext } from "../context.js";
import { connection, defineType, plain, requireGid, type ResolverMap } from "./common.js";

function orderLineOf(ctx: ApiContext, orderId: string, lineItemId: string) {
  const order = ctx.state.orders.get(orderId)!;
  return { ...order.lineItems.find((l) => l.id === lineItemId)!, __order: order };
}

interface FoLineSource extends FulfillmentOrderLineRecord {
  __fo: FulfillmentOrderRecord;
}

export const fulfillmentResolvers: ResolverMap = {
  QueryRoot: defineType<unknown>({
    fulfillmentOrder: (_s, args, ctx) => ctx.state.fulfillmentOrders.get(requireGid(args.id)) ?? null,
    fulfillment: (_s, args, ctx) => ctx.state.fulfillments.get(requireGid(args.id)) ?? null,
  }),
  Order: defineType<OrderRecord>({
    fulfillmentOrders: (o, args) => connection(o.fulfillmentOrders ?? [], args),
    fulfillments: (o, args) => (typeof args.first === "number" ? (o.fulfillments ?? []).slice(0, args.first) : (o.fulfillments ?? [])),
  }),
  FulfillmentOrder: defineType<FulfillmentOrderRecord>({
    ...plain<FulfillmentOrderRecord>("id", "orderId", "status", "createdAt", "updatedAt"),
    order: (fo, _a, ctx) => ctx.state.orders.get(fo.orderId),
    orderName: (fo, _a, ctx) => ctx.state.orders.get(fo.orderId)!.name,
    requestStatus: () => "UNSUBMITTED",
    assignedLocation: (fo, _a, ctx) => {
      const location = ctx.state.locations.get(fo.locationId)!;
      return { __assigned: true, name: location.name, location, countryCode: "US" };
    },
    lineItems: (fo, args) => connection(fo.lineItems.map((l) => ({ ...l, __fo: fo })), args),
    fulfillments: (fo, args, ctx) =>
      connection(
        [...ctx.state.fulfillments.values()].filter((f) => f.orderId === fo.orderId && f.locationId === fo.locationId),
        args,
      ),
  }),
  FulfillmentOrderAssignedLocation: defineType<{ name: string; location: unknown; countryCode: string }>({
    ...plain("name", "location", "countryCode"),
    address1: () => null,
    address2: () => null,
    city: () => null,
    phone: () => null,
    province: () => null,
    zip: () => null,
  }),
  FulfillmentOrderLineItem: defineType<FoLineSource>({
    ...plain<FoLineSource>("id", "totalQuantity", "remainingQuantity", "inventoryItemId"),
    lineItem: (l, _a, ctx) => orderLineOf(ctx, l.__fo.orderId, l.lineItemId),
    sku: (l, _a, ctx) => orderLineOf(ctx, l.__fo.orderId, l.lineItemId).sku,
    productTitle: (l, _a, ctx) => orderLineOf(ctx, l.__fo.orderId, l.lineItemId).title,
    variant: (l, _a, ctx) => {
      const variantId = orderLineOf(ctx, l.__fo.orderId, l.lineItemId).variantId;
      return variantId ? ctx.state.variants.get(variantId) ?? null : null;
    },
    requiresShipping: () => true,
  }),
  Fulfillment: defineType<FulfillmentRecord>({
    ...plain<FulfillmentRecord>("id", "createdAt"),
    legacyResourceId: (f) => String(f.legacyId),
    name: (f, _a, ctx) => `${ctx.state.orders.get(f.orderId)!.name}-F${(ctx.state.orders.get(f.orderId)!.fulfillments ?? []).indexOf(f) + 1}`,
    updatedAt: (f) => f.createdAt,
    // Recorded: status SUCCESS, displayStatus FULFILLED (fulfillment-create-preconditions.json).
    status: () => "SUCCESS",
    displayStatus: () => "FULFILLED",
    requiresShipping: () => true,
    totalQuantity: (f) => f.lines.reduce((s, l) => s + l.quantity, 0),
    order: (f, _a, ctx) => ctx.state.orders.get(f.orderId),
    location: (f, _a, ctx) => ctx.state.locations.get(f.locationId) ?? null,
    trackingInfo: (f) => (f.trackingNumber || f.trackingCompany || f.trackingUrl ? [{ number: f.trackingNumber, company: f.trackingCompany, url: f.trackingUrl }] : []),
    fulfillmentLineItems: (f, args) => connection(f.lines.map((l) => ({ ...l, __orderId: f.orderId })), args, { keyOf: (l) => BigInt(l.legacyId) }) as unknown,
    fulfillmentOrders: (f, args, ctx) => connection((ctx.state.orders.get(f.orderId)!.fulfillmentOrders ?? []).filter((fo) => fo.locationId === f.locationId), args),
  }),
  FulfillmentTrackingInfo: defineType<{ number: string | null; company: string | null; url: string | null }>(plain("number", "company", "url")),
  FulfillmentLineItem: defineType<FulfillmentRecord["lines"][number] & { __orderId: string }>({
    ...plain<FulfillmentRecord["lines"][number]>("id", "quantity"),
    lineItem: (l, _a, ctx) => orderLineOf(ctx, l.__orderId, l.lineItemId),
  }),
};
