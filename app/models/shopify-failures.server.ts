import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { storageOf } from "./storage/index.server";
import { isUniqueViolation } from "./storage/unique-violation";

/**
 * Failed Admin API attempts, counted per shop, kind and minute (issue 22: during a minute of
 * Admin API errors the admin only said "running 4"). Written by the worker's Admin client through
 * the composition root; read by the Sync page and the Overview.
 */
export interface ShopifyFailureInput {
  shop: string;
  kind: string;
  status: number;
  operation: string;
}

const KEEP_MS = 24 * 60 * 60_000;

export async function recordShopifyFailure(failure: ShopifyFailureInput, at: Date = new Date(), db: PrismaClient = prisma) {
  // Each statement is started over on SQLITE_BUSY_SNAPSHOT: Prisma runs an upsert or updateMany as
  // a read then a write, which another process's write can overtake while Shopify is failing for
  // every process at once (the flash-sale bench logged lost failure records; docs/scale-out.md
  // "A worker process on SQLite"). PostgreSQL runs each once.
  const { retryWhenBusy } = storageOf(db);
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  const last = { lastStatus: failure.status, lastOperation: failure.operation.slice(0, 200), lastAt: at };
  const row = await retryWhenBusy(() =>
    upsertRacingCreates(() => db.shopifyFailureCount.upsert({
      where: { shop_kind_minute: { shop: failure.shop, kind: failure.kind, minute } },
      create: { shop: failure.shop, kind: failure.kind, minute, count: 1, ...last },
      update: { count: { increment: 1 }, ...last },
    })),
  );
  // A new minute's first failure clears the shop's rows older than a day: the table stays small.
  if (row.count === 1) await retryWhenBusy(() => db.shopifyFailureCount.deleteMany({ where: { shop: failure.shop, minute: { lt: new Date(at.getTime() - KEEP_MS) } } }));
  await retryWhenBusy(() => markShopifyFailing(failure.shop, at, db));
}

/**
 * The shop is failing again, unless another process already saw Shopify answer after this failure
 * (a report can reach the database late): a recovery is undone only by a later failure.
 */
async function markShopifyFailing(shop: string, at: Date, db: PrismaClient) {
  const failing = { lastFailureAt: at, recoveredAt: null };
  const updated = await db.shopifyCallHealth.updateMany({ where: { shop, OR: [{ recoveredAt: null }, { recoveredAt: { lte: at } }] }, data: failing });
  if (updated.count === 0) await upsertRacingCreates(() => db.shopifyCallHealth.upsert({ where: { shop }, create: { shop, ...failing }, update: {} }));
}

/**
 * An upsert another process may race: Prisma runs it as a read then a create or an update, so when
 * two processes both find no row, one create hits the unique index (P2002, seen on PostgreSQL with
 * the web process and the worker recording failures at once, tests/shopify-failing.test.ts). The
 * row exists then, so the same upsert again takes the update.
 */
async function upsertRacingCreates<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return upsert();
  }
}

/**
 * An Admin API call was answered at `at`: the shop has recovered if it was failing before then.
 * Called for every answered call, so it only reads unless a failure is outstanding (one write per
 * recovery, not per call).
 */
export async function recordShopifyAnswered(shop: string, at: Date = new Date(), db: PrismaClient = prisma) {
  const outstanding = await db.shopifyCallHealth.findFirst({ where: { shop, recoveredAt: null, lastFailureAt: { lte: at } }, select: { shop: true } });
  if (!outstanding) return;
  await storageOf(db).retryWhenBusy(() => db.shopifyCallHealth.updateMany({ where: { shop, recoveredAt: null, lastFailureAt: { lte: at } }, data: { recoveredAt: at } }));
}

/** When the shop's Admin API answered again after its last failure; null while it is failing (or never failed). */
export async function shopifyRecoveredAt(shop: string, db: PrismaClient = prisma): Promise<Date | null> {
  const health = await db.shopifyCallHealth.findUnique({ where: { shop }, select: { recoveredAt: true } });
  return health?.recoveredAt ?? null;
}

export interface ShopifyFailureSummary {
  kind: string;
  count: number;
  lastStatus: number;
  lastOperation: string;
  lastAt: Date;
  /** The minute of the kind's first failure in the window. */
  firstMinute: Date;
}

/** Failures per kind whose minute began at or after `since`, most frequent first. */
export async function shopifyFailuresSince(shop: string, since: Date, db: PrismaClient = prisma): Promise<ShopifyFailureSummary[]> {
  const floor = new Date(Math.floor(since.getTime() / 60_000) * 60_000);
  const rows = await db.shopifyFailureCount.findMany({ where: { shop, minute: { gte: floor } }, orderBy: { lastAt: "asc" } });
  const byKind = new Map<string, ShopifyFailureSummary>();
  for (const row of rows) {
    const entry = byKind.get(row.kind) ?? { kind: row.kind, count: 0, lastStatus: row.lastStatus, lastOperation: row.lastOperation, lastAt: row.lastAt, firstMinute: row.minute };
    entry.count += row.count;
    if (row.minute < entry.firstMinute) entry.firstMinute = row.minute;
    if (row.lastAt >= entry.lastAt) Object.assign(entry, { lastStatus: row.lastStatus, lastOperation: row.lastOperation, lastAt: row.lastAt });
    byKind.set(row.kind, entry);
  }
  return [...byKind.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}
