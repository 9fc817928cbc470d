import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

export interface LevelStateInput {
  inventoryItemId: string;
  locationId: string;
  quantities: Record<string, number>;
  protected: number;
  available: number;
  explain: unknown[];
}

export interface ChannelStateInput {
  inventoryItemId: string;
  channel: string;
  available: number;
  paused: boolean;
  explain: unknown[];
}

/**
 * Stores what the engine computed, writing only rows that changed: a recompute that lands on
 * the same numbers (the usual case, e.g. Safestock's own webhook echo) costs two reads.
 */
export async function saveSyncState(
  shop: string,
  levels: LevelStateInput[],
  channels: ChannelStateInput[],
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
    const data = {
      quantities: JSON.stringify(level.quantities),
      protected: level.protected,
      available: level.available,
      explain: JSON.stringify(level.explain),
    };
    const stored = levelByKey.get(`${level.inventoryItemId}|${level.locationId}`);
    if (stored && stored.quantities === data.quantities && stored.protected === data.protected && stored.available === data.available && stored.explain === data.explain) continue;
    writes.push(
      db.levelState.upsert({
        where: { shop_inventoryItemId_locationId: { shop, inventoryItemId: level.inventoryItemId, locationId: level.locationId } },
        create: { shop, inventoryItemId: level.inventoryItemId, locationId: level.locationId, ...data },
        update: data,
      }),
    );
  }
  for (const channel of channels) {
    const data = { available: channel.available, paused: channel.paused, explain: JSON.stringify(channel.explain) };
    const stored = channelByKey.get(`${channel.inventoryItemId}|${channel.channel}`);
    if (stored && stored.available === data.available && stored.paused === data.paused && stored.explain === data.explain) continue;
    writes.push(
      db.channelState.upsert({
        where: { shop_inventoryItemId_channel: { shop, inventoryItemId: channel.inventoryItemId, channel: channel.channel } },
        create: { shop, inventoryItemId: channel.inventoryItemId, channel: channel.channel, ...data },
        update: data,
      }),
    );
  }
  if (writes.length > 0) await db.$transaction(writes);
  return { written: writes.length, previousChannels: storedChannels };
}

/** Channel ATS of every variant of a product, as last computed (for publish/unpublish). */
export async function channelStatesForItems(shop: string, inventoryItemIds: string[], db: PrismaClient = prisma) {
  return db.channelState.findMany({ where: { shop, inventoryItemId: { in: inventoryItemIds } } });
}

export async function levelStateFor(shop: string, inventoryItemId: string, locationId: string, db: PrismaClient = prisma) {
  return db.levelState.findUnique({ where: { shop_inventoryItemId_locationId: { shop, inventoryItemId, locationId } } });
}

export async function channelStateFor(shop: string, inventoryItemId: string, channel: string, db: PrismaClient = prisma) {
  return db.channelState.findUnique({ where: { shop_inventoryItemId_channel: { shop, inventoryItemId, channel } } });
}

export async function listAppUnpublications(shop: string, productId: string, db: PrismaClient = prisma) {
  return db.appUnpublication.findMany({ where: { shop, productId } });
}

export async function recordAppUnpublication(
  shop: string,
  entry: { productId: string; publicationId: string; channel: string; reason: string },
  db: PrismaClient = prisma,
) {
  await db.appUnpublication.upsert({
    where: { shop_productId_publicationId: { shop, productId: entry.productId, publicationId: entry.publicationId } },
    create: { shop, ...entry },
    update: { reason: entry.reason },
  });
}

export async function removeAppUnpublication(shop: string, productId: string, publicationId: string, db: PrismaClient = prisma) {
  await db.appUnpublication.deleteMany({ where: { shop, productId, publicationId } });
}
