/**
 * Everything a sync run needs besides Shopify's quantities: the policy in force (compiled
 * once per version), channel and location names, sales velocity and the measured sync lag
 * that size velocity buffers, and whether webhook health has frozen lower tiers.
 */
import { env } from "~/env.server";
import { compilePolicy, type CompiledPolicy, type Hold, type LocationInfo, type Policy } from "~/domain";
import { CHECKOUT_CHANNEL, checkoutHoldsOf, type CheckoutHolds } from "~/domain/inventory-writes";
import { freezeStateFor, type FreezeState } from "~/domain/write-plan";
import { listChannels, listLocations, locationInfo } from "~/models/catalog.server";
import { activeHoldsForItems } from "~/models/holds.server";
import { currentPolicy } from "~/models/policy.server";
import { getShopInstallation } from "~/models/shop-installation.server";
import { lagPercentile, salesRates } from "~/models/telemetry.server";

export interface ShopSyncContext {
  shop: string;
  now: Date;
  policy: { version: number; compiled: CompiledPolicy; ruledChannels: Set<string>; tiers: Map<string, number> };
  /** Where inventory history in Shopify admin links back to: the policy version in force. */
  policyUri: string;
  /** Sales channels; `pausedByMerchant` when the policy pauses the channel (`paused: true`), the only pause that unpublishes (docs/decisions/007). */
  channels: { handle: string; publicationId: string; name: string; pausedByMerchant: boolean }[];
  locationNames: string[];
  /** Every known location with what it can do: channel pools count only where a channel's orders can be filled. */
  locations: LocationInfo[];
  unitsPerMinute: Map<string, number>;
  /** Recent sales rate split by selling channel, for the refresh-window rule (docs/policy.md § 4). */
  unitsPerMinuteByChannel: Map<string, Record<string, number>>;
  /** Cart holds still running for the items being synced (engine input). */
  holds: Hold[];
  /**
   * The same holds on the checkout channel per inventory item, as published for the cart-validation
   * Function (docs/decisions/019). Loaded after the items were read from Shopify (every caller reads,
   * then builds this context), so a write planned from it never drops a hold stored before the
   * metafield it replaces was read: a hold stored later makes that write stale (compareDigest).
   */
  checkoutHolds: Map<string, CheckoutHolds>;
  syncLagMinutes: number;
  /** The webhook-health freeze in force (planned by the pure write plan), or null. */
  freeze: FreezeState | null;
}

export const EMPTY_POLICY: Policy = { version: 1, protection: [], channels: [] };
/** Sales velocity window (rolling). */
export const VELOCITY_WINDOW_MS = 60 * 60_000;
/** Without lag samples yet, assume one minute between a sale and our write. */
export const DEFAULT_SYNC_LAG_MINUTES = 1;

const compiledCache = new Map<string, CompiledPolicy>();

function compiledFor(shop: string, version: number, document: Policy): CompiledPolicy {
  const key = `${shop}\u0000${version}`;
  let compiled = compiledCache.get(key);
  if (!compiled) {
    compiled = compilePolicy(document);
    compiledCache.set(key, compiled);
  }
  return compiled;
}

export function policyUri(shop: string, version: number): string {
  const base = env().SHOPIFY_APP_URL.replace(/\/$/, "");
  return `${base}/app/policy?shop=${encodeURIComponent(shop)}&version=${version}`;
}

/** The shop-wide part of a sync context: the same for every batch of one run. */
export type ShopContext = Omit<ShopSyncContext, "unitsPerMinute" | "unitsPerMinuteByChannel" | "holds" | "checkoutHolds">;

/** The shop's stored locations, as `listLocations` gives them. */
export type StoredLocations = Awaited<ReturnType<typeof listLocations>>;

