/**
 * Inventory transfers between locations, the minimum an app must survive (2026-10 has
 * inventoryTransferCreate…/inventoryShipment…; the old `inventoryTransfer` REST flow is gone):
 *   inventoryTransferCreate (DRAFT) → inventoryTransferMarkAsReadyToShip, or
 *   inventoryTransferCreateAsReadyToShip          origin available → reserved
 *   inventoryShipmentCreateInTransit              origin reserved → gone (on_hand drops), destination incoming +q
 *   inventoryShipmentReceive (ACCEPTED)           destination incoming → available (on_hand rises)
 *   inventoryShipmentReceive (REJECTED)           destination incoming −q, nothing enters stock [inferred]
 *   inventoryTransferCancel (ready, unshipped)    origin reserved → available [inferred]
 * State moves: docs/decisions/016 §9 "Transfers" (ready-to-ship reserves at the origin, recorded in
 * airhorns/shopify-draft-proxy …/2025-01/products/inventory-transfer-lifecycle-local-staging.json:
 * available 5 → 2, reserved 0 → 3, on_hand 5; an in-transit shipment takes the units off origin
 * on_hand and adds incoming at the destination) and docs/decisions/012 "Inventory states" (incoming is
 * not on hand until received). Error codes and messages are the 2026-10 enum descriptions (never
 * captured); field paths are [inferred]. `@idempotent` is required from 2026-04 (see `idempotent` below).
 */
import type { GraphQLResolveInfo } from "graphql";
import type { Gid, InventoryLevelRecord, QuantityName } from "../../contract.js";
import { applyQuantityDelta } from "../../shop/inventory.js";
import { gid } from "../../shop/ids.js";
import { getLevel, nextLegacyId, type InventoryShipmentRecord, type InventoryTransferRecord } from "../../shop/state.js";
import { emitLevelUpdates, type ApiContext } from "../context.js";
import { defineType, requireGid, type Args, type ResolverMap } from "../resolvers/common.js";
import { idempotencyMismatch, runIdempotent } from "./idempotency.js";

interface CodedError {
  field: string[] | null;
  message: string;
  code: string;
}

/** 2026-10 enum descriptions (Inventory{Transfer,Shipment}…UserErrorCode). */
const E = {
  ITEMS_EMPTY: "The list of line items is empty.",
  LOCATION_NOT_FOUND: "The location selected can't be found.",
  LOCATION_NOT_ACTIVE: "The location selected is not active.",
  LOCATION_REQUIRED: "A location is required for this operation.",
  SAME_LOCATION: "The origin location cannot be the same as the destination location.",
  ITEM_NOT_FOUND: "The item was not found.",
  DUPLICATE_ITEM: "A single item can't be listed twice.",
  INVALID_QUANTITY: "The quantity is invalid.",
  UNTRACKED_ITEM: "The item does not track inventory.",
  INVENTORY_STATE_NOT_ACTIVE: "The item is not stocked at the intended location.",
  INVALID_TRANSFER_STATUS: "Current transfer status does not support this operation.",
  INVALID_SHIPMENT_STATUS: "Current shipment status does not support this operation.",
  TRANSFER_NOT_FOUND: "The transfer was not found.",
  SHIPMENT_NOT_FOUND: "The shipment was not found.",
  SHIPMENT_EXISTS: "Shipment already exists for the transfer.",
} as const;

const err = (code: keyof typeof E | "TRANSFER_ORIGIN_CANNOT_BE_THE_SAME_AS_DESTINATION", field: string[] | null): CodedError => ({
  field,
  code,
  message: code === "TRANSFER_ORIGIN_CANNOT_BE_THE_SAME_AS_DESTINATION" ? E.SAME_LOCATION : E[code],
});

function activeLevel(ctx: ApiContext, inventoryItemId: Gid, locationId: Gid): InventoryLevelRecord | undefined {
  const level = getLevel(ctx.state, inventoryItemId, locationId);
  return level?.isActive ? level : undefined;
}

/**
 * `@idempotent(key:)` is required on the transfer and shipment creations and receipts: "As of
 * version `2026-04`, the idempotency key is required and must be provided using the `@idempotent`
 * directive" (their 2026-10 descriptions); without it → BAD_REQUEST, as for the quantity mutations.
 */
function idempotent<T>(ctx: ApiContext, info: GraphQLResolveInfo, args: unknown, perform: () => T, failedPayload: (e: CodedError) => T): T {
  return runIdempotent(ctx, info, args, perform, (code) => failedPayload(idempotencyMismatch(code)));
}

