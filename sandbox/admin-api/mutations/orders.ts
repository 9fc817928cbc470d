/**
 * orderCreate, orderCancel, refundCreate (SHOPIFY-CONFORMANCE §9). Inventory effects follow
 * shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps: an order moves
 * units available → committed; fulfilment takes them out of committed (and on_hand); a
 * cancel with restock returns committed → available.
 */
import type { Gid, InventoryLevelRecord, OrderLineRecord, OrderRecord, RefundRecord } from "../../contract.js";
import { applyQuantityDelta } from "../../shop/inventory.js";
import { gid } from "../../shop/ids.js";
import { getLevel, nextLegacyId, type ShopState } from "../../shop/state.js";
import { emitLevelUpdates, type ApiContext } from "../context.js";
import { defineType, requireGid, type Args, type ResolverMap } from "../resolvers/common.js";
import { checkInputSize } from "../resolvers/node.js";
import { KEY_MISMATCH, runIdempotent } from "./idempotency.js";

type Behaviour = NonNullable<OrderRecord["inventoryBehaviour"]>;

interface CodedError {
  field: string[] | null;
  message: string;
  code: string;
}

/**
 * Default routing as captured (§9): among active levels at active locations that fulfil
 * online orders (all active levels if none do), the first level whose `available` covers
 * the line, else the first level. Levels are in location order (Warehouse first).
 */
export function routeLine(state: ShopState, inventoryItemId: Gid, quantity: number, alreadyClaimed: Map<InventoryLevelRecord, number> = new Map()): InventoryLevelRecord | undefined {
  const levels = (state.levelsByItem.get(inventoryItemId) ?? []).filter((l) => l.isActive && state.locations.get(l.locationId)?.isActive);
  const online = levels.filter((l) => state.locations.get(l.locationId)?.fulfillsOnlineOrders);
  const pool = online.length > 0 ? online : levels;
  return pool.find((l) => l.quantities.available - (alreadyClaimed.get(l) ?? 0) >= quantity) ?? pool[0];
}

function cloneOrder(o: OrderRecord): OrderRecord {
  return structuredClone(o);
}

