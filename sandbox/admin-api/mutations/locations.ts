/**
 * locationEdit, locationActivate, locationDeactivate, inventoryActivate, inventoryDeactivate (2026-10).
 * - locationEdit: recorded in airhorns/shopify-draft-proxy
 *   fixtures/conformance/harry-test-heelo.myshopify.com/2026-04/store-properties/location-edit-fields-and-state-machine.json
 *   (toggling fulfillsOnlineOrders; turning off the only online location is refused with
 *   CANNOT_DISABLE_ONLINE_ORDER_FULFILLMENT, `location: null`). Fires `locations/update`.
 * - inventoryActivate / inventoryDeactivate: docs/decisions/016 §7 (messages exact; their userErrors
 *   are `UserError`, without `code`). Activation fires `inventory_levels/connect`, deactivation
 *   `inventory_levels/disconnect` (shopify.dev/docs/api/webhooks topics).
 */
import { idempotencyMismatch, runIdempotent } from "./idempotency.js";
import type { InventoryLevelRecord } from "../../contract.js";
import { notEmulatedError } from "../errors.js";
import { applyQuantityDelta } from "../../shop/inventory.js";
import { parseGid } from "../../shop/ids.js";
import { addLevel, getLevel } from "../../shop/state.js";
import { emitLevelUpdates, type ApiContext } from "../context.js";
import { defineType, requireGid, type Args, type ResolverMap } from "../resolvers/common.js";

const MAX_QTY = 1_000_000_000;

// ------------------------------------------------------------------------------ locationEdit
function locationEdit(ctx: ApiContext, args: Args) {
  const input = args.input as Args;
  // Addresses and location metafields are not emulated: refuse rather than pretend.
  if (input.address !== undefined && input.address !== null) throw notEmulatedError("LocationEditInput", "address");
  if (input.metafields !== undefined && input.metafields !== null) throw notEmulatedError("LocationEditInput", "metafields");
  const location = ctx.state.locations.get(requireGid(args.id));
  // [not captured] message from the 2026-10 enum LocationEditUserErrorCode.NOT_FOUND.
  if (!location) return { location: null, userErrors: [{ field: ["id"], message: "The record with the ID used as the input value couldn't be found.", code: "NOT_FOUND" }] };
  if (typeof input.name === "string" && input.name.trim() === "") {
    // [not captured] enum BLANK "The input value is blank."
    return { location: null, userErrors: [{ field: ["input", "name"], message: "The input value is blank.", code: "BLANK" }] };
  }
  if (input.fulfillsOnlineOrders === false && location.fulfillsOnlineOrders) {
    const others = [...ctx.state.locations.values()].some((l) => l.id !== location.id && l.isActive && l.fulfillsOnlineOrders);
    if (!others) {
      return {
        location: null,
        userErrors: [{ field: ["input"], message: "Online order fulfillment could not be disabled for this location as it is the only location that fulfills online orders.", code: "CANNOT_DISABLE_ONLINE_ORDER_FULFILLMENT" }],
      };
    }
  }
  const at = ctx.now();
  if (typeof input.name === "string") location.name = input.name;
  if (typeof input.fulfillsOnlineOrders === "boolean") location.fulfillsOnlineOrders = input.fulfillsOnlineOrders;
  location.updatedAt = at;
  ctx.emit({ type: "location.updated", at, location: structuredClone(location) });
  return { location, userErrors: [] };
}

// ------------------------------------------------------- locationActivate / locationDeactivate
// Codes and messages: the 2026-10 enums LocationActivateUserErrorCode / LocationDeactivateUserErrorCode
// [not captured; field paths inferred]. Deactivation is emulated only where nothing has to move: a
// location still holding units, pending orders or incoming stock is refused (HAS_ACTIVE_INVENTORY_ERROR,
// HAS_FULFILLMENT_ORDERS_ERROR, TEMPORARILY_BLOCKED_FROM_DEACTIVATION_ERROR); relocating to
// `destinationLocationId` is not emulated (NOT_EMULATED) rather than pretended.
type CodedError = { field: string[] | null; message: string; code: string };

function locationActivate(ctx: ApiContext, args: Args) {
  const location = ctx.state.locations.get(requireGid(args.locationId, "locationId"));
  const fail = (error: CodedError) => ({ location: null, locationActivateUserErrors: [error] });
  if (!location) return fail({ field: ["locationId"], message: "Location not found.", code: "LOCATION_NOT_FOUND" });
  if (!location.isActive) {
    if ([...ctx.state.locations.values()].some((l) => l.isActive && l.id !== location.id && l.name === location.name)) {
      return fail({ field: ["locationId"], message: "There is already an active location with this name.", code: "HAS_NON_UNIQUE_NAME" });
    }
    location.isActive = true;
    location.updatedAt = ctx.now();
    ctx.emit({ type: "location.updated", at: location.updatedAt, location: structuredClone(location) });
  }
  return { location, locationActivateUserErrors: [] };
}