// ------------------------------------------------------------------------------- transfers
function validateTransferInput(ctx: ApiContext, input: Args): CodedError[] {
  const errors: CodedError[] = [];
  const lines = (input.lineItems ?? []) as { inventoryItemId: Gid; quantity: number }[];
  const origin = input.originLocationId as Gid | undefined;
  const destination = input.destinationLocationId as Gid | undefined;
  if (!origin) errors.push(err("LOCATION_REQUIRED", ["input", "originLocationId"]));
  if (!destination) errors.push(err("LOCATION_REQUIRED", ["input", "destinationLocationId"]));
  for (const [name, id] of [["originLocationId", origin], ["destinationLocationId", destination]] as const) {
    if (!id) continue;
    const location = ctx.state.locations.get(id);
    if (!location) errors.push(err("LOCATION_NOT_FOUND", ["input", name]));
    else if (!location.isActive) errors.push(err("LOCATION_NOT_ACTIVE", ["input", name]));
  }
  if (origin && origin === destination) errors.push(err("TRANSFER_ORIGIN_CANNOT_BE_THE_SAME_AS_DESTINATION", ["input", "destinationLocationId"]));
  if (lines.length === 0) errors.push(err("ITEMS_EMPTY", ["input", "lineItems"]));
  const seen = new Set<Gid>();
  lines.forEach((line, i) => {
    const base = ["input", "lineItems", String(i)];
    const item = ctx.state.inventoryItems.get(line.inventoryItemId);
    if (!item) return void errors.push(err("ITEM_NOT_FOUND", [...base, "inventoryItemId"]));
    if (seen.has(item.id)) errors.push(err("DUPLICATE_ITEM", [...base, "inventoryItemId"]));
    seen.add(item.id);
    if (!item.tracked) errors.push(err("UNTRACKED_ITEM", [...base, "inventoryItemId"]));
    if (!(line.quantity > 0)) errors.push(err("INVALID_QUANTITY", [...base, "quantity"]));
    if (origin && ctx.state.locations.has(origin) && !activeLevel(ctx, item.id, origin)) errors.push(err("INVENTORY_STATE_NOT_ACTIVE", [...base, "inventoryItemId"]));
  });
  return errors;
}

/** origin available → reserved for every line (ready to ship). */
function reserveAtOrigin(ctx: ApiContext, transfer: InventoryTransferRecord, direction: 1 | -1): void {
  const at = ctx.now();
  const touched: InventoryLevelRecord[] = [];
  for (const line of transfer.lineItems) {
    const quantity = line.quantity - line.shippedQuantity;
    const level = activeLevel(ctx, line.inventoryItemId, transfer.originLocationId);
    if (!level || quantity <= 0) continue;
    applyQuantityDelta(level, "available", -direction * quantity, at);
    applyQuantityDelta(level, "reserved", direction * quantity, at);
    ctx.state.namesInUse.add("reserved");
    touched.push(level);
  }
  emitLevelUpdates(ctx, touched);
}

function createTransfer(ctx: ApiContext, input: Args, ready: boolean) {
  const errors = validateTransferInput(ctx, input);
  if (errors.length) return { inventoryTransfer: null, userErrors: errors };
  const legacy = nextLegacyId(ctx.state, "InventoryTransfer");
  const transfer: InventoryTransferRecord = {
    id: gid("InventoryTransfer", legacy),
    legacyId: legacy,
    name: `#T${String(ctx.state.inventoryTransfers.size + 1).padStart(4, "0")}`,
    originLocationId: input.originLocationId,
    destinationLocationId: input.destinationLocationId,
    status: ready ? "READY_TO_SHIP" : "DRAFT",
    lineItems: (input.lineItems as { inventoryItemId: Gid; quantity: number }[]).map((l) => ({
      id: gid("InventoryTransferLineItem", nextLegacyId(ctx.state, "InventoryTransferLineItem")),
      inventoryItemId: l.inventoryItemId,
      quantity: l.quantity,
      shippedQuantity: 0,
    })),
    shipmentIds: [],
    referenceName: (input.referenceName as string | undefined) ?? null,
    note: (input.note as string | undefined) ?? null,
    tags: (input.tags as string[] | undefined) ?? [],
    dateCreated: (input.dateCreated as string | undefined) ?? ctx.now(),
  };
  ctx.state.inventoryTransfers.set(transfer.id, transfer);
  if (ready) reserveAtOrigin(ctx, transfer, 1);
  return { inventoryTransfer: transfer, userErrors: [] };
}

function markReady(ctx: ApiContext, args: Args) {
  const transfer = ctx.state.inventoryTransfers.get(requireGid(args.id));
  if (!transfer) return { inventoryTransfer: null, userErrors: [err("TRANSFER_NOT_FOUND", ["id"])] };
  if (transfer.status !== "DRAFT") return { inventoryTransfer: null, userErrors: [err("INVALID_TRANSFER_STATUS", ["id"])] };
  transfer.status = "READY_TO_SHIP";
  reserveAtOrigin(ctx, transfer, 1);
  return { inventoryTransfer: transfer, userErrors: [] };
}

