/**
 * An independent reference model of what Safestock must write, for the model-based pipeline
 * test. It is deliberately written from docs/policy.md and docs/decisions/012, not from the
 * engine: it imports nothing from `app/`, covers a subset of the rules (flat and scoped
 * safety stock, channel allocation %, network minimum, refresh window, ring fence, pause below, manual pause) and is kept
 * small enough to check by hand.
 *
 * Identity (docs/decisions/020): a level belongs to one variant's inventory item (`item`). Variants may
 * share a SKU or have none; each is judged on its own stock, and a SKU rule applies to every
 * variant carrying that SKU. A variant that keeps selling when out of stock (`continueSelling`,
 * Shopify's inventoryPolicy CONTINUE) is never counted as oversold.
 *
 * Physical stock (on_hand, committed, reserved, damaged, quality_control) is whatever the
 * emulated shop says; the model only decides how much of it Safestock should withhold at each
 * level (Shopify's `safety_stock`) and how much each channel may be offered.
 */

/** The family of policies the model understands (a subset of policy v1). */
export interface ModelPolicy {
  /** Safety stock at every level. */
  global: number;
  /** Safety stock at one location, overriding `global` there. */
  atLocation?: { location: string; units: number };
  /** Safety stock for items with a tag, overriding location and global. */
  forTag?: { tag: string; units: number };
  /** Safety stock for every variant carrying one SKU (each on its own stock), overriding everything else. */
  forSku?: { sku: string; units: number };
  online?: { networkMinimum?: number };
  /** `refreshSeconds`: the connector re-reads its listing every R s (docs/policy.md § 4 "Refresh window"). */
  /**
   * `ringFenceUnits`: units at the marketplace's locations only it may sell (docs/policy.md § 4
   * "Ring fence"); the model's marketplace rule names no locations, so it draws on every location
   * that fulfils online orders and the fence fills them by name.
   */
  marketplace?: { allocationPercent?: number; pauseBelow?: number; refreshSeconds?: number; ringFenceUnits?: number };
  wholesale?: { paused?: boolean };
}

/** The policy file Safestock is given for a model policy (docs/policy.md § 2). */
export function policyDocument(policy: ModelPolicy) {
  const protection: Record<string, unknown>[] = [{ kind: "safety_stock", units: policy.global }];
  if (policy.atLocation) protection.push({ kind: "safety_stock", units: policy.atLocation.units, location: policy.atLocation.location });
  if (policy.forTag) protection.push({ kind: "safety_stock", units: policy.forTag.units, tag: policy.forTag.tag });
  if (policy.forSku) protection.push({ kind: "safety_stock", units: policy.forSku.units, sku: policy.forSku.sku });
  const channels: Record<string, unknown>[] = [];
  if (policy.online?.networkMinimum !== undefined) channels.push({ channel: "online_store", tier: 1, networkMinimum: policy.online.networkMinimum });
  const market = policy.marketplace;
  if (market && Object.values(market).some((value) => value !== undefined)) {
    channels.push({
      channel: "marketplace",
      tier: 2,
      ...(market.allocationPercent !== undefined ? { allocationPercent: market.allocationPercent } : {}),
      ...(market.refreshSeconds !== undefined ? { refreshSeconds: market.refreshSeconds } : {}),
      ...(market.ringFenceUnits !== undefined ? { ringFenceUnits: market.ringFenceUnits } : {}),
      ...(market.pauseBelow !== undefined ? { pauseBelow: market.pauseBelow } : {}),
    });
  }
  if (policy.wholesale?.paused) channels.push({ channel: "wholesale", tier: 3, paused: true });
  return { version: 1, protection, channels };
}

export interface ModelLevel {
  /** The variant's inventory item: the level's identity. */
  item: string;
  /** A label: shared by twins, "" when the variant has none. */
  sku: string;
  /** Shopify's inventoryPolicy CONTINUE: sells past zero, never oversold. */
  continueSelling?: boolean;
  tags: readonly string[];
  location: string;
  onHand: number;
  committed: number;
  reserved: number;
  damaged: number;
  qualityControl: number;
}

export interface ModelLocation {
  name: string;
  active: boolean;
  fulfillsOnlineOrders: boolean;
}

/** The variant's levels (others may be there too) and the shop's locations: what a ring fence, which spans locations, needs. */
export interface ModelShop {
  levels: readonly ModelLevel[];
  locations: readonly ModelLocation[];
}

// Shopify's identity: on_hand = available + committed + reserved + damaged + safety_stock + quality_control
// (docs/decisions/012 § Inventory states), so this is what could sell if nothing were protected.
const sellable = (level: ModelLevel): number => Math.max(0, level.onHand - level.committed - level.reserved - level.damaged - level.qualityControl);

/** The location protection alone (safety stock), capped by what could sell. */
function protection(policy: ModelPolicy, level: ModelLevel): number {
  // Most specific scope wins (docs/policy.md § 3): SKU > tag > location > every item.
  let units = policy.global;
  if (policy.atLocation && policy.atLocation.location === level.location) units = policy.atLocation.units;
  if (policy.forTag && level.tags.includes(policy.forTag.tag)) units = policy.forTag.units;
  // A blank SKU is no SKU: no SKU rule names it.
  if (policy.forSku && level.sku !== "" && policy.forSku.sku === level.sku) units = policy.forSku.units;
  return Math.min(sellable(level), units);
}

/**
 * Units fenced for the marketplace at `level`: N units taken from what the protection leaves at
 * its locations (online-fulfilling ones, by name), so at most what is there.
 */
