import type { DeadJob, DeadJobPage, RetryDeadResult } from "../queue.server";
import { MAX_RACE_RETRIES, isUniqueViolation, parsePayload, type JobRow, type SqliteQueueContext } from "./context.server";

/** The merchant's view of jobs that ran out of attempts, and their "retry". */

export async function listDeadJobs({ db }: SqliteQueueContext, shop: string, { cursor, take = 25 }: { cursor?: string | null; take?: number } = {}): Promise<DeadJobPage> {
  const rows = await db.job.findMany({
    where: { shop, status: "dead" },
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    take: take + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
  });
  const hasMore = rows.length > take;
  const page = hasMore ? rows.slice(0, take) : rows;
  return { jobs: page.map(toDeadJob), nextCursor: hasMore ? page[page.length - 1].id : null };
}

export async function retryDeadJob({ db, clock, signalDue }: SqliteQueueContext, shop: string, id: string): Promise<RetryDeadResult> {
  const now = clock();
  const row = await db.job.findFirst({ where: { id, shop, status: "dead" }, select: { key: true, queue: true } });
  if (!row) return { kind: "not-found" };
  for (let round = 0; round < MAX_RACE_RETRIES; round++) {
    try {
      const retried = await db.job.updateMany({
        where: { id, shop, status: "dead" },
        data: { status: "pending", dedupeKey: row.key, attempts: 0, runAt: now, finishedAt: null },
      });
      if (retried.count === 1) signalDue();
      return retried.count === 1 ? { kind: "retried", id } : { kind: "not-found" };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // A pending job holds the key: it does the same work, so the dead one is closed in its favour.
    const pending = await db.job.findFirst({ where: { shop, queue: row.queue, dedupeKey: row.key, status: "pending" }, select: { id: true } });
    if (!pending) continue;
    const closed = await db.job.updateMany({ where: { id, shop, status: "dead" }, data: { status: "done", finishedAt: now } });
    return closed.count === 1 ? { kind: "coalesced", id: pending.id } : { kind: "not-found" };
  }
  throw new Error(`retryDead: lost the race for the key of job ${id} ${MAX_RACE_RETRIES} times`);
}

function toDeadJob(row: JobRow): DeadJob {
  return {
    id: row.id,
    shop: row.shop,
    queue: row.queue,
    key: row.key,
    payload: parsePayload(row.payload),
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}