function cancelTransfer(ctx: ApiContext, args: Args) {
  const transfer = ctx.state.inventoryTransfers.get(requireGid(args.id));
  if (!transfer) return { inventoryTransfer: null, userErrors: [err("TRANSFER_NOT_FOUND", ["id"])] };
  if (transfer.shipmentIds.length > 0) return { inventoryTransfer: null, userErrors: [err("SHIPMENT_EXISTS", ["id"])] };
  if (transfer.status !== "DRAFT" && transfer.status !== "READY_TO_SHIP") return { inventoryTransfer: null, userErrors: [err("INVALID_TRANSFER_STATUS", ["id"])] };
  if (transfer.status === "READY_TO_SHIP") reserveAtOrigin(ctx, transfer, -1);
  transfer.status = "CANCELED";
  return { inventoryTransfer: transfer, userErrors: [] };
}

// ------------------------------------------------------------------------------- shipments
function createInTransit(ctx: ApiContext, input: Args) {
  const failed = (e: CodedError[]) => ({ inventoryShipment: null, userErrors: e });
  const transfer = ctx.state.inventoryTransfers.get(requireGid(input.movementId, "movementId"));
  if (!transfer) return failed([err("TRANSFER_NOT_FOUND", ["input", "movementId"])]);
  if (transfer.status !== "READY_TO_SHIP" && transfer.status !== "IN_PROGRESS") return failed([err("INVALID_TRANSFER_STATUS", ["input", "movementId"])]);
  const lines = (input.lineItems ?? []) as { inventoryItemId: Gid; quantity: number }[];
  if (lines.length === 0) return failed([err("ITEMS_EMPTY", ["input", "lineItems"])]);
  const errors: CodedError[] = [];
  const seen = new Set<Gid>();
  lines.forEach((line, i) => {
    const base = ["input", "lineItems", String(i)];
    const onTransfer = transfer.lineItems.find((t) => t.inventoryItemId === line.inventoryItemId);
    if (!onTransfer) return void errors.push(err("ITEM_NOT_FOUND", [...base, "inventoryItemId"]));
    if (seen.has(line.inventoryItemId)) errors.push(err("DUPLICATE_ITEM", [...base, "inventoryItemId"]));
    seen.add(line.inventoryItemId);
    if (!(line.quantity > 0) || line.quantity > onTransfer.quantity - onTransfer.shippedQuantity) errors.push(err("INVALID_QUANTITY", [...base, "quantity"]));
    // Stricter than needed [not captured]: the destination must already stock the item.
    if (!activeLevel(ctx, line.inventoryItemId, transfer.destinationLocationId)) errors.push(err("INVENTORY_STATE_NOT_ACTIVE", [...base, "inventoryItemId"]));
  });
  if (errors.length) return failed(errors);
  const at = ctx.now();
  const touched: InventoryLevelRecord[] = [];
  const shipmentLines: InventoryShipmentRecord["lineItems"] = [];
  for (const line of lines) {
    const onTransfer = transfer.lineItems.find((t) => t.inventoryItemId === line.inventoryItemId)!;
    onTransfer.shippedQuantity += line.quantity;
    const origin = activeLevel(ctx, line.inventoryItemId, transfer.originLocationId);
    if (origin) {
      // The reserved units leave the building: reserved and on_hand drop together.
      applyQuantityDelta(origin, "reserved", -line.quantity, at);
      touched.push(origin);
    }
    const destination = activeLevel(ctx, line.inventoryItemId, transfer.destinationLocationId)!;
    applyQuantityDelta(destination, "incoming", line.quantity, at);
    ctx.state.namesInUse.add("incoming");
    touched.push(destination);
    shipmentLines.push({ id: gid("InventoryShipmentLineItem", nextLegacyId(ctx.state, "InventoryShipmentLineItem")), inventoryItemId: line.inventoryItemId, quantity: line.quantity, acceptedQuantity: 0, rejectedQuantity: 0 });
  }
  const legacy = nextLegacyId(ctx.state, "InventoryShipment");
  const shipment: InventoryShipmentRecord = {
    id: gid("InventoryShipment", legacy),
    legacyId: legacy,
    // Recorded names: "#T0087-2" for a transfer's shipment.
    name: `${transfer.name}-${transfer.shipmentIds.length + 1}`,
    transferId: transfer.id,
    status: "IN_TRANSIT",
    lineItems: shipmentLines,
    dateCreated: at,
    dateShipped: at,
    dateReceived: null,
  };
  ctx.state.inventoryShipments.set(shipment.id, shipment);
  transfer.shipmentIds.push(shipment.id);
  transfer.status = "IN_PROGRESS";
  emitLevelUpdates(ctx, touched);
  return { inventoryShipment: shipment, userErrors: [] };
}

