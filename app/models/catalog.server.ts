import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import type { LocationInfo } from "~/domain";
import { storageOf } from "./storage/index.server";
import { rowsStatements, UPSERT_CATALOG_ITEMS } from "./storage/sql";

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
  /** Why Safestock leaves the item alone (docs/decisions/034); default null: planned. */
  leftAlone?: string | null;
}

/** Writes catalog rows that are new or changed (SKU, titles, tags…); unchanged rows cost nothing. */
export async function upsertCatalogItems(shop: string, items: CatalogItemInput[], db: PrismaClient = prisma) {
  if (items.length === 0) return;
  const storage = storageOf(db);
  const stored = await storage.catalogRows(shop, items.map((item) => item.inventoryItemId));
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
      row.continueSelling !== (item.continueSelling ?? false) ||
      (row.leftAlone ?? null) !== (item.leftAlone ?? null)
    );
  });
  if (changed.length === 0) return;
  // Multi-row upserts (storage/sql.ts): an initial sync writes every row, and a typed upsert
  // costs ~1.7 ms of CPU in Prisma's query compiler.
  const now = new Date();
  await storage.transaction(
    rowsStatements(
      UPSERT_CATALOG_ITEMS,
      changed.map((item) => [
        shop,
        item.inventoryItemId,
        item.variantId,
        item.productId,
        item.sku,
        item.productTitle,
        item.variantTitle,
        JSON.stringify(item.tags),
        item.tracked,
        item.continueSelling ?? false,
        item.leftAlone ?? null,
        now,
      ]),
    ),
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
  return storageOf(db).catalogOfProducts(shop, productIds);
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

/** The names of these items' variants (product and variant titles). */
export async function variantTitlesOf(shop: string, inventoryItemIds: readonly string[], db: PrismaClient = prisma) {
  return db.catalogItem.findMany({
    where: { shop, inventoryItemId: { in: [...new Set(inventoryItemIds)] } },
    select: { inventoryItemId: true, productTitle: true, variantTitle: true },
  });
}

/** Up to `take` variants whose SKU, product or variant title contains the text (all when it is empty), by title. */
export async function variantsMatching(shop: string, text: string, take: number, db: PrismaClient = prisma) {
  return db.catalogItem.findMany({
    where: { shop, ...(text ? { OR: [{ sku: { contains: text } }, { productTitle: { contains: text } }, { variantTitle: { contains: text } }] } : {}) },
    orderBy: [{ productTitle: "asc" }, { variantTitle: "asc" }, { inventoryItemId: "asc" }],
    select: { inventoryItemId: true, sku: true, productTitle: true, variantTitle: true },
    take,
  });
}

/** Up to `take` variants carrying this SKU (twins share SKUs, docs/decisions/020). */
export async function catalogItemsWithSku(shop: string, sku: string, take: number, db: PrismaClient = prisma) {
  return db.catalogItem.findMany({ where: { shop, sku }, orderBy: { inventoryItemId: "asc" }, take });
}

/** Up to `take` distinct non-blank SKUs containing the text (a blank SKU is no name a rule can use). */
export async function skusContaining(shop: string, text: string, take: number, db: PrismaClient = prisma) {
  const rows = await db.catalogItem.findMany({
    where: { shop, sku: text ? { contains: text } : { not: "" } },
    orderBy: { sku: "asc" },
    distinct: ["sku"],
    select: { sku: true },
    take,
  });
  return rows.map((row) => row.sku);
}

/**
 * Of these SKUs, those two or more variants share, with how many carry each (docs/decisions/020):
 * a SKU rule applies to every one of them. Blank SKUs are never counted (no rule can name them).
 * Read in chunks, so a file of thousands of SKUs stays within the database's bound parameters.
 */
export async function sharedSkuCounts(shop: string, skus: readonly string[], db: PrismaClient = prisma): Promise<Map<string, number>> {
  const distinct = [...new Set(skus)].filter((sku) => sku !== "");
  const counts = new Map<string, number>();
  for (let start = 0; start < distinct.length; start += SKU_CHUNK) {
    const groups = await db.catalogItem.groupBy({ by: ["sku"], where: { shop, sku: { in: distinct.slice(start, start + SKU_CHUNK) } }, _count: { _all: true } });
    for (const group of groups) if (group._count._all > 1) counts.set(group.sku, group._count._all);
  }
  return counts;
}

const SKU_CHUNK = 500;

/**
 * The catalog's spellings of a SKU typed in any case ("ring-7" → "RING-7"), the whole SKU only.
 * `lower()` on both sides means the same on SQLite and PostgreSQL (Prisma's case-insensitive
 * mode exists only for PostgreSQL, and LIKE ignores case only on SQLite).
 */
export async function skuSpellings(shop: string, text: string, db: PrismaClient = prisma): Promise<string[]> {
  const rows = await db.$queryRaw<{ sku: string }[]>`
    SELECT DISTINCT "sku" FROM "CatalogItem" WHERE "shop" = ${shop} AND lower("sku") = lower(${text})`;
  return rows.map((row) => row.sku);
}

/** Up to `take` distinct product titles containing the text. */
export async function productTitlesContaining(shop: string, text: string, take: number, db: PrismaClient = prisma) {
  const rows = await db.catalogItem.findMany({
    where: { shop, ...(text ? { productTitle: { contains: text } } : {}) },
    orderBy: { productTitle: "asc" },
    distinct: ["productTitle"],
    select: { productTitle: true },
    take,
  });
  return rows.map((row) => row.productTitle);
}

/** Up to `take` distinct stored tag lists (JSON text) containing the text. */
export async function tagListsContaining(shop: string, text: string, take: number, db: PrismaClient = prisma) {
  const rows = await db.catalogItem.findMany({ where: { shop, ...(text ? { tags: { contains: text } } : {}) }, distinct: ["tags"], select: { tags: true }, take });
  return rows.map((row) => row.tags);
}

/** A page of the catalog in inventory item order (keyset: after `after`), optionally one SKU's variants. */
export async function catalogPage(shop: string, { after, take, sku }: { after: string | null; take: number; sku?: string }, db: PrismaClient = prisma) {
  return db.catalogItem.findMany({
    where: { shop, ...(sku !== undefined ? { sku } : {}) },
    orderBy: { inventoryItemId: "asc" },
    take,
    ...(after ? { cursor: { shop_inventoryItemId: { shop, inventoryItemId: after } }, skip: 1 } : {}),
    select: { inventoryItemId: true, variantId: true, productId: true, sku: true, productTitle: true, variantTitle: true, tags: true, continueSelling: true, leftAlone: true },
  });
}

export async function catalogSize(shop: string, db: PrismaClient = prisma) {
  return db.catalogItem.count({ where: { shop } });
}
