import { Prisma, type PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import type { LocationInfo } from "~/domain";
import { chunk } from "~/domain/inventory-writes";
import { sqlBoolean } from "./bulk-sql.server";
import { querySqlite, runRawTransaction } from "./sqlite-direct.server";

export interface CatalogItemInput {
  inventoryItemId: string;
  variantId: string;
  productId: string;
  sku: string;
  productTitle: string;
  variantTitle: string;
  tags: string[];
  tracked: boolean;
  /** Shopify `inventoryPolicy: CONTINUE` (keeps selling when out of stock); default false. */
  continueSelling?: boolean;
}

type StoredCatalogRow = Omit<CatalogItemInput, "tags"> & { tags: string };

/**
 * The catalog rows of a batch's items, to compare: straight through better-sqlite3 on SQLite
 * (docs/decisions/018; Prisma decodes 500 rows in several ms), through Prisma on PostgreSQL.
 */
async function storedCatalogRows(shop: string, inventoryItemIds: readonly string[], db: PrismaClient): Promise<StoredCatalogRow[]> {
  const rows = await querySqlite(
    db,
    `SELECT "inventoryItemId", "variantId", "productId", "sku", "productTitle", "variantTitle", "tags", "tracked", "continueSelling" FROM "CatalogItem"
      WHERE "shop" = ? AND "inventoryItemId" IN (SELECT value FROM json_each(?))`,
    [shop, JSON.stringify(inventoryItemIds)],
  );
  if (rows) return rows.map((row) => ({ ...(row as unknown as StoredCatalogRow), tracked: row.tracked === 1, continueSelling: row.continueSelling === 1 }));
  return db.catalogItem.findMany({
    where: { shop, inventoryItemId: { in: [...inventoryItemIds] } },
    select: { inventoryItemId: true, variantId: true, productId: true, sku: true, productTitle: true, variantTitle: true, tags: true, tracked: true, continueSelling: true },
  });
}

/** Writes catalog rows that are new or changed (SKU, titles, tags…); unchanged rows cost nothing. */
export async function upsertCatalogItems(shop: string, items: CatalogItemInput[], db: PrismaClient = prisma) {
  if (items.length === 0) return;
  const stored = await storedCatalogRows(shop, items.map((item) => item.inventoryItemId), db);
  const byId = new Map(stored.map((row) => [row.inventoryItemId, row]));
  const changed = items.filter((item) => {
    const row = byId.get(item.inventoryItemId);
    return (
      !row ||
      row.variantId !== item.variantId ||
      row.productId !== item.productId ||
      row.sku !== item.sku ||
      row.productTitle !== item.productTitle ||
      row.variantTitle !== item.variantTitle ||
      row.tags !== JSON.stringify(item.tags) ||
      row.tracked !== item.tracked ||
      row.continueSelling !== (item.continueSelling ?? false)
    );
  });
  if (changed.length === 0) return;
  // Multi-row upserts in raw SQL (both providers): an initial sync writes every row, and a typed
  // upsert costs ~1.7 ms of CPU in Prisma's query compiler. 11 parameters a row; on SQLite bound
  // by better-sqlite3 itself (docs/decisions/018).
  const now = new Date();
  await runRawTransaction(
    db,
    chunk(changed, 300).map((rows) => {
      const values = rows.map(
        (item) =>
          Prisma.sql`(${shop}, ${item.inventoryItemId}, ${item.variantId}, ${item.productId}, ${item.sku}, ${item.productTitle}, ${item.variantTitle}, ${JSON.stringify(item.tags)}, ${sqlBoolean(item.tracked)}, ${sqlBoolean(item.continueSelling ?? false)}, ${now})`,
      );
      return Prisma.sql`
        INSERT INTO "CatalogItem" ("shop", "inventoryItemId", "variantId", "productId", "sku", "productTitle", "variantTitle", "tags", "tracked", "continueSelling", "updatedAt")
        VALUES ${Prisma.join(values)}
        ON CONFLICT ("shop", "inventoryItemId") DO UPDATE SET
          "variantId" = excluded."variantId", "productId" = excluded."productId", "sku" = excluded."sku", "productTitle" = excluded."productTitle",
          "variantTitle" = excluded."variantTitle", "tags" = excluded."tags", "tracked" = excluded."tracked",
          "continueSelling" = excluded."continueSelling", "updatedAt" = excluded."updatedAt"`;
    }),
  );
}

export async function deleteCatalogItem(shop: string, inventoryItemId: string, db: PrismaClient = prisma) {
  await db.catalogItem.deleteMany({ where: { shop, inventoryItemId } });
  await db.levelState.deleteMany({ where: { shop, inventoryItemId } });
  await db.channelState.deleteMany({ where: { shop, inventoryItemId } });
}

export async function inventoryItemIdsForVariants(shop: string, variantIds: string[], db: PrismaClient = prisma) {
  if (variantIds.length === 0) return [];
  const rows = await db.catalogItem.findMany({
    where: { shop, variantId: { in: variantIds } },
    select: { inventoryItemId: true },
  });
  return rows.map((row) => row.inventoryItemId);
}

/** One catalog row by its inventory item (the identity), or null. */
export async function catalogItemById(shop: string, inventoryItemId: string, db: PrismaClient = prisma) {
  return db.catalogItem.findUnique({ where: { shop_inventoryItemId: { shop, inventoryItemId } } });
}

export async function catalogItemForVariant(shop: string, variantId: string, db: PrismaClient = prisma) {
  return db.catalogItem.findFirst({ where: { shop, variantId } });
}

export async function catalogRowsForProduct(shop: string, productId: string, db: PrismaClient = prisma) {
  return db.catalogItem.findMany({ where: { shop, productId } });
}

/** The variants of several products in one read (a catalog batch's publication checks). */
export async function catalogItemsForProducts(shop: string, productIds: readonly string[], db: PrismaClient = prisma) {
  if (productIds.length === 0) return [];
  const rows = await querySqlite(db, `SELECT "productId", "inventoryItemId", "sku" FROM "CatalogItem" WHERE "shop" = ? AND "productId" IN (SELECT value FROM json_each(?))`, [
    shop,
    JSON.stringify(productIds),
  ]);
  if (rows) return rows as { productId: string; inventoryItemId: string; sku: string }[];
  return db.catalogItem.findMany({ where: { shop, productId: { in: [...productIds] } }, select: { productId: true, inventoryItemId: true, sku: true } });
}

export async function knownSkus(shop: string, db: PrismaClient = prisma) {
  const rows = await db.catalogItem.findMany({ where: { shop }, select: { sku: true }, distinct: ["sku"] });
  return rows.map((row) => row.sku).filter(Boolean);
}

export async function replaceLocations(
  shop: string,
  locations: { id: string; name: string; isActive: boolean; fulfillsOnlineOrders: boolean }[],
  db: PrismaClient = prisma,
) {
  await db.$transaction([
    db.catalogLocation.deleteMany({ where: { shop, locationId: { notIn: locations.map((l) => l.id) } } }),
    ...locations.map((location) =>
      db.catalogLocation.upsert({
        where: { shop_locationId: { shop, locationId: location.id } },
        create: { shop, locationId: location.id, name: location.name, isActive: location.isActive, fulfillsOnlineOrders: location.fulfillsOnlineOrders },
        update: { name: location.name, isActive: location.isActive, fulfillsOnlineOrders: location.fulfillsOnlineOrders },
      }),
    ),
  ]);
}

export async function listLocations(shop: string, db: PrismaClient = prisma) {
  return db.catalogLocation.findMany({ where: { shop }, orderBy: { name: "asc" } });
}

/** A stored location with what it can do, as the rules engine and policy validation take it. */
export function locationInfo(row: { name: string; isActive: boolean; fulfillsOnlineOrders: boolean }): LocationInfo {
  return { name: row.name, active: row.isActive, fulfillsOnlineOrders: row.fulfillsOnlineOrders };
}

/** "Online Store" → "online_store": the handle a policy file names a channel by. */
export function channelHandle(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

export async function replaceChannels(shop: string, publications: { id: string; name: string }[], db: PrismaClient = prisma) {
  await db.$transaction([
    db.salesChannel.deleteMany({ where: { shop } }),
    ...publications.map((publication) =>
      db.salesChannel.create({
        data: { shop, publicationId: publication.id, name: publication.name, handle: channelHandle(publication.name) },
      }),
    ),
  ]);
}

export async function listChannels(shop: string, db: PrismaClient = prisma) {
  return db.salesChannel.findMany({ where: { shop }, orderBy: { name: "asc" } });
}
