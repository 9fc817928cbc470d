import type { Prisma, PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

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

type Db = Prisma.TransactionClient;

const levelData = (level: LevelStateInput) => ({
  quantities: JSON.stringify(level.quantities),
  protected: level.protected,
  available: level.available,
  explain: JSON.stringify(level.explain),
});

const channelData = (channel: ChannelStateInput) => ({ available: channel.available, paused: channel.paused, explain: JSON.stringify(channel.explain) });

const upsertLevel = (db: Db, shop: string, level: LevelStateInput) =>
  db.levelState.upsert({
    where: { shop_inventoryItemId_locationId: { shop, inventoryItemId: level.inventoryItemId, locationId: level.locationId } },
    create: { shop, inventoryItemId: level.inventoryItemId, locationId: level.locationId, ...levelData(level) },
    update: levelData(level),
  });

const upsertChannel = (db: Db, shop: string, channel: ChannelStateInput) =>
  db.channelState.upsert({
    where: { shop_inventoryItemId_channel: { shop, inventoryItemId: channel.inventoryItemId, channel: channel.channel } },
    create: { shop, inventoryItemId: channel.inventoryItemId, channel: channel.channel, ...channelData(channel) },
    update: channelData(channel),
  });

/** The state of levels and channels a write Shopify confirmed just changed (for one batch transaction). */
export function syncStateWrites(db: PrismaClient, shop: string, levels: readonly LevelStateInput[], channels: readonly ChannelStateInput[]) {
  return [...levels.map((level) => upsertLevel(db, shop, level)), ...channels.map((channel) => upsertChannel(db, shop, channel))];
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
) {
  const itemIds = [...new Set([...levels, ...channels].map((row) => row.inventoryItemId))];
  const [storedLevels, storedChannels] = await Promise.all([
    db.levelState.findMany({ where: { shop, inventoryItemId: { in: itemIds } } }),
    db.channelState.findMany({ where: { shop, inventoryItemId: { in: itemIds } } }),
  ]);
  const levelByKey = new Map(storedLevels.map((row) => [`${row.inventoryItemId}|${row.locationId}`, row]));
  const channelByKey = new Map(storedChannels.map((row) => [`${row.inventoryItemId}|${row.channel}`, row]));

  const writes = [];
  for (const level of levels) {
    const data = levelData(level);
    const stored = levelByKey.get(`${level.inventoryItemId}|${level.locationId}`);
    if (stored && stored.quantities === data.quantities && stored.protected === data.protected && stored.available === data.available && stored.explain === data.explain) continue;
    writes.push(upsertLevel(db, shop, level));
  }
  for (const channel of channels) {
    const data = channelData(channel);
    const stored = channelByKey.get(`${channel.inventoryItemId}|${channel.channel}`);
    if (stored && stored.available === data.available && stored.paused === data.paused && stored.explain === data.explain) continue;
    writes.push(upsertChannel(db, shop, channel));
  }
  if (writes.length > 0) await db.$transaction(writes);
  return { written: writes.length, previousChannels: storedChannels };
}

/** The channel states stored for some items (before a run overwrites them). */
export async function storedChannelStates(shop: string, inventoryItemIds: string[], db: PrismaClient = prisma) {
  return db.channelState.findMany({ where: { shop, inventoryItemId: { in: inventoryItemIds } } });
}

/** Channel ATS of every variant of a product, as last computed (for publish/unpublish). */
export async function channelStatesForItems(shop: string, inventoryItemIds: string[], db: PrismaClient = prisma) {
  return db.channelState.findMany({ where: { shop, inventoryItemId: { in: inventoryItemIds } } });
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

/** Remembers that Safestock unpublished a product from a channel (only those are republished). */
export function appUnpublicationUpsert(db: Db, shop: string, entry: { productId: string; publicationId: string; channel: string; reason: string }) {
  return db.appUnpublication.upsert({
    where: { shop_productId_publicationId: { shop, productId: entry.productId, publicationId: entry.publicationId } },
    create: { shop, ...entry },
    update: { reason: entry.reason },
  });
}

