/**
 * Where an order's units are filled from: Shopify's default order routing, and the inventory
 * claims that follow it.
 *
 * Default routing rules, in order (help.shopify.com/en/manual/fulfillment/setup/order-routing/understanding-order-routing):
 *   1. "Minimize split fulfillments": a location that can fill the whole order wins;
 *   2. "Stay within the destination market": not emulated (the sandbox shop has one market);
 *   3. "Ship from the closest location": not emulated (no buyer address) — location order decides,
 *      which matches the captures (docs/decisions/016 §9: of two stocked levels the first, "Shop
 *      location", was used; of three the one that had stock).
 * Only locations that fulfil online orders take part ("inventory at this location is available for
 * sale online", LocationEditInput.fulfillsOnlineOrders). A line no single location can fill is split
 * across several, as a location rule may split "four units of Product A … three to Location X and
 * one to Location Y" (shopify.dev/docs/api/functions/latest/order-routing-location-rule).
 * Under DECREMENT_IGNORING_POLICY what no location has goes to the first location that stocks the
 * item, driving its `available` below zero (docs/decisions/016 §9: a single level with 0 → −2).
 */
import type { Gid, InventoryLevelRecord } from "../contract.js";
import type { ShopState } from "./state.js";

export interface RoutingLine {
  inventoryItemId: Gid | null;
  quantity: number;
}

export interface Allocation {
  locationId: Gid;
  quantity: number;
  /** The active level the units are claimed from (undefined: the item is not stocked there). */
  level?: InventoryLevelRecord;
}

/** Active locations that fulfil online orders, in location (id) order. */
export function onlineLocations(state: ShopState): Gid[] {
  return [...state.locations.values()].filter((l) => l.isActive && l.fulfillsOnlineOrders).map((l) => l.id);
}

function activeLevel(state: ShopState, inventoryItemId: Gid, locationId: Gid): InventoryLevelRecord | undefined {
  const level = state.levels.get(`${inventoryItemId}|${locationId}`);
  return level?.isActive ? level : undefined;
}

/**
 * Allocations per line (same order as `lines`). `fixedLocationId` (POS sale at a store, or an order
 * created fulfilled at a location) puts every line there, whatever that location's online setting.
 */
export function routeOrder(state: ShopState, lines: RoutingLine[], fixedLocationId: Gid | null): Allocation[][] {
  if (fixedLocationId) {
    return lines.map((l) => [{ locationId: fixedLocationId, quantity: l.quantity, level: l.inventoryItemId ? activeLevel(state, l.inventoryItemId, fixedLocationId) : undefined }]);
  }
  const locations = onlineLocations(state);
  const claimed = new Map<InventoryLevelRecord, number>();
  const free = (level: InventoryLevelRecord) => level.quantities.available - (claimed.get(level) ?? 0);
  const covers = (locationId: Gid, line: RoutingLine) => {
    if (!line.inventoryItemId) return true;
    const level = activeLevel(state, line.inventoryItemId, locationId);
    return !!level && free(level) >= line.quantity;
  };
  const claim = (line: RoutingLine, locationId: Gid, quantity: number): Allocation => {
    const level = line.inventoryItemId ? activeLevel(state, line.inventoryItemId, locationId) : undefined;
    if (level) claimed.set(level, (claimed.get(level) ?? 0) + quantity);
    return { locationId, quantity, level };
  };

  // Rule 1: one location fills the whole order.
  const whole = locations.find((loc) => lines.every((l) => covers(loc, l)));
  if (whole) return lines.map((l) => [claim(l, whole, l.quantity)]);

  const used: Gid[] = [];
  return lines.map((line) => {
    // A location already in the order that fills the line adds no split; else the first that does.
    const single = used.find((loc) => covers(loc, line)) ?? locations.find((loc) => covers(loc, line));
    if (single) {
      if (!used.includes(single)) used.push(single);
      return [claim(line, single, line.quantity)];
    }
    if (!line.inventoryItemId) return locations[0] ? [claim(line, locations[0], line.quantity)] : [];
    const stocked = locations.filter((loc) => activeLevel(state, line.inventoryItemId!, loc));
    // Not stocked at any location that fulfils online orders: assigned to the first such location,
    // nothing to claim there [not captured].
    if (stocked.length === 0) return locations[0] ? [{ locationId: locations[0], quantity: line.quantity }] : [];
    // Split: take what each location has, in order; the rest goes below zero at the first.
    const parts = new Map<Gid, number>();
    let rest = line.quantity;
    for (const loc of stocked) {
      const take = Math.min(rest, Math.max(0, free(activeLevel(state, line.inventoryItemId, loc)!)));
      if (take > 0) parts.set(loc, take);
      rest -= take;
      if (rest === 0) break;
    }
    if (rest > 0) parts.set(stocked[0]!, (parts.get(stocked[0]!) ?? 0) + rest);
    const allocations: Allocation[] = [];
    for (const loc of stocked) {
      const quantity = parts.get(loc);
      if (!quantity) continue;
      if (!used.includes(loc)) used.push(loc);
      allocations.push(claim(line, loc, quantity));
    }
    return allocations;
  });
}

/** Units of the item `available` at the locations routing may use (for DECREMENT_OBEYING_POLICY). */
export function routableAvailable(state: ShopState, inventoryItemId: Gid, fixedLocationId: Gid | null): number {
  const locations = fixedLocationId ? [fixedLocationId] : onlineLocations(state);
  return locations.reduce((sum, loc) => sum + Math.max(0, activeLevel(state, inventoryItemId, loc)?.quantities.available ?? 0), 0);
}
