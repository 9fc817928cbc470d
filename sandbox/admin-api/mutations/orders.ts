/**
 * orderCreate, orderCancel, refundCreate (docs/decisions/016 §9). Inventory effects follow
 * shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps: an order moves
 * units available → committed; fulfilment takes them out of committed (and on_hand); a
 * cancel with restock returns committed → available.
 */
import type { FulfillmentOrderRecord, Gid, InventoryLevelRecord, MailingAddressRecord, OrderBuyerRecord, OrderLineRecord, OrderRecord, RefundRecord } from "../../contract.js";
import { applyQuantityDelta } from "../../shop/inventory.js";
import { gid } from "../../shop/ids.js";
import { routableAvailable, routeOrder } from "../../shop/routing.js";
import { getLevel, nextLegacyId } from "../../shop/state.js";
import { emitLevelUpdates, type ApiContext } from "../context.js";
import { defineType, requireGid, type Args, type ResolverMap } from "../resolvers/common.js";
import { fulfil, refreshFulfillmentOrderStatus } from "./fulfillments.js";
import { idempotencyMismatch, runIdempotent } from "./idempotency.js";

type Behaviour = NonNullable<OrderRecord["inventoryBehaviour"]>;

interface CodedError {
  field: string[] | null;
  message: string;
  code: string;
}

function cloneOrder(o: OrderRecord): OrderRecord {
  return structuredClone(o);
}

/** Options of an order the shop itself creates (the Online Store checkout) rather than an app. */
export interface OrderOrigin {
  checkoutToken?: string | null;
  cartToken?: string | null;
  /** The checkout's cart attributes; they carry over to the order (shopify.dev/docs/api/storefront/2026-04/objects/Attribute). */
  attributes?: { key: string; value: string }[];
}

const textOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** The buyer fields of OrderCreateOrderInput (`customer.toUpsert`, addresses, phone, note), kept as given. */
function buyerOf(input: Args): OrderBuyerRecord {
  const upsert = ((input.customer as Args | undefined)?.toUpsert ?? null) as Args | null;
  const address = (value: unknown) => (value && typeof value === "object" ? ({ ...(value as MailingAddressRecord) }) : null);
  return {
    customer: upsert
      ? { firstName: textOrNull(upsert.firstName), lastName: textOrNull(upsert.lastName), email: textOrNull(upsert.email ?? input.email), phone: textOrNull(upsert.phone) }
      : null,
    billingAddress: address(input.billingAddress),
    shippingAddress: address(input.shippingAddress),
    phone: textOrNull(input.phone),
    note: textOrNull(input.note),
  };
}

// ------------------------------------------------------------------------------ orderCreate
const BUNDLE_GROUP = "__lineItemGroup";

/**
 * A fixed bundle sells its components' stock: "the bundle's inventory is determined by the
 * inventory of its component variants" (shopify.dev/docs/apps/build/product-merchandising/bundles/add-variant-fixed-bundle),
 * and the order holds one line per component, each pointing at its bundle through
 * `lineItemGroup` (shopify.dev/docs/api/admin-graphql/latest/objects/LineItemGroup). So a line for
 * a bundle's variant becomes its component lines (bundles × quantity per bundle), which route and
 * commit like any line; the bundle's own inventory item is never claimed.
 */
function withBundlesExpanded(ctx: ApiContext, lines: Args[]): Args[] {
  return lines.flatMap((line) => {
    const bundle = line.variantId ? ctx.state.variants.get(line.variantId as Gid) : undefined;
    if (!bundle?.components?.length || !(line.quantity >= 1)) return [line];
    const product = ctx.state.products.get(bundle.productId);
    const group = {
      id: gid("LineItemGroup", nextLegacyId(ctx.state, "LineItem")),
      title: product?.title ?? bundle.title,
      quantity: line.quantity as number,
      variantId: bundle.id,
      productId: bundle.productId,
      variantSku: bundle.sku || null,
    };
    return bundle.components.map((component) => {
      return {
        variantId: component.variantId,
        quantity: (line.quantity as number) * component.quantity,
        // The component line's price is its share of the bundle; the emulator keeps it at 0.00.
        priceSet: { shopMoney: { amount: "0.00" } },
        [BUNDLE_GROUP]: group,
      } as Args;
    });
  });
}

