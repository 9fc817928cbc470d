import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

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
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  const last = { lastStatus: failure.status, lastOperation: failure.operation.slice(0, 200), lastAt: at };
  const row = await db.shopifyFailureCount.upsert({
    where: { shop_kind_minute: { shop: failure.shop, kind: failure.kind, minute } },
    create: { shop: failure.shop, kind: failure.kind, minute, count: 1, ...last },
    update: { count: { increment: 1 }, ...last },
  });
  // A new minute's first failure clears the shop's rows older than a day: the table stays small.
  if (row.count === 1) await db.shopifyFailureCount.deleteMany({ where: { shop: failure.shop, minute: { lt: new Date(at.getTime() - KEEP_MS) } } });
}

export interface ShopifyFailureSummary {
  kind: string;
  count: number;
  lastStatus: number;
  lastOperation: string;
  lastAt: Date;
}

/** Failures per kind whose minute began at or after `since`, most frequent first. */
export async function shopifyFailuresSince(shop: string, since: Date, db: PrismaClient = prisma): Promise<ShopifyFailureSummary[]> {
  const floor = new Date(Math.floor(since.getTime() / 60_000) * 60_000);
  const rows = await db.shopifyFailureCount.findMany({ where: { shop, minute: { gte: floor } }, orderBy: { lastAt: "asc" } });
  const byKind = new Map<string, ShopifyFailureSummary>();
  for (const row of rows) {
    const entry = byKind.get(row.kind) ?? { kind: row.kind, count: 0, lastStatus: row.lastStatus, lastOperation: row.lastOperation, lastAt: row.lastAt };
    entry.count += row.count;
    if (row.lastAt >= entry.lastAt) Object.assign(entry, { lastStatus: row.lastStatus, lastOperation: row.lastOperation, lastAt: row.lastAt });
    byKind.set(row.kind, entry);
  }
  return [...byKind.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}
