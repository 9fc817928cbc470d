/**
 * Near-misses and oversells, recorded per order line when orders/create is processed (one call
 * from app/services/webhook-processing.server.ts) and charted on the Overview.
 *
 * For each line whose variant Safestock tracks:
 * - **channel**: the order's sales channel (`source_name` → handle, as the velocity buffer uses);
 * - **where it is filled**: the order's location when Shopify names one (`location_id`, POS);
 *   otherwise every active location for `point_of_sale`, and the active locations that fulfil
 *   online orders for every other channel (the channel's pool, docs/decisions/007);
 * - **published**: the channel number Safestock had last published for the variant on that
 *   channel (ChannelState.available, read before this order's recompute runs); null when the
 *   channel has no number (no channel state yet);
 * - **protection**: the units Safestock withheld there (Σ LevelState.protected);
 * - **level available**: Shopify's `available` there as Safestock last read it (Σ).
 *
 * **Oversold units** of a line = what the stock there could not cover, counting the units
 * Safestock protects (they are on the shelf: `cover` = Σ available + safety_stock, as last read).
 * If Safestock's read predates the order: max(0, quantity − max(0, cover)). If the read was taken
 * after the order was created (an inventory_levels/update of the same sale was processed first),
 * the sale is already in it: min(quantity, max(0, −cover)). Moving units between `available` and
 * `safety_stock` (Safestock's own writes) leaves `cover` unchanged, so both reads agree. A line
 * with oversold units > 0 is an **oversell**: sold units that are not there.
 *
 * **Near-miss** = a line that was covered (0 oversold units) but arrived when the channel's
 * published number was at or below its protection (published ≤ protection): the channel was
 * selling its last units with no more margin left than the buffer itself (an order bigger than
 * `available` that the protected units absorbed is one).
 *
 * **Items that keep selling when out of stock** (`inventoryPolicy: CONTINUE`: preorders,
 * backorders) are never oversold nor near-missed: Shopify lets their `available` go below zero by
 * design (https://shopify.dev/docs/api/admin-graphql/latest/enums/ProductVariantInventoryPolicy),
 * and a sale past the stock is the merchant's promise, not a lost race (docs/decisions/019).
 *
 * The chart counts orders (an order with several flagged lines counts once per kind).
 */
import { exposureTriggers } from "~/domain/flow";
import { listLocations } from "~/models/catalog.server";
import { shopTimeZone } from "~/models/shop-installation.server";
import { channelStatesForItemsRead, levelStatesForItems } from "~/models/inventory-read.server";
import {
  exposuresOwingTriggers,
  flaggedExposuresSince,
  markExposureTriggersQueued,
  recordOrderExposures,
  type CatalogRowOfVariant,
  type OrderExposureInput,
} from "~/models/order-exposure.server";
import type { OrderPayload } from "~/shopify/webhook-payload";
import { enqueueFlowTriggers } from "./flow-triggers.server";
import { localDays, localHourLabel } from "./display-view.server";

const HOUR_MS = 3_600_000;
export const EXPOSURE_DAYS = 14;
export const EXPOSURE_HOURS = 24;

/** What one line exposed, from the published number, the protection and Shopify's available (pure). */
export function classifyLine({
  quantity,
  published,
  protection,
  cover,
  readAfterOrder,
  continueSelling = false,
}: {
  quantity: number;
  published: number | null;
  protection: number;
  /** Σ available + safety_stock where the line is filled, as last read. */
  cover: number;
  readAfterOrder: boolean;
  /** The variant keeps selling when out of stock: selling past the stock is intended. */
  continueSelling?: boolean;
}): { oversoldUnits: number; nearMiss: boolean } {
  if (continueSelling) return { oversoldUnits: 0, nearMiss: false };
  const oversoldUnits = readAfterOrder ? Math.min(quantity, Math.max(0, -cover)) : Math.max(0, quantity - Math.max(0, cover));
  return { oversoldUnits, nearMiss: oversoldUnits === 0 && published !== null && published <= protection };
}

/** Shopify's `available` and `safety_stock` of a level, as last read. */
function quantitiesOf(text: string): { available: number; safetyStock: number } {
  try {
    const value = JSON.parse(text) as { available?: unknown; safety_stock?: unknown };
    return { available: typeof value.available === "number" ? value.available : 0, safetyStock: typeof value.safety_stock === "number" ? value.safety_stock : 0 };
  } catch {
    return { available: 0, safetyStock: 0 };
  }
}

/** An orders/create delivery: its payload as the records read it, and the channel it sold on. */
export interface ArrivedOrder {
  order: OrderPayload;
  channel: string;
}

/**
 * orders/create: one exposure row per tracked line (idempotent: a redelivery keeps the first).
 * A batch of orders is recorded with one read of each kind (level and channel states, locations)
 * and one write, not one of each per order; `catalog` holds the rows of the orders' variants.
 */
