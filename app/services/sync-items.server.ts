/**
 * One sync run over fresh reads of some inventory items: the pure write plan
 * (`app/domain/write-plan.ts`: reads + policy + freeze → moves, metafield values,
 * publications) completed into the run's list of writes (`write-steps.server.ts`: the state
 * that needs no write, the publication checks and their Shopify reads), which the writer
 * (`apply-writes.server.ts`) sends, storing each write as an intent with its own idempotency
 * key and recording it as soon as Shopify applied it.
 *
 * A stale write (a sale landed between our read and our write) is reported back, and the
 * caller re-reads and runs again (`withStaleRetries`): Shopify's current truth always wins.
 */
import type { CompiledPolicy, Item, Level, PublishedReserve, Snapshot } from "~/domain";
import { fencedChannelNames } from "~/domain/ring-fence";
import { planInventoryWrites, type PlannedBundle } from "~/domain/write-plan";
import type { AuditActor } from "~/models/audit.server";
import { listLocations, upsertCatalogItems, type CatalogItemInput } from "~/models/catalog.server";
import { appUnpublicationsOfProducts, publishedReservesOf, storedChannelStates } from "~/models/sync-state.server";
import { withSalesSinceListed } from "~/models/telemetry.server";
import { touchShopSync } from "~/models/shop-installation.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import { readBundleItemsOfProducts, readBundleLinks, type ShopifyBundleComponent } from "~/shopify/bundles.server";
import { levelPagingFor, readInventoryItems, readPublishedOnPublication, type LevelPaging, type ShopifyItem } from "~/shopify/inventory.server";
import { executeWriteSteps, resumePendingWrites, type WriterOptions } from "./apply-writes.server";
import { forItems, loadSyncContext, type ShopSyncContext, type StoredLocations } from "./sync-context.server";
import { planWriteSteps } from "./write-steps.server";

export interface SyncOutcome {
  /** True when a compare-and-swap failed: re-read and sync again. */
  stale: boolean;
  levelsChecked: number;
  /** Writes found different from the plan, by kind. */
  planned: { safetyStock: number; metafields: number; publications: number };
  /** Writes Shopify confirmed it applied (each recorded before the next was sent). */
  applied: number;
  /** Writes Shopify refused (reconciliation only; a recompute throws WriteRefusedError). */
  refused: number;
  /** Of the metafield writes, first publications of a variant's channel numbers (planned, applied, refused). */
  firstPublications: { planned: number; applied: number; refused: number };
}

/** The catalog rows (SKU, product, tags…) of items read from Shopify; items without a variant are skipped (a blank SKU is kept). */
export function catalogEntries(items: ShopifyItem[]): CatalogItemInput[] {
  return items
    .filter((item) => item.variantId && item.productId)
    .map((item) => ({
      inventoryItemId: item.inventoryItemId,
      variantId: item.variantId!,
      productId: item.productId!,
      sku: item.sku,
      productTitle: item.productTitle,
      variantTitle: item.variantTitle,
      tags: item.tags,
      tracked: item.tracked,
      continueSelling: item.continueSelling,
      leftAlone: item.leftAlone,
    }));
}

/**
 * Builds the engine's snapshot. Each level and item is identified by its inventory item id
 * (`item`): variants sharing a SKU or without one are planned each on its own stock. SKU, product
 * and location are names, because the policy file speaks in them.
 */
export function snapshotFor(
  context: ShopSyncContext,
  items: ShopifyItem[],
  /** Per item, the self-sizing reserves it last listed (sync-state `publishedReservesOf`): a reserve holds at their peak. */
  publishedReserves: ReadonlyMap<string, Record<string, PublishedReserve[]>> = new Map(),
): Snapshot {
  const levels: Level[] = [];
  const engineItems: Item[] = [];
  for (const item of items) {
    const byChannel = context.unitsPerMinuteByChannel.get(item.inventoryItemId);
    const published = publishedReserves.get(item.inventoryItemId);
    engineItems.push({
      item: item.inventoryItemId,
      sku: item.sku,
      product: item.productTitle,
      tags: item.tags,
      unitsPerMinute: context.unitsPerMinute.get(item.inventoryItemId) ?? 0,
      ...(byChannel ? { unitsPerMinuteByChannel: byChannel } : {}),
      ...(published ? { publishedReserves: published } : {}),
      ...(item.unpublishedChannels ? { unpublishedChannels: item.unpublishedChannels } : {}),
    });
    for (const level of item.levels) {
      if (!level.locationActive) continue;
      const q = level.quantities;
      levels.push({
        item: item.inventoryItemId,
        sku: item.sku,
        location: level.locationName,
        onHand: q.on_hand,
        committed: q.committed,
        reserved: q.reserved,
        damaged: q.damaged,
        qualityControl: q.quality_control,
        incoming: q.incoming,
      });
    }
  }
  return {
    syncLagMinutes: context.syncLagMinutes,
    levels,
    items: engineItems,
    holds: context.holds,
    channels: context.channels.map((channel) => channel.handle),
    locations: context.locations,
  };
}

