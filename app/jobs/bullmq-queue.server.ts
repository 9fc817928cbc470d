import type { Redis } from "ioredis";
import { createRedis } from "./redis.server";
import { createBullmqContext } from "./bullmq/context.server";
import { listDeadJobs, retryDeadJob } from "./bullmq/dead-jobs.server";
import { enqueueJob, enqueueJobs } from "./bullmq/enqueue.server";
import { pruneDoneJobs, purgeShopJobs, queueDrained, queueStats } from "./bullmq/housekeeping.server";
import { extendLease, leaseJobs } from "./bullmq/lease.server";
import { completeJob, failJob, parkJob, resumeWaitingJobs } from "./bullmq/settle.server";
import { DEFAULT_BACKOFF, type BackoffOptions, type JobQueue } from "./queue.server";

/**
 * The distributed adapter of the queue port (app/jobs/queue.server.ts) on BullMQ 6 + Redis,
 * for many worker processes (docs/decisions/006-postgres-and-bullmq.md). One BullMQ queue per
 * port queue (`recompute`, `reconcile`, …); workers take jobs through BullMQ's manual API
 * (`Worker.getNextJob` / `moveToCompleted` / `moveToDelayed` / `moveToFailed` / `extendLock`,
 * https://docs.bullmq.io/patterns/manually-fetching-jobs), so the port's lease/complete/fail
 * contract maps one to one and the existing worker (app/jobs/worker.server.ts) runs unchanged.
 *
 * Each queue operation is one function in `app/jobs/bullmq/` (after graphile/worker's
 * one-module-per-operation layout); `createBullmqJobQueue` only assembles them.
 *
 * How the contract is kept:
 * - Lease = BullMQ's job lock; `leaseToken` = the lock token. A call with a stale token fails in
 *   BullMQ's Lua scripts (lock mismatch / not active), which this adapter answers `stale`.
 * - Coalescing and per-shop × item serialisation = BullMQ deduplication with `keepLastIfActive`
 *   (deduplication id = shop + key): while a job with that id is waiting or delayed, an enqueue
 *   merges into it (its data is replaced: latest payload wins); while it is active, the enqueue
 *   is stored and becomes a fresh job only when the active one finishes. So two jobs of one
 *   shop × item are never active at once, on any number of workers, and they run in order.
 * - Retries: `fail` moves the job to `delayed` at now + `retryDelayMs` (full jitter) itself;
 *   dead = BullMQ `failed`, with the error text as `failedReason`. A per-shop sorted set
 *   (`<prefix>:dead:<shop>`) indexes dead jobs for the Sync page (newest first).
 * - Crashed workers: BullMQ's stalled-job check moves a job whose lock expired back to wait;
 *   `attempts` is BullMQ's `attemptsStarted`, so a job whose lease expired on its last attempt
 *   is buried as dead at its next lease, like the SQLite adapter does.
 * Differences to the SQLite adapter, allowed by the port: `enqueueMany` is not atomic (each job
 * is enqueued in order); a failure never answers `superseded` (a newer job for the key waits
 * until this one finishes instead); the clock is Redis's and BullMQ's (`Date.now()`).
 */
export interface BullmqJobQueueOptions {
  /** A connection or a URL (default REDIS_URL). Owned by the caller when passed as a connection. */
  connection?: Redis | string;
  /** Key prefix (default `safestock`); tests use their own. */
  prefix?: string;
  /** Uniform in [0, 1); drives retry jitter. */
  random?: () => number;
  backoff?: BackoffOptions;
  /** How often stalled (crashed) jobs are looked for (default 30 s, BullMQ's default). */
  stalledIntervalMs?: number;
}

export interface BullmqJobQueue extends JobQueue {
  /** Closes BullMQ's queues, workers and, when this adapter opened it, the connection. */
  close(): Promise<void>;
}

export function createBullmqJobQueue(options: BullmqJobQueueOptions = {}): BullmqJobQueue {
  const ownsConnection = typeof options.connection !== "object";
  const connection: Redis = typeof options.connection === "object" ? options.connection : createRedis(options.connection);
  const context = createBullmqContext({
    connection,
    prefix: options.prefix ?? "safestock",
    random: options.random ?? Math.random,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    stalledIntervalMs: options.stalledIntervalMs ?? 30_000,
  });
  return {
    enqueue: (job) => enqueueJob(context, job),
    enqueueMany: (jobs) => enqueueJobs(context, jobs),
    lease: (leaseOptions) => leaseJobs(context, leaseOptions),
    complete: (ref) => completeJob(context, ref),
    fail: (ref, error, failOptions) => failJob(context, ref, error, failOptions),
    park: (ref, error) => parkJob(context, ref, error),
    resumeWaiting: (shop) => resumeWaitingJobs(context, shop),
    extendLease: (ref, ms) => extendLease(context, ref, ms),
    stats: (shop) => queueStats(context, shop),
    listDead: (shop, page) => listDeadJobs(context, shop, page),
    retryDead: (shop, id) => retryDeadJob(context, shop, id),
    purgeShop: (shop) => purgeShopJobs(context, shop),
    pruneDone: (before, shop) => pruneDoneJobs(context, before, shop),
    drained: (shop) => queueDrained(context, shop),
    async close() {
      await context.closeAll();
      if (ownsConnection) await connection.quit().catch(() => connection.disconnect());
    },
  };
}
