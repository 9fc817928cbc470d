import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { sortableId } from "./bulk-sql.server";
import { storageOf } from "./storage/index.server";
import { INSERT_LAG_SAMPLES, INSERT_SALE_EVENTS, rowsStatements } from "./storage/sql";
import type { PublishedReserve } from "~/domain";

/** Sales and lag samples that size velocity buffers (docs/decisions/010). */

export interface SaleInput {
  orderId: string;
  lineItemId: string;
  inventoryItemId: string;
  sku: string | null;
  channel: string;
  quantity: number;
  occurredAt: Date;
}

/** One row per order line: a redelivered orders/create counts once. */
export async function recordSales(shop: string, sales: readonly SaleInput[], db: PrismaClient = prisma) {
  // Multi-row INSERTs (storage/sql.ts); a line already recorded (a redelivered order) is kept as it is.
  await storageOf(db).transaction(
    rowsStatements(
      INSERT_SALE_EVENTS,
      sales.map((sale) => [sortableId(), shop, sale.orderId, sale.lineItemId, sale.inventoryItemId, sale.sku ?? null, sale.channel, sale.quantity, sale.occurredAt]),
    ),
  );
}

/** Units per minute per inventory item over `[since, now]`, across channels. */
export async function unitsPerMinute(shop: string, inventoryItemIds: string[], since: Date, now: Date, db: PrismaClient = prisma) {
  const groups = await db.saleEvent.groupBy({
    by: ["inventoryItemId"],
    where: { shop, inventoryItemId: { in: inventoryItemIds }, occurredAt: { gte: since, lte: now } },
    _sum: { quantity: true },
  });
  const minutes = Math.max(1, (now.getTime() - since.getTime()) / 60_000);
  return new Map(groups.map((group) => [group.inventoryItemId, (group._sum.quantity ?? 0) / minutes]));
}

/**
 * The shortest time a recent rate is measured over: one unit sold a second ago reads as 6 a minute,
 * not 60. Short enough to see a sale's pace within its first seconds (a connector refreshing every
 * 15 s reads its second copy then), long enough that one sale covers little (2 units at R = 15 s).
 */
export const RECENT_RATE_MIN_MS = 10_000;

/**
 * Per inventory item, in one query: `total`, units per minute over the whole window (for velocity
 * buffers), and `byChannel`, each selling channel's (`SaleEvent.channel`, a
 * policy channel handle) units over the time since its first sale in the window (at least
 * RECENT_RATE_MIN_MS). The refresh-window rule covers the other channels' sales over the next R
 * seconds (docs/policy.md § 4): a flash sale that started 15 s ago sells at its 15-s pace, not at
 * that pace spread over the hour.
 */
export async function salesRates(shop: string, inventoryItemIds: string[], since: Date, now: Date, db: PrismaClient = prisma) {
  const groups = await db.saleEvent.groupBy({
    by: ["inventoryItemId", "channel"],
    where: { shop, inventoryItemId: { in: inventoryItemIds }, occurredAt: { gte: since, lte: now } },
    _sum: { quantity: true },
    _min: { occurredAt: true },
  });
  const windowMinutes = Math.max(1, (now.getTime() - since.getTime()) / 60_000);
  const rates = new Map<string, { total: number; byChannel: Record<string, number> }>();
  for (const group of groups) {
    const units = group._sum.quantity ?? 0;
    const first = group._min.occurredAt?.getTime() ?? since.getTime();
    const entry = rates.get(group.inventoryItemId) ?? { total: 0, byChannel: {} };
    entry.total += units / windowMinutes;
    entry.byChannel[group.channel] = (entry.byChannel[group.channel] ?? 0) + units / (Math.max(RECENT_RATE_MIN_MS, now.getTime() - first) / 60_000);
    rates.set(group.inventoryItemId, entry);
  }
  return rates;
}

export interface LagInput {
  kind: "receive" | "write";
  topic?: string | null;
  millis: number;
  at: Date;
}