// ------------------------------------------------------------------------------ orderCreate
function orderCreate(ctx: ApiContext, args: Args) {
  const input = args.order as Args;
  const behaviour: Behaviour = (args.options?.inventoryBehaviour as Behaviour | undefined) ?? "BYPASS";
  const lines = (input.lineItems ?? []) as Args[];
  const { state } = ctx;

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

  // Plan routing and claims.
  const claimed = new Map<InventoryLevelRecord, number>();
  const plans = lines.map((l, i) => {
    const variant = l.variantId ? state.variants.get(l.variantId)! : undefined;
    const item = variant ? state.inventoryItems.get(variant.inventoryItemId) : undefined;
    const level = item
      ? fulfilLocationId
        ? getLevel(state, item.id, fulfilLocationId)
        : routeLine(state, item.id, l.quantity, claimed)
      : undefined;
    const claims = !!(item?.tracked && level && behaviour !== "BYPASS");
    if (claims && behaviour === "DECREMENT_OBEYING_POLICY" && variant!.inventoryPolicy === "DENY") {
      const available = level!.quantities.available - (claimed.get(level!) ?? 0);
      if (l.quantity > available) {
        // DECREMENT_OBEYING_POLICY was never captured (§9); code from the 2026-10 enum.
        errors.push({
          field: ["order", "lineItems", String(i), "quantity"],
          message: `Not enough inventory to fulfil ${variant!.sku || variant!.title}: ${l.quantity} requested, ${Math.max(0, available)} available (inventory policy DENY).`,
          code: "INVENTORY_CLAIM_FAILED",
        });
      }
    }
    if (claims) claimed.set(level!, (claimed.get(level!) ?? 0) + l.quantity);
    return { l, variant, item, level, claims };
  });
  if (errors.length) return { order: null, userErrors: errors };

  const at = ctx.now();
  const legacyId = nextLegacyId(state, "Order");
  const orderId = gid("Order", legacyId);
  const lineRecords: OrderLineRecord[] = plans.map(({ l, variant, item, level, claims }) => {
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
      locationId: level?.locationId ?? fulfilLocationId,
      fulfilledQuantity: 0,
      refundedQuantity: 0,
      inventoryClaimed: claims,
    };
  });
  const fs = input.financialStatus as string | undefined;
  const order: OrderRecord = {
    id: orderId,
    legacyId,
    name: input.name ?? `#${1000 + state.orders.size + 1}`,
    // The channel the order came from. Shopify records the creating app's API client id when none is given.
    sourceName: (input.sourceName as string | undefined) ?? ctx.apiClientId,
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
  };
  state.orders.set(order.id, order);
  for (const l of lineRecords) state.lineItemOrder.set(l.id, order.id);
  ctx.emit({ type: "order.created", at, order: cloneOrder(order) });

  // available → committed (§9: 5 available → 3 available, committed 2, on_hand unchanged)
  const touched: InventoryLevelRecord[] = [];
  plans.forEach((p) => {
    if (!p.claims || !p.level) return;
    applyQuantityDelta(p.level, "available", -p.l.quantity, at);
    applyQuantityDelta(p.level, "committed", p.l.quantity, at);
    touched.push(p.level);
  });
  // Created fulfilled (`order.fulfillment`, shopify.dev/docs/api/admin-graphql/latest/input-objects/OrderCreateOrderInput#fields-fulfillment):
  // the units leave committed and on_hand at once.
  if (fulfilLocationId) {
    plans.forEach((p, i) => {
      const line = lineRecords[i]!;
      if (p.claims && p.level) applyQuantityDelta(p.level, "committed", -line.quantity, at);
      line.fulfilledQuantity = line.quantity;
      line.fulfillableQuantity = 0;
    });
    order.fulfillmentStatus = "FULFILLED";
  }
  emitLevelUpdates(ctx, touched);
  if (fulfilLocationId) ctx.emit({ type: "order.fulfilled", at, order: cloneOrder(order) });
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
  for (const line of order.lineItems) {
    const q = line.fulfillableQuantity;
    if (q <= 0) continue;
    line.fulfillableQuantity = 0;
    if (!line.inventoryClaimed || !line.inventoryItemId || !line.locationId) continue;
    const level = getLevel(ctx.state, line.inventoryItemId, line.locationId);
    if (!level) continue;
    applyQuantityDelta(level, "committed", -q, at);
    // restock: committed → available. Without restock the units leave committed and are not
    // returned to stock, so on_hand drops (inferred; restock effects were not captured, §13).
    if (args.restock === true) applyQuantityDelta(level, "available", q, at);
    touched.push(level);
  }
  ctx.emit({ type: "order.cancelled", at, order: cloneOrder(order) });
  ctx.emit({ type: "order.updated", at, order: cloneOrder(order) });
  emitLevelUpdates(ctx, touched);
  const jobN = nextLegacyId(ctx.state, "Job");
  return {
    job: { id: gid("Job", `00000000-0000-4000-8000-${jobN.toString(16).padStart(12, "0")}`), done: false },
    jobResult: null,
    orderCancelUserErrors: [],
    userErrors: [],
  };
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
    // CANCEL / NO_RESTOCK take unfulfilled units out of committed.
    p.line.fulfillableQuantity -= p.unfulfilled;
    const level = levelFor(p.line, p.line.locationId);
    if (level && p.unfulfilled > 0) {
      applyQuantityDelta(level, "committed", -p.unfulfilled, at);
      if (p.kind === "CANCEL") applyQuantityDelta(level, "available", p.unfulfilled, at);
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
    orderCreate: (_s, args, ctx, info) => {
      checkInputSize(((args.order as Args).lineItems ?? []).length, [String(info.path.key), "order", "lineItems"], info);
      return orderCreate(ctx, args);
    },
    orderCancel: (_s, args, ctx) => orderCancel(ctx, args),
    // refundCreate requires @idempotent from 2026-04
    // (shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations).
    refundCreate: (_s, args, ctx, info) => {
      const input = args.input as Args;
      checkInputSize((input.refundLineItems ?? []).length, [String(info.path.key), "input", "refundLineItems"], info);
      return runIdempotent(ctx, info, args, () => refundCreate(ctx, input), () => ({ order: null, refund: null, userErrors: [{ field: null, message: KEY_MISMATCH.message }] }));
    },
  }),
};
