/** Inventory items, levels, quantities, inventoryProperties and adjustment groups. */
import { GraphQLError } from "graphql";
import { QUANTITY_NAMES, type InventoryItemRecord, type InventoryLevelRecord, type QuantityName } from "../../contract.js";
import { isQuantityName } from "../../shop/inventory.js";
import { legacyIdOf } from "../../shop/ids.js";
import type { AdjustmentGroupRecord, InventoryChangeRecord } from "../../shop/state.js";
import type { ApiContext } from "../context.js";
import { connection, count, defineType, plain, requireGid, timestamps, type Args, type ResolverMap } from "./common.js";

export function inventoryItemsConnection(ctx: ApiContext, args: Args) {
  return connection(ctx.state.inventoryItems.values(), args, {
    search: {
      fields: { ...timestamps<InventoryItemRecord>(), sku: (i) => i.sku },
      text: (i) => [i.sku],
    },
  });
}

export function levelsConnection(levels: InventoryLevelRecord[], args: Args, ctx: ApiContext) {
  const list = levels.filter((l) => l.isActive || args.includeInactive === true);
  return connection(list, args, {
    search: {
      fields: {
        ...timestamps<InventoryLevelRecord>(),
        inventory_item_id: (l) => legacyIdOf(l.inventoryItemId),
        location_id: (l) => legacyIdOf(l.locationId),
        sku: (l) => ctx.state.inventoryItems.get(l.inventoryItemId)?.sku,
      },
      text: () => [],
    },
  });
}

/** Display names and the on_hand composition (shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps). */
const NAME_INFO: Record<QuantityName, { displayName: string; belongsTo: QuantityName[]; comprises: QuantityName[] }> = {
  available: { displayName: "Available", belongsTo: ["on_hand"], comprises: [] },
  committed: { displayName: "Committed", belongsTo: ["on_hand"], comprises: [] },
  reserved: { displayName: "Reserved", belongsTo: ["on_hand"], comprises: [] },
  damaged: { displayName: "Damaged", belongsTo: ["on_hand"], comprises: [] },
  safety_stock: { displayName: "Safety stock", belongsTo: ["on_hand"], comprises: [] },
  quality_control: { displayName: "Quality control", belongsTo: ["on_hand"], comprises: [] },
  on_hand: { displayName: "On hand", belongsTo: [], comprises: ["available", "committed", "damaged", "quality_control", "reserved", "safety_stock"] },
  incoming: { displayName: "Incoming", belongsTo: [], comprises: [] },
};

interface QuantitySource {
  id: string;
  level: InventoryLevelRecord;
  name: QuantityName;
}

