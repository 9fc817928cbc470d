import { emptyStatusCounts, type JobStatus, type QueueStats } from "../queue.server";
import type { SqliteQueueContext } from "./context.server";

/** Counting and deleting: the dashboard's figures, uninstall, and the nightly prune. */

export async function queueStats({ db }: SqliteQueueContext, shop?: string): Promise<QueueStats> {
  const groups = await db.job.groupBy({ by: ["queue", "status"], where: shop ? { shop } : {}, _count: { _all: true } });
  const doneAfterRetry = await db.job.count({ where: { status: "done", attempts: { gt: 1 }, ...(shop ? { shop } : {}) } });
  const stats: QueueStats = { total: 0, byStatus: emptyStatusCounts(), byQueue: {}, doneAfterRetry };
  for (const group of groups) {
    const status = group.status as JobStatus;
    const count = group._count._all;
    stats.total += count;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + count;
    const perQueue = (stats.byQueue[group.queue] ??= emptyStatusCounts());
    perQueue[status] = (perQueue[status] ?? 0) + count;
  }
  return stats;
}

export async function purgeShopJobs({ db }: SqliteQueueContext, shop: string): Promise<{ deleted: number }> {
  const { count } = await db.job.deleteMany({ where: { shop } });
  return { deleted: count };
}

export async function pruneDoneJobs({ db }: SqliteQueueContext, before: Date, shop?: string): Promise<{ deleted: number }> {
  const { count } = await db.job.deleteMany({ where: { status: "done", finishedAt: { lt: before }, ...(shop ? { shop } : {}) } });
  return { deleted: count };
}

export async function queueDrained({ db }: SqliteQueueContext, shop?: string): Promise<boolean> {
  const open = await db.job.count({ where: { status: { in: ["pending", "running"] }, ...(shop ? { shop } : {}) } });
  return open === 0;
}