/** `locations`: the shop's locations when the caller has just read them (one read per recompute, not two). */
export async function loadShopContext(shop: string, now: Date, locations?: StoredLocations): Promise<ShopContext> {
  const since = new Date(now.getTime() - VELOCITY_WINDOW_MS);
  const [stored, channels, shopLocations, receiveLag, writeLag, installation] = await Promise.all([
    currentPolicy(shop),
    listChannels(shop),
    locations ?? listLocations(shop),
    lagPercentile(shop, "receive", since),
    lagPercentile(shop, "write", since),
    getShopInstallation(shop),
  ]);
  const version = stored?.version ?? 0;
  const document = (stored?.document as Policy | undefined) ?? EMPTY_POLICY;
  const measuredLagMs = receiveLag + writeLag;
  const tiers = new Map(document.channels.map((rule) => [rule.channel, rule.tier ?? 1]));
  const pausedByMerchant = new Set(document.channels.filter((rule) => rule.paused === true).map((rule) => rule.channel));
  const frozenReason = installation?.frozenSince ? installation.frozenReason ?? "Shopify's updates are delayed" : null;

  return {
    shop,
    now,
    policy: {
      version,
      compiled: compiledFor(shop, version, document),
      ruledChannels: new Set(document.channels.map((rule) => rule.channel)),
      tiers,
    },
    policyUri: policyUri(shop, version),
    channels: channels.map((channel) => ({ handle: channel.handle, publicationId: channel.publicationId, name: channel.name, pausedByMerchant: pausedByMerchant.has(channel.handle) })),
    locationNames: shopLocations.filter((location) => location.isActive).map((location) => location.name),
    locations: shopLocations.map(locationInfo),
    syncLagMinutes: measuredLagMs > 0 ? measuredLagMs / 60_000 : DEFAULT_SYNC_LAG_MINUTES,
    freeze: frozenReason ? freezeStateFor(document, frozenReason) : null,
  };
}

/** Adds what depends on the items being synced: their sales velocity and running cart holds. */
export async function forItems(base: ShopContext, inventoryItemIds: string[], now: Date): Promise<ShopSyncContext> {
  const [velocity, holds] = await Promise.all([
    salesRates(base.shop, inventoryItemIds, new Date(now.getTime() - VELOCITY_WINDOW_MS), now),
    activeHoldsForItems(base.shop, inventoryItemIds, now),
  ]);
  return {
    ...base,
    now,
    unitsPerMinute: new Map([...velocity].map(([id, rate]) => [id, rate.total])),
    unitsPerMinuteByChannel: new Map([...velocity].map(([id, rate]) => [id, rate.byChannel])),
    // A hold is on one variant's inventory item: its SKU twins keep their own stock (docs/decisions/020).
    holds: holds.map((hold) => ({ item: hold.inventoryItemId, sku: hold.sku, channel: hold.channel, units: hold.units, expiresAt: hold.expiresAt.toISOString() })),
    checkoutHolds: checkoutHoldsByItem(holds),
  };
}

function checkoutHoldsByItem(holds: { inventoryItemId: string; channel: string; holdKey: string | null; units: number; createdAt: Date }[]): Map<string, CheckoutHolds> {
  const byItem = new Map<string, { holdKey: string | null; units: number; createdAt: string }[]>();
  for (const hold of holds) {
    if (hold.channel !== CHECKOUT_CHANNEL) continue;
    const list = byItem.get(hold.inventoryItemId) ?? [];
    list.push({ holdKey: hold.holdKey, units: hold.units, createdAt: hold.createdAt.toISOString() });
    byItem.set(hold.inventoryItemId, list);
  }
  const result = new Map<string, CheckoutHolds>();
  for (const [id, list] of byItem) {
    const published = checkoutHoldsOf(list);
    if (published) result.set(id, published);
  }
  return result;
}

export async function loadSyncContext(
  shop: string,
  { now, inventoryItemIds, locations }: { now: Date; inventoryItemIds: string[]; locations?: StoredLocations },
): Promise<ShopSyncContext> {
  return forItems(await loadShopContext(shop, now, locations), inventoryItemIds, now);
}