/**
 * Plans the items and applies the plan. Untracked items are outside Safestock's reach (Shopify
 * does not count their stock). An item without a SKU is planned like any other: global, location,
 * product and tag rules protect it.
 */
export async function syncItems(
  context: ShopSyncContext,
  client: AdminClient,
  fetched: ShopifyItem[],
  actor: AuditActor,
  options: WriterOptions = { onRefused: "throw" },
): Promise<SyncOutcome> {
  const withParts = await withBundleParts(client, fetched.filter(isPlanned), levelPagingFor(context.locations.length));
  // A bundle's components sell on every channel the bundle is on: they stay fenced (decision 045).
  const components = new Set(withParts.bundles.flatMap((bundle) => bundle.components.map((part) => part.inventoryItemId)));
  const items = await withFencePublications(fenceScopeOf(context), client, withParts.items, components);
  const bundles = withParts.bundles;
  // Components and bundles the run brought in need their own running holds and sales rates too, or
  // their published values would drop the holds on them (docs/decisions/034 "Holds").
  const fetchedIds = new Set(fetched.map((item) => item.inventoryItemId));
  if (items.some((item) => !fetchedIds.has(item.inventoryItemId))) {
    context = await forItems(context, [...new Set([...fetchedIds, ...items.map((item) => item.inventoryItemId)])], context.now);
  }
  // Items left alone are recorded with their reason (the Inventory page shows it), never planned.
  await upsertCatalogItems(context.shop, catalogEntries([...items, ...fetched.filter((item) => !isPlanned(item))]));
  if (items.length === 0) return { stale: false, levelsChecked: 0, planned: { safetyStock: 0, metafields: 0, publications: 0 }, applied: 0, refused: 0, firstPublications: { planned: 0, applied: 0, refused: 0 } };
  // Read before planning: a self-sizing reserve holds at the peak of what it last listed (docs/decisions/032).
  const previousChannels = await storedChannelStates(context.shop, items.map((item) => item.inventoryItemId));
  const writePlan = planFor(context, items, bundles, await withSalesSinceListed(context.shop, publishedReservesOf(previousChannels), context.syncLagMinutes));
  // Every read and plan happens here; the writer only sends the steps.
  const steps = await planWriteSteps(context, client, writePlan, items, actor, previousChannels);
  const counts = await executeWriteSteps(context, client, steps, options, bundles);
  return { levelsChecked: writePlan.levels.length, ...counts };
}

/** The sync plans with the policy in force only. */
const fenceScopeOf = (context: ShopSyncContext): FenceScope => ({ shop: context.shop, channels: context.channels, policies: [context.policy.compiled] });

function planFor(context: ShopSyncContext, items: ShopifyItem[], bundles: readonly PlannedBundle[], publishedReserves: ReadonlyMap<string, Record<string, PublishedReserve[]>>) {
  return planInventoryWrites({
    policy: context.policy.compiled,
    snapshot: snapshotFor(context, items.filter((item) => !item.isBundle), publishedReserves),
    items,
    now: context.now.toISOString(),
    freeze: context.freeze,
    checkoutHolds: context.checkoutHolds,
    bundles,
  });
}

/** What a publication read needs: the shop, its channels, and the policies whose fences the plans will apply. */
export interface FenceScope {
  shop: string;
  channels: readonly { handle: string; publicationId: string }[];
  policies: readonly CompiledPolicy[];
}

/**
 * The items, each marked with the fenced channels its product is not published on: a ring fence
 * skips those (docs/decisions/045). Read only for a policy with a fence, and only for the fenced
 * channels' publications: one 1-point request per fenced channel and 250 products. A channel
 * without a known publication, or a product Shopify does not answer for, stays unknown: fenced.
 * Only the merchant's choice counts as off the channel, never Safestock's own unpublication.
 * The sync, Preview and the backtest all mark items here, so they plan the same fences.
 */
