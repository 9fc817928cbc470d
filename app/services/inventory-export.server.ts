/**
 * The Inventory page's CSV export: what Safestock protects at each location and publishes on each
 * channel, per item (variant, by inventory item: docs/decisions/020). Streamed a page of items at
 * a time, so a catalog of any size is never held in memory (docs/decisions/036).
 *
 * Every line is RFC 4180 (comma-separated, CRLF-terminated, a field with a comma, quote or line
 * break in double quotes, quotes doubled: https://www.rfc-editor.org/rfc/rfc4180). Text a merchant
 * or Shopify wrote (titles, SKUs, names) that starts with = + - @ (or a tab or carriage return) is
 * prefixed with ' so a spreadsheet shows it as text instead of running it as a formula (OWASP
 * "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection).
 */
import { catalogPage, listChannels, listLocations } from "~/models/catalog.server";
import { channelStatesForItemsRead, levelStatesForItems } from "~/models/inventory-read.server";
import { shopTimeZone } from "~/models/shop-installation.server";
import { explainReasons, variantName } from "./display-view.server";
import { channelPublications, LEFT_ALONE_SUPPLY, leftAloneTextOf, safeQuantities, supplyOf, unitsPerDayOf } from "./inventory-view.server";

/**
 * `days_of_supply`: the item's, on each of its rows, as the Inventory page words it ("4 days", "No recent sales").
 * `left_alone`: why Safestock leaves the item alone, in the Inventory page's words (empty when it is planned);
 * `keeps_selling`: yes when Shopify sells it on at 0 (preorders, backorders). Both are on each of the item's
 * rows and come last, so a spreadsheet built on the earlier columns keeps working (docs/decisions/036).
 */
export const EXPORT_COLUMNS = ["inventory_item_id", "sku", "product", "variant", "row", "location_or_channel", "on_hand", "protected", "available", "paused", "why", "days_of_supply", "left_alone", "keeps_selling"] as const;
export const EXPORT_PAGE_SIZE = 500;

const NOT_COMPUTED_YET = "Not computed yet: the next sync fills this in.";

const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: text that could run as a formula is made inert, then quoted where RFC 4180 requires it. */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "string" && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (fields: (string | number | null)[]) => `${fields.map(csvField).join(",")}\r\n`;

export function exportFileName(shop: string, now: Date): string {
  return `safestock-inventory-${shop.replace(/\.myshopify\.com$/, "")}-${now.toISOString().slice(0, 10)}.csv`;
}

/**
 * The export as a byte stream. Each `pull` (the reader asking for more) reads one page of items
 * and their levels and channel numbers: a slow reader slows the reads instead of queueing rows.
 */
export function inventoryCsvStream(shop: string, { pageSize = EXPORT_PAGE_SIZE, now = new Date() }: { pageSize?: number; now?: Date } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let names: Names | null = null;
  let after: string | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!names) {
          const [locations, channels, timeZone] = await Promise.all([listLocations(shop), listChannels(shop), shopTimeZone(shop)]);
          names = {
            timeZone,
            location: new Map(locations.map((location) => [location.locationId, location.name])),
            channel: new Map(channels.map((channel) => [channel.handle, channel.name])),
            channels,
          };
          // The byte-order mark makes spreadsheet apps read the file as UTF-8 (accented titles).
          controller.enqueue(encoder.encode(`\uFEFF${csvLine([...EXPORT_COLUMNS])}`));
          return;
        }
        const items = await catalogPage(shop, { after, take: pageSize });
        if (items.length > 0) {
          after = items[items.length - 1]!.inventoryItemId;
          controller.enqueue(encoder.encode(await pageLines(shop, items, names, now)));
        }
        if (items.length < pageSize) controller.close();
      },
    },
    // One page read ahead at most.
    { highWaterMark: 1 },
  );
}

interface Names {
  /** The shop's zone: the `why` text reads its times as the Inventory page does (no column is a machine-readable time). */
  timeZone: string;
  location: Map<string, string>;
  channel: Map<string, string>;
  channels: { handle: string; publicationId: string }[];
}

async function pageLines(
  shop: string,
  items: { inventoryItemId: string; productId: string; sku: string; productTitle: string; variantTitle: string; continueSelling: boolean; leftAlone: string | null }[],
  names: Names,
  now: Date,
): Promise<string> {
  const ids = items.map((item) => item.inventoryItemId);
  // The page's sales rates with its levels and numbers: one more grouped read per page, never per item;
  // where its products are published: one Shopify read per 250 products, as on the Inventory page.
  const [levels, channels, rates, publications] = await Promise.all([
    levelStatesForItems(shop, ids),
    channelStatesForItemsRead(shop, ids),
    unitsPerDayOf(shop, ids, now),
    channelPublications(shop, items.map((item) => item.productId), names.channels),
  ]);
  const levelsOf = groupBy(levels, (level) => level.inventoryItemId);
  const channelsOf = groupBy(channels, (channel) => channel.inventoryItemId);
  let text = "";
  for (const item of items) {
    const variant = variantName(item) === item.productTitle ? "" : item.variantTitle;
    const start = [item.inventoryItemId, item.sku, item.productTitle, variant];
    const leftAlone = leftAloneTextOf(item.leftAlone);
    const end = [leftAlone, item.continueSelling ? "yes" : "no"];
    // An item left alone has no levels or channel numbers (docs/decisions/034), so without this
    // row it was missing from the file: a merchant checking every SKU must find it, and why.
    if (leftAlone !== null) {
      text += csvLine([...start, "item", null, null, null, null, null, null, LEFT_ALONE_SUPPLY.text, ...end]);
      continue;
    }
    const why = (explain: string) => explainReasons(explain, names.timeZone).join("; ");
    const itemLevels = (levelsOf.get(item.inventoryItemId) ?? [])
      .map((level) => ({ ...level, name: names.location.get(level.locationId) ?? level.locationId }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const itemChannels = (channelsOf.get(item.inventoryItemId) ?? []).map((channel) => ({ ...channel, published: publications.publishedOn(item.productId, channel.channel) !== false }));
    // A channel the product is not published on sells none of it: its number counts towards no supply.
    const supply = supplyOf(
      itemChannels.filter((channel) => channel.published).map((channel) => channel.available),
      itemLevels.map((level) => level.available),
      rates.get(item.inventoryItemId) ?? 0,
      { continueSelling: item.continueSelling },
    ).text;
    // A new item the pipeline has not computed yet has no rows either; the page says the same words.
    if (itemLevels.length === 0 && itemChannels.length === 0) text += csvLine([...start, "item", null, null, null, null, null, NOT_COMPUTED_YET, supply, ...end]);
    for (const level of itemLevels) {
      text += csvLine([...start, "location", level.name, safeQuantities(level.quantities).on_hand ?? null, level.protected, level.available, null, why(level.explain), supply, ...end]);
    }
    for (const channel of itemChannels) {
      const name = names.channel.get(channel.channel) ?? channel.channel;
      text += channel.published
        ? csvLine([...start, "channel", name, null, null, channel.available, channel.paused ? "yes" : "no", why(channel.explain), supply, ...end])
        : csvLine([...start, "channel", name, null, null, null, null, NOT_PUBLISHED_WHY, supply, ...end]);
    }
  }
  return text;
}

/** A product that is not on a channel has no number there: it does not sell on it. */
const NOT_PUBLISHED_WHY = "Not published on this channel in Shopify";

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
