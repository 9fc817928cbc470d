/**
 * How far the emulated shop is from what the reference model says Safestock must have written:
 * every level's `safety_stock` and `available`, and every variant's published channel numbers, as
 * a merchant and a connector read them. Integration tests settle the pipeline, then expect no
 * drift. Nothing here asks the engine (`app/`): the expected values come from ./reference-model.
 */
import type { ShopStateSnapshot } from "../../sandbox";
import { channelNumber, targetAvailable, targetSafetyStock, type ModelLevel, type ModelLocation, type ModelPolicy } from "./reference-model";

/**
 * The sales channels the default sandbox shop publishes to, by the handle Safestock gives them
 * (sandbox/shop/seed.ts: Online Store, Point of Sale, Marketplace, Wholesale).
 */
const SEED_CHANNELS = ["marketplace", "online_store", "point_of_sale", "wholesale"] as const;

interface ModelShopState {
  levels: ModelLevel[];
  locations: ModelLocation[];
  /** Shopify's quantities per `${item}@${location}`. */
  quantities: Map<string, Record<string, number>>;
  /** A readable name per inventory item: SKU (or "(no SKU)") and product/variant title. */
  names: Map<string, string>;
}

/** The shop's tracked variants at active levels of active locations, as the model reads them. */
export function modelShopOf(state: ShopStateSnapshot): ModelShopState {
  const locationById = new Map(state.locations.map((location) => [location.id, location]));
  const itemById = new Map(state.inventoryItems.map((item) => [item.id, item]));
  const variantById = new Map(state.variants.map((variant) => [variant.id, variant]));
  const productById = new Map(state.products.map((product) => [product.id, product]));
  const levels: ModelLevel[] = [];
  const quantities = new Map<string, Record<string, number>>();
  const names = new Map<string, string>();
  const marketplace = state.publications.find((publication) => publication.channelHandle === "marketplace");
  // A bundle's component sells wherever its bundle does: always fenced (docs/decisions/045).
  const components = new Set(state.variants.flatMap((variant) => (variant.components ?? []).map((part) => part.variantId)));
  for (const level of state.inventoryLevels) {
    const location = locationById.get(level.locationId)!;
    if (!level.isActive || !location.isActive) continue;
    const item = itemById.get(level.inventoryItemId)!;
    // Shopify keeps no quantities for an untracked item: nothing to protect.
    if (!item.tracked) continue;
    const variant = variantById.get(item.variantId)!;
    const product = productById.get(variant.productId)!;
    names.set(item.id, `${item.sku || "(no SKU)"} ${product.title}/${variant.title}`);
    const q = level.quantities;
    levels.push({
      item: item.id,
      sku: item.sku,
      continueSelling: variant.inventoryPolicy === "CONTINUE",
      tags: product.tags,
      ...(marketplace && !(product.id in marketplace.published) && !components.has(variant.id) ? { offMarketplace: true } : {}),
      location: location.name,
      onHand: q.on_hand,
      committed: q.committed,
      reserved: q.reserved,
      damaged: q.damaged,
      qualityControl: q.quality_control,
    });
    quantities.set(`${item.id}@${location.name}`, q);
  }
  const locations = state.locations.map((location) => ({ name: location.name, active: location.isActive, fulfillsOnlineOrders: location.fulfillsOnlineOrders }));
  return { levels, locations, quantities, names };
}

interface PublishedValue {
  channels: Record<string, { available: number; paused: boolean }>;
  continueSelling?: boolean;
}

/** The `safestock.channels` metafield of each variant, by inventory item (docs/decisions/017, 019). */
function publishedByItem(state: ShopStateSnapshot): Map<string, PublishedValue> {
  const itemOf = new Map(state.variants.map((variant) => [variant.id, variant.inventoryItemId]));
  const published = new Map<string, PublishedValue>();
  for (const metafield of state.metafields) {
    if (metafield.key !== "channels" || metafield.namespace !== "safestock") continue;
    published.set(itemOf.get(metafield.ownerId)!, JSON.parse(metafield.value) as PublishedValue);
  }
  return published;
}

/** Channel numbers in one comparable line: "marketplace 3, online_store 0 paused, …". */
function readable(channels: Record<string, { available: number; paused: boolean }>): string {
  return Object.keys(channels)
    .sort()
    .map((channel) => `${channel} ${channels[channel]!.available}${channels[channel]!.paused ? " paused" : ""}`)
    .join(", ");
}

/**
 * Every level and channel number that differs from the model, as readable lines (none when the
 * shop is where the policy puts it). `channels` are the handles every variant must publish.
 * The model has no sales rates, so a policy with a refresh window is out of its reach here.
 */
export function driftFromModel(state: ShopStateSnapshot, policy: ModelPolicy, channels: readonly string[] = SEED_CHANNELS): string[] {
  if (policy.marketplace?.refreshSeconds !== undefined) throw new Error("driftFromModel knows no sales rates: no refresh window");
  const { levels, locations, quantities, names } = modelShopOf(state);
  const problems: string[] = [];
  const shop = { levels, locations };
  for (const level of levels) {
    const q = quantities.get(`${level.item}@${level.location}`)!;
    const wantSafety = targetSafetyStock(policy, level, shop);
    const wantAvailable = targetAvailable(policy, level, shop);
    if (q.safety_stock !== wantSafety || q.available !== wantAvailable) {
      problems.push(`${names.get(level.item)} at ${level.location}: safety_stock ${q.safety_stock} (want ${wantSafety}), available ${q.available} (want ${wantAvailable})`);
    }
  }
  const published = publishedByItem(state);
  for (const item of new Set(levels.map((level) => level.item))) {
    const itemLevels = levels.filter((level) => level.item === item);
    const value = published.get(item);
    const want = Object.fromEntries([...channels].sort().map((channel) => [channel, channelNumber(policy, channel, itemLevels, locations)]));
    const got = value ? readable(value.channels) : "nothing";
    if (got !== readable(want)) problems.push(`${names.get(item)} channels: published ${got} (want ${readable(want)})`);
    // A variant that keeps selling says so to the checkout Function (docs/decisions/019).
    const continueSelling = itemLevels[0]!.continueSelling === true;
    if (value && (value.continueSelling === true) !== continueSelling) {
      problems.push(`${names.get(item)} continueSelling: published ${value.continueSelling === true} (want ${continueSelling})`);
    }
  }
  return problems;
}