export async function withFencePublications(
  scope: FenceScope,
  /** A client, or how to make one: a caller without a fence then never makes one. */
  client: AdminClient | (() => Promise<AdminClient>),
  items: ShopifyItem[],
  /**
   * Items always fenced: a bundle's components, which sell wherever their bundle is published. A
   * caller that did not read the run's bundles (Preview, the backtest) passes "read links": the
   * bundle links of the items off a channel are read, and the components among them stay fenced.
   */
  alwaysFenced: ReadonlySet<string> | "read links" = new Set(),
): Promise<ShopifyItem[]> {
  const fenced = new Set(scope.policies.flatMap((policy) => fencedChannelNames(policy.channels)));
  const channels = scope.channels.filter((channel) => fenced.has(channel.handle) && channel.publicationId);
  const productIds = [...new Set(items.flatMap((item) => (item.productId ? [item.productId] : [])))];
  if (channels.length === 0 || productIds.length === 0) return items;
  const admin = typeof client === "function" ? await client() : client;
  // Off a channel because Safestock paused it: the run that lifts the pause republishes it, so it
  // is fenced like a published product (its products/update is not a re-plan, webhook-processing).
  const ours = new Set((await appUnpublicationsOfProducts(scope.shop, productIds)).map((row) => `${row.productId}|${row.publicationId}`));
  const offChannels = new Map<string, string[]>();
  for (const channel of channels) {
    for (const [productId, published] of await readPublishedOnPublication(admin, productIds, channel.publicationId)) {
      if (!published && !ours.has(`${productId}|${channel.publicationId}`)) offChannels.set(productId, [...(offChannels.get(productId) ?? []), channel.handle]);
    }
  }
  const off = items.filter((item) => item.productId && offChannels.has(item.productId));
  const components = alwaysFenced === "read links" ? await componentsAmong(admin, off) : alwaysFenced;
  return items.map((item) => {
    const channelsOff = item.productId && !components.has(item.inventoryItemId) ? offChannels.get(item.productId) : undefined;
    return channelsOff ? { ...item, unpublishedChannels: channelsOff } : item;
  });
}

/** The items that are a component of some bundle, by their variants' bundle links (asked only of those the read could not rule out). */
async function componentsAmong(client: AdminClient, items: readonly ShopifyItem[]): Promise<Set<string>> {
  const asked = items.filter((item) => item.inBundle !== false && !item.isBundle && item.variantId);
  if (asked.length === 0) return new Set();
  const links = await readBundleLinks(client, asked.map((item) => item.variantId!));
  return new Set(asked.filter((item) => links.componentVariantIds.has(item.variantId!)).map((item) => item.inventoryItemId));
}

/**
 * Items Safestock plans: a fixed bundle (its numbers come from its components), or an item not
 * left alone (untracked, gift card, digital: docs/decisions/034). An item left alone is never
 * written, not even a channel number.
 */
export function isPlanned(item: ShopifyItem): boolean {
  return item.isBundle || item.leftAlone === null;
}

/**
 * A bundle is planned in the same run as its components, since its numbers are theirs
 * (docs/decisions/034): the run's bundles bring their components, and the run's components bring
 * the bundles they belong to (and those bundles' other components). Two rounds at most: bundles do
 * not nest (Shopify refuses a bundle as a component). The parts are read with the shop's levels
 * page (17 points at 3 locations, not the default page's 44: docs/decisions/043).
 */
async function withBundleParts(client: AdminClient, planned: ShopifyItem[], levelPaging: LevelPaging): Promise<{ items: ShopifyItem[]; bundles: PlannedBundle[] }> {
  if (planned.length === 0) return { items: planned, bundles: [] };
  const items = new Map(planned.map((item) => [item.inventoryItemId, item]));
  const components = new Map<string, ShopifyBundleComponent[]>();
  // Links are asked only of variants the read marked as a bundle or a component, or could not
  // tell (a bulk line): a shop without bundles sends none (docs/decisions/034 "Links only for
  // bundles and their components").
  let toLink = planned.filter((item) => item.inBundle !== false);
  for (let round = 0; round < 2 && toLink.length > 0; round++) {
    const links = await readBundleLinks(client, toLink.flatMap((item) => (item.variantId ? [item.variantId] : [])));
    for (const [variantId, parts] of links.components) components.set(variantId, parts);
    const wanted = new Set([...links.components.values()].flat().map((part) => part.inventoryItemId));
    if (round === 0 && links.parentProductIds.size > 0) for (const id of await readBundleItemsOfProducts(client, [...links.parentProductIds])) wanted.add(id);
    const missing = [...wanted].filter((id) => !items.has(id));
    const read = missing.length > 0 ? (await readInventoryItems(client, missing, levelPaging)).filter(isPlanned) : [];
    for (const item of read) items.set(item.inventoryItemId, item);
    // Newly read bundles still need their components; newly read components need nothing more.
    toLink = read.filter((item) => item.isBundle && item.variantId && !components.has(item.variantId));
  }
  const bundles: PlannedBundle[] = [];
  for (const item of items.values()) {
    const parts = item.isBundle && item.variantId ? components.get(item.variantId) : undefined;
    if (!parts) continue;
    bundles.push({
      inventoryItemId: item.inventoryItemId,
      sku: item.sku,
      components: parts.map((part) => ({ inventoryItemId: part.inventoryItemId, variantId: part.variantId, sku: part.sku, title: part.title, quantity: part.quantity })),
    });
  }
  return { items: [...items.values()], bundles };
}

