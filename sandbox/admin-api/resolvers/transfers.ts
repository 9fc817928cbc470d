/** InventoryTransfer / InventoryShipment reads (./../mutations/transfers.ts makes them). */
import type { InventoryShipmentRecord, InventoryTransferRecord } from "../../shop/state.js";
import type { ApiContext } from "../context.js";
import { connection, count, defineType, plain, requireGid, type ResolverMap } from "./common.js";

type TransferLine = InventoryTransferRecord["lineItems"][number];
type ShipmentLine = InventoryShipmentRecord["lineItems"][number];

function snapshot(ctx: ApiContext, locationId: string, at: string) {
  const location = ctx.state.locations.get(locationId) ?? null;
  return { name: location?.name ?? "", location, snapshottedAt: at };
}

const legacyKey = (l: { id: string }) => BigInt(/\/(\d+)$/.exec(l.id)?.[1] ?? 0);

export const transferResolvers: ResolverMap = {
  QueryRoot: defineType<unknown>({
    inventoryTransfer: (_s, args, ctx) => ctx.state.inventoryTransfers.get(requireGid(args.id)) ?? null,
    inventoryShipment: (_s, args, ctx) => ctx.state.inventoryShipments.get(requireGid(args.id)) ?? null,
  }),
  InventoryTransfer: defineType<InventoryTransferRecord>({
    ...plain<InventoryTransferRecord>("id", "name", "status", "note", "referenceName", "tags", "dateCreated"),
    hasTimelineComment: () => false,
    origin: (t, _a, ctx) => snapshot(ctx, t.originLocationId, t.dateCreated),
    destination: (t, _a, ctx) => snapshot(ctx, t.destinationLocationId, t.dateCreated),
    totalQuantity: (t) => t.lineItems.reduce((s, l) => s + l.quantity, 0),
    receivedQuantity: (t, _a, ctx) =>
      t.shipmentIds.reduce((s, id) => s + ctx.state.inventoryShipments.get(id)!.lineItems.reduce((n, l) => n + l.acceptedQuantity + l.rejectedQuantity, 0), 0),
    lineItems: (t, args) => connection(t.lineItems, args, { keyOf: legacyKey }),
    lineItemsCount: (t) => count(t.lineItems.length),
    shipments: (t, args, ctx) => connection(t.shipmentIds.map((id) => ctx.state.inventoryShipments.get(id)!), args),
  }),
  InventoryTransferLineItem: defineType<TransferLine>({
    ...plain<TransferLine>("id", "shippedQuantity"),
    totalQuantity: (l) => l.quantity,
    inventoryItem: (l, _a, ctx) => ctx.state.inventoryItems.get(l.inventoryItemId) ?? null,
    title: (l, _a, ctx) => {
      const variantId = ctx.state.inventoryItems.get(l.inventoryItemId)?.variantId;
      const productId = variantId ? ctx.state.variants.get(variantId)?.productId : undefined;
      return productId ? ctx.state.products.get(productId)?.title ?? null : null;
    },
    // Recorded for a ready transfer: shippable = total, processable = total (lifecycle capture).
    shippableQuantity: (l) => l.quantity - l.shippedQuantity,
    processableQuantity: (l) => l.quantity - l.shippedQuantity,
    pickedForShipmentQuantity: () => 0,
  }),
  LocationSnapshot: defineType<{ name: string; location: unknown; snapshottedAt: string }>(plain("name", "location", "snapshottedAt")),
  InventoryShipment: defineType<InventoryShipmentRecord>({
    ...plain<InventoryShipmentRecord>("id", "name", "status", "dateCreated", "dateShipped", "dateReceived"),
    barcode: () => null,
    tracking: () => null,
    lineItemTotalQuantity: (s) => s.lineItems.reduce((n, l) => n + l.quantity, 0),
    totalAcceptedQuantity: (s) => s.lineItems.reduce((n, l) => n + l.acceptedQuantity, 0),
    totalRejectedQuantity: (s) => s.lineItems.reduce((n, l) => n + l.rejectedQuantity, 0),
    totalReceivedQuantity: (s) => s.lineItems.reduce((n, l) => n + l.acceptedQuantity + l.rejectedQuantity, 0),
    lineItems: (s, args) => connection(s.lineItems, args, { keyOf: legacyKey }),
    lineItemsCount: (s) => count(s.lineItems.length),
  }),
  InventoryShipmentLineItem: defineType<ShipmentLine>({
    ...plain<ShipmentLine>("id", "quantity", "acceptedQuantity", "rejectedQuantity"),
    unreceivedQuantity: (l) => l.quantity - l.acceptedQuantity - l.rejectedQuantity,
    inventoryItem: (l, _a, ctx) => ctx.state.inventoryItems.get(l.inventoryItemId) ?? null,
  }),
};
