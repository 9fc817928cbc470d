import type { ChannelRule, Policy } from "~/domain";
import { BUNDLE_RULE } from "~/domain/bundles";
import { leftAloneText, type LeftAloneReason } from "~/domain/left-alone";
import { listChannels, listLocations } from "~/models/catalog.server";
import { currentPolicy } from "~/models/policy.server";
import { getShopInstallation, timeZoneOf } from "~/models/shop-installation.server";
import { channelStatesForItemsRead, levelStatesForItems, listCatalogItemsPage } from "~/models/inventory-read.server";
import { explainReasons, parseExplain, variantName, type PageRequest } from "./display-view.server";
import { jobQueue } from "./jobs.server";
import { daysOfSupply, describeDaysOfSupply, describeSalesRate, SALES_RATE_WINDOW_DAYS, sellableOnAnyChannel } from "~/domain/days-of-supply";
import { unitsPerMinute } from "~/models/telemetry.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import { readPublishedOnPublication } from "~/shopify/inventory.server";

const MINUTES_PER_DAY = 1440;

export const INVENTORY_PAGE_SIZE = 20;

/**
 * The Inventory page: per variant, each location's protected and available units and each channel's
 * available-to-sell, with the engine's explanation lines, as last computed by the pipeline.
 */
export async function loadInventoryPage(shop: string, { search, ...page }: PageRequest & { search: string | null }, now = new Date()) {
  const catalog = await listCatalogItemsPage(shop, { search, ...page, take: INVENTORY_PAGE_SIZE });
  const ids = catalog.items.map((item) => item.inventoryItemId);
  const [levels, channels, locations, salesChannels, stats, policy, installation, rates, publications] = await Promise.all([
    levelStatesForItems(shop, ids),
    channelStatesForItemsRead(shop, ids),
    listLocations(shop),
    listChannels(shop),
    jobQueue().stats(shop),
    currentPolicy(shop),
    getShopInstallation(shop),
    unitsPerDayOf(shop, ids, now),
    listChannels(shop).then((known) => channelPublications(shop, catalog.items.map((item) => item.productId), known)),
  ]);
  const rules = new Map(((policy?.document as Policy | undefined)?.channels ?? []).map((rule) => [rule.channel, rule]));
  const timeZone = timeZoneOf(installation);
  const frozenReason = installation?.frozenSince ? installation.frozenReason ?? "Shopify's updates are delayed" : null;
  // Right after a policy is published (or a manual reconcile) the numbers are about to change:
  // the page says so and polls until the run is over.
  const applying = (stats.byQueue.reconcile?.pending ?? 0) + (stats.byQueue.reconcile?.running ?? 0) + (stats.byQueue["initial-sync"]?.pending ?? 0) + (stats.byQueue["initial-sync"]?.running ?? 0) > 0;
  const locationName = new Map(locations.map((location) => [location.locationId, location.name]));
  const channelName = new Map(salesChannels.map((channel) => [channel.handle, channel.name]));
  const { publishedOn } = publications;
  return {
    applying,
    search,
    /** False when Shopify could not say where products are published: every channel then shows its number. */
    publicationsKnown: publications.known,
    /** Where a bulk exception may be kept (active locations, by name as the policy names them). */
    locationNames: locations.filter((location) => location.isActive).map((location) => location.name).sort((a, b) => a.localeCompare(b)),
    nextCursor: catalog.nextCursor,
    previousCursor: catalog.previousCursor,
    items: catalog.items.map((item) => ({
      inventoryItemId: item.inventoryItemId,
      /** A fixed bundle: no stock of its own, its numbers come from its components (docs/decisions/034). */
      bundle: channels.some((channel) => channel.inventoryItemId === item.inventoryItemId && parseExplain(channel.explain).some((line) => line.rule === BUNDLE_RULE)),
      sku: item.sku,
      supply: item.leftAlone !== null
        ? LEFT_ALONE_SUPPLY
        : supplyOf(
            channels
              .filter((channel) => channel.inventoryItemId === item.inventoryItemId && publishedOn(item.productId, channel.channel) !== false)
              .map((channel) => channel.available),
            levels.filter((level) => level.inventoryItemId === item.inventoryItemId).map((level) => level.available),
            rates.get(item.inventoryItemId) ?? 0,
            { continueSelling: item.continueSelling },
          ),
      // Named as on every other page ("Gold Ring / 7"): twins share a SKU, the title says which.
      title: variantName(item),
      /** Shopify `inventoryPolicy: CONTINUE`: never blocked at checkout, never counted as oversold (docs/decisions/019). */
      continueSelling: item.continueSelling,
      /** Why Safestock never writes this item (untracked, gift card, digital good: docs/decisions/034), or null. */
      leftAlone: leftAloneTextOf(item.leftAlone),
      levels: levels
        .filter((level) => level.inventoryItemId === item.inventoryItemId)
        .map((level) => {
          const quantities = safeQuantities(level.quantities);
          return {
            location: locationName.get(level.locationId) ?? level.locationId,
            onHand: quantities.on_hand ?? null,
            protected: level.protected,
            available: level.available,
            explain: explainReasons(level.explain, timeZone),
          };
        })
        .sort((a, b) => a.location.localeCompare(b.location)),
      channels: channels
        .filter((channel) => channel.inventoryItemId === item.inventoryItemId)
        .map((channel) => ({
          channel: channelName.get(channel.channel) ?? channel.channel,
          // A product that is not on a channel does not sell there, whatever its number says.
          published: publishedOn(item.productId, channel.channel) !== false,
          available: channel.available,
          paused: channel.paused,
          explain: withPauseReason(
            explainReasons(channel.explain, timeZone),
            channel.paused,
            rules.get(channel.channel),
            frozenReason,
          ),
        })),
    })),
  };
}

