import type { PrismaClient } from "@prisma/client";
import type { PipelineStorage } from "./port";
import { forDialect, type Dialect } from "./sql";
import { retryWhenSqliteBusy } from "./sqlite-busy.server";

/**
 * The Prisma adapter: the statements of sql.ts through `$executeRawUnsafe` in one Prisma
 * transaction, reads through typed queries. PostgreSQL's adapter, and SQLite's when the direct
 * path is turned off.
 */
export function createPrismaStorage(db: PrismaClient, dialect: Dialect): PipelineStorage {
  const retryWhenBusy = <T>(work: () => Promise<T>) => (dialect === "sqlite" ? retryWhenSqliteBusy(work) : work());
  const itemsIn = (shop: string, inventoryItemIds: readonly string[]) => ({ shop, inventoryItemId: { in: [...inventoryItemIds] } });
  return {
    adapter: "prisma",
    retryWhenBusy,
    async transaction(statements) {
      if (statements.length === 0) return;
      await retryWhenBusy(() => db.$transaction(statements.map((statement) => db.$executeRawUnsafe(forDialect(statement.sql, dialect), ...statement.params))));
    },
    query: (statement) => retryWhenBusy(() => db.$queryRawUnsafe<Record<string, unknown>[]>(forDialect(statement.sql, dialect), ...statement.params)),
    levelStates: (shop, inventoryItemIds) =>
      db.levelState.findMany({
        where: itemsIn(shop, inventoryItemIds),
        select: { inventoryItemId: true, locationId: true, quantities: true, protected: true, available: true, explain: true },
      }),
    channelStates: (shop, inventoryItemIds) =>
      db.channelState.findMany({ where: itemsIn(shop, inventoryItemIds), select: { inventoryItemId: true, channel: true, available: true, paused: true, explain: true, reserveHistory: true } }),
    catalogRows: (shop, inventoryItemIds) =>
      db.catalogItem.findMany({
        where: itemsIn(shop, inventoryItemIds),
        select: { inventoryItemId: true, variantId: true, productId: true, sku: true, productTitle: true, variantTitle: true, tags: true, tracked: true, continueSelling: true, leftAlone: true },
      }),
    catalogOfProducts: (shop, productIds) =>
      productIds.length === 0
        ? Promise.resolve([])
        : db.catalogItem.findMany({ where: { shop, productId: { in: [...productIds] } }, select: { productId: true, inventoryItemId: true, sku: true } }),
  };
}
