import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

export async function ensureShopInstalled(shop: string, db: PrismaClient = prisma) {
  return db.shopInstallation.upsert({
    where: { shop },
    create: { shop },
    update: { status: "active", uninstalledAt: null },
  });
}

export async function getShopInstallation(shop: string, db: PrismaClient = prisma) {
  return db.shopInstallation.findUnique({ where: { shop } });
}

/** Shopify's `Shop.ianaTimezone`, kept for the pages' times. */
export async function setShopTimeZone(shop: string, ianaTimezone: string, db: PrismaClient = prisma) {
  await db.shopInstallation.updateMany({ where: { shop }, data: { ianaTimezone } });
}

/** The zone the pages show this shop's times in: its own once read from Shopify, UTC before. */
export function timeZoneOf(installation: { ianaTimezone: string | null } | null | undefined): string {
  return installation?.ianaTimezone ?? "UTC";
}

export async function shopTimeZone(shop: string, db: PrismaClient = prisma): Promise<string> {
  return timeZoneOf(await db.shopInstallation.findUnique({ where: { shop }, select: { ianaTimezone: true } }));
}

export async function markShopUninstalled(shop: string, at: Date, db: PrismaClient = prisma) {
  await db.shopInstallation.updateMany({ where: { shop }, data: { status: "uninstalled", uninstalledAt: at } });
}

export async function listActiveShops(db: PrismaClient = prisma) {
  const rows = await db.shopInstallation.findMany({ where: { status: "active" }, select: { shop: true } });
  return rows.map((row) => row.shop);
}

export async function setInitialSyncStatus(
  shop: string,
  status: "idle" | "running" | "done" | "failed",
  note: string | null,
  db: PrismaClient = prisma,
) {
  await db.shopInstallation.update({ where: { shop }, data: { initialSync: status, initialSyncNote: note } });
}

export async function setShopFrozen(shop: string, frozen: { since: Date; reason: string } | null, db: PrismaClient = prisma) {
  await db.shopInstallation.update({
    where: { shop },
    data: frozen ? { frozenSince: frozen.since, frozenReason: frozen.reason } : { frozenSince: null, frozenReason: null },
  });
}

export async function touchShopSync(shop: string, field: "lastSyncAt" | "lastReconcileAt", at: Date, db: PrismaClient = prisma) {
  await db.shopInstallation.update({ where: { shop }, data: { [field]: at } });
}

/** Shopify answered 401 to the stored offline token: the shop's jobs wait until access is back. */
export async function markShopAccessLost(shop: string, at: Date, reason: string, db: PrismaClient = prisma) {
  // Keep the first time access was lost: later 401s of jobs still in flight say nothing new.
  await db.shopInstallation.updateMany({ where: { shop, accessLostAt: null }, data: { accessLostAt: at, accessLostReason: reason } });
}

export async function markShopAccessRestored(shop: string, at: Date, jobsResumed: number, db: PrismaClient = prisma) {
  await db.shopInstallation.updateMany({
    where: { shop },
    data: { accessLostAt: null, accessLostReason: null, accessRestoredAt: at, jobsResumed },
  });
}

/** A reinstalled shop starts without the previous installation's access notes (lost or restored). */
export async function clearShopAccessNotes(shop: string, db: PrismaClient = prisma) {
  await db.shopInstallation.updateMany({ where: { shop }, data: { accessLostAt: null, accessLostReason: null, accessRestoredAt: null, jobsResumed: null } });
}

/** The shop's stored sessions (its tokens): Shopify revoked them on uninstall. */
export async function deleteShopSessions(shop: string, db: PrismaClient = prisma) {
  await db.session.deleteMany({ where: { shop } });
}

/**
 * The scopes the shop granted, on its offline session (app/scopes_update), applied only when
 * `changedAt` is newer than the last update applied: one conditional write claims the newer time,
 * in the same transaction as the session's scope, so an older update arriving later (a replay, or
 * Shopify's out-of-order delivery) changes nothing. `applied: false` with the time in force.
 */
export async function applyScopesIfNewer(
  shop: string,
  scope: string,
  changedAt: Date,
  db: PrismaClient = prisma,
): Promise<{ applied: true } | { applied: false; inForceSince: Date | null; installed: boolean }> {
  return db.$transaction(async (tx) => {
    const claimed = await tx.shopInstallation.updateMany({
      where: { shop, OR: [{ scopesUpdatedAt: null }, { scopesUpdatedAt: { lt: changedAt } }] },
      data: { scopesUpdatedAt: changedAt },
    });
    if (claimed.count === 0) {
      const installation = await tx.shopInstallation.findUnique({ where: { shop }, select: { scopesUpdatedAt: true } });
      return { applied: false as const, inForceSince: installation?.scopesUpdatedAt ?? null, installed: installation !== null };
    }
    await tx.session.updateMany({ where: { shop, isOnline: false }, data: { scope } });
    return { applied: true as const };
  });
}
