/**
 * inventorySetQuantities / inventoryAdjustQuantities / inventoryMoveQuantities (2026-10).
 * Messages, codes and field paths are the captured ones (docs/decisions/016 §2–§4, §6);
 * where Shopify was never captured the choice is marked [not captured].
 * Every mutation is all-or-nothing: any userError → `inventoryAdjustmentGroup: null`, no change.
 */
import { GraphQLError } from "graphql";
import type { Gid, InventoryLevelRecord, QuantityName } from "../../contract.js";
import { applyQuantityDelta } from "../../shop/inventory.js";
import { gid } from "../../shop/ids.js";
import { getLevel, nextLegacyId, type AdjustmentGroupRecord, type InventoryChangeRecord } from "../../shop/state.js";
import { emitLevelUpdates, type ApiContext } from "../context.js";
import { defineType, type Args, type ResolverMap } from "../resolvers/common.js";
import { idempotencyMismatch, runIdempotent } from "./idempotency.js";

export const INVENTORY_REASONS = [
  "correction", "cycle_count_available", "damaged", "movement_canceled", "movement_created", "movement_received", "movement_updated",
  "other", "promotion", "quality_control", "received", "reservation_created", "reservation_deleted", "reservation_updated",
  "restock", "safety_stock", "shrinkage",
] as const;

export const MSG = {
  reason: `The specified reason is invalid. Valid values are: ${INVENTORY_REASONS.join(", ")}.`,
  setName: "The quantity name must be either 'available' or 'on_hand'.",
  adjustName: "The specified quantity name is invalid. Valid values are: available, damaged, incoming, quality_control, reserved, safety_stock.",
  duplicate: "The combination of inventoryItemId and locationId must be unique.",
  tooHigh: "The quantity can't be higher than 1,000,000,000.",
  tooLow: "The quantity can't be lower than -1,000,000,000.",
  negative: "The quantity can't be negative.",
  item: "The specified inventory item could not be found.",
  location: "The specified location could not be found.",
  /** [not captured] ITEM_NOT_STOCKED_AT_LOCATION is not in the 2026-10 enums; INVALID_LOCATION is the closest code. */
  notStocked: "The specified inventory item is not stocked at the location.",
  stale: "The changeFromQuantity value does not match persisted value.",
  ledgerRequired: "A ledger document URI is required except when adjusting available.",
  ledgerForAvailable: "A ledger document URI is not allowed when adjusting available.",
  ledgerInternal: "Internal (gid://shopify/) ledger documents are not allowed to be adjusted via API.",
  /** [not captured] 2026-10 enum INVALID_LEDGER_DOCUMENT */
  ledgerInvalid: "The specified ledger document is invalid.",
  /** [not captured] 2026-10 enum INVALID_REFERENCE_DOCUMENT */
  referenceInvalid: "The specified reference document is invalid.",
  ledgerOne: "All changes must have the same ledger document URI or, in the case of adjusting available, no ledger document URI.",
  /** [not captured] 2026-10 enum MAXIMUM_LEDGER_DOCUMENT_URIS: a move may name two (one per end). */
  ledgerMaxMove: "Only a maximum of 2 ledger document URIs across all changes is allowed.",
  differentLocations: "The quantities can't be moved between different locations.",
  /** [not captured] 2026-10 enum SAME_QUANTITY_NAME */
  sameName: "The quantity names for each change can't be the same.",
  /** [not captured] adjust/move bounds from the 2026-10 enums (set's 1,000,000,000 is captured, §2). */
  adjustTooHigh: "The quantity can't be higher than 2,000,000,000.",
  adjustTooLow: "The quantity can't be lower than -2,000,000,000.",
  /** [not captured] adjust bounds: states other than available never go below zero. */
  belowZero: "The quantity can't be lower than 0.",
} as const;

const MAX_QTY = 1_000_000_000;
const MAX_ADJUST_QTY = 2_000_000_000;
const MAX_MOVE_LEDGER_URIS = 2;
const SET_NAMES = ["available", "on_hand"];
/** Names adjust and move accept (docs/decisions/016 §3). */
export const ADJUSTABLE_NAMES: readonly QuantityName[] = ["available", "damaged", "incoming", "quality_control", "reserved", "safety_stock"];

interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}

type Path = (string | number)[];
const f = (...p: Path): string[] => p.map(String);

function requireChangeFrom(rows: Record<string, unknown>[], typeName: string): void {
  // Mandatory since 2026-04; absent (not null) → top-level INVALID_FIELD_ARGUMENTS, and this
  // check runs before the @idempotent check (docs/decisions/016 §1 "Precedence", §6).
  if (rows.some((r) => !Object.prototype.hasOwnProperty.call(r, "changeFromQuantity"))) {
    throw new GraphQLError(`${typeName} must include the following argument: changeFromQuantity.`, { extensions: { code: "INVALID_FIELD_ARGUMENTS" } });
  }
}

function checkLedger(uri: string | null | undefined, name: string, field: string[], errors: UserError[]): void {
  if (name === "available") {
    if (uri !== null && uri !== undefined) errors.push({ field, message: MSG.ledgerForAvailable, code: "INVALID_AVAILABLE_DOCUMENT" });
    return;
  }
  if (uri === null || uri === undefined || uri === "") {
    errors.push({ field, message: MSG.ledgerRequired, code: "INVALID_QUANTITY_DOCUMENT" });
    return;
  }
  if (uri.startsWith("gid://shopify/")) errors.push({ field, message: MSG.ledgerInternal, code: "INTERNAL_LEDGER_DOCUMENT" });
  else if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(uri)) errors.push({ field, message: MSG.ledgerInvalid, code: "INVALID_LEDGER_DOCUMENT" });
}

interface Lookup {
  level?: InventoryLevelRecord;
}

/** Item, location and level checks shared by the three mutations (docs/decisions/016 §6: item error first). */
function lookup(ctx: ApiContext, itemId: Gid, locationId: Gid, itemField: string[], locationField: string[], errors: UserError[]): Lookup {
  const item = ctx.state.inventoryItems.get(itemId);
  const location = ctx.state.locations.get(locationId);
  if (!item) errors.push({ field: itemField, message: MSG.item, code: "INVALID_INVENTORY_ITEM" });
  if (!location) errors.push({ field: locationField, message: MSG.location, code: "INVALID_LOCATION" });
  if (!item || !location) return {};
  const level = getLevel(ctx.state, itemId, locationId);
  if (!level || !level.isActive) {
    errors.push({ field: locationField, message: MSG.notStocked, code: "INVALID_LOCATION" });
    return {};
  }
  return { level };
}

function checkReason(reason: string, errors: UserError[]): void {
  if (!(INVENTORY_REASONS as readonly string[]).includes(reason)) errors.push({ field: ["input", "reason"], message: MSG.reason, code: "INVALID_REASON" });
}

interface PlannedChange {
  level: InventoryLevelRecord;
  name: QuantityName;
  delta: number;
  ledgerDocumentUri: string | null;
}

/**
 * Apply planned changes, record the group and emit one `inventory_level.updated` per level.
 * Rows: the named changes in input order, then one `on_hand` row per level whose on_hand
 * moved (docs/decisions/016 §2: "available 7, available 2, on_hand 7, on_hand 2").
 */
function commit(ctx: ApiContext, reason: string, referenceDocumentUri: string | null, planned: PlannedChange[]): AdjustmentGroupRecord | null {
  const effective = planned.filter((p) => p.delta !== 0);
  if (effective.length === 0) return null; // no-op → group null, userErrors [] (§2, §3)
  const at = ctx.now();
  const rows: InventoryChangeRecord[] = [];
  const onHand = new Map<InventoryLevelRecord, number>();
  for (const p of effective) {
    const d = applyQuantityDelta(p.level, p.name, p.delta, at);
    ctx.state.namesInUse.add(p.name);
    rows.push({ name: p.name, delta: p.delta, ledgerDocumentUri: p.ledgerDocumentUri, inventoryItemId: p.level.inventoryItemId, locationId: p.level.locationId });
    if (d !== 0 || onHand.has(p.level)) onHand.set(p.level, (onHand.get(p.level) ?? 0) + d);
  }
  for (const [level, delta] of onHand) {
    if (delta !== 0) rows.push({ name: "on_hand", delta, ledgerDocumentUri: null, inventoryItemId: level.inventoryItemId, locationId: level.locationId });
  }
  const legacy = nextLegacyId(ctx.state, "InventoryAdjustmentGroup");
  const group: AdjustmentGroupRecord = { id: gid("InventoryAdjustmentGroup", legacy), createdAt: at, reason, referenceDocumentUri, changes: rows };
  ctx.state.adjustmentGroups.set(group.id, group);
  emitLevelUpdates(ctx, effective.map((p) => p.level));
  return group;
}

