/**
 * Shopify's inventory state rules (shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps):
 *   on_hand = available + committed + reserved + damaged + safety_stock + quality_control
 *   incoming is tracked separately (not physically present).
 * Every write goes through `applyQuantityDelta`, which keeps on_hand derived, so the identity
 * cannot drift whatever path changed a state.
 */
import { QUANTITY_NAMES, type InventoryLevelRecord, type QuantityName } from "../contract.js";

/** The states that make up on_hand. */
export const ON_HAND_COMPONENTS = [
  "available",
  "committed",
  "reserved",
  "damaged",
  "safety_stock",
  "quality_control",
] as const satisfies readonly QuantityName[];

export function isQuantityName(name: string): name is QuantityName {
  return (QUANTITY_NAMES as readonly string[]).includes(name);
}

export function emptyQuantities(): Record<QuantityName, number> {
  return { available: 0, committed: 0, reserved: 0, damaged: 0, safety_stock: 0, quality_control: 0, on_hand: 0, incoming: 0 };
}

export function emptyUpdatedAt(): Record<QuantityName, string | null> {
  return { available: null, committed: null, reserved: null, damaged: null, safety_stock: null, quality_control: null, on_hand: null, incoming: null };
}

export function isOnHandComponent(name: QuantityName): boolean {
  return (ON_HAND_COMPONENTS as readonly string[]).includes(name);
}

/**
 * Change one state (never `on_hand` directly: on_hand changes are expressed as available
 * changes, exactly as Shopify reports them). Returns the on_hand delta it caused.
 * `on_hand.updatedAt` stays null (docs/decisions/016 §8).
 */
export function applyQuantityDelta(level: InventoryLevelRecord, name: QuantityName, delta: number, at: string): number {
  if (name === "on_hand") throw new Error("on_hand is derived; change a component state instead");
  if (delta === 0) return 0;
  level.quantities[name] += delta;
  level.quantityUpdatedAt[name] = at;
  level.updatedAt = at;
  if (isOnHandComponent(name)) {
    level.quantities.on_hand += delta;
    return delta;
  }
  return 0;
}

/** The identity check used by tests and assertions. */
export function identityHolds(level: InventoryLevelRecord): boolean {
  const q = level.quantities;
  return q.on_hand === ON_HAND_COMPONENTS.reduce((sum, n) => sum + q[n], 0);
}