/**
 * Where the page's products are published, read from Shopify now. Safestock plans and publishes a
 * number for every channel of the shop, whether or not the product is on it (app/domain/plan.ts
 * plans every channel; the app stores no product's publications), so the page asks Shopify rather
 * than show a number for a channel the product does not sell on. A failed read is logged and the
 * page shows every channel's number, as before, rather than no page.
 */
export async function channelPublications(shop: string, productIds: string[], channels: readonly { handle: string; publicationId: string }[]) {
  const publications = await publicationsOf(shop, productIds.filter(Boolean), channels);
  const publicationOf = new Map(channels.map((channel) => [channel.handle, channel.publicationId]));
  return {
    known: publications !== null,
    /** Whether the product is on the channel now; null when unknown (Shopify did not answer, or an unknown channel). */
    publishedOn(productId: string, handle: string): boolean | null {
      const onProduct = publications?.get(productId);
      const publicationId = publicationOf.get(handle);
      return onProduct && publicationId ? onProduct.has(publicationId) : null;
    },
  };
}

/**
 * Each product's publications among the shop's channels: one 1-point request per channel and 250
 * products (`readPublishedOnPublication`, the read the fences use, docs/decisions/045), where a
 * product's whole list of publications would ask for a 50-node connection per product.
 */
async function publicationsOf(shop: string, productIds: string[], channels: readonly { publicationId: string }[]): Promise<Map<string, Set<string>> | null> {
  const publicationIds = [...new Set(channels.map((channel) => channel.publicationId).filter(Boolean))];
  if (productIds.length === 0 || publicationIds.length === 0) return new Map();
  try {
    const client = await adminClientForShop(shop);
    const answers = await Promise.all(publicationIds.map(async (publicationId) => ({ publicationId, on: await readPublishedOnPublication(client, productIds, publicationId) })));
    const published = new Map<string, Set<string>>();
    for (const { publicationId, on } of answers) {
      for (const [productId, isOn] of on) {
        const set = published.get(productId) ?? new Set<string>();
        if (isOn) set.add(publicationId);
        published.set(productId, set);
      }
    }
    return published;
  } catch (error) {
    console.error("[inventory] could not read where products are published", { shop, error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

const LEFT_ALONE_REASONS: readonly string[] = ["untracked", "gift_card", "digital"] satisfies LeftAloneReason[];

/** The merchant's words for why an item is left alone (the Inventory page and the CSV export), or null when it is planned. */
export function leftAloneTextOf(stored: string | null): string | null {
  return stored !== null && LEFT_ALONE_REASONS.includes(stored) ? leftAloneText(stored as LeftAloneReason) : null;
}

/**
 * Units sold a day per item: the measured sales rate (docs/decisions/010) over a week, for days of
 * supply (docs/decisions/036). Items with no sale in the week are absent.
 */
export async function unitsPerDayOf(shop: string, inventoryItemIds: string[], now: Date): Promise<Map<string, number>> {
  const perMinute = await unitsPerMinute(shop, inventoryItemIds, new Date(now.getTime() - SALES_RATE_WINDOW_DAYS * MINUTES_PER_DAY * 60_000), now);
  return new Map([...perMinute].map(([id, rate]) => [id, rate * MINUTES_PER_DAY]));
}

/**
 * Days of supply of one item (docs/decisions/036): its largest channel number, or what its
 * locations have available while no channel number is computed yet, at its measured daily rate.
 * The Inventory page and the CSV export show the same `text`.
 */
export function supplyOf(channelNumbers: number[], levelNumbers: number[], unitsPerDay: number, { continueSelling = false }: { continueSelling?: boolean } = {}) {
  const sellable = channelNumbers.length > 0 ? sellableOnAnyChannel(channelNumbers) : levelNumbers.reduce((sum, value) => sum + Math.max(0, value), 0);
  const supply = daysOfSupply({ sellable, unitsPerDay });
  // Shopify keeps selling a CONTINUE item at 0 (preorders, backorders): it is not sold out.
  const text = continueSelling && supply.kind === "sold_out" ? KEEPS_SELLING_TEXT : describeDaysOfSupply(supply);
  return { sellable: sellable as number | null, text, rate: unitsPerDay > 0 ? describeSalesRate(unitsPerDay) : null, days: supply.kind === "days" ? supply.days : null };
}

const KEEPS_SELLING_TEXT = "Keeps selling as preorders or backorders";

/**
 * An item Safestock leaves alone (docs/decisions/034) has no levels or channel numbers of its own:
 * summed, they read "0 available, Nothing left to sell", which says an untracked item, a gift card
 * or a digital good is sold out. It has no number here at all.
 */
export const LEFT_ALONE_SUPPLY = { sellable: null, text: "Left alone", rate: null, days: null } satisfies ReturnType<typeof supplyOf>;

export function safeQuantities(text: string): Record<string, number> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, number>) : {};
  } catch {
    return {};
  }
}

const PAUSE_WORDS = /paus|frozen|freeze/i;

/**
 * Every paused channel says why. The engine writes a line only for units it removes, so a channel
 * paused by `pauseBelow` with nothing left (or by the merchant while the pool was empty) has no
 * line at all; the page then names the rule that paused it instead of "Shares the whole pool".
 */
export function withPauseReason(lines: string[], paused: boolean, rule: ChannelRule | undefined, frozenReason: string | null): string[] {
  if (!paused || lines.some((line) => PAUSE_WORDS.test(line))) return lines;
  if (rule?.paused) return [...lines, "Paused by the merchant"];
  if (rule?.pauseBelow !== undefined) return [...lines, `Paused: 0 left is under the threshold of ${rule.pauseBelow}`];
  if (frozenReason) return [...lines, `Paused while webhooks recover: ${frozenReason}`];
  return [...lines, "Paused"];
}