function locationDeactivate(ctx: ApiContext, args: Args) {
  const location = ctx.state.locations.get(requireGid(args.locationId, "locationId"));
  const fail = (error: CodedError) => ({ location: null, locationDeactivateUserErrors: [error] });
  if (!location) return fail({ field: ["locationId"], message: "Location not found.", code: "LOCATION_NOT_FOUND" });
  const destinationId = args.destinationLocationId as string | null | undefined;
  if (destinationId) {
    if (destinationId === location.id) {
      return fail({ field: ["destinationLocationId"], message: "Destination location is the same as the location to be deactivated.", code: "DESTINATION_LOCATION_IS_THE_SAME_LOCATION" });
    }
    if (!ctx.state.locations.get(destinationId)?.isActive) {
      return fail({ field: ["destinationLocationId"], message: "Destination location is not found or inactive.", code: "DESTINATION_LOCATION_NOT_FOUND_OR_INACTIVE" });
    }
    throw notEmulatedError("Mutation", "locationDeactivate(destinationLocationId)");
  }
  if (!location.isActive) return { location, locationDeactivateUserErrors: [] };
  if (location.fulfillsOnlineOrders && ![...ctx.state.locations.values()].some((l) => l.id !== location.id && l.isActive && l.fulfillsOnlineOrders)) {
    return fail({ field: ["locationId"], message: "At least one location must fulfill online orders.", code: "CANNOT_DISABLE_ONLINE_ORDER_FULFILLMENT" });
  }
  if ([...ctx.state.fulfillmentOrders.values()].some((fo) => fo.locationId === location.id && (fo.status === "OPEN" || fo.status === "IN_PROGRESS"))) {
    return fail({ field: ["locationId"], message: "Location could not be deactivated because it has pending orders.", code: "HAS_FULFILLMENT_ORDERS_ERROR" });
  }
  const levels = [...ctx.state.levels.values()].filter((level) => level.locationId === location.id && level.isActive);
  if (levels.some((level) => level.quantities.incoming !== 0)) {
    return fail({ field: ["locationId"], message: "Location has incoming inventory. The location can be deactivated after the inventory has been received.", code: "TEMPORARILY_BLOCKED_FROM_DEACTIVATION_ERROR" });
  }
  if (levels.some((level) => Object.values(level.quantities).some((quantity) => quantity !== 0))) {
    return fail({ field: ["locationId"], message: "Location could not be deactivated without specifying where to relocate inventory at the location.", code: "HAS_ACTIVE_INVENTORY_ERROR" });
  }
  location.isActive = false;
  location.updatedAt = ctx.now();
  ctx.emit({ type: "location.updated", at: location.updatedAt, location: structuredClone(location) });
  return { location, locationDeactivateUserErrors: [] };
}

const locationRefusal = (payloadErrors: string) => (code: string) => ({ location: null, [payloadErrors]: [idempotencyMismatch(code as never)] });

// ------------------------------------------------------------------------- inventoryActivate
interface PlainUserError {
  field: string[] | null;
  message: string;
}

