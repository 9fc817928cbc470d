import type { Prisma, PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { keysetPage, keysetTake, type PageDirection } from "./keyset-page.server";

/**
 * The audit log for the Activity page: newest first, keyset-paginated both ways, optionally
 * for one variant (`item`, its inventory item) or for every variant carrying a SKU (any of
 * `skus`: the spellings of the SKU the merchant typed). Filtering on
 * the `sku` column (kept on every item entry at write time) keeps the history of an item that has
 * since been deleted or re-created under another id; twins share it, so a variant's own history
 * is filtered by `item`.
 */
export async function listAuditPage(
  shop: string,
  { skus, item, cursor, direction = "next", take = 25 }: { skus?: readonly string[] | null; item?: string | null; cursor?: string | null; direction?: PageDirection; take?: number },
  db: PrismaClient = prisma,
) {
  const where: Prisma.AuditEntryWhereInput = { shop, ...(skus ? { sku: { in: [...skus] } } : {}), ...(item ? { inventoryItemId: item } : {}) };
  const request = { cursor, direction, take };
  const rows = await db.auditEntry.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: keysetTake(request),
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
  });
  const { rows: entries, nextCursor, previousCursor } = keysetPage(rows, (row) => row.id, request);
  return { entries, nextCursor, previousCursor };
}
