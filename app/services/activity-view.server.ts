import { listAuditPage } from "~/models/audit-read.server";
import { catalogItemById, listChannels, listLocations, skuSpellings } from "~/models/catalog.server";
import { shopTimeZone } from "~/models/shop-installation.server";
import { formatDateTime, localTimesIn, variantName, type PageRequest } from "./display-view.server";

export const ACTIVITY_PAGE_SIZE = 25;

const SUBJECTS: Record<string, string> = {
  safety_stock: "Safety stock",
  quality_control: "Quality control",
  channel_ats: "Channel available-to-sell",
  publication: "Publication",
  policy: "Policy",
  channel_pause: "Channel pause",
  customer_hold: "Customer hold",
  customer_data: "Customer data request",
  settings: "Settings",
};

const ACTORS: Record<string, string> = {
  rule: "Rule",
  merchant: "Merchant",
  hold: "Hold",
  reconciliation: "Reconciliation",
  flow: "Shopify Flow",
};

/** The Activity page: every change Safestock made or was asked to make, newest first. */
export async function loadActivity(shop: string, { sku, item = null, ...page }: PageRequest & { sku: string | null; item?: string | null }) {
  // "ring-7" finds RING-7's history: the whole SKU in any case, as the catalog spells it; the
  // text as typed also matches the history of an item since deleted.
  const skus = sku ? [...new Set([sku, ...(await skuSpellings(shop, sku))])] : null;
  const [audit, locations, channels, variant, timeZone] = await Promise.all([
    listAuditPage(shop, { skus, item, ...page, take: ACTIVITY_PAGE_SIZE }),
    listLocations(shop),
    listChannels(shop),
    item ? catalogItemById(shop, item) : null,
    shopTimeZone(shop),
  ]);
  const locationName = new Map(locations.map((location) => [location.locationId, location.name]));
  const channelName = new Map(channels.map((channel) => [channel.handle, channel.name]));
  return {
    sku,
    item,
    /** The one variant shown (`item`), as a merchant reads it: "TEE · Tee / Blue". */
    variant: variant ? `${variant.sku || "No SKU"} · ${variantName(variant)}` : null,
    nextCursor: audit.nextCursor,
    previousCursor: audit.previousCursor,
    entries: audit.entries.map((entry) => ({
      id: entry.id,
      at: formatDateTime(entry.createdAt, timeZone),
      subject: SUBJECTS[entry.subject] ?? entry.subject,
      sku: entry.sku,
      where: entry.locationId
        ? locationName.get(entry.locationId) ?? entry.locationId
        : entry.channel
          ? channelName.get(entry.channel) ?? entry.channel
          : null,
      change: entry.before === null && entry.after === null ? null : `${entry.before ?? "—"} → ${entry.after ?? "—"}`,
      actor: ACTORS[entry.actor] ?? entry.actor,
      // Reasons recorded from the engine's explanations carry UTC instants: read in the shop's zone.
      reason: localTimesIn(entry.reason, timeZone),
      ruleVersion: entry.ruleVersion,
      requestId: entry.requestId,
    })),
  };
}
