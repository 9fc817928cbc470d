import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

/** `itemsTotal`: the catalog items Safestock knows when the run starts, what "checked N of M" counts towards. */
export async function startReconciliationReport(shop: string, trigger: string, itemsTotal: number | null = null, db: PrismaClient = prisma) {
  const row = await db.reconciliationReport.create({ data: { shop, trigger, itemsTotal }, select: { id: true } });
  return row.id;
}

/** A report's counts (what each means: `ReconcileTotals`, app/services/reconcile.server.ts). */
export interface ReconciliationCounts {
  levelsChecked: number;
  drifted: number;
  fixed: number;
  firstPublished: number;
  failed: number;
  /** Found different, by cause; refused writes by Shopify's code ("refused CODE"). */
  causes: Record<string, number>;
}

const countsData = (counts: ReconciliationCounts) => ({
  levelsChecked: counts.levelsChecked,
  drifted: counts.drifted,
  fixed: counts.fixed,
  firstPublished: counts.firstPublished,
  failed: counts.failed,
  causes: JSON.stringify(counts.causes),
});

/** A running report's progress: items checked with the counts so far, or the bulk read's records so far. */
export async function recordReconciliationProgress(
  id: string,
  progress: { itemsChecked: number; counts: ReconciliationCounts } | { recordsRead: number },
  at: Date,
  db: PrismaClient = prisma,
) {
  const data = "recordsRead" in progress ? { recordsRead: progress.recordsRead } : { itemsChecked: progress.itemsChecked, ...countsData(progress.counts) };
  // Only while running: a late note must not touch a finished report.
  await db.reconciliationReport.updateMany({ where: { id, status: "running" }, data: { ...data, progressAt: at } });
}

export async function finishReconciliationReport(id: string, result: ReconciliationCounts & { error?: string | null }, at: Date, db: PrismaClient = prisma) {
  await db.reconciliationReport.update({
    where: { id },
    data: { status: result.error ? "failed" : "done", finishedAt: at, ...countsData(result), error: result.error ?? null },
  });
}

export async function listReconciliationReports(shop: string, take = 20, db: PrismaClient = prisma) {
  const rows = await db.reconciliationReport.findMany({ where: { shop }, orderBy: { startedAt: "desc" }, take });
  return rows.map((row) => ({ ...row, causes: JSON.parse(row.causes) as Record<string, number> }));
}
