/**
 * The Overview's charts, from what Safestock already records: sales per day (SaleEvent), sync lag
 * per hour (LagSample, webhook receive + write), SKUs at risk by days of supply (network
 * available ÷ the measured sales rate of the last 7 days), paused channels with their reason, and
 * oversells and near-misses per day and per hour (OrderExposure, app/services/near-miss.server.ts).
 */
import prisma from "~/db.server";
import { parseExplain } from "./display-view.server";
import { formatDuration } from "~/domain/explain";
import { loadExposureChart } from "./near-miss.server";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
export const RISK_DAYS = 7;

const dayLabel = (date: Date) => date.toISOString().slice(5, 10);

export async function loadDashboardCharts(shop: string, now = new Date()) {
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS);
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const [sales, lags, available, paused, exposure] = await Promise.all([
    prisma.saleEvent.findMany({ where: { shop, occurredAt: { gte: weekAgo } }, select: { inventoryItemId: true, sku: true, quantity: true, occurredAt: true } }),
    prisma.lagSample.findMany({ where: { shop, at: { gte: dayAgo } }, select: { millis: true, at: true, kind: true } }),
    prisma.levelState.groupBy({ by: ["inventoryItemId"], where: { shop }, _sum: { available: true } }),
    prisma.channelState.findMany({ where: { shop, paused: true }, select: { channel: true, explain: true }, take: 5_000 }),
    loadExposureChart(shop, now),
  ]);

  // Units sold per day, last 7 days (oldest first).
  const soldByDay = Array.from({ length: 7 }, (_, i) => {
    const start = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - (6 - i) * DAY_MS);
    return { label: dayLabel(start), start: start.getTime(), value: 0 };
  });
  for (const sale of sales) {
    const bucket = soldByDay.find((day) => sale.occurredAt.getTime() >= day.start && sale.occurredAt.getTime() < day.start + DAY_MS);
    if (bucket) bucket.value += sale.quantity;
  }

  // Median sync lag per hour, last 24 hours.
  const lagByHour = Array.from({ length: 24 }, (_, i) => {
    const start = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (23 - i) * HOUR_MS;
    const samples = lags.filter((sample) => sample.at.getTime() >= start && sample.at.getTime() < start + HOUR_MS).map((sample) => sample.millis).sort((a, b) => a - b);
    const median = samples.length ? samples[Math.floor(samples.length / 2)]! : null;
    return { label: `${new Date(start).toISOString().slice(11, 13)}h`, value: median, text: median === null ? "no samples" : formatDuration(median) };
  });

  // Days of supply per SKU from the measured rate; only SKUs that sold.
  const soldPerItem = new Map<string, { sku: string; units: number }>();
  for (const sale of sales) {
    const entry = soldPerItem.get(sale.inventoryItemId) ?? { sku: sale.sku ?? sale.inventoryItemId, units: 0 };
    entry.units += sale.quantity;
    soldPerItem.set(sale.inventoryItemId, entry);
  }
  const availableOf = new Map(available.map((row) => [row.inventoryItemId, row._sum.available ?? 0]));
  const atRisk = [...soldPerItem.entries()]
    .map(([id, { sku, units }]) => {
      const perDay = units / 7;
      const stock = availableOf.get(id) ?? 0;
      return { sku, available: stock, perDay, daysOfSupply: stock / perDay };
    })
    .filter((row) => row.daysOfSupply < RISK_DAYS)
    .sort((a, b) => a.daysOfSupply - b.daysOfSupply || a.sku.localeCompare(b.sku))
    .slice(0, 10)
    .map((row) => ({ ...row, daysText: row.daysOfSupply < 1 ? "under a day" : Math.floor(row.daysOfSupply) === 1 ? "1 day" : `${Math.floor(row.daysOfSupply)} days`, rateText: `${Math.round(row.perDay * 10) / 10} a day` }));

  // Paused SKUs per channel, with the most common reason.
  const pausedByChannel = new Map<string, { count: number; reasons: Map<string, number> }>();
  for (const row of paused) {
    const entry = pausedByChannel.get(row.channel) ?? { count: 0, reasons: new Map() };
    entry.count++;
    // A SKU paused with nothing left has no line (the engine explains removed units only).
    const reason = parseExplain(row.explain).find((line) => /paus|frozen|higher tiers/i.test(line.reason))?.reason;
    if (reason) {
      const key = reason.replace(/\d+ left/, "N left");
      entry.reasons.set(key, (entry.reasons.get(key) ?? 0) + 1);
    }
    pausedByChannel.set(row.channel, entry);
  }
  const pausedChannels = [...pausedByChannel.entries()]
    .map(([channel, { count, reasons }]) => ({
      channel,
      count,
      reason: [...reasons.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "paused with nothing left to sell",
    }))
    .sort((a, b) => b.count - a.count);

  return { soldByDay: soldByDay.map(({ label, value }) => ({ label, value })), lagByHour, atRisk, pausedChannels, exposure };
}
