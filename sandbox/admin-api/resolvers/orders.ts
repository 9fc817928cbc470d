/** Orders, line items and refunds. */
import type { OrderLineRecord, OrderRecord, RefundRecord } from "../../contract.js";
import type { ApiContext } from "../context.js";
import { connection, count, defineType, plain, requireGid, timestamps, type Args, type ResolverMap } from "./common.js";
import { hasMetafields } from "./metafields.js";

export function ordersConnection(ctx: ApiContext, args: Args) {
  return connection(ctx.state.orders.values(), args, {
    search: {
      fields: {
        ...timestamps<OrderRecord>(),
        name: (o) => o.name,
        source_name: (o) => o.sourceName,
        email: (o) => o.email,
        sku: (o) => o.lineItems.map((l) => l.sku ?? ""),
        status: (o) => (o.cancelledAt ? "cancelled" : o.closed ? "closed" : "open"),
        fulfillment_status: (o) => o.fulfillmentStatus.toLowerCase(),
        financial_status: (o) => o.financialStatus.toLowerCase(),
        processed_at: (o) => o.processedAt ?? o.createdAt,
        test: (o) => String(!!o.test),
      },
      text: (o) => [o.name, o.email ?? ""],
    },
  });
}

function money(amount: string, currencyCode = "USD") {
  return { amount, currencyCode };
}
function moneyBag(amount: string) {
  return { shopMoney: money(amount), presentmentMoney: money(amount) };
}
function orderTotal(o: OrderRecord): string {
  return o.lineItems.reduce((s, l) => s + Number(l.price) * l.quantity, 0).toFixed(2);
}

interface LineSource extends OrderLineRecord {
  __order: OrderRecord;
}

function linesOf(o: OrderRecord): LineSource[] {
  return o.lineItems.map((l) => ({ ...l, __order: o }));
}

