import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { DEFAULT_BACKOFF, type BackoffOptions, type JobQueue } from "./queue.server";
import type { SqliteQueueContext } from "./sqlite/context.server";
import { listDeadJobs, retryDeadJob } from "./sqlite/dead-jobs.server";
import { enqueueJob, enqueueJobs } from "./sqlite/enqueue.server";
import { pruneDoneJobs, purgeShopJobs, queueDrained, queueStats } from "./sqlite/housekeeping.server";
import { extendLease, leaseJobs } from "./sqlite/lease.server";
import { reclaimOrphanedLeases, resumeWaitingJobs } from "./sqlite/recover.server";
import { completeJob, failJob, parkJob } from "./sqlite/settle.server";

export interface SqliteJobQueueOptions {
  db?: PrismaClient;
  clock?: () => Date;
  /** Uniform in [0, 1); drives retry jitter. */
  random?: () => number;
  backoff?: BackoffOptions;
}

/**
 * The embedded adapter: the queue is the `Job` table of the app's own SQLite database
 * (docs/decisions/002-queue-in-a-table.md). Each queue operation is one function over the table
 * in `app/jobs/sqlite/`, after graphile/worker's one-module-per-statement layout; this function
 * only assembles them around one context.
 *
 * Safe with several worker processes on one SQLite file, without a read-then-write race:
 * - leasing selects and claims due jobs in one `UPDATE … WHERE id IN (SELECT … LIMIT n)
 *   RETURNING` statement (SQLite ≥ 3.35; better-sqlite3 bundles 3.49), and SQLite runs one
 *   writer at a time, so two workers never claim the same row;
 * - every other state change is a conditional update (compare-and-swap on status or lease
 *   token) whose affected-row count says whether this caller still owned the job.
 *
 * Dates: the better-sqlite3 adapter binds a `Date` as ISO-8601 text (`…T12:00:00.000+00:00`)
 * in typed and raw queries alike, so raw comparisons against typed writes are plain text
 * comparisons in one format (checked by the boundary tests in sqlite-queue.test.ts). `runAt`
 * and `createdAt` are always written from the injected clock, never from the column's
 * `CURRENT_TIMESTAMP` default, which has another text format.
 */
export function createSqliteJobQueue(options: SqliteJobQueueOptions = {}): JobQueue {
  const clock = options.clock ?? (() => new Date());
  const dueListeners = new Set<(runAt: Date) => void>();
  const context: SqliteQueueContext = {
    db: options.db ?? prisma,
    clock,
    random: options.random ?? Math.random,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    // After the write committed: a listener (the worker) leases in its own turn of the loop.
    signalDue: (runAt = clock()) => {
      for (const listener of dueListeners) queueMicrotask(() => listener(runAt));
    },
  };
  return {
    enqueue: (job) => enqueueJob(context, job),
    enqueueMany: (jobs) => enqueueJobs(context, jobs),
    lease: (leaseOptions) => leaseJobs(context, leaseOptions),
    complete: (job) => completeJob(context, job),
    fail: (job, error, failOptions) => failJob(context, job, error, failOptions),
    park: (job, error) => parkJob(context, job, error),
    resumeWaiting: (shop) => resumeWaitingJobs(context, shop),
    reclaimOrphanedLeases: () => reclaimOrphanedLeases(context),
    extendLease: (job, ms) => extendLease(context, job, ms),
    stats: (shop) => queueStats(context, shop),
    listDead: (shop, page) => listDeadJobs(context, shop, page),
    retryDead: (shop, id) => retryDeadJob(context, shop, id),
    purgeShop: (shop) => purgeShopJobs(context, shop),
    pruneDone: (before, shop) => pruneDoneJobs(context, before, shop),
    drained: (shop) => queueDrained(context, shop),
    onJobsDue(listener) {
      dueListeners.add(listener);
      return () => dueListeners.delete(listener);
    },
  };
}
