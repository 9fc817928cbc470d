import { retryWhenSqliteBusy } from "~/models/storage/sqlite-busy.server";
import { describeError, retryDelayMs, type CompleteResult, type FailResult, type LeaseRef, type ParkResult } from "../queue.server";
import { MAX_RACE_RETRIES, isUniqueViolation, updateWithLease, type SqliteQueueContext } from "./context.server";

/** How a leased job ends: done, retried, dead, superseded or parked; each a compare-and-swap on its lease. */

export async function completeJob({ db, clock }: SqliteQueueContext, job: LeaseRef): Promise<CompleteResult> {
  const now = clock();
  // Raw for the same reason as enqueue: once per job.
  const done = await retryWhenSqliteBusy(
    () => db.$executeRaw`
      UPDATE "Job" SET "status" = 'done', "finishedAt" = ${now}, "leaseToken" = NULL, "leasedUntil" = NULL, "updatedAt" = ${now}
      WHERE "id" = ${job.id} AND "leaseToken" = ${job.leaseToken} AND "status" = 'running'`,
  );
  return done === 1 ? { kind: "completed" } : { kind: "stale" };
}

export async function failJob(context: SqliteQueueContext, job: LeaseRef, error: unknown, { retryable }: { retryable: boolean }): Promise<FailResult> {
  const now = context.clock();
  const row = await context.db.job.findFirst({
    where: { id: job.id, leaseToken: job.leaseToken, status: "running" },
    select: { key: true, shop: true, queue: true, attempts: true, maxAttempts: true },
  });
  if (!row) return { kind: "stale" };
  const lastError = describeError(error);

  if (!retryable || row.attempts >= row.maxAttempts) {
    const dead = await updateWithLease(context, job, { status: "dead", lastError, finishedAt: now, leaseToken: null, leasedUntil: null });
    return dead ? { kind: "dead", attempts: row.attempts } : { kind: "stale" };
  }
  const runAt = new Date(now.getTime() + retryDelayMs(row.attempts, context.random, context.backoff));
  return scheduleRetry(context, job, { ...row, lastError, runAt, now });
}

/**
 * Back to pending with its key, due after the backoff. The key may be held by a newer pending
 * job queued while this one ran: that job does the same work with fresher data, so this one is
 * closed in its favour.
 */
async function scheduleRetry(
  context: SqliteQueueContext,
  job: LeaseRef,
  retry: { key: string | null; shop: string; queue: string; attempts: number; lastError: string; runAt: Date; now: Date },
): Promise<FailResult> {
  const { key, shop, queue, attempts, lastError, runAt, now } = retry;
  for (let round = 0; round < MAX_RACE_RETRIES; round++) {
    try {
      const retried = await updateWithLease(context, job, { status: "pending", dedupeKey: key, runAt, lastError, leaseToken: null, leasedUntil: null });
      return retried ? { kind: "retrying", runAt, attempts } : { kind: "stale" };
    } catch (caught) {
      if (!isUniqueViolation(caught)) throw caught;
    }
    const newer = await context.db.job.findFirst({ where: { shop, queue, dedupeKey: key, status: "pending" }, select: { id: true } });
    if (!newer) continue; // leased meanwhile: the key is free again
    const closed = await updateWithLease(context, job, { status: "done", lastError, finishedAt: now, leaseToken: null, leasedUntil: null });
    return closed ? { kind: "superseded", by: newer.id } : { kind: "stale" };
  }
  throw new Error(`fail: lost the race for the key of job ${job.id} ${MAX_RACE_RETRIES} times`);
}

export async function parkJob(context: SqliteQueueContext, job: LeaseRef, error: unknown): Promise<ParkResult> {
  const now = context.clock();
  // The key is released while waiting (a webhook for the item queues a fresh job, which the
  // handler parks too) and taken back on resume; the attempt this lease counted is given back.
  const parked = await updateWithLease(context, job, {
    status: "waiting",
    dedupeKey: null,
    lastError: describeError(error),
    attempts: { decrement: 1 },
    leaseToken: null,
    leasedUntil: null,
    updatedAt: now,
  });
  return parked ? { kind: "waiting" } : { kind: "stale" };
}