function receive(ctx: ApiContext, args: Args) {
  const failed = (e: CodedError[]) => ({ inventoryShipment: null, userErrors: e });
  const shipment = ctx.state.inventoryShipments.get(requireGid(args.id));
  if (!shipment) return failed([err("SHIPMENT_NOT_FOUND", ["id"])]);
  if (shipment.status !== "IN_TRANSIT" && shipment.status !== "PARTIALLY_RECEIVED") return failed([err("INVALID_SHIPMENT_STATUS", ["id"])]);
  const transfer = ctx.state.inventoryTransfers.get(shipment.transferId)!;
  const unreceived = (l: InventoryShipmentRecord["lineItems"][number]) => l.quantity - l.acceptedQuantity - l.rejectedQuantity;
  let rows = ((args.lineItems ?? []) as { shipmentLineItemId: Gid; quantity: number; reason: "ACCEPTED" | "REJECTED" }[]).map((r) => ({ ...r }));
  if (rows.length === 0 && args.bulkReceiveAction) {
    rows = shipment.lineItems.filter((l) => unreceived(l) > 0).map((l) => ({ shipmentLineItemId: l.id, quantity: unreceived(l), reason: args.bulkReceiveAction }));
  }
  const errors: CodedError[] = [];
  const wanted = new Map<Gid, number>();
  rows.forEach((row, i) => {
    const line = shipment.lineItems.find((l) => l.id === row.shipmentLineItemId);
    if (!line) return void errors.push(err("ITEM_NOT_FOUND", ["lineItems", String(i), "shipmentLineItemId"]));
    const total = (wanted.get(line.id) ?? 0) + row.quantity;
    wanted.set(line.id, total);
    if (!(row.quantity > 0) || total > unreceived(line)) errors.push(err("INVALID_QUANTITY", ["lineItems", String(i), "quantity"]));
  });
  if (rows.length === 0) errors.push(err("ITEM_NOT_FOUND", ["lineItems"]));
  if (errors.length) return failed(errors);
  const at = ctx.now();
  const touched: InventoryLevelRecord[] = [];
  for (const row of rows) {
    const line = shipment.lineItems.find((l) => l.id === row.shipmentLineItemId)!;
    const level = activeLevel(ctx, line.inventoryItemId, transfer.destinationLocationId);
    if (row.reason === "ACCEPTED") line.acceptedQuantity += row.quantity;
    else line.rejectedQuantity += row.quantity;
    if (!level) continue;
    applyQuantityDelta(level, "incoming", -row.quantity, at);
    if (row.reason === "ACCEPTED") applyQuantityDelta(level, "available" as QuantityName, row.quantity, at);
    touched.push(level);
  }
  const open = shipment.lineItems.some((l) => unreceived(l) > 0);
  shipment.status = open ? "PARTIALLY_RECEIVED" : "RECEIVED";
  shipment.dateReceived ??= (args.dateReceived as string | undefined) ?? at;
  const allShipped = transfer.lineItems.every((l) => l.shippedQuantity >= l.quantity);
  const allReceived = transfer.shipmentIds.every((id) => ctx.state.inventoryShipments.get(id)!.status === "RECEIVED");
  if (allShipped && allReceived) transfer.status = "TRANSFERRED";
  emitLevelUpdates(ctx, touched);
  return { inventoryShipment: shipment, userErrors: [] };
}

export const transferMutations: ResolverMap = {
  Mutation: defineType<unknown>({
    inventoryTransferCreate: (_s, args, ctx, info) =>
      idempotent(ctx, info, args, () => createTransfer(ctx, args.input as Args, false), (e) => ({ inventoryTransfer: null, userErrors: [e] })),
    inventoryTransferCreateAsReadyToShip: (_s, args, ctx, info) =>
      idempotent(ctx, info, args, () => createTransfer(ctx, args.input as Args, true), (e) => ({ inventoryTransfer: null, userErrors: [e] })),
    inventoryTransferMarkAsReadyToShip: (_s, args, ctx) => markReady(ctx, args),
    inventoryTransferCancel: (_s, args, ctx) => cancelTransfer(ctx, args),
    inventoryShipmentCreateInTransit: (_s, args, ctx, info) =>
      idempotent(ctx, info, args, () => createInTransit(ctx, args.input as Args), (e) => ({ inventoryShipment: null, userErrors: [e] })),
    inventoryShipmentReceive: (_s, args, ctx, info) => idempotent(ctx, info, args, () => receive(ctx, args), (e) => ({ inventoryShipment: null, userErrors: [e] })),
  }),
};