export function orderCreate(ctx: ApiContext, args: Args, origin: OrderOrigin = {}) {
  const input = args.order as Args;
  const behaviour: Behaviour = (args.options?.inventoryBehaviour as Behaviour | undefined) ?? "BYPASS";
  const { state } = ctx;
  const lines = withBundlesExpanded(ctx, (input.lineItems ?? []) as Args[]);

  // Unknown variant (§9): order null, three userErrors, inventory untouched.
  const invalidLine = lines.some((l) => (l.variantId ? !state.variants.has(l.variantId) : !l.title));
  if (invalidLine) {
    return {
      order: null,
      userErrors: [
        { field: ["order"], message: "Order Line items is invalid", code: "INVALID" },
        { field: ["order", "lineItems"], message: "Line items Name can't be blank", code: "INVALID" },
        { field: ["order", "lineItems"], message: "Line items Title can't be blank", code: "INVALID" },
      ],
    };
  }
  const errors: CodedError[] = [];
  lines.forEach((l, i) => {
    // [not captured]
    if (!(l.quantity >= 1)) errors.push({ field: ["order", "lineItems", String(i), "quantity"], message: "Quantity must be greater than or equal to 1", code: "INVALID" });
  });
  const fulfilLocationId = (input.fulfillment?.locationId as Gid | undefined) ?? null;
  if (fulfilLocationId && !state.locations.get(fulfilLocationId)?.isActive) {
    errors.push({ field: ["order", "fulfillment", "locationId"], message: "Location does not exist", code: "INVALID" });
  }
  if (errors.length) return { order: null, userErrors: errors };

  const resolved = lines.map((l) => {
    const variant = l.variantId ? state.variants.get(l.variantId)! : undefined;
    const item = variant ? state.inventoryItems.get(variant.inventoryItemId) : undefined;
    return { l, variant, item, tracked: !!item?.tracked };
  });
  if (behaviour === "DECREMENT_OBEYING_POLICY") {
    // DECREMENT_OBEYING_POLICY was never captured (§9); code and wording from the 2026-10 enum
    // (OrderCreateUserErrorCode.INVENTORY_CLAIM_FAILED "the inventory claim failed during order creation").
    const wanted = new Map<Gid, number>();
    resolved.forEach(({ l, variant, item, tracked }, i) => {
      if (!tracked || !item || variant!.inventoryPolicy !== "DENY") return;
      const total = (wanted.get(item.id) ?? 0) + (l.quantity as number);
      wanted.set(item.id, total);
      const available = routableAvailable(state, item.id, fulfilLocationId);
      if (total > available) {
        errors.push({
          field: ["order", "lineItems", String(i), "quantity"],
          message: `Not enough inventory to fulfil ${variant!.sku || variant!.title}: ${l.quantity} requested, ${Math.max(0, available - (total - l.quantity))} available (inventory policy DENY).`,
          code: "INVENTORY_CLAIM_FAILED",
        });
      }
    });
    if (errors.length) return { order: null, userErrors: errors };
  }

  const allocations = routeOrder(
    state,
    resolved.map(({ l, item, tracked }) => ({ inventoryItemId: tracked && item ? item.id : null, quantity: l.quantity as number })),
    fulfilLocationId,
  );

  const at = ctx.now();
  const legacyId = nextLegacyId(state, "Order");
  const orderId = gid("Order", legacyId);
  const claims = behaviour !== "BYPASS";
  const lineRecords: OrderLineRecord[] = resolved.map(({ l, variant, item }, i) => {
    const lineLegacy = nextLegacyId(state, "LineItem");
    const product = variant ? state.products.get(variant.productId) : undefined;
    return {
      id: gid("LineItem", lineLegacy),
      legacyId: lineLegacy,
      variantId: variant?.id ?? null,
      productId: variant?.productId ?? (l.productId as Gid | undefined) ?? null,
      inventoryItemId: item?.id ?? null,
      sku: variant?.sku ?? (l.sku as string | undefined) ?? null,
      title: product?.title ?? (l.title as string),
      quantity: l.quantity as number,
      price: (l.priceSet?.shopMoney?.amount as string | undefined) ?? variant?.price ?? "0.00",
      fulfillableQuantity: l.quantity as number,
      locationId: allocations[i]![0]?.locationId ?? fulfilLocationId,
      fulfilledQuantity: 0,
      refundedQuantity: 0,
      inventoryClaimed: claims && allocations[i]!.some((a) => !!a.level),
      ...(l[BUNDLE_GROUP] ? { lineItemGroup: l[BUNDLE_GROUP] as NonNullable<OrderLineRecord["lineItemGroup"]> } : {}),
    };
  });
  // One fulfillment order per assigned location, in the order locations were first used.
  const fulfillmentOrders: FulfillmentOrderRecord[] = [];
  allocations.forEach((parts, i) => {
    for (const part of parts) {
      let fo = fulfillmentOrders.find((f) => f.locationId === part.locationId);
      if (!fo) {
        const foLegacy = nextLegacyId(state, "FulfillmentOrder");
        fo = { id: gid("FulfillmentOrder", foLegacy), legacyId: foLegacy, orderId, locationId: part.locationId, status: "OPEN", lineItems: [], createdAt: at, updatedAt: at };
        fulfillmentOrders.push(fo);
      }
      const foLineLegacy = nextLegacyId(state, "FulfillmentOrderLineItem");
      fo.lineItems.push({
        id: gid("FulfillmentOrderLineItem", foLineLegacy),
        legacyId: foLineLegacy,
        lineItemId: lineRecords[i]!.id,
        inventoryItemId: lineRecords[i]!.inventoryItemId,
        totalQuantity: part.quantity,
        remainingQuantity: part.quantity,
        claimed: claims && !!part.level,
      });
    }
  });
  const fs = input.financialStatus as string | undefined;
  const order: OrderRecord = {
    id: orderId,
    legacyId,
    name: input.name ?? `#${1000 + state.orders.size + 1}`,
    // The channel the order came from. Shopify records the creating app's API client id when none is given.
    sourceName: (input.sourceName as string | undefined) ?? ctx.apiClientId,
    // A POS sale is processed at the store it is made in: its fulfilment location, else where it was routed.
    retailLocationId: input.sourceName === "pos" ? (fulfilLocationId ?? lineRecords.find((line) => line.locationId)?.locationId ?? null) : null,
    email: (input.email as string | undefined) ?? null,
    createdAt: at,
    updatedAt: at,
    processedAt: (input.processedAt as string | undefined) ?? at,
    cancelledAt: null,
    cancelReason: null,
    closed: false,
    fulfillmentStatus: "UNFULFILLED",
    financialStatus: fs === "PAID" || fs === "REFUNDED" || fs === "PARTIALLY_REFUNDED" || fs === "PENDING" ? fs : (input.transactions as unknown[] | undefined)?.length ? "PAID" : "PENDING",
    lineItems: lineRecords,
    refunds: [],
    inventoryBehaviour: behaviour,
    test: !!input.test,
    checkoutToken: origin.checkoutToken ?? null,
    cartToken: origin.cartToken ?? null,
    // One value per key, the last one set (a cart attribute update replaces the value).
    noteAttributes: [...new Map((origin.attributes ?? []).map(({ key, value }) => [key, value]))].map(([name, value]) => ({ name, value })),
    buyer: buyerOf(input),
    fulfillmentOrders,
    fulfillments: [],
  };
  state.orders.set(order.id, order);
  for (const l of lineRecords) state.lineItemOrder.set(l.id, order.id);
  for (const fo of fulfillmentOrders) state.fulfillmentOrders.set(fo.id, fo);
  ctx.emit({ type: "order.created", at, order: cloneOrder(order) });

  // available → committed at each routed location (§9: 5 available → 3 available, committed 2, on_hand unchanged)
  const touched: InventoryLevelRecord[] = [];
  allocations.forEach((parts) => {
    if (!claims) return;
    for (const part of parts) {
      if (!part.level) continue;
      applyQuantityDelta(part.level, "available", -part.quantity, at);
      applyQuantityDelta(part.level, "committed", part.quantity, at);
      touched.push(part.level);
    }
  });
  // Created fulfilled, the fulfilment below reports the levels once.
  if (!fulfilLocationId) emitLevelUpdates(ctx, touched);
  // Created fulfilled (`order.fulfillment`, shopify.dev/docs/api/admin-graphql/latest/input-objects/OrderCreateOrderInput#fields-fulfillment):
  // the units leave committed and on_hand at once.
  if (fulfilLocationId) {
    fulfil(ctx, order, fulfillmentOrders.map((fo) => ({ fo, lines: fo.lineItems.map((line) => ({ line, quantity: line.remainingQuantity })) })), {
      trackingNumber: (input.fulfillment?.trackingNumber as string | undefined) ?? null,
      trackingCompany: (input.fulfillment?.trackingCompany as string | undefined) ?? null,
      trackingUrl: null,
    });
  }
  return { order, userErrors: [] };
}