/** Adjust bounds [not captured]: ±2,000,000,000 from the 2026-10 enum; states other than available stay ≥ 0 [inferred]. */
function bounds(value: number, field: string[], errors: UserError[], floor = -MAX_ADJUST_QTY): void {
  if (value > MAX_ADJUST_QTY) errors.push({ field, message: MSG.adjustTooHigh, code: "INVALID_QUANTITY_TOO_HIGH" });
  else if (value < floor) errors.push({ field, message: floor === 0 ? MSG.belowZero : MSG.adjustTooLow, code: "INVALID_QUANTITY_TOO_LOW" });
}

/** `referenceDocumentUri`: "Valid URI with scheme and content. For GID format, all components (app, entity, id) must be present." [schema] */
function checkReference(uri: unknown, errors: UserError[]): void {
  if (uri === null || uri === undefined) return;
  const valid = typeof uri === "string" && /^[a-z][a-z0-9+.-]*:\S+$/i.test(uri) && (!/^gid:/i.test(uri) || /^gid:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+$/i.test(uri));
  if (!valid) errors.push({ field: ["input", "referenceDocumentUri"], message: MSG.referenceInvalid, code: "INVALID_REFERENCE_DOCUMENT" });
}

const failed = (userErrors: UserError[]) => ({ inventoryAdjustmentGroup: null, userErrors });

// ------------------------------------------------------------------ inventorySetQuantities
function performSet(ctx: ApiContext, input: Args) {
  const errors: UserError[] = [];
  const rows = input.quantities as { inventoryItemId: Gid; locationId: Gid; quantity: number; changeFromQuantity?: number | null }[];
  checkReason(input.reason, errors);
  checkReference(input.referenceDocumentUri, errors);
  const name = input.name as string;
  if (!SET_NAMES.includes(name)) errors.push({ field: ["input", "name"], message: MSG.setName, code: "INVALID_NAME" });
  const seen = new Map<string, number[]>();
  rows.forEach((r, i) => seen.set(`${r.inventoryItemId}|${r.locationId}`, [...(seen.get(`${r.inventoryItemId}|${r.locationId}`) ?? []), i]));
  for (const idx of seen.values()) {
    if (idx.length > 1) for (const i of idx) errors.push({ field: f("input", "quantities", i, "locationId"), message: MSG.duplicate, code: "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR" });
  }
  const planned: PlannedChange[] = [];
  rows.forEach((r, i) => {
    const { level } = lookup(ctx, r.inventoryItemId, r.locationId, f("input", "quantities", i, "inventoryItemId"), f("input", "quantities", i, "locationId"), errors);
    const qField = f("input", "quantities", i, "quantity");
    if (r.quantity > MAX_QTY) errors.push({ field: qField, message: MSG.tooHigh, code: "INVALID_QUANTITY_TOO_HIGH" });
    else if (r.quantity < -MAX_QTY) errors.push({ field: qField, message: MSG.tooLow, code: "INVALID_QUANTITY_TOO_LOW" });
    else if (name === "on_hand" && r.quantity < 0) errors.push({ field: qField, message: MSG.negative, code: "INVALID_QUANTITY_NEGATIVE" });
    if (!level || !SET_NAMES.includes(name)) return;
    const current = level.quantities[name as QuantityName];
    // explicit null skips the compare-and-swap (docs/decisions/016 §6)
    if (r.changeFromQuantity !== null && r.changeFromQuantity !== undefined && r.changeFromQuantity !== current) {
      errors.push({ field: f("input", "quantities", i, "changeFromQuantity"), message: MSG.stale, code: "CHANGE_FROM_QUANTITY_STALE" });
    }
    // Setting on_hand changes available by the same delta (§2: on_hand 0→4 = available +4, on_hand +4).
    planned.push({ level, name: "available", delta: r.quantity - current, ledgerDocumentUri: null });
  });
  if (errors.length) return failed(errors);
  return { inventoryAdjustmentGroup: commit(ctx, input.reason, input.referenceDocumentUri ?? null, planned), userErrors: [] };
}

