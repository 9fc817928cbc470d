/**
 * An independent reference model of what Safestock must write, for the model-based pipeline
 * test. It is deliberately written from docs/policy.md and docs/decisions/012, not from the
 * engine: it imports nothing from `app/`, covers a subset of the rules (flat and scoped
 * safety stock, including a tag at one location, display units, channel allocation %, network
 * minimum, refresh window, ring fence, pause below, manual pause, wholesale fixed units with the
 * tier reserve, and Point of Sale's every-store pool) and is kept small enough to check by hand.
 *
 * Identity (docs/decisions/020): a level belongs to one variant's inventory item (`item`). Variants may
 * share a SKU or have none; each is judged on its own stock, and a SKU rule applies to every
 * variant carrying that SKU. A variant that keeps selling when out of stock (`continueSelling`,
 * Shopify's inventoryPolicy CONTINUE) is never counted as oversold.
 *
 * Cart holds (docs/policy.md § 4 "holds", docs/decisions/008 and 019): a running hold lowers every
 * OTHER channel's number for its variant, after the refresh window and before the allocation, and
 * never its own channel's; with a ring fence it lowers only the shared part.
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
  /** Safety stock for items with a tag at one location (`tag@location`), overriding the tag alone. */
  forTagAtLocation?: { tag: string; location: string; units: number };
  /** Units of one SKU on the shop floor at one location, never sold: on top of safety stock (docs/policy.md § 3 "display"). */
  display?: { sku: string; location: string; units: number };
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
  /**
   * `fixedUnits`: at most n; `reserveForHigherTiersBelow`: a pool under N gives 0 so higher tiers
   * keep the stock (docs/policy.md § 4 "The waterfall").
   */
  wholesale?: { paused?: boolean; fixedUnits?: number; reserveForHigherTiersBelow?: number };
}

/** The policy file Safestock is given for a model policy (docs/policy.md § 2). */
export function policyDocument(policy: ModelPolicy) {
  const protection: Record<string, unknown>[] = [{ kind: "safety_stock", units: policy.global }];
  if (policy.atLocation) protection.push({ kind: "safety_stock", units: policy.atLocation.units, location: policy.atLocation.location });
  if (policy.forTag) protection.push({ kind: "safety_stock", units: policy.forTag.units, tag: policy.forTag.tag });
  const tagAt = policy.forTagAtLocation;
  if (tagAt) protection.push({ kind: "safety_stock", units: tagAt.units, location: tagAt.location, tag: tagAt.tag });
  if (policy.display) protection.push({ kind: "display", units: policy.display.units, location: policy.display.location, sku: policy.display.sku });
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
  const wholesale = policy.wholesale;
  if (wholesale && Object.values(wholesale).some((value) => value !== undefined && value !== false)) {
    channels.push({
      channel: "wholesale",
      tier: 3,
      ...(wholesale.paused ? { paused: true } : {}),
      ...(wholesale.fixedUnits !== undefined ? { fixedUnits: wholesale.fixedUnits } : {}),
      ...(wholesale.reserveForHigherTiersBelow !== undefined ? { reserveForHigherTiersBelow: wholesale.reserveForHigherTiersBelow } : {}),
    });
  }
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
  /** The product is not published on the marketplace: its ring fence holds nothing of it (docs/decisions/045). */
  offMarketplace?: boolean;
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

/** The safety stock rule that applies: the most specific scope wins (docs/policy.md § 3). */
function safetyStockRule(policy: ModelPolicy, level: ModelLevel): number {
  // SKU > tag@location > tag > location > every item (the model has no product rules).
  let units = policy.global;
  if (policy.atLocation && policy.atLocation.location === level.location) units = policy.atLocation.units;
  if (policy.forTag && level.tags.includes(policy.forTag.tag)) units = policy.forTag.units;
  const tagAt = policy.forTagAtLocation;
  if (tagAt && tagAt.location === level.location && level.tags.includes(tagAt.tag)) units = tagAt.units;
  // A blank SKU is no SKU: no SKU rule names it.
  if (policy.forSku && level.sku !== "" && policy.forSku.sku === level.sku) units = policy.forSku.units;
  return units;
}

/**
 * The location protection alone (display, then safety stock), capped by what could sell. Kinds
 * add up, each capped by what is still sellable (docs/policy.md § 3), so the sum is capped too.
 */
function protection(policy: ModelPolicy, level: ModelLevel): number {
  const shown = policy.display;
  const display = shown && level.sku !== "" && shown.sku === level.sku && shown.location === level.location ? shown.units : 0;
  return Math.min(sellable(level), display + safetyStockRule(policy, level));
}

/**
 * Units fenced for the marketplace at `level`: N units taken from what the protection leaves at
 * its locations (online-fulfilling ones, by name), so at most what is there; none for a product
 * not published on the marketplace.
 */
export function ringFenceAt(policy: ModelPolicy, level: ModelLevel, shop: ModelShop): number {
  // Nobody can buy a product on a channel it is not on: nothing to fence (docs/decisions/045).
  if (level.offMarketplace === true) return 0;
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
 * online orders. POS sells from the store it stands in, so its number is the sum over every active
 * store (docs/policy.md § 4 "Where a channel may draw from"); a ring fence never sits there.
 */
export function reachableLocations(channel: string, locations: readonly ModelLocation[]): string[] {
  if (channel === "pos" || channel === "point_of_sale") return locations.filter((location) => location.active).map((location) => location.name);
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

/** A running cart hold of one variant, placed for one channel (a checkout's holds are the Online Store's). */
export interface ModelHold {
  channel: string;
  units: number;
}

/** Units every channel but `channel` must not offer: the running holds of the other channels. */
export function heldForOthers(channel: string, holds: readonly ModelHold[]): number {
  return holds.filter((hold) => hold.channel !== channel).reduce((sum, hold) => sum + hold.units, 0);
}

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
  holds: readonly ModelHold[] = [],
): ModelChannelNumber {
  const reachable = new Set(reachableLocations(channel, locations));
  const shop = { levels, locations };
  // Every channel's pool leaves the ring fence out: it sits in safety_stock.
  const pool = levels
    .filter((level) => reachable.has(level.location))
    .reduce((sum, level) => sum + Math.max(0, targetAvailable(policy, level, shop)), 0);
  const held = heldForOthers(channel, holds);
  if (channel === "wholesale") return wholesaleNumber(policy, pool, held);
  let available = pool;
  if (channel === "online_store" && policy.online?.networkMinimum) available = Math.max(0, available - policy.online.networkMinimum);
  if (channel === "online_store") available = Math.max(0, available - held);
  if (channel === "marketplace") {
    // The refresh window, then the other channels' holds, come before the allocation, which is a
    // share of the (shared) pool.
    const refresh = policy.marketplace?.refreshSeconds;
    if (refresh !== undefined) available = Math.max(0, available - refreshCover(refresh, sales));
    available = Math.max(0, available - held);
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

/** Wholesale's waterfall (docs/policy.md § 4): paused, then the tier reserve, then other channels' holds, then its fixed allocation. */
function wholesaleNumber(policy: ModelPolicy, pool: number, held: number): ModelChannelNumber {
  const rule = policy.wholesale;
  if (rule?.paused) return { available: 0, paused: true };
  // Under the reserve the higher tiers keep the stock; the channel is not paused, only empty.
  if (rule?.reserveForHigherTiersBelow !== undefined && pool < rule.reserveForHigherTiersBelow) return { available: 0, paused: false };
  const left = Math.max(0, pool - held);
  return { available: rule?.fixedUnits !== undefined ? Math.min(left, rule.fixedUnits) : left, paused: false };
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
