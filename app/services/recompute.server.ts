import type { AuditActor } from "~/models/audit.server";
import { touchShopSync } from "~/models/shop-installation.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import { readInventoryItems } from "~/shopify/inventory.server";
import { loadSyncContext } from "./sync-context.server";
import { syncItems, type SyncOutcome } from "./sync-items.server";

/** A stale compare-and-swap means someone else wrote in between; this many fresh tries. */
export const MAX_STALE_RETRIES = 5;

export class StillStaleError extends Error {
  constructor(shop: string, ids: string[]) {
    super(`Inventory kept changing while syncing ${ids.length} item(s) of ${shop}; will retry`);
    this.name = "StillStaleError";
  }
}

/**
 * Recompute a set of inventory items of one shop from Shopify's current truth: re-read (the
 * webhook that triggered us may be stale or out of order), plan, write what differs. On
 * CHANGE_FROM_QUANTITY_STALE, re-read and run again.
 */
export async function recomputeInventoryItems(
  shop: string,
  inventoryItemIds: string[],
  options: { now?: () => Date; actor?: AuditActor; client?: AdminClient } = {},
): Promise<SyncOutcome> {
  const now = options.now ?? (() => new Date());
  const client = options.client ?? (await adminClientForShop(shop));
  for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt++) {
    const items = await readInventoryItems(client, inventoryItemIds);
    const context = await loadSyncContext(shop, { now: now(), inventoryItemIds });
    const outcome = await syncItems(context, client, items, options.actor ?? "rule");
    if (!outcome.stale) {
      await touchShopSync(shop, "lastSyncAt", now());
      return outcome;
    }
  }
  throw new StillStaleError(shop, inventoryItemIds);
}
