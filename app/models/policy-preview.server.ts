import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

export type PreviewSource = "draft" | "rollback";

export async function createPolicyPreview(
  shop: string,
  input: { source: PreviewSource; version: number | null; baseVersion: number | null; document: unknown; total: number; createdBy: string },
  db: PrismaClient = prisma,
) {
  return db.policyPreview.create({
    data: {
      shop,
      source: input.source,
      version: input.version,
      baseVersion: input.baseVersion,
      document: JSON.stringify(input.document),
      total: input.total,
      createdBy: input.createdBy,
    },
  });
}

export async function updatePreviewProgress(id: string, processed: number, db: PrismaClient = prisma) {
  await db.policyPreview.update({ where: { id }, data: { processed } });
}

export async function finishPolicyPreview(
  id: string,
  outcome: { status: "done"; result: unknown } | { status: "failed"; error: string },
  db: PrismaClient = prisma,
) {
  await db.policyPreview.update({
    where: { id },
    data:
      outcome.status === "done"
        ? { status: "done", result: JSON.stringify(outcome.result), finishedAt: new Date() }
        : { status: "failed", error: outcome.error, finishedAt: new Date() },
  });
}

export async function getPolicyPreview(shop: string, id: string, db: PrismaClient = prisma) {
  return db.policyPreview.findFirst({ where: { shop, id } });
}

/** Previews are disposable: keep the last few per shop. */
export async function prunePolicyPreviews(shop: string, keep = 20, db: PrismaClient = prisma) {
  const old = await db.policyPreview.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, skip: keep, select: { id: true } });
  if (old.length > 0) await db.policyPreview.deleteMany({ where: { id: { in: old.map((row) => row.id) } } });
}

/** Marks the preview's backtest as running (again), with no figures yet (docs/decisions/033). */
export async function startPreviewBacktest(shop: string, id: string, db: PrismaClient = prisma): Promise<boolean> {
  const { count } = await db.policyPreview.updateMany({
    where: { shop, id },
    data: { backtestStatus: "running", backtestProcessed: 0, backtestTotal: 0, backtest: null, backtestError: null },
  });
  return count > 0;
}

export async function updateBacktestProgress(id: string, progress: { processed: number; total?: number }, db: PrismaClient = prisma) {
  await db.policyPreview.update({ where: { id }, data: { backtestProcessed: progress.processed, ...(progress.total !== undefined ? { backtestTotal: progress.total } : {}) } });
}

export async function finishPreviewBacktest(
  id: string,
  outcome: { status: "done"; result: unknown } | { status: "failed"; error: string },
  db: PrismaClient = prisma,
) {
  await db.policyPreview.update({
    where: { id },
    data: outcome.status === "done" ? { backtestStatus: "done", backtest: JSON.stringify(outcome.result) } : { backtestStatus: "failed", backtestError: outcome.error },
  });
}