function inventoryActivate(ctx: ApiContext, args: Args) {
  const item = ctx.state.inventoryItems.get(requireGid(args.inventoryItemId, "inventoryItemId"));
  const location = ctx.state.locations.get(requireGid(args.locationId, "locationId"));
  // [not captured] unknown ids: the wording of the recorded deactivate errors (§7).
  if (!item) return { inventoryLevel: null, userErrors: [{ field: ["inventoryItemId"], message: "The product couldn't be stocked because the product was deleted." }] };
  if (!location) return { inventoryLevel: null, userErrors: [{ field: ["locationId"], message: "The product couldn't be stocked because the location was deleted." }] };
  const available = args.available as number | null | undefined;
  const onHand = args.onHand as number | null | undefined;
  const hasAvailable = available !== null && available !== undefined;
  const hasOnHand = onHand !== null && onHand !== undefined;
  const prefix = `The product couldn't be stocked at ${location.name} because`;
  if (hasAvailable && hasOnHand) {
    const message = `${prefix} not allowed to set available and on_hand quantities at the same time.`;
    return { inventoryLevel: null, userErrors: [{ field: ["available"], message }, { field: ["onHand"], message }] };
  }
  const quantity = hasAvailable ? available : hasOnHand ? onHand : 0;
  if (quantity > MAX_QTY || quantity < -MAX_QTY) {
    return { inventoryLevel: null, userErrors: [{ field: [hasAvailable ? "available" : "onHand"], message: `${prefix} the quantity needs to be between -1 billion and 1 billion.` }] };
  }
  const existing = getLevel(ctx.state, item.id, location.id);
  if (existing?.isActive) {
    const userErrors: PlainUserError[] = [];
    if (hasAvailable) userErrors.push({ field: ["available"], message: "Not allowed to set available quantity when the item is already active at the location." });
    if (hasOnHand) userErrors.push({ field: ["onHand"], message: "Not allowed to set an on_hand quantity when the item is already active at the location." });
    return { inventoryLevel: existing, userErrors };
  }
  const at = ctx.now();
  let level: InventoryLevelRecord;
  if (existing) {
    // Reactivated: the same level id, its kept quantities back in play (§7). A quantity given on
    // reactivation is not applied [not captured].
    existing.isActive = true;
    existing.updatedAt = at;
    level = existing;
  } else {
    // A new level: available:9 → available 9 / on_hand 9; onHand:50 → 50/50, only available.updatedAt set (§7).
    level = addLevel(ctx.state, item, location.id, at);
    if (quantity !== 0) applyQuantityDelta(level, "available", quantity, at);
  }
  ctx.emit({ type: "inventory_level.connected", at, level: structuredClone(level), item: structuredClone(item) });
  if (!existing && quantity !== 0) emitLevelUpdates(ctx, [level]);
  return { inventoryLevel: level, userErrors: [] };
}

// ----------------------------------------------------------------------- inventoryDeactivate
function inventoryDeactivate(ctx: ApiContext, args: Args) {
  const levelId = requireGid(args.inventoryLevelId, "inventoryLevelId");
  const itemLegacy = /[?&]inventory_item_id=(\d+)/.exec(levelId)?.[1];
  const item = itemLegacy ? ctx.state.inventoryItems.get(`gid://shopify/InventoryItem/${itemLegacy}`) : undefined;
  if (!item || parseGid(levelId)?.type !== "InventoryLevel") return { userErrors: [{ field: null, message: "The product couldn't be unstocked because the product was deleted." }] };
  const level = ctx.state.levelsById.get(levelId);
  const location = level ? ctx.state.locations.get(level.locationId) : undefined;
  if (!level || !location) return { userErrors: [{ field: null, message: "The product couldn't be unstocked because the location was deleted." }] };
  if (!level.isActive) return { userErrors: [] };
  const othersActive = (ctx.state.levelsByItem.get(item.id) ?? []).some((l) => l !== level && l.isActive);
  if (!othersActive) {
    return { userErrors: [{ field: null, message: `The product couldn't be unstocked from ${location.name} because products need to be stocked at a minimum of 1 location.` }] };
  }
  // Succeeds even with stock, committed, reserved or incoming units; the level keeps its
  // quantities, inactive, and leaves variant.inventoryQuantity (§7).
  const at = ctx.now();
  level.isActive = false;
  level.updatedAt = at;
  ctx.emit({ type: "inventory_level.disconnected", at, level: structuredClone(level), item: structuredClone(item) });
  return { userErrors: [] };
}

export const locationMutations: ResolverMap = {
  Mutation: defineType<unknown>({
    locationEdit: (_s, args, ctx) => locationEdit(ctx, args),
    // @idempotent required from 2026-04 (its 2026-10 description); its payload's userErrors carry no code.
    inventoryActivate: (_s, args, ctx, info) =>
      runIdempotent<unknown>(ctx, info, args, () => inventoryActivate(ctx, args), (code) => ({ inventoryLevel: null, userErrors: [{ field: null, message: idempotencyMismatch(code).message }] })),
    inventoryDeactivate: (_s, args, ctx) => inventoryDeactivate(ctx, args),
    // @idempotent required from 2026-04 (their 2026-10 descriptions).
    locationActivate: (_s, args, ctx, info) => runIdempotent<unknown>(ctx, info, args, () => locationActivate(ctx, args), locationRefusal("locationActivateUserErrors")),
    locationDeactivate: (_s, args, ctx, info) => runIdempotent<unknown>(ctx, info, args, () => locationDeactivate(ctx, args), locationRefusal("locationDeactivateUserErrors")),
  }),
};