/**
 * A bulk read is not a snapshot: it reads the catalog over seconds or minutes while orders keep
 * landing, so an item's line may predate a sale whose webhook has not been handled yet (during
 * the initial sync item jobs even wait for the sync). Every item whose plan from the bulk read
 * would write anything (a protection move, a channel number) or record a channel state other
 * than the stored one is read again by an ordinary query now, and planned from that read; the
 * others keep their bulk line, which plans nothing for them
 * (docs/decisions/026-bulk-reads-are-not-snapshots.md).
 */
export async function rereadItemsToWrite(context: ShopSyncContext, client: AdminClient, bulkRead: ShopifyItem[]): Promise<ShopifyItem[]> {
  const tracked = bulkRead.filter((item) => isPlanned(item) && !item.isBundle);
  if (tracked.length === 0) return bulkRead;
  const rows = await storedChannelStates(context.shop, tracked.map((item) => item.inventoryItemId));
  // The same publication facts as the run that writes, so a product off a fenced channel is not
  // re-read every reconciliation for a fence its plan will never hold (docs/decisions/045). A
  // bundle's component planned here without its bundle differs from its stored state and is re-read.
  const plan = planFor(context, await withFencePublications(fenceScopeOf(context), client, tracked), [], publishedReservesOf(rows));
  const stored = new Map(rows.map((row) => [`${row.inventoryItemId}|${row.channel}`, row]));
  const toRead = new Set([...plan.moves.map((move) => move.inventoryItemId), ...plan.metafields.map((write) => write.inventoryItemId)]);
  for (const state of plan.channelStates) {
    const before = stored.get(`${state.inventoryItemId}|${state.channel}`);
    if (!before || before.available !== state.available || before.paused !== state.paused) toRead.add(state.inventoryItemId);
  }
  if (toRead.size === 0) return bulkRead;
  const fresh = new Map((await readInventoryItems(client, [...toRead], levelPagingFor(context.locations.length))).map((item) => [item.inventoryItemId, item]));
  // An item gone since its line was read is left out: nothing is planned for it.
  return bulkRead.flatMap((item) => {
    if (!toRead.has(item.inventoryItemId)) return [item];
    const now = fresh.get(item.inventoryItemId);
    return now ? [now] : [];
  });
}

/** A stale compare-and-swap means someone else wrote in between; this many fresh tries. */
export const MAX_STALE_RETRIES = 5;

/**
 * The one stale-retry loop of recompute and reconciliation: settle intents left pending by an
 * earlier run, read, plan, write; on a stale write re-read and re-plan (new intents, new
 * keys). `onAttempt` sees every attempt's outcome (reconciliation counts them). Returns the
 * last outcome; `stale` is still true when every try was stale.
 */
export async function withStaleRetries(
  shop: string,
  client: AdminClient,
  inventoryItemIds: string[],
  run: (items: ShopifyItem[]) => Promise<SyncOutcome>,
  options: { firstRead?: ShopifyItem[]; now: () => Date; onAttempt?: (outcome: SyncOutcome, last: boolean) => void; levelPaging: LevelPaging },
): Promise<SyncOutcome> {
  let outcome: SyncOutcome | null = null;
  for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt++) {
    const { resumed } = await resumePendingWrites(shop, client, options.now());
    const items = attempt === 0 && options.firstRead && resumed === 0 ? options.firstRead : await readInventoryItems(client, inventoryItemIds, options.levelPaging);
    outcome = await run(items);
    options.onAttempt?.(outcome, !outcome.stale || attempt === MAX_STALE_RETRIES - 1);
    if (!outcome.stale) return outcome;
  }
  return outcome!;
}

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
  // One read of the locations sizes the levels page and serves the first attempt's context; an
  // attempt after a stale write reads everything again, locations included, as before.
  let locationsRead: StoredLocations | undefined = await listLocations(shop);
  const levelPaging = levelPagingFor(locationsRead.length);
  const outcome = await withStaleRetries(
    shop,
    client,
    inventoryItemIds,
    async (items) => {
      const context = await loadSyncContext(shop, { now: now(), inventoryItemIds, locations: locationsRead });
      locationsRead = undefined;
      return syncItems(context, client, items, options.actor ?? "rule");
    },
    { now, levelPaging },
  );
  if (outcome.stale) throw new StillStaleError(shop, inventoryItemIds);
  await touchShopSync(shop, "lastSyncAt", now());
  return outcome;
}
