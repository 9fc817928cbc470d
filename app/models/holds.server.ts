import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

export interface NewHold {
  holder: string;
  /** The checkout's random hold key (docs/decisions/019); null for customer holds. */
  holdKey?: string | null;
  channel: string;
  inventoryItemId: string;
  variantId: string;
  sku: string;
  units: number;
  expiresAt: Date;
  /** The buyer's checkout session that placed a cart hold (null for customer holds). */
  session?: string | null;
}

/** Holds by *other* holders on the same channel that are still running: units a new hold cannot take. */
export async function unitsHeldByOthers(shop: string, input: { holder: string; channel: string; inventoryItemId: string; now: Date }, db: PrismaClient = prisma) {
  const result = await db.cartHold.aggregate({
    where: {
      shop,
      channel: input.channel,
      inventoryItemId: input.inventoryItemId,
      status: "active",
      expiresAt: { gt: input.now },
      holder: { not: input.holder },
    },
    _sum: { units: true },
  });
  return result._sum.units ?? 0;
}

/** The hold key of a checkout's running holds, if it has any. */
export async function runningHoldKey(shop: string, holder: string, now: Date, db: PrismaClient = prisma): Promise<string | null> {
  const hold = await db.cartHold.findFirst({
    where: { shop, holder, status: "active", expiresAt: { gt: now }, holdKey: { not: null } },
    select: { holdKey: true },
  });
  return hold?.holdKey ?? null;
}

/**
 * A checkout's new hold, stored `pending`: it keeps its place in line but counts nowhere (not in
 * other checkouts' numbers, not in what is published) until `admitHold`. The checkout's previous
 * hold on the variant keeps counting meanwhile, so a quantity change never leaves the units
 * unheld for a moment.
 */
export async function placePendingHold(shop: string, hold: NewHold, db: PrismaClient = prisma) {
  return db.cartHold.create({ data: { shop, ...hold, status: "pending" } });
}

/**
 * A pending hold is admitted (starts counting, and replaces the checkout's previous hold on the
 * variant) only if it fits after the holds other checkouts already have. Two checkouts racing for
 * the last units are admitted one after the other: the transaction first writes the item's
 * ChannelState row, which takes its row lock on PostgreSQL and the database's write lock on SQLite,
 * so the second admission counts the first one's units. Ordering by the rows' times was not enough:
 * a time is taken before the row is visible, so each of two checkouts could see itself first
 * (CI, PostgreSQL, 2026-12-06).
 */
export async function admitHold(
  shop: string,
  hold: { id: string; holder: string; variantId: string; channel: string; inventoryItemId: string; now: Date },
  fits: (heldByOthers: number) => boolean,
  db: PrismaClient = prisma,
): Promise<{ admitted: true } | { admitted: false; heldByOthers: number }> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`UPDATE "ChannelState" SET "available" = "available" WHERE "shop" = ${shop} AND "inventoryItemId" = ${hold.inventoryItemId} AND "channel" = ${hold.channel}`;
    const heldByOthers = await unitsHeldByOthers(shop, hold, tx as PrismaClient);
    if (!fits(heldByOthers)) return { admitted: false, heldByOthers };
    const { count } = await tx.cartHold.updateMany({ where: { shop, id: hold.id, status: "pending" }, data: { status: "active" } });
    if (count !== 1) return { admitted: false, heldByOthers };
    await tx.cartHold.updateMany({
      where: { shop, holder: hold.holder, variantId: hold.variantId, status: { in: ["pending", "active"] }, id: { not: hold.id } },
      data: { status: "released" },
    });
    return { admitted: true };
  });
}

/** A pending hold that lost its place: withdrawn, the checkout's previous hold untouched. */
export async function withdrawHold(shop: string, id: string, db: PrismaClient = prisma) {
  await db.cartHold.updateMany({ where: { shop, id, status: "pending" }, data: { status: "released" } });
}

async function closeHolds(shop: string, where: object, status: "released" | "converted" | "expired", db: PrismaClient) {
  const running = { in: ["pending", "active"] };
  const holds = await db.cartHold.findMany({ where: { shop, status: running, ...where }, select: { id: true, inventoryItemId: true } });
  if (holds.length === 0) return [];
  await db.cartHold.updateMany({ where: { id: { in: holds.map((hold) => hold.id) }, status: running }, data: { status } });
  return [...new Set(holds.map((hold) => hold.inventoryItemId))];
}

/** Returns the inventory items whose holds ended, to recompute. */
export function releaseHolds(shop: string, holder: string, variantIds?: string[], db: PrismaClient = prisma) {
  return closeHolds(shop, { holder, ...(variantIds ? { variantId: { in: variantIds } } : {}) }, "released", db);
}

