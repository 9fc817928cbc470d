import type { AuditActor } from "~/models/audit.server";
import { touchShopSync } from "~/models/shop-installation.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import { loadSyncContext } from "./sync-context.server";
import { syncItems, withStaleRetries, type SyncOutcome } from "./sync-items.server";

export class StillStaleError extends Error {
  constructor(shop: string, ids: string[]) {
    super(`Inventory kept changing while syncing ${ids.length} item(s) of ${shop}; will retry`);
    this.name = "StillStaleError";
  }
}

/**
 * Recompute a set of inventory items of one shop from Shopify's current truth: re-read (the
 * webhook that triggered us may be stale or out of order), plan, write what differs. On
 * CHANGE_FROM_QUANTITY_STALE, re-read and run again. A write Shopify refuses for another
 * reason throws `WriteRefusedError`: the job is dead at once with Shopify's codes.
 */
export async function recomputeInventoryItems(
  shop: string,
  inventoryItemIds: string[],
  options: { now?: () => Date; actor?: AuditActor; client?: AdminClient } = {},
): Promise<SyncOutcome> {
  const now = options.now ?? (() => new Date());
  const client = options.client ?? (await adminClientForShop(shop));
  const outcome = await withStaleRetries(
    shop,
    client,
    inventoryItemIds,
    async (items) => syncItems(await loadSyncContext(shop, { now: now(), inventoryItemIds }), client, items, options.actor ?? "rule"),
    { now },
  );
  if (outcome.stale) throw new StillStaleError(shop, inventoryItemIds);
  await touchShopSync(shop, "lastSyncAt", now());
  return outcome;
}