export const inventoryResolvers: ResolverMap = {
  QueryRoot: defineType<unknown>({
    inventoryItems: (_s, args, ctx) => inventoryItemsConnection(ctx, args),
    inventoryItem: (_s, args, ctx) => ctx.state.inventoryItems.get(requireGid(args.id)) ?? null,
    inventoryLevel: (_s, args, ctx) => ctx.state.levelsById.get(requireGid(args.id)) ?? null,
    inventoryProperties: () => ({}),
  }),
  InventoryProperties: defineType<unknown>({
    quantityNames: (_s, _a, ctx) =>
      QUANTITY_NAMES.map((name) => ({ name, ...NAME_INFO[name], isInUse: ctx.state.namesInUse.has(name) })),
  }),
  InventoryQuantityName: defineType<{ name: string; displayName: string; belongsTo: string[]; comprises: string[]; isInUse: boolean }>(
    plain("name", "displayName", "belongsTo", "comprises", "isInUse"),
  ),
  InventoryItem: defineType<InventoryItemRecord>({
    ...plain<InventoryItemRecord>("id", "sku", "tracked", "requiresShipping", "createdAt", "updatedAt"),
    legacyResourceId: (i) => String(i.legacyId),
    variant: (i, _a, ctx) => ctx.state.variants.get(i.variantId),
    variants: (i, args, ctx) => connection([ctx.state.variants.get(i.variantId)!].filter(Boolean), args),
    duplicateSkuCount: (i, _a, ctx) => [...ctx.state.inventoryItems.values()].filter((x) => x.id !== i.id && x.sku === i.sku && i.sku !== "").length,
    locationsCount: (i, _a, ctx) => count((ctx.state.levelsByItem.get(i.id) ?? []).filter((l) => l.isActive).length),
    unitCost: () => null,
    harmonizedSystemCode: () => null,
    countryCodeOfOrigin: () => null,
    provinceCodeOfOrigin: () => null,
    inventoryHistoryUrl: (i, _a, ctx) => `https://${ctx.state.shop.domain}/admin/products/inventory/${i.legacyId}/inventory_history`,
    inventoryLevel: (i, args, ctx) => {
      const level = ctx.state.levels.get(`${i.id}|${requireGid(args.locationId, "locationId")}`);
      if (!level || (!level.isActive && args.includeInactive !== true)) return null;
      return level;
    },
    inventoryLevels: (i, args, ctx) => levelsConnection(ctx.state.levelsByItem.get(i.id) ?? [], args, ctx),
  }),
  InventoryLevel: defineType<InventoryLevelRecord>({
    ...plain<InventoryLevelRecord>("id", "isActive", "createdAt", "updatedAt"),
    location: (l, _a, ctx) => ctx.state.locations.get(l.locationId),
    item: (l, _a, ctx) => ctx.state.inventoryItems.get(l.inventoryItemId),
    // (docs/decisions/016 §7) deactivation succeeds whenever another active level exists.
    canDeactivate: (l, _a, ctx) => (ctx.state.levelsByItem.get(l.inventoryItemId) ?? []).filter((x) => x.isActive).length > 1,
    deactivationAlert: () => null,
    // Names come back in the requested order (docs/decisions/016 §8).
    quantities: (l, args) =>
      (args.names as string[]).map((name): QuantitySource => {
        if (!isQuantityName(name)) {
          throw new GraphQLError(`The quantity name '${name}' is invalid. Valid values are: ${QUANTITY_NAMES.join(", ")}.`, { extensions: { code: "BAD_REQUEST" } });
        }
        return { id: `gid://shopify/InventoryQuantity/${legacyIdOf(l.id)}?inventory_item_id=${legacyIdOf(l.inventoryItemId)}&name=${name}`, level: l, name };
      }),
  }),
  InventoryQuantity: defineType<QuantitySource>({
    id: (q) => q.id,
    name: (q) => q.name,
    quantity: (q) => q.level.quantities[q.name],
    // on_hand.updatedAt is always null (docs/decisions/016 §8)
    updatedAt: (q) => (q.name === "on_hand" ? null : q.level.quantityUpdatedAt[q.name]),
  }),
  InventoryAdjustmentGroup: defineType<AdjustmentGroupRecord>({
    ...plain<AdjustmentGroupRecord>("id", "createdAt", "reason", "referenceDocumentUri"),
    changes: (g, args) =>
      g.changes.filter(
        (c) =>
          (!args.inventoryItemIds || (args.inventoryItemIds as string[]).includes(c.inventoryItemId)) &&
          (!args.locationIds || (args.locationIds as string[]).includes(c.locationId)) &&
          (!args.quantityNames || (args.quantityNames as string[]).includes(c.name)),
      ),
    // Calls from an app carry no staff member.
    staffMember: () => null,
  }),
  InventoryChange: defineType<InventoryChangeRecord>({
    ...plain<InventoryChangeRecord>("name", "delta", "ledgerDocumentUri"),
    // Always null in every capture, on every version (docs/decisions/016 §2).
    quantityAfterChange: () => null,
    item: (c, _a, ctx) => ctx.state.inventoryItems.get(c.inventoryItemId) ?? null,
    location: (c, _a, ctx) => ctx.state.locations.get(c.locationId) ?? null,
  }),
};