// --------------------------------------------------------------- inventoryAdjustQuantities
function performAdjust(ctx: ApiContext, input: Args) {
  const errors: UserError[] = [];
  const rows = input.changes as { inventoryItemId: Gid; locationId: Gid; delta: number; changeFromQuantity?: number | null; ledgerDocumentUri?: string | null }[];
  const name = input.name as QuantityName;
  checkReason(input.reason, errors);
  checkReference(input.referenceDocumentUri, errors);
  const validName = ADJUSTABLE_NAMES.includes(name);
  if (!validName) errors.push({ field: ["input", "name"], message: MSG.adjustName, code: "INVALID_QUANTITY_NAME" });
  const uris = new Set(rows.map((r) => r.ledgerDocumentUri).filter((u): u is string => typeof u === "string"));
  if (uris.size > 1) errors.push({ field: ["input", "changes"], message: MSG.ledgerOne, code: "MAX_ONE_LEDGER_DOCUMENT" });
  const planned: PlannedChange[] = [];
  const running = new Map<InventoryLevelRecord, number>();
  rows.forEach((r, i) => {
    const { level } = lookup(ctx, r.inventoryItemId, r.locationId, f("input", "changes", i, "inventoryItemId"), f("input", "changes", i, "locationId"), errors);
    checkLedger(r.ledgerDocumentUri, name, f("input", "changes", i, "ledgerDocumentUri"), errors);
    if (!level || !validName) return;
    const current = level.quantities[name];
    // CAS compares the named state's quantity (§3)
    if (r.changeFromQuantity !== null && r.changeFromQuantity !== undefined && r.changeFromQuantity !== current) {
      errors.push({ field: f("input", "changes", i, "changeFromQuantity"), message: MSG.stale, code: "CHANGE_FROM_QUANTITY_STALE" });
    }
    const after = (running.get(level) ?? current) + r.delta;
    running.set(level, after);
    bounds(after, f("input", "changes", i, "delta"), errors, name === "available" ? -MAX_QTY : 0);
    planned.push({ level, name, delta: r.delta, ledgerDocumentUri: name === "available" ? null : (r.ledgerDocumentUri ?? null) });
  });
  if (errors.length) return failed(errors);
  return { inventoryAdjustmentGroup: commit(ctx, input.reason, input.referenceDocumentUri ?? null, planned), userErrors: [] };
}

// ----------------------------------------------------------------- inventoryMoveQuantities
interface Terminal {
  locationId: Gid;
  name: string;
  changeFromQuantity?: number | null;
  ledgerDocumentUri?: string | null;
}

