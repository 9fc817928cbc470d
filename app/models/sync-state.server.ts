import { Prisma, type PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { chunk } from "~/domain/inventory-writes";
import { sqlBoolean } from "./bulk-sql.server";
import { querySqlite, runRawTransaction } from "./sqlite-direct.server";

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
}

const levelData = (level: LevelStateInput) => ({
  quantities: JSON.stringify(level.quantities),
  protected: level.protected,
  available: level.available,
  explain: JSON.stringify(level.explain),
});

const channelData = (channel: ChannelStateInput) => ({ available: channel.available, paused: channel.paused, explain: JSON.stringify(channel.explain) });

/** Rows per statement: 8 parameters a level, 7 a channel, well under SQLite's 32,766 and PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 500;

/**
 * Multi-row `INSERT … ON CONFLICT DO UPDATE` (SQLite ≥ 3.24 and PostgreSQL alike): a catalog
 * batch's 1,500 levels in 3 statements instead of 1,500 typed upserts, each compiled by Prisma's
 * query compiler (~1.7 ms of CPU apiece, bench/README.md). On SQLite they run straight through
 * better-sqlite3 (docs/decisions/018): a batch's ~22,000 parameters are not bound at Prisma's ~2.2 µs apiece.
 */
function upsertLevels(shop: string, levels: readonly LevelStateInput[], now: Date) {
  return chunk(levels, ROWS_PER_STATEMENT).map((rows) => {
    const values = rows.map((level) => {
      const data = levelData(level);
      return Prisma.sql`(${shop}, ${level.inventoryItemId}, ${level.locationId}, ${data.quantities}, ${data.protected}, ${data.available}, ${data.explain}, ${now})`;
    });
    return Prisma.sql`
      INSERT INTO "LevelState" ("shop", "inventoryItemId", "locationId", "quantities", "protected", "available", "explain", "updatedAt")
      VALUES ${Prisma.join(values)}
      ON CONFLICT ("shop", "inventoryItemId", "locationId") DO UPDATE SET
        "quantities" = excluded."quantities", "protected" = excluded."protected", "available" = excluded."available",
        "explain" = excluded."explain", "updatedAt" = excluded."updatedAt"`;
  });
}

function upsertChannels(shop: string, channels: readonly ChannelStateInput[], now: Date) {
  return chunk(channels, ROWS_PER_STATEMENT).map((rows) => {
    const values = rows.map((channel) => {
      const data = channelData(channel);
      return Prisma.sql`(${shop}, ${channel.inventoryItemId}, ${channel.channel}, ${data.available}, ${sqlBoolean(data.paused)}, ${data.explain}, ${now})`;
    });
    return Prisma.sql`
      INSERT INTO "ChannelState" ("shop", "inventoryItemId", "channel", "available", "paused", "explain", "updatedAt")
      VALUES ${Prisma.join(values)}
      ON CONFLICT ("shop", "inventoryItemId", "channel") DO UPDATE SET
        "available" = excluded."available", "paused" = excluded."paused", "explain" = excluded."explain", "updatedAt" = excluded."updatedAt"`;
  });
}

/** The upserts of these levels' and channels' state (for one transaction). */
function syncStateWrites(shop: string, levels: readonly LevelStateInput[], channels: readonly ChannelStateInput[]) {
  const now = new Date();
  return [...upsertLevels(shop, levels, now), ...upsertChannels(shop, channels, now)];
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
  /** The channel states of (at least) these items, when the caller has just read them: not read again. */
  known: { storedChannels?: ChannelStateRow[] } = {},
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
    return !(stored && stored.available === data.available && stored.paused === data.paused && stored.explain === data.explain);
  });
  await runRawTransaction(db, syncStateWrites(shop, changedLevels, changedChannels));
  return { written: changedLevels.length + changedChannels.length, previousChannels: storedChannels };
}

/** A stored channel state, as the writer compares it (saveSyncState) and plans publications from it. */
export interface ChannelStateRow {
  inventoryItemId: string;
  channel: string;
  available: number;
  paused: boolean;
  explain: string;
}

/**
 * The writer's per-batch reads (~1,500 rows each) go straight through better-sqlite3 on SQLite
 * (docs/decisions/018): Prisma spends several ms decoding each. `json_each` takes the batch's
 * item ids as one parameter. On PostgreSQL, the same columns through Prisma.
 */
const ITEMS_IN = `"shop" = ? AND "inventoryItemId" IN (SELECT value FROM json_each(?))`;

/** The channel states stored for some items (before a run overwrites them). */
export async function storedChannelStates(shop: string, inventoryItemIds: readonly string[], db: PrismaClient = prisma): Promise<ChannelStateRow[]> {
  const rows = await querySqlite(db, `SELECT "inventoryItemId", "channel", "available", "paused", "explain" FROM "ChannelState" WHERE ${ITEMS_IN}`, [shop, JSON.stringify(inventoryItemIds)]);
  if (rows) return rows.map((row) => ({ ...(row as unknown as ChannelStateRow), paused: row.paused === 1 }));
  return db.channelState.findMany({
    where: { shop, inventoryItemId: { in: [...inventoryItemIds] } },
    select: { inventoryItemId: true, channel: true, available: true, paused: true, explain: true },
  });
}

type LevelStateRow = Omit<LevelStateInput, "quantities" | "explain"> & { quantities: string; explain: string };

async function storedLevelStates(shop: string, inventoryItemIds: readonly string[], db: PrismaClient): Promise<LevelStateRow[]> {
  const rows = await querySqlite(
    db,
    `SELECT "inventoryItemId", "locationId", "quantities", "protected", "available", "explain" FROM "LevelState" WHERE ${ITEMS_IN}`,
    [shop, JSON.stringify(inventoryItemIds)],
  );
  if (rows) return rows as unknown as LevelStateRow[];
  return db.levelState.findMany({
    where: { shop, inventoryItemId: { in: [...inventoryItemIds] } },
    select: { inventoryItemId: true, locationId: true, quantities: true, protected: true, available: true, explain: true },
  });
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
