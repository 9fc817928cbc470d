import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { storageOf } from "./storage/index.server";
import type { ChannelStateRow, LevelStateRow } from "./storage/port";
import type { PublishedReserve } from "~/domain/types";
import { rowsStatements, UPSERT_CHANNEL_STATES, UPSERT_LEVEL_STATES, type SqlStatement } from "./storage/sql";

export type { ChannelStateRow } from "./storage/port";

export interface LevelStateInput {
  inventoryItemId: string;
  locationId: string;
  quantities: Readonly<Record<string, number>>;
  protected: number;
  available: number;
  explain: readonly unknown[];
}

export interface ChannelStateInput {
  inventoryItemId: string;
  channel: string;
  available: number;
  paused: boolean;
  explain: readonly unknown[];
  /** ChannelPlan.reserveHistory: a self-sizing reserve's listings (docs/decisions/032). */
  reserveHistory?: readonly unknown[];
}

const levelData = (level: LevelStateInput) => ({
  quantities: JSON.stringify(level.quantities),
  protected: level.protected,
  available: level.available,
  explain: JSON.stringify(level.explain),
});

const channelData = (channel: ChannelStateInput) => ({
  available: channel.available,
  paused: channel.paused,
  explain: JSON.stringify(channel.explain),
  reserveHistory: JSON.stringify(channel.reserveHistory ?? []),
});

/** The one upsert of level states (sql.ts), for a transaction of the storage port. */
export function levelStateStatements(shop: string, levels: readonly LevelStateInput[], now: Date): SqlStatement[] {
  return rowsStatements(
    UPSERT_LEVEL_STATES,
    levels.map((level) => {
      const data = levelData(level);
      return [shop, level.inventoryItemId, level.locationId, data.quantities, data.protected, data.available, data.explain, now];
    }),
  );
}

/** The one upsert of channel states (sql.ts). */
export function channelStateStatements(shop: string, channels: readonly ChannelStateInput[], now: Date): SqlStatement[] {
  return rowsStatements(
    UPSERT_CHANNEL_STATES,
    channels.map((channel) => {
      const data = channelData(channel);
      return [shop, channel.inventoryItemId, channel.channel, data.available, data.paused, data.explain, data.reserveHistory, now];
    }),
  );
}

/**
 * Stores what the engine computed, writing only rows that changed: a recompute that lands on
 * the same numbers (the usual case, e.g. Safestock's own webhook echo) costs two reads.
 */
export async function saveSyncState(
  shop: string,
  levels: readonly LevelStateInput[],
  channels: readonly ChannelStateInput[],
  db: PrismaClient = prisma,
  /**
   * The channel states of (at least) these items, when the caller has just read them: not read again.
   * `plannedAt`: the time of the plan these states come from (the rows keep the newest plan's state).
   */
  known: { storedChannels?: ChannelStateRow[]; plannedAt?: Date } = {},
) {
  const itemIds = [...new Set([...levels, ...channels].map((row) => row.inventoryItemId))];
  const [storedLevels, storedChannels] = await Promise.all([storedLevelStates(shop, itemIds, db), known.storedChannels ?? storedChannelStates(shop, itemIds, db)]);
  const levelByKey = new Map(storedLevels.map((row) => [`${row.inventoryItemId}|${row.locationId}`, row]));
  const channelByKey = new Map(storedChannels.map((row) => [`${row.inventoryItemId}|${row.channel}`, row]));

  const changedLevels = levels.filter((level) => {
    const data = levelData(level);
    const stored = levelByKey.get(`${level.inventoryItemId}|${level.locationId}`);
    return !(stored && stored.quantities === data.quantities && stored.protected === data.protected && stored.available === data.available && stored.explain === data.explain);
  });
  const changedChannels = channels.filter((channel) => {
    const data = channelData(channel);
    const stored = channelByKey.get(`${channel.inventoryItemId}|${channel.channel}`);
    return !(
      stored &&
      stored.available === data.available &&
      stored.paused === data.paused &&
      stored.explain === data.explain &&
      stored.reserveHistory === data.reserveHistory
    );
  });
  // Multi-row upserts: a catalog batch's 1,500 levels in 3 statements, not 1,500 typed upserts
  // (~1.7 ms of Prisma's CPU apiece, bench/README.md).
  const plannedAt = known.plannedAt ?? new Date();
  await storageOf(db).transaction([...levelStateStatements(shop, changedLevels, plannedAt), ...channelStateStatements(shop, changedChannels, plannedAt)]);
  return { written: changedLevels.length + changedChannels.length, previousChannels: storedChannels };
}

