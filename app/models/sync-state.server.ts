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

export async function saveSyncState(
  shop: string,
  levels: LevelStateInput[],
  channels: ChannelStateInput[],
  db: PrismaClient = prisma,
) {
  await db.$transaction([
    ...levels.map((level) => {
      const data = {
        quantities: JSON.stringify(level.quantities),
        protected: level.protected,
        available: level.available,
        explain: JSON.stringify(level.explain),
      };
      return db.levelState.upsert({
        where: { shop_inventoryItemId_locationId: { shop, inventoryItemId: level.inventoryItemId, locationId: level.locationId } },
        create: { shop, inventoryItemId: level.inventoryItemId, locationId: level.locationId, ...data },
        update: data,
      });
    }),
    ...channels.map((channel) => {
      const data = { available: channel.available, paused: channel.paused, explain: JSON.stringify(channel.explain) };
      return db.channelState.upsert({
        where: { shop_inventoryItemId_channel: { shop, inventoryItemId: channel.inventoryItemId, channel: channel.channel } },
        create: { shop, inventoryItemId: channel.inventoryItemId, channel: channel.channel, ...data },
        update: data,
      });
    }),
  ]);
}

/** Channel ATS of every variant of a product, as last computed (for publish/unpublish). */
export async function channelStatesForItems(shop: string, inventoryItemIds: string[], db: PrismaClient = prisma) {
  return db.channelState.findMany({ where: { shop, inventoryItemId: { in: inventoryItemIds } } });
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

export async function listManualFloors(shop: string, inventoryItemIds: string[], db: PrismaClient = prisma) {
  return db.manualFloor.findMany({ where: { shop, inventoryItemId: { in: inventoryItemIds } } });
}

/** Imports safety_stock the merchant set before install; an existing floor is never overwritten. */
export async function importManualFloors(
  shop: string,
  floors: { inventoryItemId: string; locationId: string; units: number }[],
  db: PrismaClient = prisma,
) {
  let imported = 0;
  for (const floor of floors) {
    const existing = await db.manualFloor.findUnique({
      where: { shop_inventoryItemId_locationId: { shop, inventoryItemId: floor.inventoryItemId, locationId: floor.locationId } },
    });
    if (existing) continue;
    await db.manualFloor.create({ data: { shop, ...floor } });
    imported++;
  }
  return imported;
}
