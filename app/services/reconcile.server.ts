import { finishReconciliationReport, startReconciliationReport } from "~/models/reconciliation.server";
import { replaceChannels, replaceLocations } from "~/models/catalog.server";
import { touchShopSync } from "~/models/shop-installation.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import type { ReadCatalogInBulkOptions } from "~/shopify/bulk-catalog.server";
import { forEachCatalogBatch, readInventoryItems, readLocations, readPublications, type ShopifyItem } from "~/shopify/inventory.server";
import { MAX_STALE_RETRIES } from "./recompute.server";
import { forItems, loadShopContext, type ShopContext } from "./sync-context.server";
import { syncItems } from "./sync-items.server";

export interface ReconcileResult {
  reportId: string;
  levelsChecked: number;
  drifted: number;
  fixed: number;
  causes: Record<string, number>;
}

/** Re-reads locations and sales channels, the names a policy refers to. */
export async function refreshLocationsAndChannels(shop: string, client: AdminClient) {
  const [locations, publications] = await Promise.all([readLocations(client), readPublications(client)]);
  await replaceLocations(shop, locations);
  await replaceChannels(shop, publications);
  return { locations, publications };
}

/**
 * Reconciliation: re-read everything from Shopify (pages, or one bulk operation for a large
 * catalog), fix drift through the normal
 * write path (same plan, same compare-and-swap writes) and record a report by cause. Runs
 * hourly (scheduler), on demand (UI), and after a policy is published.
 */
export async function reconcileShop(
  shop: string,
  trigger: "scheduled" | "manual" | "initial" | "policy",
  options: {
    now?: () => Date;
    client?: AdminClient;
    pageSize?: number;
    readMode?: "paged" | "bulk";
    bulk?: ReadCatalogInBulkOptions;
    onProgress?: (checked: number) => void;
  } = {},
): Promise<ReconcileResult> {
  const now = options.now ?? (() => new Date());
  const client = options.client ?? (await adminClientForShop(shop));
  const reportId = await startReconciliationReport(shop, trigger);
  const totals = { levelsChecked: 0, drifted: 0, fixed: 0, causes: {} as Record<string, number> };
  try {
    await refreshLocationsAndChannels(shop, client);
    // Policy, channels, locations, lag and freeze are read once per run, not once per batch.
    const base = await loadShopContext(shop, now());
    await forEachCatalogBatch(
      client,
      async (items) => {
        await syncPage(base, client, items, now, totals);
        options.onProgress?.(totals.levelsChecked);
      },
      { pageSize: options.pageSize, forceMode: options.readMode, bulk: options.bulk },
    );
    await finishReconciliationReport(reportId, totals, now());
    await touchShopSync(shop, "lastReconcileAt", now());
    return { reportId, ...totals };
  } catch (error) {
    await finishReconciliationReport(reportId, { ...totals, error: String(error) }, now());
    throw error;
  }
}

async function syncPage(
  base: ShopContext,
  client: AdminClient,
  firstRead: ShopifyItem[],
  now: () => Date,
  totals: { levelsChecked: number; drifted: number; fixed: number; causes: Record<string, number> },
) {
  let items = firstRead;
  const ids = items.map((item) => item.inventoryItemId);
  for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt++) {
    const context = await forItems(base, ids, now());
    const outcome = await syncItems(context, client, items, "reconciliation");
    const drifted = outcome.safetyStockMoves + outcome.metafieldWrites + outcome.publicationChanges;
    totals.drifted += drifted;
    totals.fixed += drifted;
    for (const [cause, count] of Object.entries(outcome.drift)) totals.causes[cause] = (totals.causes[cause] ?? 0) + count;
    if (outcome.publicationChanges) totals.causes.publication = (totals.causes.publication ?? 0) + outcome.publicationChanges;
    if (!outcome.stale) {
      totals.levelsChecked += outcome.levelsChecked;
      return;
    }
    items = await readInventoryItems(client, ids);
  }
  throw new Error(`Inventory kept changing while reconciling ${ids.length} items of ${base.shop}`);
}