/**
 * The self-sizing reserves each item last listed, per channel (ChannelState.reserveHistory), for
 * the engine's `Item.publishedReserves` (docs/decisions/032). Rows without one are left out.
 */
export function publishedReservesOf(rows: readonly ChannelStateRow[]): Map<string, Record<string, PublishedReserve[]>> {
  const out = new Map<string, Record<string, PublishedReserve[]>>();
  for (const row of rows) {
    const history = JSON.parse(row.reserveHistory) as PublishedReserve[];
    if (history.length === 0) continue;
    const byChannel = out.get(row.inventoryItemId) ?? {};
    byChannel[row.channel] = history;
    out.set(row.inventoryItemId, byChannel);
  }
  return out;
}

/** The channel states stored for some items (before a run overwrites them). */
export async function storedChannelStates(shop: string, inventoryItemIds: readonly string[], db: PrismaClient = prisma): Promise<ChannelStateRow[]> {
  return storageOf(db).channelStates(shop, inventoryItemIds);
}

async function storedLevelStates(shop: string, inventoryItemIds: readonly string[], db: PrismaClient): Promise<LevelStateRow[]> {
  return storageOf(db).levelStates(shop, inventoryItemIds);
}

/** Channel ATS of every variant of a product, as last computed (for publish/unpublish). */
export async function channelStatesForItems(shop: string, inventoryItemIds: string[], db: PrismaClient = prisma) {
  return storedChannelStates(shop, inventoryItemIds, db);
}

/** The planned `available` of each of these levels that has a state, by `${inventoryItemId}|${locationId}` (one read). */
export async function plannedAvailableAt(shop: string, levels: readonly { inventoryItemId: string; locationId: string }[], db: PrismaClient = prisma) {
  const planned = new Map<string, number>();
  if (levels.length === 0) return planned;
  const wanted = new Set(levels.map((level) => `${level.inventoryItemId}|${level.locationId}`));
  const rows = await db.levelState.findMany({
    where: { shop, inventoryItemId: { in: [...new Set(levels.map((level) => level.inventoryItemId))] } },
    select: { inventoryItemId: true, locationId: true, available: true },
  });
  for (const row of rows) {
    const key = `${row.inventoryItemId}|${row.locationId}`;
    if (wanted.has(key)) planned.set(key, row.available);
  }
  return planned;
}

export async function levelStateFor(shop: string, inventoryItemId: string, locationId: string, db: PrismaClient = prisma) {
  return db.levelState.findUnique({ where: { shop_inventoryItemId_locationId: { shop, inventoryItemId, locationId } } });
}

export async function channelStateFor(shop: string, inventoryItemId: string, channel: string, db: PrismaClient = prisma) {
  return db.channelState.findUnique({ where: { shop_inventoryItemId_channel: { shop, inventoryItemId, channel } } });
}

export async function appUnpublicationsOfProducts(shop: string, productIds: readonly string[], db: PrismaClient = prisma) {
  if (productIds.length === 0) return [];
  return db.appUnpublication.findMany({ where: { shop, productId: { in: [...productIds] } } });
}

/** The stored quantities of these items' levels (the policy preview's engine input). */
export async function levelQuantitiesOf(shop: string, inventoryItemIds: readonly string[], db: PrismaClient = prisma) {
  return db.levelState.findMany({ where: { shop, inventoryItemId: { in: [...inventoryItemIds] } }, select: { inventoryItemId: true, locationId: true, quantities: true } });
}