function performMove(ctx: ApiContext, input: Args) {
  const errors: UserError[] = [];
  const rows = input.changes as { inventoryItemId: Gid; quantity: number; from: Terminal; to: Terminal }[];
  checkReason(input.reason, errors);
  checkReference(input.referenceDocumentUri, errors);
  const uris = new Set(rows.flatMap((r) => [r.from.ledgerDocumentUri, r.to.ledgerDocumentUri]).filter((u): u is string => typeof u === "string"));
  if (uris.size > MAX_MOVE_LEDGER_URIS) errors.push({ field: ["input", "changes"], message: MSG.ledgerMaxMove, code: "MAXIMUM_LEDGER_DOCUMENT_URIS" });
  const planned: PlannedChange[] = [];
  const running = new Map<string, number>();
  rows.forEach((r, i) => {
    const base = ["input", "changes", String(i)];
    const item = ctx.state.inventoryItems.get(r.inventoryItemId);
    if (!item) errors.push({ field: [...base, "inventoryItemId"], message: MSG.item, code: "INVALID_INVENTORY_ITEM" });
    const fromLoc = ctx.state.locations.get(r.from.locationId);
    const toLoc = ctx.state.locations.get(r.to.locationId);
    if (!fromLoc) errors.push({ field: [...base, "from", "locationId"], message: MSG.location, code: "INVALID_LOCATION" });
    if (!toLoc) errors.push({ field: [...base, "to", "locationId"], message: MSG.location, code: "INVALID_LOCATION" });
    if (fromLoc && toLoc && fromLoc.id !== toLoc.id) errors.push({ field: base, message: MSG.differentLocations, code: "DIFFERENT_LOCATIONS" });
    let namesOk = true;
    for (const end of ["from", "to"] as const) {
      if (!ADJUSTABLE_NAMES.includes(r[end].name as QuantityName)) {
        errors.push({ field: [...base, end, "name"], message: MSG.adjustName, code: "INVALID_QUANTITY_NAME" });
        namesOk = false;
      }
    }
    if (namesOk && r.from.name === r.to.name) errors.push({ field: base, message: MSG.sameName, code: "SAME_QUANTITY_NAME" });
    if (r.quantity < 0) errors.push({ field: [...base, "quantity"], message: MSG.negative, code: "INVALID_QUANTITY_NEGATIVE" });
    else if (r.quantity > MAX_ADJUST_QTY) errors.push({ field: [...base, "quantity"], message: MSG.adjustTooHigh, code: "INVALID_QUANTITY_TOO_HIGH" });
    for (const end of ["from", "to"] as const) checkLedger(r[end].ledgerDocumentUri, r[end].name, [...base, end, "ledgerDocumentUri"], errors);
    if (!item || !fromLoc || !toLoc || fromLoc.id !== toLoc.id || !namesOk || r.from.name === r.to.name) return;
    const level = getLevel(ctx.state, item.id, fromLoc.id);
    if (!level || !level.isActive) {
      errors.push({ field: [...base, "from", "locationId"], message: MSG.notStocked, code: "INVALID_LOCATION" });
      return;
    }
    for (const end of ["from", "to"] as const) {
      const cfq = r[end].changeFromQuantity;
      const name = r[end].name as QuantityName;
      if (cfq !== null && cfq !== undefined && cfq !== level.quantities[name]) {
        errors.push({ field: [...base, end, "changeFromQuantity"], message: MSG.stale, code: "CHANGE_FROM_QUANTITY_STALE" });
      }
    }
    const fromName = r.from.name as QuantityName;
    const key = `${level.id}|${fromName}`;
    const after = (running.get(key) ?? level.quantities[fromName]) - r.quantity;
    running.set(key, after);
    // [not captured] available may go negative (as with set and orders); other states may not.
    if (fromName !== "available" && after < 0) errors.push({ field: [...base, "quantity"], message: MSG.negative, code: "INVALID_QUANTITY_NEGATIVE" });
    planned.push({ level, name: fromName, delta: -r.quantity, ledgerDocumentUri: fromName === "available" ? null : (r.from.ledgerDocumentUri ?? null) });
    planned.push({ level, name: r.to.name as QuantityName, delta: r.quantity, ledgerDocumentUri: r.to.name === "available" ? null : (r.to.ledgerDocumentUri ?? null) });
  });
  if (errors.length) return failed(errors);
  return { inventoryAdjustmentGroup: commit(ctx, input.reason, input.referenceDocumentUri ?? null, planned), userErrors: [] };
}


export const inventoryMutations: ResolverMap = {
  Mutation: defineType<unknown>({
    inventorySetQuantities: (_s, args, ctx, info) => {
      const input = args.input as Args;
      requireChangeFrom(input.quantities, "InventoryQuantityInput");
      return runIdempotent(ctx, info, args, () => performSet(ctx, input), (code) => failed([idempotencyMismatch(code)]));
    },
    inventoryAdjustQuantities: (_s, args, ctx, info) => {
      const input = args.input as Args;
      requireChangeFrom(input.changes, "InventoryChangeInput");
      return runIdempotent(ctx, info, args, () => performAdjust(ctx, input), (code) => failed([idempotencyMismatch(code)]));
    },
    inventoryMoveQuantities: (_s, args, ctx, info) => {
      const input = args.input as Args;
      requireChangeFrom(
        (input.changes as { from: Record<string, unknown>; to: Record<string, unknown> }[]).flatMap((c) => [c.from, c.to]),
        "InventoryMoveQuantityTerminalInput",
      );
      return runIdempotent(ctx, info, args, () => performMove(ctx, input), (code) => failed([idempotencyMismatch(code)]));
    },
  }),
};

