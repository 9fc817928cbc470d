import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

export async function startReconciliationReport(shop: string, trigger: string, db: PrismaClient = prisma) {
  const row = await db.reconciliationReport.create({ data: { shop, trigger }, select: { id: true } });
  return row.id;
}

export async function finishReconciliationReport(
  id: string,
  result: { levelsChecked: number; drifted: number; fixed: number; firstPublished: number; failed: number; causes: Record<string, number>; error?: string | null },
  at: Date,
  db: PrismaClient = prisma,
) {
  await db.reconciliationReport.update({
    where: { id },
    data: {
      status: result.error ? "failed" : "done",
      finishedAt: at,
      levelsChecked: result.levelsChecked,
      drifted: result.drifted,
      fixed: result.fixed,
      firstPublished: result.firstPublished,
      failed: result.failed,
      causes: JSON.stringify(result.causes),
      error: result.error ?? null,
    },
  });
}

export async function listReconciliationReports(shop: string, take = 20, db: PrismaClient = prisma) {
  const rows = await db.reconciliationReport.findMany({ where: { shop }, orderBy: { startedAt: "desc" }, take });
  return rows.map((row) => ({ ...row, causes: JSON.parse(row.causes) as Record<string, number> }));
}