export const orderResolvers: ResolverMap = {
  QueryRoot: defineType<unknown>({
    orders: (_s, args, ctx) => ordersConnection(ctx, args),
    order: (_s, args, ctx) => ctx.state.orders.get(requireGid(args.id)) ?? null,
    ordersCount: (_s, args, ctx) => count(ordersConnection(ctx, { ...args, first: 250, last: undefined }).nodes.length),
    job: (_s, args) => ({ id: requireGid(args.id), done: true }),
  }),
  Order: defineType<OrderRecord>({
    ...plain<OrderRecord>("id", "name", "sourceName", "email", "createdAt", "updatedAt", "cancelledAt", "cancelReason", "closed"),
    legacyResourceId: (o) => String(o.legacyId),
    number: (o) => Number(o.name.replace(/\D/g, "")) - 1000,
    processedAt: (o) => o.processedAt ?? o.createdAt,
    closedAt: (o) => (o.closed ? o.cancelledAt ?? o.updatedAt : null),
    test: (o) => !!o.test,
    tags: () => [],
    note: () => null,
    phone: () => null,
    confirmed: () => true,
    currencyCode: () => "USD",
    presentmentCurrencyCode: () => "USD",
    displayFinancialStatus: (o) => o.financialStatus,
    displayFulfillmentStatus: (o) => o.fulfillmentStatus,
    fulfillable: (o) => !o.cancelledAt && o.lineItems.some((l) => l.fulfillableQuantity > 0),
    requiresShipping: () => true,
    subtotalLineItemsQuantity: (o) => o.lineItems.reduce((s, l) => s + l.quantity, 0),
    currentSubtotalLineItemsQuantity: (o) => o.lineItems.reduce((s, l) => s + l.quantity - (l.refundedQuantity ?? 0), 0),
    totalPriceSet: (o) => moneyBag(orderTotal(o)),
    currentTotalPriceSet: (o) => moneyBag(orderTotal(o)),
    subtotalPriceSet: (o) => moneyBag(orderTotal(o)),
    lineItems: (o, args) => connection(linesOf(o), args),
    refunds: (o, args) => (typeof args.first === "number" ? o.refunds.slice(0, args.first) : o.refunds).map((r) => ({ ...r, __order: o })),
    ...hasMetafields<OrderRecord>(),
  }),
  LineItem: defineType<LineSource>({
    ...plain<LineSource>("id", "title", "sku", "quantity", "fulfillableQuantity"),
    name: (l, _a, ctx) => {
      const v = l.variantId ? ctx.state.variants.get(l.variantId) : undefined;
      return v && v.title !== "Default Title" ? `${l.title} - ${v.title}` : l.title;
    },
    variantTitle: (l, _a, ctx) => (l.variantId ? ctx.state.variants.get(l.variantId)?.title ?? null : null),
    currentQuantity: (l) => l.quantity - (l.refundedQuantity ?? 0),
    unfulfilledQuantity: (l) => l.fulfillableQuantity,
    refundableQuantity: (l) => l.quantity - (l.refundedQuantity ?? 0),
    nonFulfillableQuantity: (l) => l.quantity - l.fulfillableQuantity,
    fulfillmentStatus: (l) => ((l.fulfilledQuantity ?? 0) >= l.quantity ? "fulfilled" : (l.fulfilledQuantity ?? 0) > 0 ? "partial" : "unfulfilled"),
    requiresShipping: () => true,
    restockable: (l) => !!l.inventoryClaimed,
    canRestock: (l) => !!l.inventoryClaimed,
    isGiftCard: (l, _a, ctx) => (l.productId ? ctx.state.products.get(l.productId)?.isGiftCard === true : false),
    lineItemGroup: (l) => (l.lineItemGroup ? { ...l.lineItemGroup, customAttributes: [] } : null),
    taxable: () => true,
    vendor: (l, _a, ctx) => (l.productId ? ctx.state.products.get(l.productId)?.vendor ?? null : null),
    variant: (l, _a, ctx) => (l.variantId ? ctx.state.variants.get(l.variantId) ?? null : null),
    product: (l, _a, ctx) => (l.productId ? ctx.state.products.get(l.productId) ?? null : null),
    originalUnitPriceSet: (l) => moneyBag(l.price),
    discountedUnitPriceSet: (l) => moneyBag(l.price),
    originalTotalSet: (l) => moneyBag((Number(l.price) * l.quantity).toFixed(2)),
  }),
  MoneyBag: defineType<{ shopMoney: unknown; presentmentMoney: unknown }>(plain("shopMoney", "presentmentMoney")),
  MoneyV2: defineType<{ amount: string; currencyCode: string }>(plain("amount", "currencyCode")),
  Refund: defineType<RefundRecord & { __order?: OrderRecord }>({
    ...plain<RefundRecord>("id", "createdAt"),
    legacyResourceId: (r) => String(r.legacyId),
    processedAt: (r) => r.createdAt,
    updatedAt: (r) => r.createdAt,
    note: () => null,
    order: (r, _a, ctx) => ctx.state.orders.get(r.orderId),
    refundLineItems: (r, args, ctx) => {
      const order = ctx.state.orders.get(r.orderId)!;
      return connection(
        r.lines.map((rl, i) => ({ id: `${r.id}#${i}`, rl, line: order.lineItems.find((l) => l.id === rl.lineItemId)!, order })),
        args,
        { keyOf: (x) => BigInt(x.id.split("#")[1]!) },
      );
    },
  }),
  RefundLineItem: defineType<{ rl: RefundRecord["lines"][number]; line: OrderLineRecord; order: OrderRecord }>({
    quantity: (x) => x.rl.quantity,
    restockType: (x) => x.rl.restockType,
    restocked: (x) => x.rl.restockType !== "NO_RESTOCK",
    lineItem: (x) => ({ ...x.line, __order: x.order }),
    location: (x, _a, ctx) => (x.rl.locationId ? ctx.state.locations.get(x.rl.locationId) ?? null : null),
  }),
  Job: defineType<{ id: string; done: boolean }>(plain("id", "done")),
};
