import { recordAudit } from "~/models/audit.server";
import { currentPolicy, insertPolicyVersion } from "~/models/policy.server";
import { ensureShopInstalled, setInitialSyncStatus } from "~/models/shop-installation.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import type { ReadCatalogInBulkOptions } from "~/shopify/bulk-catalog.server";
import { forEachCatalogBatch } from "~/shopify/inventory.server";
import { upsertCatalogItems } from "~/models/catalog.server";
import type { SafetyStockRule } from "~/domain";
import { jobQueue } from "./jobs.server";
import { bulkReadProgress, reconcileShop, refreshShopFacts } from "./reconcile.server";
import { catalogEntries } from "./sync-items.server";
import { switchProtectionOnAfterSync } from "./setup.server";

/**
 * First import after install (and on demand): locations, channels and the whole catalog.
 * Any safety_stock the merchant set before Safestock becomes, when the shop has no policy yet,
 * policy v1 as location × SKU rules — so the first plan reproduces exactly what the merchant had
 * and nothing they set is lost. That policy version is the one place imported safety stock lives:
 * the merchant sees it on the Policy page and can change or roll it back like any other version.
 * Then the first plan is published through a reconciliation run.
 */
export async function runInitialSync(
  shop: string,
  options: { now?: () => Date; client?: AdminClient; pageSize?: number; readMode?: "paged" | "bulk"; bulk?: ReadCatalogInBulkOptions } = {},
) {
  const client = options.client ?? (await adminClientForShop(shop));
  await ensureShopInstalled(shop);
  await setInitialSyncStatus(shop, "running", "Reading locations and sales channels");
  const catalogProgress = bulkReadProgressNotes(shop, options.bulk, "Shopify is reading your catalog");
  const planProgress = bulkReadProgressNotes(shop, options.bulk, "Publishing the first plan: Shopify is reading your catalog again");
  try {
    const { locations } = await refreshShopFacts(shop, client);
    const locationNames = new Map(locations.map((location) => [location.id, location.name]));
    await setInitialSyncStatus(shop, "running", "Reading your products and inventory from Shopify");
    const preexisting: { inventoryItemId: string; locationId: string; units: number; sku: string }[] = [];
    let withoutSku = 0;
    let items = 0;
    const mode = await forEachCatalogBatch(
      client,
      async (batch) => {
        await catalogProgress.settled();
        await upsertCatalogItems(shop, catalogEntries(batch));
        for (const item of batch) {
          for (const level of item.levels) {
            if (level.quantities.safety_stock <= 0) continue;
            if (item.sku) preexisting.push({ inventoryItemId: item.inventoryItemId, locationId: level.locationId, units: level.quantities.safety_stock, sku: item.sku });
            else withoutSku++;
          }
        }
        items += batch.length;
        await setInitialSyncStatus(shop, "running", `Read ${items} inventory items`);
      },
      { pageSize: options.pageSize, forceMode: options.readMode, bulk: catalogProgress.options },
    );
    await catalogProgress.settled();

    // Only a shop without a policy imports: a returning shop's published policy stays in force.
    let imported = 0;
    if (preexisting.length > 0 && !(await currentPolicy(shop))) {
      imported = preexisting.length;
      const protection = importedRules(preexisting, locationNames);
      const version = await insertPolicyVersion(shop, { version: 1, protection, channels: [] }, "import", "Safety stock set before Safestock was installed");
      const skipped = withoutSku > 0 ? `; ${withoutSku} level(s) of variants without a SKU were not imported (a rule cannot name them)` : "";
      await recordAudit(shop, [
        { subject: "policy", ruleVersion: version, reason: `Imported ${preexisting.length} existing safety stock level(s) as policy v${version}${skipped}`, actor: "merchant" },
      ]);
    }

    await setInitialSyncStatus(shop, "running", "Publishing the first plan");
    const result = await reconcileShop(shop, "initial", { client, now: options.now, pageSize: options.pageSize, readMode: options.readMode, bulk: planProgress.options });
    // A progress note still being written must not land after the outcome.
    await planProgress.settled();
    await setInitialSyncStatus(shop, "done", `Checked ${result.levelsChecked} levels, imported ${imported} safety stock level(s)`);
    // Protection switches itself on once the first plan is published (issue 18 § 3).
    await switchProtectionOnAfterSync(shop, client);
    // Item changes that arrived during the import waited for it (pipeline-handlers).
    await jobQueue().resumeWaiting(shop);
    return { items, imported, readMode: mode, ...result };
  } catch (error) {
    await Promise.all([catalogProgress.settled(), planProgress.settled()]);
    await setInitialSyncStatus(shop, "failed", String(error));
    throw error;
  }
}

/**
 * The bulk read's records so far become the Overview's note: the merchant sees the read move (the
 * catalog read, then the first plan's reconciliation reading it again).
 */
function bulkReadProgressNotes(shop: string, bulk: ReadCatalogInBulkOptions | undefined, what: string) {
  return bulkReadProgress(bulk, (records) => setInitialSyncStatus(shop, "running", `${what}: ${records.toLocaleString("en-US")} records so far`), `initial sync of ${shop}`);
}

/**
 * One location × SKU rule per SKU and location. Variants sharing a SKU (docs/decisions/020)
 * get one rule that applies to each of them: the largest of their values, so no variant ends up
 * less protected than the merchant had it.
 */
function importedRules(preexisting: readonly { locationId: string; units: number; sku: string }[], locationNames: ReadonlyMap<string, string>): SafetyStockRule[] {
  const bySkuAndLocation = new Map<string, SafetyStockRule>();
  for (const entry of preexisting) {
    const location = locationNames.get(entry.locationId) ?? entry.locationId;
    const key = JSON.stringify([entry.sku, location]);
    const earlier = bySkuAndLocation.get(key);
    if (!earlier || earlier.units < entry.units) bySkuAndLocation.set(key, { kind: "safety_stock", units: entry.units, sku: entry.sku, location });
  }
  return [...bySkuAndLocation.values()];
}
