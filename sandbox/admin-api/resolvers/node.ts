/** `node(id:)`/`nodes(ids:)` and owner lookups for the emulated Node types. */
import type { ShopState } from "../../shop/state.js";
import { parseGid } from "../../shop/ids.js";
import { defineType, requireGid, type ResolverMap } from "./common.js";

/** The record behind a GID, for the types the sandbox emulates; null when unknown. */
export function findNode(state: ShopState, id: string): { id: string } | null {
  const parsed = parseGid(id);
  if (!parsed) return null;
  switch (parsed.type) {
    case "Shop": return state.shop.id === id ? state.shop : null;
    case "Location": return state.locations.get(id) ?? null;
    case "Product": return state.products.get(id) ?? null;
    case "ProductVariant": return state.variants.get(id) ?? null;
    case "InventoryItem": return state.inventoryItems.get(id) ?? null;
    case "InventoryLevel": return state.levelsById.get(id) ?? null;
    case "Publication": return state.publications.get(id) ?? null;
    case "Metafield": return state.metafields.get(id) ?? null;
    case "Order": return state.orders.get(id) ?? null;
    case "InventoryAdjustmentGroup": return state.adjustmentGroups.get(id) ?? null;
    case "FulfillmentOrder": return state.fulfillmentOrders.get(id) ?? null;
    case "Fulfillment": return state.fulfillments.get(id) ?? null;
    case "InventoryTransfer": return state.inventoryTransfers.get(id) ?? null;
    case "InventoryShipment": return state.inventoryShipments.get(id) ?? null;
    case "LineItem": {
      const orderId = state.lineItemOrder.get(id);
      return state.orders.get(orderId ?? "")?.lineItems.find((l) => l.id === id) ?? null;
    }
    case "Refund": {
      for (const o of state.orders.values()) {
        const r = o.refunds.find((x) => x.id === id);
        if (r) return r;
      }
      return null;
    }
    default: return null;
  }
}

export const nodeResolvers: ResolverMap = {
  QueryRoot: defineType<unknown>({
    node: (_s, args, ctx) => findNode(ctx.state, requireGid(args.id)),
    // More than 250 ids never gets here: ./input-limits.ts answers before execution.
    nodes: (_s, args, ctx) => (args.ids as string[]).map((id) => findNode(ctx.state, requireGid(id, "ids"))),
  }),
};