/** The holds of a checkout whose order arrived: by its checkout token, or by the hold key its cart carried. */
export function convertHolds(shop: string, order: { holder: string | null; holdKey: string | null }, db: PrismaClient = prisma) {
  const matches = [...(order.holder ? [{ holder: order.holder }] : []), ...(order.holdKey ? [{ holdKey: order.holdKey }] : [])];
  if (matches.length === 0) return Promise.resolve([]);
  return closeHolds(shop, { OR: matches }, "converted", db);
}

/** The holds a checkout's hold key names (the key proves the caller is that checkout). */
export function releaseHoldsByKey(shop: string, holder: string, holdKey: string, variantIds?: string[], db: PrismaClient = prisma) {
  return closeHolds(shop, { holder, holdKey, ...(variantIds ? { variantId: { in: variantIds } } : {}) }, "released", db);
}

/** A session's running holds under any checkout token but `holder`: one running cart per session (issue 22). */
export function releaseOtherCartsOfSession(shop: string, session: string, holder: string, db: PrismaClient = prisma) {
  return closeHolds(shop, { session, holder: { not: holder } }, "released", db);
}

/** The checkout's running hold on a variant, for a re-post that changes nothing. */
export async function runningHoldOn(shop: string, input: { holder: string; holdKey: string; variantId: string; now: Date }, db: PrismaClient = prisma) {
  return db.cartHold.findFirst({
    where: { shop, holder: input.holder, holdKey: input.holdKey, variantId: input.variantId, status: "active", expiresAt: { gt: input.now } },
    select: { inventoryItemId: true, units: true, expiresAt: true },
  });
}

/** Released and expired cart holds closed before `before` are deleted: rows do not pile up (issue 22). */
export async function deleteClosedHolds(shop: string, before: Date, db: PrismaClient = prisma) {
  const { count } = await db.cartHold.deleteMany({ where: { shop, status: { in: ["released", "expired"] }, updatedAt: { lt: before } } });
  return count;
}

/** A checkout's holds on variants its cart no longer has. */
export function releaseHoldsExcept(shop: string, holder: string, keepVariantIds: string[], db: PrismaClient = prisma) {
  return closeHolds(shop, { holder, variantId: { notIn: keepVariantIds } }, "released", db);
}

export function expireHolds(shop: string, now: Date, db: PrismaClient = prisma) {
  return closeHolds(shop, { expiresAt: { lte: now } }, "expired", db);
}

export async function activeHoldsForItems(shop: string, inventoryItemIds: string[], now: Date, db: PrismaClient = prisma) {
  return db.cartHold.findMany({
    where: { shop, inventoryItemId: { in: inventoryItemIds }, status: "active", expiresAt: { gt: now } },
    select: { sku: true, channel: true, units: true, expiresAt: true, inventoryItemId: true, holdKey: true, createdAt: true },
  });
}

/** The shop's running holds, soonest to expire first (the Holds page). */
export async function activeHoldsOfShop(shop: string, now: Date, take: number, db: PrismaClient = prisma) {
  return db.cartHold.findMany({ where: { shop, status: "active", expiresAt: { gt: now } }, orderBy: { expiresAt: "asc" }, take });
}

/** A running hold by id. */
export async function activeHold(shop: string, id: string, db: PrismaClient = prisma) {
  return db.cartHold.findFirst({ where: { shop, id, status: "active" } });
}

/** A hold the merchant placed by hand: running at once (no checkout to confirm it). */
export async function placeCustomerHold(
  shop: string,
  hold: { holder: string; channel: string; inventoryItemId: string; variantId: string; sku: string; units: number; expiresAt: Date; location: string; note: string | null },
  db: PrismaClient = prisma,
) {
  return db.cartHold.create({ data: { shop, ...hold } });
}

/** A checkout's running hold on a variant ends earlier: a bundle's component holds end together (docs/decisions/034 "Holds"). */
export async function shortenCartHold(shop: string, hold: { holder: string; holdKey: string; variantId: string; expiresAt: Date }, db: PrismaClient = prisma) {
  await db.cartHold.updateMany({
    where: { shop, holder: hold.holder, holdKey: hold.holdKey, variantId: hold.variantId, status: "active", expiresAt: { gt: hold.expiresAt } },
    data: { expiresAt: hold.expiresAt },
  });
}

export async function extendHold(shop: string, id: string, expiresAt: Date, db: PrismaClient = prisma) {
  await db.cartHold.updateMany({ where: { shop, id }, data: { expiresAt } });
}

export async function releaseHold(shop: string, id: string, db: PrismaClient = prisma) {
  await db.cartHold.updateMany({ where: { shop, id }, data: { status: "released" } });
}

/** Whether any checkout has held units (holds from the checkout block carry a key): the block is placed and reaches the app. */
export async function checkoutHoldsSeen(shop: string, db: PrismaClient = prisma): Promise<boolean> {
  return (await db.cartHold.count({ where: { shop, holdKey: { not: null } }, take: 1 })) > 0;
}
