import { finishReconciliationReport, recordReconciliationProgress, startReconciliationReport, type ReconciliationCounts } from "~/models/reconciliation.server";
import { catalogSize as knownCatalogSize, replaceChannels, replaceLocations } from "~/models/catalog.server";
import { setShopTimeZone, touchShopSync } from "~/models/shop-installation.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import type { ReadCatalogInBulkOptions } from "~/shopify/bulk-catalog.server";
import { forEachCatalogBatch, levelPagingFor, readLocations, readPublications, readShopTimeZone, type ShopifyItem } from "~/shopify/inventory.server";
import { describeUserErrors, type WriterOptions } from "./apply-writes.server";
import { forItems, loadShopContext, type ShopContext } from "./sync-context.server";
import { rereadItemsToWrite, syncItems, withStaleRetries, type SyncOutcome } from "./sync-items.server";

/**
 * What a reconciliation found and did, counted in writes (a safety-stock move, a variant's
 * channel metafield, a product's publication on a channel):
 * - `drifted`: found different from the plan;
 * - `fixed`: Shopify confirmed the write applied;
 * - `firstPublished`: a variant's channel numbers published for the first time, applied (a fresh
 *   shop's first sync: no metafield in Shopify and no channel state of ours, so nothing had
 *   drifted; WriteStep.firstPublications in write-steps.server.ts);
 * - `failed`: Shopify refused the write, or it stayed stale through every retry.
 * drifted + first publications found = fixed + firstPublished + failed, except for a level that
 * drifted, went stale and then needed no write on the re-read (someone else brought it to the plan).
 */
export type ReconcileTotals = ReconciliationCounts;

export interface ReconcileResult extends ReconcileTotals {
  reportId: string;
}

/**
 * Re-reads locations and sales channels, the names a policy refers to, and the shop's time zone,
 * which the pages show times in (a merchant can change it in Shopify's settings: read each run).
 */
export async function refreshShopFacts(shop: string, client: AdminClient) {
  const [locations, publications, timeZone] = await Promise.all([readLocations(client), readPublications(client), readShopTimeZone(client)]);
  await replaceLocations(shop, locations);
  await replaceChannels(shop, publications);
  await setShopTimeZone(shop, timeZone);
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
    /** After each batch's progress is stored (what the Sync page shows while the run goes on). */
    onProgress?: (itemsChecked: number) => Promise<void> | void;
  } = {},
): Promise<ReconcileResult> {
  const now = options.now ?? (() => new Date());
  const client = options.client ?? (await adminClientForShop(shop));
  const reportId = await startReconciliationReport(shop, trigger, await knownCatalogSize(shop));
  const totals: ReconcileTotals = { levelsChecked: 0, drifted: 0, fixed: 0, firstPublished: 0, failed: 0, causes: {} };
  const recordsRead = bulkReadProgress(options.bulk, (records) => recordReconciliationProgress(reportId, { recordsRead: records }, now()), "reconciliation");
  let itemsChecked = 0;
  try {
    await refreshShopFacts(shop, client);
    // Policy, channels, locations, lag and freeze are read once per run, not once per batch.
    const base = await loadShopContext(shop, now());
    await forEachCatalogBatch(
      client,
      async (items, source) => {
        // A bulk batch's lines span the whole run: what it would change is read again first.
        const firstRead = source === "bulk" ? await rereadItemsToWrite(await forItems(base, items.map((item) => item.inventoryItemId), now()), client, items) : items;
        await syncPage(base, client, firstRead, now, totals);
        itemsChecked += items.length;
        await recordsRead.settled();
        await recordReconciliationProgress(reportId, { itemsChecked, counts: totals }, now());
        await options.onProgress?.(itemsChecked);
      },
      { pageSize: options.pageSize, forceMode: options.readMode, bulk: recordsRead.options },
    );
    // A progress note still being written must not land after the outcome.
    await recordsRead.settled();
    await finishReconciliationReport(reportId, totals, now());
    await touchShopSync(shop, "lastReconcileAt", now());
    return { reportId, ...totals };
  } catch (error) {
    await recordsRead.settled();
    await finishReconciliationReport(reportId, { ...totals, error: String(error) }, now());
    throw error;
  }
}

