/** `node(id:)`/`nodes(ids:)` and owner lookups for the emulated Node types. */
import { GraphQLError, type FieldNode } from "graphql";
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

/** Shopify caps input arrays at 250 (shopify.dev/docs/api/usage/limits#input-limits). */
export function checkInputSize(size: number, path: (string | number)[], info: { fieldNodes: readonly FieldNode[] }): void {
  if (size > 250) {
    throw new GraphQLError(`The input array size of ${size} is greater than the maximum allowed of 250.`, {
      nodes: info.fieldNodes,
      path,
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
    });
  }
}

export const nodeResolvers: ResolverMap = {
  QueryRoot: defineType<unknown>({
    node: (_s, args, ctx) => findNode(ctx.state, requireGid(args.id)),
    nodes: (_s, args, ctx, info) => {
      const ids = args.ids as string[];
      checkInputSize(ids.length, ["nodes", "ids"], info);
      return ids.map((id) => findNode(ctx.state, requireGid(id, "ids")));
    },
  }),
};