export async function recordLag(shop: string, sample: LagInput, db: PrismaClient = prisma) {
  await recordLags(shop, [sample], db);
}

/**
 * Raw multi-row INSERTs (storage/sql.ts; on SQLite straight through better-sqlite3, docs/decisions/018): a typed
 * `createMany` is a transaction of three statements through Prisma's query compiler, and the
 * writer stores its samples once a batch (200 batches in a 100,000-variant re-plan).
 */
export async function recordLags(shop: string, samples: readonly LagInput[], db: PrismaClient = prisma) {
  await storageOf(db).transaction(
    rowsStatements(
      INSERT_LAG_SAMPLES,
      samples.map((sample) => [sortableId(), shop, sample.kind, sample.topic ?? null, Math.max(0, Math.round(sample.millis)), sample.at]),
    ),
  );
}

/** 90th percentile of recent samples of one kind, in ms (0 without samples). */
export async function lagPercentile(shop: string, kind: "receive" | "write", since: Date, db: PrismaClient = prisma) {
  const rows = await db.lagSample.findMany({
    where: { shop, kind, at: { gte: since } },
    select: { millis: true },
    orderBy: { millis: "asc" },
    take: 5000,
  });
  if (rows.length === 0) return 0;
  return rows[Math.min(rows.length - 1, Math.floor(rows.length * 0.9))].millis;
}

/**
 * The self-sizing reserves items last listed, annotated with the units each channel sold of the
 * item: since the listing in force was published (`PublishedReserve.soldSince`: a listing the
 * channel sold out says its demand is above its measured rate, docs/decisions/032 "Sized from
 * demand"), and, for each listing already replaced, since its replacement was published plus the
 * sync lag (`soldSinceReplaced`: a copy of it read before then has shrunk by those, "Held until
 * read or sold"). One read for the batch: the sales since the oldest listing.
 */
export async function withSalesSinceListed(
  shop: string,
  reserves: ReadonlyMap<string, Record<string, PublishedReserve[]>>,
  syncLagMinutes: number,
  db: PrismaClient = prisma,
): Promise<Map<string, Record<string, PublishedReserve[]>>> {
  const out = new Map<string, Record<string, PublishedReserve[]>>();
  const lagMs = syncLagMinutes * 60_000;
  let sinceMs = Number.POSITIVE_INFINITY;
  const channels = new Set<string>();
  for (const byChannel of reserves.values()) {
    for (const [channel, history] of Object.entries(byChannel)) {
      for (const listing of history) sinceMs = Math.min(sinceMs, listing.publishedAtMs);
      if (history.length > 0) channels.add(channel);
    }
  }
  if (channels.size === 0) return new Map(reserves);
  const sales = await db.saleEvent.findMany({
    where: { shop, inventoryItemId: { in: [...reserves.keys()] }, channel: { in: [...channels] }, occurredAt: { gte: new Date(sinceMs) } },
    select: { inventoryItemId: true, channel: true, quantity: true, occurredAt: true },
  });
  for (const [item, byChannel] of reserves) {
    const annotated: Record<string, PublishedReserve[]> = {};
    for (const [channel, history] of Object.entries(byChannel)) {
      const soldFrom = (fromMs: number) => sales.reduce((sum, sale) => (sale.inventoryItemId === item && sale.channel === channel && sale.occurredAt.getTime() >= fromMs ? sum + sale.quantity : sum), 0);
      const inOrder = [...history].sort((a, b) => a.publishedAtMs - b.publishedAtMs);
      annotated[channel] = inOrder.map((listing, i) => {
        const next = inOrder[i + 1];
        return next === undefined ? { ...listing, soldSince: soldFrom(listing.publishedAtMs) } : { ...listing, soldSinceReplaced: soldFrom(next.publishedAtMs + lagMs) };
      });
    }
    out.set(item, annotated);
  }
  return out;
}
