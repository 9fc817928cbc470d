/**
 * From a plan to the writes that bring Shopify to it: the diff step of the sync pipeline
 * (docs/decisions/004: write only the diff). Pure: current quantities and
 * the plan come in, moves and metafield values come out.
 */
import type { ChannelPlan } from "./types";

/** A level as Shopify reports it now, with the engine's target for `safety_stock`. */
export interface LevelTarget {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly sku: string;
  readonly location: string;
  readonly available: number;
  readonly safetyStock: number;
  readonly targetSafetyStock: number;
}

export interface QuantityMove {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly sku: string;
  readonly location: string;
  /** Units moved; always positive. */
  readonly quantity: number;
  /** Compare-and-swap values are the quantities we read: a concurrent sale makes the write stale. */
  readonly from: { readonly name: "available" | "safety_stock"; readonly changeFromQuantity: number };
  readonly to: { readonly name: "available" | "safety_stock"; readonly changeFromQuantity: number };
  readonly safetyStockBefore: number;
  readonly safetyStockAfter: number;
}

/**
 * One move per level whose `safety_stock` differs from its target: available → safety_stock
 * to protect more, safety_stock → available to release. Identical targets yield nothing, which
 * is what makes Safestock's own inventory_levels/update echo converge without a write.
 */
export function planSafetyStockMoves(levels: readonly LevelTarget[]): QuantityMove[] {
  const moves: QuantityMove[] = [];
  for (const level of levels) {
    const delta = level.targetSafetyStock - level.safetyStock;
    if (delta === 0) continue;
    const available = { name: "available" as const, changeFromQuantity: level.available };
    const safety = { name: "safety_stock" as const, changeFromQuantity: level.safetyStock };
    moves.push({
      inventoryItemId: level.inventoryItemId,
      locationId: level.locationId,
      sku: level.sku,
      location: level.location,
      quantity: Math.abs(delta),
      from: delta > 0 ? available : safety,
      to: delta > 0 ? safety : available,
      safetyStockBefore: level.safetyStock,
      safetyStockAfter: level.targetSafetyStock,
    });
  }
  return moves;
}

export function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < list.length; start += size) out.push(list.slice(start, start + size));
  return out;
}

export interface ChannelAts {
  readonly available: number;
  readonly paused: boolean;
}

/**
 * The per-channel numbers of each inventory item (the plan's `item`), keyed by channel handle.
 * Never by SKU: two variants sharing a SKU each publish their own numbers (DESIGN.md §3 "Identity").
 */
export function channelAtsByItem(channels: readonly ChannelPlan[]): Map<string, Record<string, ChannelAts>> {
  const byItem = new Map<string, Record<string, ChannelAts>>();
  for (const plan of channels) {
    let entry = byItem.get(plan.item);
    if (entry === undefined) byItem.set(plan.item, (entry = {}));
    entry[plan.channel] = { available: plan.available, paused: plan.paused };
  }
  return byItem;
}

/**
 * The metafield value published for a variant: `{"channels":{"online_store":{"available":4,"paused":false},…}}`,
 * channels sorted by handle so that equal numbers always serialise to equal text (no rewrite).
 */
export function channelMetafieldValue(channels: Record<string, ChannelAts>): string {
  const sorted: Record<string, ChannelAts> = {};
  for (const handle of Object.keys(channels).sort()) {
    sorted[handle] = { available: channels[handle].available, paused: channels[handle].paused };
  }
  return JSON.stringify({ channels: sorted });
}

/** Reads a published value back; anything unreadable counts as "nothing published yet". */
export function parseChannelMetafieldValue(value: string | null | undefined): Record<string, ChannelAts> | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as { channels?: Record<string, ChannelAts> };
    return parsed && typeof parsed.channels === "object" && parsed.channels !== null ? parsed.channels : null;
  } catch {
    return null;
  }
}