export async function recordOrderExposure(shop: string, orders: readonly ArrivedOrder[], catalog: readonly CatalogRowOfVariant[]) {
  if (catalog.length === 0) return;
  const ids = [...new Set(catalog.map((item) => item.inventoryItemId))];
  const [levels, channels, locations] = await Promise.all([levelStatesForItems(shop, ids), channelStatesForItemsRead(shop, ids), listLocations(shop)]);
  const byVariant = new Map(catalog.map((item) => [item.variantId, item]));

  const rows: OrderExposureInput[] = orders.flatMap(({ order, channel }) => {
    const places = new Set(
      order.locationId
        ? [order.locationId]
        : locations.filter((location) => location.isActive && (channel === "point_of_sale" || location.fulfillsOnlineOrders)).map((location) => location.locationId),
    );
    return order.lines.flatMap((line) => {
      const item = byVariant.get(line.variantId);
      if (!item) return [];
      const here = levels.filter((level) => level.inventoryItemId === item.inventoryItemId && places.has(level.locationId));
      const state = channels.find((row) => row.inventoryItemId === item.inventoryItemId && row.channel === channel) ?? null;
      const protection = here.reduce((sum, level) => sum + level.protected, 0);
      const read = here.map((level) => quantitiesOf(level.quantities));
      const available = read.reduce((sum, level) => sum + level.available, 0);
      const cover = read.reduce((sum, level) => sum + level.available + level.safetyStock, 0);
      const readAfterOrder = here.some((level) => level.updatedAt.getTime() > order.occurredAt.getTime());
      return [
        {
          orderId: order.orderId,
          lineItemId: line.lineItemId,
          inventoryItemId: item.inventoryItemId,
          sku: item.sku,
          channel,
          locationId: order.locationId,
          quantity: line.quantity,
          published: state?.available ?? null,
          pausedAtOrder: state?.paused ?? false,
          protection,
          levelAvailable: available,
          ...classifyLine({ quantity: line.quantity, published: state?.available ?? null, protection, cover, readAfterOrder, continueSelling: item.continueSelling === true }),
          occurredAt: order.occurredAt,
        },
      ];
    });
  });
  const recorded = await recordOrderExposures(shop, rows);
  // "Oversell or near miss recorded" Flow triggers (docs/decisions/035-shopify-flow.md), for the
  // lines this delivery recorded: a redelivered order (a new delivery id, decision 025) starts none
  // again. A recorded line owes its trigger until it is queued (the row is the outbox): a process
  // that stops here, or an enqueue that fails, leaves it to drainOwedExposureTriggers.
  if ((await enqueueFlowTriggers(shop, exposureTriggers(rows.filter((row) => recorded.has(row.lineItemId))))) === "queued") {
    await markExposureTriggersQueued(shop, [...recorded], new Date());
  }
}

/** How long a recorded line may owe its trigger before the scheduler sends it: past any live enqueue. */
export const OWED_TRIGGER_GRACE_MS = 60_000;
const OWED_TRIGGERS_PER_RUN = 500;

/**
 * The scheduler's half of the outbox: lines recorded more than a minute ago whose trigger was never
 * queued (a crash between the two writes, a failed enqueue) get it now, with the same key as the
 * live path, so one still waiting in the queue absorbs it. Returns how many lines it settled.
 */
export async function drainOwedExposureTriggers(shop: string, now: Date): Promise<number> {
  const owed = await exposuresOwingTriggers(shop, new Date(now.getTime() - OWED_TRIGGER_GRACE_MS), OWED_TRIGGERS_PER_RUN);
  if (owed.length === 0) return 0;
  if ((await enqueueFlowTriggers(shop, exposureTriggers(owed))) === "failed") return 0;
  await markExposureTriggersQueued(shop, owed.map((line) => line.lineItemId), now);
  return owed.length;
}

export interface ExposureBucket {
  label: string;
  oversells: number;
  nearMisses: number;
  oversoldUnits: number;
}

/** Oversold and near-miss orders per day (last 14 days) and per hour (last 24 hours), oldest first. */
export async function loadExposureChart(shop: string, now = new Date(), timeZone?: string) {
  const zone = timeZone ?? (await shopTimeZone(shop));
  // Days by the shop's calendar (docs: display-view `localDays`); hours as they pass, labelled on its clock.
  const days = localDays(now, zone, EXPOSURE_DAYS);
  const hourStart = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (EXPOSURE_HOURS - 1) * HOUR_MS;
  const hours = Array.from({ length: EXPOSURE_HOURS }, (_, i) => {
    const start = hourStart + i * HOUR_MS;
    return { start, end: start + HOUR_MS, label: localHourLabel(new Date(start), zone) };
  });
  const rows = await flaggedExposuresSince(shop, new Date(Math.min(days[0]!.start, hourStart)));
  const buckets = (spans: readonly { start: number; end: number; label: string }[]) => {
    const list = spans.map((span) => ({ ...span, oversold: new Set<string>(), near: new Set<string>(), units: 0 }));
    for (const row of rows) {
      const at = row.occurredAt.getTime();
      const bucket = list.find((span) => at >= span.start && at < span.end);
      if (!bucket) continue;
      if (row.oversoldUnits > 0) {
        bucket.oversold.add(row.orderId);
        bucket.units += row.oversoldUnits;
      } else if (row.nearMiss) bucket.near.add(row.orderId);
    }
    // An order with an oversold line is an oversell, not also a near-miss.
    return list.map((bucket): ExposureBucket => ({
      label: bucket.label,
      oversells: bucket.oversold.size,
      nearMisses: [...bucket.near].filter((id) => !bucket.oversold.has(id)).length,
      oversoldUnits: bucket.units,
    }));
  };
  const byDay = buckets(days);
  const byHour = buckets(hours);
  const sum = (list: ExposureBucket[], key: "oversells" | "nearMisses" | "oversoldUnits") => list.reduce((total, bucket) => total + bucket[key], 0);
  return {
    byDay,
    byHour,
    totals: { oversells: sum(byDay, "oversells"), nearMisses: sum(byDay, "nearMisses"), oversoldUnits: sum(byDay, "oversoldUnits") },
  };
}
