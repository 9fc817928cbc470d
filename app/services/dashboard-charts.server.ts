/**
 * The Overview's charts, from what Safestock already records: sales per day (SaleEvent), sync lag
 * per hour (LagSample, webhook receive + write), items at risk by days of supply (the largest
 * channel number ÷ the measured sales rate of the last 7 days, docs/decisions/036), paused channels with their reason, and
 * oversells and near-misses per day and per hour (OrderExposure, app/services/near-miss.server.ts).
 */
import { availableByItem, lagSamplesSince, largestChannelNumberByItem, pausedChannelSample, pausedCountsByChannel, salesSince } from "~/models/dashboard-read.server";
import { localDays, localHourLabel, parseExplain, variantName } from "./display-view.server";
import { daysOfSupply, describeDaysOfSupply, describeSalesRate, SALES_RATE_WINDOW_DAYS } from "~/domain/days-of-supply";
import { variantTitlesOf } from "~/models/catalog.server";
import { formatDuration } from "~/domain/explain";
import type { ChannelRule, Policy } from "~/domain";
import { currentPolicy } from "~/models/policy.server";
import { shopTimeZone } from "~/models/shop-installation.server";
import { loadExposureChart } from "./near-miss.server";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
export const RISK_DAYS = 7;
const PAUSED_REASON_SAMPLE = 500;

export async function loadDashboardCharts(shop: string, now = new Date()) {
  const weekAgo = new Date(now.getTime() - SALES_RATE_WINDOW_DAYS * DAY_MS);
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const timeZone = await shopTimeZone(shop);
  const [sales, lags, pausedCounts, paused, exposure, policy] = await Promise.all([
    salesSince(shop, weekAgo),
    lagSamplesSince(shop, dayAgo),
    pausedCountsByChannel(shop),
    // The reasons are read from a sample: on a large catalog thousands of SKUs pause for the same few reasons.
    pausedChannelSample(shop, PAUSED_REASON_SAMPLE),
    loadExposureChart(shop, now, timeZone),
    currentPolicy(shop),
  ]);
  const rules = new Map(((policy?.document as Policy | undefined)?.channels ?? []).map((rule) => [rule.channel, rule]));
  // Stock only of the SKUs that sold this week (not a pass over the whole catalog).
  const soldIds = [...new Set(sales.map((sale) => sale.inventoryItemId))];
  const [available, channelNumbers] = await Promise.all([availableByItem(shop, soldIds), largestChannelNumberByItem(shop, soldIds)]);

  // Units sold per day of the shop's calendar, last 7 days (oldest first).
  const soldByDay = localDays(now, timeZone, 7).map((day) => ({ ...day, value: 0 }));
  for (const sale of sales) {
    const bucket = soldByDay.find((day) => sale.occurredAt.getTime() >= day.start && sale.occurredAt.getTime() < day.end);
    if (bucket) bucket.value += sale.quantity;
  }

  // Median sync lag per hour, last 24 hours.
  const lagByHour = Array.from({ length: 24 }, (_, i) => {
    const start = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (23 - i) * HOUR_MS;
    const samples = lags.filter((sample) => sample.at.getTime() >= start && sample.at.getTime() < start + HOUR_MS).map((sample) => sample.millis).sort((a, b) => a - b);
    const median = samples.length ? samples[Math.floor(samples.length / 2)]! : null;
    return { label: localHourLabel(new Date(start), timeZone), value: median, text: median === null ? "no samples" : formatDuration(median) };
  });

  // Days of supply per variant (inventory item; twins share a SKU) from the measured rate; only variants that sold.
  const soldPerItem = new Map<string, { sku: string; units: number }>();
  for (const sale of sales) {
    const entry = soldPerItem.get(sale.inventoryItemId) ?? { sku: sale.sku ?? "", units: 0 };
    entry.units += sale.quantity;
    soldPerItem.set(sale.inventoryItemId, entry);
  }
  // What the channels still list (the largest number; the sum at the locations for an item whose channel numbers are not computed yet).
  const sellableOf = new Map(available.map((row) => [row.inventoryItemId, row._sum.available ?? 0]));
  for (const row of channelNumbers) sellableOf.set(row.inventoryItemId, row._max.available ?? 0);
  const risky = [...soldPerItem.entries()]
    .map(([id, { sku, units }]) => {
      const perDay = units / SALES_RATE_WINDOW_DAYS;
      const stock = sellableOf.get(id) ?? 0;
      const supply = daysOfSupply({ sellable: stock, unitsPerDay: perDay });
      return { item: id, sku, available: stock, perDay, daysOfSupply: supply.kind === "days" ? supply.days : 0, daysText: describeDaysOfSupply(supply), rateText: describeSalesRate(perDay) };
    })
    .filter((row) => row.daysOfSupply < RISK_DAYS)
    .sort((a, b) => a.daysOfSupply - b.daysOfSupply || a.sku.localeCompare(b.sku) || a.item.localeCompare(b.item))
    .slice(0, 10);
  // Twins share a SKU and some SKUs are blank: the variant's name says which item it is.
  const titles = new Map((await variantTitlesOf(shop, risky.map((row) => row.item))).map((row) => [row.inventoryItemId, variantName(row)]));
  const atRisk = risky.map((row) => ({ ...row, title: titles.get(row.item) ?? "" }));

  // Paused variants per channel (counted in full), with the most common reason of the sample.
  const reasonsByChannel = new Map<string, Map<string, number>>();
  for (const row of paused) {
    const reasons = reasonsByChannel.get(row.channel) ?? new Map<string, number>();
    // A SKU paused with nothing left has no line (the engine explains removed units only).
    const reason = parseExplain(row.explain).find((line) => /paus|frozen|higher tiers/i.test(line.reason))?.reason;
    if (reason) {
      const key = pausedReasonForMany(reason);
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    reasonsByChannel.set(row.channel, reasons);
  }
  const pausedChannels = pausedCounts
    .map(({ channel, _count }) => ({
      channel,
      count: _count._all,
      reason:
        [...(reasonsByChannel.get(channel) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ??
        pausedWithoutLine(rules.get(channel)),
    }))
    .sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel));

  return { soldByDay: soldByDay.map(({ label, value }) => ({ label, value })), lagByHour, atRisk, pausedChannels, exposure };
}

/** A channel paused with nothing left to sell has no explanation line: name the rule that paused it. */
function pausedWithoutLine(rule: ChannelRule | undefined): string {
  if (rule?.paused) return "paused by the merchant";
  if (rule?.pauseBelow !== undefined) return `paused: fewer than ${rule.pauseBelow} left`;
  return "paused while Shopify's updates are late (low stock held at 0)";
}

/** One SKU's pause reason said of many: "paused: 6 left is under the threshold of 10" → "paused: fewer than 10 left". */
export function pausedReasonForMany(reason: string): string {
  const threshold = /paused: \d+ left is under the threshold of (\d+)/.exec(reason);
  if (threshold) return `paused: fewer than ${threshold[1]} left`;
  return reason.replace(/\b\d+ left\b/, "a few left");
}