export function ringFenceAt(policy: ModelPolicy, level: ModelLevel, shop: ModelShop): number {
  let left = policy.marketplace?.ringFenceUnits ?? 0;
  const reachable = reachableLocations("marketplace", shop.locations);
  const ordered = shop.levels.filter((l) => l.item === level.item && reachable.includes(l.location)).sort((a, b) => (a.location < b.location ? -1 : 1));
  for (const l of ordered) {
    const fence = Math.min(left, sellable(l) - protection(policy, l));
    if (l.location === level.location) return fence;
    left -= fence;
  }
  return 0;
}

/**
 * What Safestock must withhold at one level: Shopify's `safety_stock` after it has synced. A
 * policy with a ring fence needs the variant's other levels and the locations (`shop`).
 */
export function targetSafetyStock(policy: ModelPolicy, level: ModelLevel, shop?: ModelShop): number {
  if (!policy.marketplace?.ringFenceUnits) return protection(policy, level);
  if (!shop) throw new Error("a ring fence spans locations: pass the variant's levels and the locations");
  return protection(policy, level) + ringFenceAt(policy, level, shop);
}

/** `available` Shopify shows once `safety_stock` is at the target (negative when oversold). */
export function targetAvailable(policy: ModelPolicy, level: ModelLevel, shop?: ModelShop): number {
  return level.onHand - level.committed - level.reserved - level.damaged - level.qualityControl - targetSafetyStock(policy, level, shop);
}

/**
 * The locations whose stock can fill a channel's orders (docs/decisions/012 § Sales channels): online
 * orders (Online Store, marketplaces, wholesale apps) route only to active locations that fulfil
 * online orders. POS sells from the store it stands in, so it has no network-wide pool here.
 */
export function reachableLocations(channel: string, locations: readonly ModelLocation[]): string[] {
  if (channel === "pos") return [];
  return locations.filter((location) => location.active && location.fulfillsOnlineOrders).map((location) => location.name);
}

/** What the other channels sell of one variant, and how late Safestock's number is (docs/policy.md § 4). */
export interface ModelSales {
  /** Units per second sold by every channel but the one being planned. */
  othersPerSecond: number;
  /** Measured delay before a change reaches the channel's number. */
  lagSeconds: number;
}

export const NO_SALES: ModelSales = { othersPerSecond: 0, lagSeconds: 0 };

/**
 * Units a channel refreshed every R s must not list: what the others sell while its copy is stale,
 * R + lag seconds, rounded up to whole units (a float like 16.200000000000003 is 16.2).
 */
export function refreshCover(refreshSeconds: number, sales: ModelSales): number {
  const expected = sales.othersPerSecond * (refreshSeconds + sales.lagSeconds);
  return Math.ceil(Number(expected.toFixed(6)));
}

export interface ModelChannelNumber {
  available: number;
  paused: boolean;
}

/** A channel's number for one variant, from its own `levels` only (docs/policy.md § 4, the subset the model covers). */
export function channelNumber(
  policy: ModelPolicy,
  channel: string,
  levels: readonly ModelLevel[],
  locations: readonly ModelLocation[],
  sales: ModelSales = NO_SALES,
): ModelChannelNumber {
  const reachable = new Set(reachableLocations(channel, locations));
  const shop = { levels, locations };
  // Every channel's pool leaves the ring fence out: it sits in safety_stock.
  const pool = levels
    .filter((level) => reachable.has(level.location))
    .reduce((sum, level) => sum + Math.max(0, targetAvailable(policy, level, shop)), 0);
  if (channel === "wholesale" && policy.wholesale?.paused) return { available: 0, paused: true };
  let available = pool;
  if (channel === "online_store" && policy.online?.networkMinimum) available = Math.max(0, available - policy.online.networkMinimum);
  if (channel === "marketplace") {
    // The refresh window comes before the allocation, which is a share of the (shared) pool.
    const refresh = policy.marketplace?.refreshSeconds;
    if (refresh !== undefined) available = Math.max(0, available - refreshCover(refresh, sales));
    const percent = policy.marketplace?.allocationPercent;
    if (percent !== undefined) available = Math.min(available, Math.floor((pool * percent) / 100));
    // Then the marketplace's own fence comes back on top, and pause below judges the sum.
    if (policy.marketplace?.ringFenceUnits) {
      available += levels.filter((level) => reachable.has(level.location)).reduce((sum, level) => sum + ringFenceAt(policy, level, shop), 0);
    }
    const below = policy.marketplace?.pauseBelow;
    if (below !== undefined && available < below) return { available: 0, paused: true };
  }
  return { available, paused: false };
}

/** Stock a channel's orders can actually reach for one variant: what may never be exceeded. */
export function reachableStock(channel: string, levels: readonly ModelLevel[], locations: readonly ModelLocation[]): number {
  const reachable = new Set(reachableLocations(channel, locations));
  return levels
    .filter((level) => reachable.has(level.location))
    .reduce((sum, level) => sum + Math.max(0, level.onHand - level.committed - level.reserved - level.damaged - level.qualityControl), 0);
}

/**
 * Units sold beyond the stock at a level: what was promised that is not there. A variant that
 * keeps selling when out of stock (inventoryPolicy CONTINUE) is never oversold: the merchant
 * chose to take those orders.
 */
export function oversoldUnits(level: ModelLevel): number {
  if (level.continueSelling) return 0;
  return Math.max(0, -(level.onHand - level.committed - level.reserved - level.damaged - level.qualityControl));
}