// ------------------------------------------------------------------------------ orderCancel
function orderCancel(ctx: ApiContext, args: Args) {
  const errors: CodedError[] = [];
  const order = ctx.state.orders.get(requireGid(args.orderId, "orderId"));
  if (!order) errors.push({ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" });
  else if (order.cancelledAt) errors.push({ field: ["orderId"], message: "Cannot cancel an order that has already been canceled", code: "INVALID" });
  if (typeof args.staffNote === "string" && args.staffNote.length > 255) {
    errors.push({ field: ["staffNote"], message: "Staff note is too long. Maximum length is 255 characters.", code: "INVALID" });
  }
  if ("refund" in args && args.refund !== null && args.refundMethod) {
    errors.push({ field: ["refund"], message: "Only one of the arguments `refund` or `refund_method` is allowed.", code: "INVALID" });
  }
  // Errors come in both lists; the deprecated `userErrors` has no code (§9).
  if (errors.length || !order) {
    return { job: null, jobResult: null, orderCancelUserErrors: errors, userErrors: errors.map(({ field, message }) => ({ field, message })) };
  }
  const at = ctx.now();
  // The cancel is a job (done:false), yet an immediate read already shows it cancelled (§9).
  order.cancelledAt = at;
  order.cancelReason = args.reason as string;
  order.closed = true;
  order.updatedAt = at;
  if (args.refund === true || args.refundMethod) order.financialStatus = "REFUNDED";
  const touched: InventoryLevelRecord[] = [];
  for (const line of order.lineItems) line.fulfillableQuantity = 0;
  // Per routed location: its unfulfilled units leave committed; restock returns them to available.
  // Without restock they are not returned to stock, so on_hand drops (inferred; restock effects were
  // not captured, §13). Every open fulfillment order becomes CLOSED (§9).
  for (const fo of order.fulfillmentOrders ?? []) {
    for (const line of fo.lineItems) {
      const q = line.remainingQuantity;
      if (q <= 0) continue;
      line.remainingQuantity = 0;
      const level = line.claimed && line.inventoryItemId ? getLevel(ctx.state, line.inventoryItemId, fo.locationId) : undefined;
      if (!level) continue;
      applyQuantityDelta(level, "committed", -q, at);
      if (args.restock === true) applyQuantityDelta(level, "available", q, at);
      touched.push(level);
    }
    refreshFulfillmentOrderStatus(fo, at);
  }
  ctx.emit({ type: "order.cancelled", at, order: cloneOrder(order) });
  ctx.emit({ type: "order.updated", at, order: cloneOrder(order) });
  emitLevelUpdates(ctx, touched);
  const jobN = nextLegacyId(ctx.state, "Job");
  return {
    job: { id: gid("Job", `00000000-0000-4000-8000-${BigInt(jobN).toString(16).padStart(12, "0")}`), done: false },
    jobResult: null,
    orderCancelUserErrors: [],
    userErrors: [],
  };
}

function fulfillmentOrderLinesOf(order: OrderRecord, lineItemId: Gid) {
  return (order.fulfillmentOrders ?? []).flatMap((fo: FulfillmentOrderRecord) => fo.lineItems.filter((l) => l.lineItemId === lineItemId).map((line) => ({ fo, line })));
}

// ----------------------------------------------------------------------------- refundCreate
function refundCreate(ctx: ApiContext, input: Args) {
  const order = ctx.state.orders.get(requireGid(input.orderId, "orderId"));
  if (!order) return { order: null, refund: null, userErrors: [{ field: ["orderId"] as string[] | null, message: "Order does not exist" }] };
  const rows = (input.refundLineItems ?? []) as { lineItemId: Gid; quantity: number; restockType?: string | null; locationId?: Gid | null }[];
  const errors: { field: string[] | null; message: string }[] = [];
  const returned = new Map<Gid, number>();
  for (const r of order.refunds) for (const l of r.lines) if (l.restockType === "RETURN") returned.set(l.lineItemId, (returned.get(l.lineItemId) ?? 0) + l.quantity);
  type Kind = "CANCEL" | "RETURN" | "NO_RESTOCK";
  const plans: { line: OrderLineRecord; q: number; kind: Kind; unfulfilled: number; locationId: Gid | null }[] = [];
  rows.forEach((r, i) => {
    const line = order.lineItems.find((l) => l.id === r.lineItemId);
    const base = ["refundLineItems", String(i)];
    if (!line) {
      errors.push({ field: [...base, "lineItemId"], message: "Line item does not exist" });
      return;
    }
    const refundable = line.quantity - (line.refundedQuantity ?? 0);
    if (r.quantity < 1 || r.quantity > refundable) {
      errors.push({ field: [...base, "quantity"], message: `Quantity cannot refund more items than were purchased (${refundable} refundable)` });
      return;
    }
    // Default restock type when omitted: no restock.
    const type = r.restockType ?? "NO_RESTOCK";
    const kind: Kind = type === "LEGACY_RESTOCK" ? (line.fulfillableQuantity >= r.quantity ? "CANCEL" : "RETURN") : (type as Kind);
    if (r.locationId && !ctx.state.locations.has(r.locationId)) {
      errors.push({ field: [...base, "locationId"], message: "Location does not exist" });
      return;
    }
    if (kind === "CANCEL" && r.quantity > line.fulfillableQuantity) {
      errors.push({ field: [...base, "restockType"], message: "Cannot cancel more items than are unfulfilled" });
      return;
    }
    if (kind === "RETURN" && r.quantity > (line.fulfilledQuantity ?? 0) - (returned.get(line.id) ?? 0)) {
      errors.push({ field: [...base, "restockType"], message: "Cannot return more items than were fulfilled" });
      return;
    }
    plans.push({ line, q: r.quantity, kind, unfulfilled: Math.min(r.quantity, line.fulfillableQuantity), locationId: r.locationId ?? line.locationId });
  });
  if (errors.length) return { order, refund: null, userErrors: errors };
  const at = ctx.now();
  const touched: InventoryLevelRecord[] = [];
  const levelFor = (line: OrderLineRecord, loc: Gid | null) => (line.inventoryClaimed && line.inventoryItemId && loc ? getLevel(ctx.state, line.inventoryItemId, loc) : undefined);
  for (const p of plans) {
    p.line.refundedQuantity = (p.line.refundedQuantity ?? 0) + p.q;
    if (p.kind === "RETURN") {
      // Returned goods come back to stock: available (and on_hand) +q at the chosen location.
      const level = levelFor(p.line, p.locationId);
      if (level) {
        applyQuantityDelta(level, "available", p.q, at);
        touched.push(level);
      }
      continue;
    }
    // CANCEL / NO_RESTOCK take unfulfilled units out of committed, at the locations they were routed to.
    p.line.fulfillableQuantity -= p.unfulfilled;
    let rest = p.unfulfilled;
    for (const { fo, line } of fulfillmentOrderLinesOf(order, p.line.id)) {
      const take = Math.min(rest, line.remainingQuantity);
      if (take <= 0) continue;
      rest -= take;
      line.remainingQuantity -= take;
      refreshFulfillmentOrderStatus(fo, at);
      const level = line.claimed && line.inventoryItemId ? getLevel(ctx.state, line.inventoryItemId, fo.locationId) : undefined;
      if (!level) continue;
      applyQuantityDelta(level, "committed", -take, at);
      if (p.kind === "CANCEL") applyQuantityDelta(level, "available", take, at);
      touched.push(level);
    }
  }
  const legacyId = nextLegacyId(ctx.state, "Refund");
  const refund: RefundRecord = {
    id: gid("Refund", legacyId),
    legacyId,
    orderId: order.id,
    createdAt: at,
    restock: plans.some((p) => p.kind !== "NO_RESTOCK"),
    lines: plans.map((p) => ({ lineItemId: p.line.id, quantity: p.q, restockType: p.kind, locationId: p.kind === "RETURN" ? p.locationId : p.line.locationId })),
  };
  order.refunds.push(refund);
  order.financialStatus = order.lineItems.every((l) => (l.refundedQuantity ?? 0) >= l.quantity) ? "REFUNDED" : "PARTIALLY_REFUNDED";
  order.updatedAt = at;
  emitLevelUpdates(ctx, touched);
  ctx.emit({ type: "refund.created", at, order: cloneOrder(order), refund: structuredClone(refund) });
  ctx.emit({ type: "order.updated", at, order: cloneOrder(order) });
  return { order, refund, userErrors: [] };
}

export const orderMutations: ResolverMap = {
  Mutation: defineType<unknown>({
    orderCreate: (_s, args, ctx) => orderCreate(ctx, args),
    orderCancel: (_s, args, ctx) => orderCancel(ctx, args),
    // refundCreate requires @idempotent from 2026-04
    // (shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations).
    refundCreate: (_s, args, ctx, info) => {
      const input = args.input as Args;
      return runIdempotent(ctx, info, args, () => refundCreate(ctx, input), (code) => ({ order: null, refund: null, userErrors: [{ field: null, message: idempotencyMismatch(code).message }] }));
    },
  }),
};