/**
 * While Shopify runs a bulk read (minutes on a large shop, SHOPIFY-FACTS.md "Rate limits") no batch
 * arrives, so each poll's record count is stored for the pages: the first import's note on the
 * Overview (initial-sync.server.ts), a reconciliation's report on the Sync page. Stored one after the
 * other; callers await `settled()` before storing anything of their own. A lost count is only a
 * stale progress line and the read goes on, so it is logged, not thrown.
 */
export function bulkReadProgress(bulk: ReadCatalogInBulkOptions | undefined, store: (recordsRead: number) => Promise<unknown>, what: string) {
  let written = Promise.resolve();
  return {
    options: {
      ...bulk,
      onPoll: (operation: Parameters<NonNullable<ReadCatalogInBulkOptions["onPoll"]>>[0]) => {
        bulk?.onPoll?.(operation);
        const recordsRead = Number(operation.objectCount);
        written = written.then(() => store(recordsRead)).then(
          () => undefined,
          (error: unknown) => console.error(`${what}: progress not stored`, { error: String(error) }),
        );
      },
    } satisfies ReadCatalogInBulkOptions,
    settled: () => written,
  };
}

const bump = (counts: Record<string, number>, key: string, by = 1) => {
  if (by > 0) counts[key] = (counts[key] ?? 0) + by;
};

/**
 * One page of the catalog through the same stale-retry loop as recompute. A refused write is
 * counted and reconciliation goes on with the other pages (the report shows it).
 */
async function syncPage(base: ShopContext, client: AdminClient, firstRead: ShopifyItem[], now: () => Date, totals: ReconcileTotals) {
  const ids = firstRead.map((item) => item.inventoryItemId);
  const writer: WriterOptions = { onRefused: "count", refusals: [] };
  const count = (outcome: SyncOutcome, last: boolean) => {
    const planned = outcome.planned.safetyStock + outcome.planned.metafields + outcome.planned.publications;
    const first = outcome.firstPublications;
    // A stale attempt is planned again after the re-read: count only what it settled, unless
    // this was the last try, when whatever was left counts as failed.
    const unsettled = planned - outcome.applied - outcome.refused;
    const gaveUp = outcome.stale && last ? unsettled : 0;
    const gaveUpFirst = outcome.stale && last ? first.planned - first.applied - first.refused : 0;
    // First publications are not drift: nothing was published before them.
    totals.drifted += outcome.stale ? outcome.applied - first.applied + (outcome.refused - first.refused) + (gaveUp - gaveUpFirst) : planned - first.planned;
    totals.fixed += outcome.applied - first.applied;
    totals.firstPublished += first.applied;
    totals.failed += outcome.refused + gaveUp;
    if (!outcome.stale) {
      bump(totals.causes, "safety_stock", outcome.planned.safetyStock);
      bump(totals.causes, "channel_ats", outcome.planned.metafields - first.planned);
      bump(totals.causes, "publication", outcome.planned.publications);
    }
    bump(totals.causes, "stale_after_retries", gaveUp);
    if (!outcome.stale || last) totals.levelsChecked += outcome.levelsChecked;
  };
  await withStaleRetries(
    base.shop,
    client,
    ids,
    async (items) => syncItems(await forItems(base, ids, now()), client, items, "reconciliation", writer),
    { firstRead, now, onAttempt: count, levelPaging: levelPagingFor(base.locations.length) },
  );
  for (const refusal of writer.refusals ?? []) {
    for (const error of refusal.userErrors) bump(totals.causes, `refused ${error.code ?? "NO_CODE"}`);
    console.error("reconciliation: Shopify refused a write", { shop: base.shop, operation: refusal.operation, errors: describeUserErrors(refusal.userErrors) });
  }
}
