import type { Prisma, PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { keysetPage, keysetTake, type PageDirection } from "./keyset-page.server";

/**
 * Read-only queries behind the Inventory and Overview pages. Writes to these tables belong to
 * the sync pipeline (sync-state.server.ts, catalog.server.ts); nothing here changes a row.
 */

export interface CatalogPage {
  items: { inventoryItemId: string; productId: string; sku: string; productTitle: string; variantTitle: string; continueSelling: boolean; leftAlone: string | null }[];
  /** Cursors are inventory item ids: unique within a shop, so a page never repeats or skips a row. */
  nextCursor: string | null;
  previousCursor: string | null;
}

/**
 * What a search matches: a SKU, a product title or a variant title containing the text, or a
 * variant's full name as the pages show it ("Gold Ring / 7": product title, then variant title).
 * SKUs are shared by twins or blank (docs/decisions/020), so the titles must find a variant too.
 */
function searchTerms(search: string): Prisma.CatalogItemWhereInput[] {
  const terms: Prisma.CatalogItemWhereInput[] = [{ sku: { contains: search } }, { productTitle: { contains: search } }, { variantTitle: { contains: search } }];
  const slash = search.lastIndexOf(" / ");
  if (slash > 0) {
    const product = search.slice(0, slash).trim();
    const variant = search.slice(slash + 3).trim();
    if (product && variant) terms.push({ AND: [{ productTitle: { contains: product } }, { variantTitle: { contains: variant } }] });
  }
  return terms;
}

/**
 * Catalog items ordered by SKU, keyset-paginated in both directions (Prisma's cursor + a negative
 * `take` for "previous"), so a page stays stable while the pipeline upserts items. `search`
 * matches SKUs, product or variant titles containing the text (SQLite LIKE is case-insensitive
 * for ASCII).
 */
export async function listCatalogItemsPage(
  shop: string,
  { search, cursor, direction = "next", take = 20 }: { search?: string | null; cursor?: string | null; direction?: PageDirection; take?: number },
  db: PrismaClient = prisma,
): Promise<CatalogPage> {
  const where: Prisma.CatalogItemWhereInput = { shop, ...(search ? { OR: searchTerms(search) } : {}) };
  const request = { cursor, direction, take };
  const rows = await db.catalogItem.findMany({
    where,
    orderBy: [{ sku: "asc" }, { inventoryItemId: "asc" }],
    take: keysetTake(request),
    ...(cursor ? { cursor: { shop_inventoryItemId: { shop, inventoryItemId: cursor } }, skip: 1 } : {}),
    select: { inventoryItemId: true, productId: true, sku: true, productTitle: true, variantTitle: true, continueSelling: true, leftAlone: true },
  });
  const { rows: items, nextCursor, previousCursor } = keysetPage(rows, (row) => row.inventoryItemId, request);
  return { items, nextCursor, previousCursor };
}

export async function levelStatesForItems(shop: string, inventoryItemIds: string[], db: PrismaClient = prisma) {
  if (inventoryItemIds.length === 0) return [];
  return db.levelState.findMany({
    where: { shop, inventoryItemId: { in: inventoryItemIds } },
    select: { inventoryItemId: true, locationId: true, quantities: true, protected: true, available: true, explain: true, updatedAt: true },
  });
}

export async function channelStatesForItemsRead(shop: string, inventoryItemIds: string[], db: PrismaClient = prisma) {
  if (inventoryItemIds.length === 0) return [];
  return db.channelState.findMany({
    where: { shop, inventoryItemId: { in: inventoryItemIds } },
    select: { inventoryItemId: true, channel: true, available: true, paused: true, explain: true },
    orderBy: { channel: "asc" },
  });
}

/** Shop-wide protection totals for the Overview. */
export async function protectionTotals(shop: string, db: PrismaClient = prisma) {
  const [protectedLevels, sums, trackedItems, pausedChannels] = await Promise.all([
    db.levelState.count({ where: { shop, protected: { gt: 0 } } }),
    db.levelState.aggregate({ where: { shop }, _sum: { protected: true }, _count: { _all: true } }),
    db.catalogItem.count({ where: { shop } }),
    db.channelState.count({ where: { shop, paused: true } }),
  ]);
  return {
    levels: sums._count._all,
    protectedLevels,
    unitsWithheld: sums._sum.protected ?? 0,
    trackedItems,
    pausedChannels,
  };
}

/** These inventory items' SKUs and names (the Inventory page's bulk edit). */
export async function catalogItemsByIds(shop: string, inventoryItemIds: readonly string[], db: PrismaClient = prisma) {
  if (inventoryItemIds.length === 0) return [];
  return db.catalogItem.findMany({
    where: { shop, inventoryItemId: { in: [...new Set(inventoryItemIds)] } },
    select: { inventoryItemId: true, sku: true, productTitle: true, variantTitle: true },
  });
}
