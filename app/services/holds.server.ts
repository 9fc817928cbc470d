/**
 * Cart holds (docs/decisions/008): Shopify reserves nothing at add-to-cart (docs/decisions/012
 * "Checkout"), so a buyer at checkout can lose the last unit to a marketplace order placed a
 * second earlier. A hold keeps the cart's units from every other channel for a short TTL and
 * refuses a quantity that other buyers' holds already took. Holds convert on orders/create
 * (matched by the checkout token), are released by the cart, or expire.
 */
import { convertHolds, expireHolds, releaseHolds, replaceHold, unitsHeldByOthers } from "~/models/holds.server";
import { catalogItemForVariant } from "~/models/catalog.server";
import { getShopSettings } from "~/models/settings.server";
import { channelStateFor } from "~/models/sync-state.server";
import { enqueueRecompute } from "./jobs.server";

export const LOW_STOCK_BELOW = 5;

export interface HoldLine {
  variantId: string;
  quantity: number;
}

export type HoldLineResult =
  | { variantId: string; ok: true; units: number; expiresAt: string }
  | { variantId: string; ok: false; available: number; reason: string };

/**
 * Places (or updates) the holds of one checkout. Every line is answered: held, or refused with
 * how many are available and why. Lines for variants Safestock does not manage pass untouched
 * (fail open: Safestock never blocks what it has not computed).
 */
export async function holdCart(
  shop: string,
  input: { holder: string; channel?: string; lines: HoldLine[] },
  now = new Date(),
): Promise<HoldLineResult[]> {
  const channel = input.channel ?? "online_store";
  const results: HoldLineResult[] = [];
  const touched: string[] = [];
  // Hold lifetimes come from the Settings page (defaults in app/models/settings.server.ts: 15 min,
  // 5 min on low stock so an abandoned cart does not lock the last units long).
  const settings = await getShopSettings(shop);
  for (const line of input.lines) {
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      results.push({ variantId: line.variantId, ok: false, available: 0, reason: "The quantity must be a whole number above zero." });
      continue;
    }
    const item = await catalogItemForVariant(shop, line.variantId);
    const state = item ? await channelStateFor(shop, item.inventoryItemId, channel) : null;
    if (!item || !state) {
      results.push({ variantId: line.variantId, ok: true, units: 0, expiresAt: now.toISOString() });
      continue;
    }
    const heldByOthers = await unitsHeldByOthers(shop, { holder: input.holder, channel, inventoryItemId: item.inventoryItemId, now });
    const available = state.paused ? 0 : Math.max(0, state.available - heldByOthers);
    if (line.quantity > available) {
      const reason = state.paused
        ? "This item is not available right now."
        : heldByOthers > 0
          ? `Only ${available} left: ${heldByOthers} are in other shoppers' checkouts.`
          : `Only ${available} left.`;
      results.push({ variantId: line.variantId, ok: false, available, reason });
      continue;
    }
    const ttl = (state.available < LOW_STOCK_BELOW ? settings.lowStockCartHoldMinutes : settings.cartHoldMinutes) * 60_000;
    const expiresAt = new Date(now.getTime() + ttl);
    await replaceHold(shop, {
      holder: input.holder,
      channel,
      inventoryItemId: item.inventoryItemId,
      variantId: line.variantId,
      sku: item.sku,
      units: line.quantity,
      expiresAt,
    });
    touched.push(item.inventoryItemId);
    results.push({ variantId: line.variantId, ok: true, units: line.quantity, expiresAt: expiresAt.toISOString() });
  }
  // Other channels' numbers drop while the hold lasts.
  await enqueueRecompute(shop, [...new Set(touched)]);
  return results;
}

export async function releaseCart(shop: string, holder: string, variantIds?: string[]) {
  const items = await releaseHolds(shop, holder, variantIds);
  await enqueueRecompute(shop, items);
  return items.length;
}

/** orders/create: the checkout's holds became the order's committed units. */
export async function convertCartHolds(shop: string, checkoutToken: string) {
  const items = await convertHolds(shop, checkoutToken);
  await enqueueRecompute(shop, items);
}

/** Scheduler: expired holds give their units back to the other channels. */
export async function expireCartHolds(shop: string, now: Date) {
  const items = await expireHolds(shop, now);
  await enqueueRecompute(shop, items);
  return items.length;
}
