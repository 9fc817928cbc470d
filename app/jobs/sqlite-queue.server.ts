import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Prisma, type PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { chunk } from "~/domain/inventory-writes";
import { sortableId } from "~/models/bulk-sql.server";
import { retryWhenSqliteBusy } from "~/models/storage/sqlite-busy.server";
import {
  DEFAULT_BACKOFF,
  DEFAULT_MAX_ATTEMPTS,
  JOB_STATUSES,
  describeError,
  retryDelayMs,
  type BackoffOptions,
  type CompleteResult,
  type DeadJob,
  type DeadJobPage,
  type EnqueueResult,
  type ExtendLeaseResult,
  type FailResult,
  type JobQueue,
  type JobStatus,
  type LeaseOptions,
  type LeaseRef,
  type LeasedJob,
  type NewJob,
  type ParkResult,
  type QueueStats,
  type RetryDeadResult,
  type StatusCounts,
} from "./queue.server";

export interface SqliteJobQueueOptions {
  db?: PrismaClient;
  clock?: () => Date;
  /** Uniform in [0, 1); drives retry jitter. */
  random?: () => number;
  backoff?: BackoffOptions;
}

/** Either the client or an interactive transaction's client. */
type Db = Prisma.TransactionClient;

type JobRow = Prisma.JobGetPayload<object>;

/**
 * Who holds a lease, written at the start of its token: `<pid>@<host>#<incarnation>/`. The
 * incarnation is drawn once per process, so a restarted worker that got its old pid back (pid 1
 * in a container) can still tell its previous life's leases from its own.
 */
const INCARNATION = randomUUID().slice(0, 8);
export const LEASE_HOLDER = `${process.pid}@${hostname()}#${INCARNATION}/`;
const HOLDER_RE = /^(\d+)@([^#/]+)#([^/]+)\//;

/**
 * Whether the process that took a lease is gone, as far as this process can know for sure.
 * Reclaimed: a lease taken on this host by a pid that is not alive (ESRCH), or by this pid in a
 * previous incarnation (our pid is ours now, so that holder is dead). Never reclaimed: a lease of
 * a live process (`npm run worker` beside the web process on one database: EPERM also means
 * alive), a lease taken on another host (its pids mean nothing here), a token without a holder
 * (written before holders were recorded). A dead holder's pid reused by an unrelated process
 * reads as alive: that lease just waits out its visibility timeout, as every lease did before.
 * The host name stands for the pid namespace: the SQLite file is local to one machine
 * (app/jobs/queue-factory.server.ts refuses PostgreSQL for this adapter).
 */
export function leaseHolderIsGone(token: string, isAlive: (pid: number) => boolean = processIsAlive): boolean {
  const holder = HOLDER_RE.exec(token);
  if (!holder) return false;
  const [, pidText, host, incarnation] = holder;
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (pid === process.pid) return incarnation !== INCARNATION;
  return !isAlive(pid);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence and permission check only (kill(2))
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Attempts to win a race before giving up (each loss means someone else made progress). */
const MAX_RACE_RETRIES = 5;
const JOBS_PER_INSERT = 100;

/**
 * The embedded adapter: the queue is the `Job` table of the app's own SQLite database.
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
  const db = options.db ?? prisma;
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const dueListeners = new Set<(runAt: Date) => void>();
  /** After the write committed: a listener (the worker) leases in its own turn of the loop. */
  const signalDue = (runAt: Date = clock()) => {
    for (const listener of dueListeners) queueMicrotask(() => listener(runAt));
  };
  const earliest = (jobs: readonly NewJob[], now: Date) => new Date(Math.min(...jobs.map((job) => (job.runAt ?? now).getTime())));

  async function enqueueOne(tx: Db, job: NewJob, now: Date): Promise<EnqueueResult> {
    const key = job.key ?? null;
    const payload = JSON.stringify(job.payload ?? null);
    const runAt = job.runAt ?? now;
    const maxAttempts = job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;

    for (let round = 0; round < MAX_RACE_RETRIES; round++) {
      // Raw SQL: every webhook enqueues, and a typed `create` costs ~1.7 ms of CPU in Prisma's
      // query compiler (bench/README.md). A pending job holding the key makes it a no-op.
      const created = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO "Job" ("id", "shop", "queue", "key", "dedupeKey", "payload", "status", "attempts", "runAt", "maxAttempts", "createdAt", "updatedAt")
        VALUES (${sortableId()}, ${job.shop}, ${job.queue}, ${key}, ${key}, ${payload}, 'pending', 0, ${runAt}, ${maxAttempts}, ${now}, ${now})
        ON CONFLICT ("shop", "queue", "dedupeKey") DO NOTHING
        RETURNING "id"`;
      if (created.length === 1) return { kind: "enqueued", id: created[0].id };
      if (key === null) throw new Error(`enqueue: the job of ${job.shop} in ${job.queue} was not stored`);
      // A pending job holds the key: merge into it, unless it gets leased under our feet
      // (then its key is free and the next round creates a fresh job). Latest payload wins; the
      // earliest runAt wins, except that a job waiting out a retry backoff keeps it (a burst of
      // webhooks must not hammer a throttled shop). One raw statement: a burst merges into
      // pending jobs hundreds of times a second, and a typed read + update cost two trips
      // through Prisma's query compiler (bench/perf-notes.md, "Flash sale in its own process").
      // `runAt` is bound and stored as ISO text, so the comparison orders instants.
      const merged = await tx.$queryRaw<{ id: string }[]>`
        UPDATE "Job"
        SET "payload" = ${payload}, "updatedAt" = ${now},
            "runAt" = CASE WHEN "attempts" = 0 AND ${runAt} < "runAt" THEN ${runAt} ELSE "runAt" END
        WHERE "shop" = ${job.shop} AND "queue" = ${job.queue} AND "dedupeKey" = ${key} AND "status" = 'pending'
        RETURNING "id"`;
      if (merged.length === 1) return { kind: "coalesced", id: merged[0]!.id };
    }
    throw new Error(`enqueue: lost the race for (${job.shop}, ${job.queue}, ${key}) ${MAX_RACE_RETRIES} times`);
  }

  /**
   * One statement per step, no transaction: better-sqlite3 runs a statement synchronously, so
   * no lock is held across an `await` (Prisma wraps `updateMany` in BEGIN … COMMIT, which would
   * hold the write lock across one, and stall other connections in the same process).
   */
  async function leaseDue({ queues, limit, visibilityTimeoutMs, shop }: LeaseOptions): Promise<LeasedJob[]> {
    const now = clock();
    const leasedUntil = new Date(now.getTime() + visibilityTimeoutMs);
    const filters = Prisma.sql`${queues ? Prisma.sql`AND "queue" IN (${Prisma.join(queues)})` : Prisma.empty} ${
      shop ? Prisma.sql`AND "shop" = ${shop}` : Prisma.empty
    }`;

    // A job whose lease ran out on its last attempt crashed every worker that took it (poison
    // job, out of memory) or outran its timeout every time: bury it rather than loop forever.
    await db.$executeRaw`
      UPDATE "Job"
      SET "status" = 'dead', "leaseToken" = NULL, "leasedUntil" = NULL, "finishedAt" = ${now}, "updatedAt" = ${now},
          "lastError" = 'Lease expired on attempt ' || "attempts" || ' of ' || "maxAttempts" || ': the worker crashed or the job outran its visibility timeout'
      WHERE "status" = 'running' AND "leasedUntil" < ${now} AND "attempts" >= "maxAttempts" ${filters}`;

    // Select and claim in one statement: two workers can never claim the same row. The token
    // is fresh per lease (the holder, a random batch id, the job id).
    const batch = `${LEASE_HOLDER}${randomUUID()}`;
    const claimed = await db.$queryRaw<{ id: string; leaseToken: string }[]>`
      UPDATE "Job"
      SET "status" = 'running', "dedupeKey" = NULL, "leaseToken" = ${batch} || ':' || "id",
          "leasedUntil" = ${leasedUntil}, "attempts" = "attempts" + 1, "updatedAt" = ${now}
      WHERE "id" IN (
        SELECT "id" FROM "Job"
        WHERE (("status" = 'pending' AND "runAt" <= ${now}) OR ("status" = 'running' AND "leasedUntil" < ${now})) ${filters}
          -- One shop × item at a time across every worker process: not while a job with the same
          -- key runs under a live lease (app/jobs/queue-contract.ts, "serialises one shop × item").
          AND NOT ("key" IS NOT NULL AND EXISTS (
            SELECT 1 FROM "Job" AS "busy"
            WHERE "busy"."shop" = "Job"."shop" AND "busy"."queue" = "Job"."queue" AND "busy"."key" = "Job"."key"
              AND "busy"."status" = 'running' AND "busy"."leasedUntil" >= ${now} AND "busy"."id" <> "Job"."id"))
        ORDER BY "runAt", "createdAt", "id"
        LIMIT ${limit}
      )
      RETURNING "id", "leaseToken"`;
    if (claimed.length === 0) return [];

    const rows = await db.job.findMany({
      where: { id: { in: claimed.map((row) => row.id) }, leaseToken: { in: claimed.map((row) => row.leaseToken) } },
      orderBy: [{ runAt: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    });
    return rows.map((row) => toLeasedJob(row, row.leaseToken!, leasedUntil));
  }

  async function updateWithLease(job: LeaseRef, data: Prisma.JobUpdateManyMutationInput): Promise<boolean> {
    const result = await db.job.updateMany({ where: { id: job.id, leaseToken: job.leaseToken, status: "running" }, data });
    return result.count === 1;
  }

  const queue: JobQueue = {
    async enqueue(job) {
      validate(job);
      const now = clock();
      const result = await retryWhenSqliteBusy(() => enqueueOne(db, job, now));
      signalDue(job.runAt ?? now);
      return result;
    },

    async enqueueMany(jobs) {
      if (jobs.length === 0) return [];
      jobs.forEach(validate);
      const now = clock();
      // Every row is built (payloads serialised) before the first statement, so a bad job
      // enqueues nothing. No interactive transaction: each statement is atomic on its own, and a
      // Prisma transaction would hold SQLite's write lock across its awaits, while the web
      // process's webhook intake waits for it synchronously in better-sqlite3's busy handler
      // (route p99 229 ms, event-loop stalls of 300 ms in the flash-sale bench). A crash between
      // two statements leaves some jobs enqueued; the caller retries the whole call, and those
      // merge by key.
      const chunks = chunk(jobs, JOBS_PER_INSERT).map((part) => {
        const ids = part.map(() => sortableId());
        const rows = part.map((job, i) => {
          const key = job.key ?? null;
          return Prisma.sql`(${ids[i]!}, ${job.shop}, ${job.queue}, ${key}, ${key}, ${JSON.stringify(job.payload ?? null)}, 'pending', 0, ${job.runAt ?? now}, ${job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS}, ${now}, ${now})`;
        });
        return { part, ids, rows };
      });
      // New keys in one multi-row INSERT per 100 jobs (a webhook batch enqueues every item it
      // touched); a job whose key is held by a pending job merges into it, one at a time.
      const enqueued: EnqueueResult[] = [];
      for (const { part, ids, rows } of chunks) {
        const inserted = await retryWhenSqliteBusy(
          () => db.$queryRaw<{ id: string }[]>`
            INSERT INTO "Job" ("id", "shop", "queue", "key", "dedupeKey", "payload", "status", "attempts", "runAt", "maxAttempts", "createdAt", "updatedAt")
            VALUES ${Prisma.join(rows)}
            ON CONFLICT ("shop", "queue", "dedupeKey") DO NOTHING
            RETURNING "id"`,
        );
        const created = new Set(inserted.map((row) => row.id));
        for (const [i, job] of part.entries()) {
          enqueued.push(created.has(ids[i]!) ? { kind: "enqueued", id: ids[i]! } : await retryWhenSqliteBusy(() => enqueueOne(db, job, now)));
        }
      }
      signalDue(earliest(jobs, now));
      return enqueued;
    },

    async lease(options) {
      if (options.limit <= 0 || (options.queues && options.queues.length === 0)) return [];
      if (!(options.visibilityTimeoutMs > 0)) throw new RangeError("visibilityTimeoutMs must be positive");
      return retryWhenSqliteBusy(() => leaseDue(options));
    },

    async complete(job): Promise<CompleteResult> {
      const now = clock();
      // Raw for the same reason as enqueue: once per job.
      const done = await retryWhenSqliteBusy(
        () => db.$executeRaw`
          UPDATE "Job" SET "status" = 'done', "finishedAt" = ${now}, "leaseToken" = NULL, "leasedUntil" = NULL, "updatedAt" = ${now}
          WHERE "id" = ${job.id} AND "leaseToken" = ${job.leaseToken} AND "status" = 'running'`,
      );
      return done === 1 ? { kind: "completed" } : { kind: "stale" };
    },

    async fail(job, error, { retryable }): Promise<FailResult> {
      const now = clock();
      const row = await db.job.findFirst({
        where: { id: job.id, leaseToken: job.leaseToken, status: "running" },
        select: { key: true, shop: true, queue: true, attempts: true, maxAttempts: true },
      });
      if (!row) return { kind: "stale" };
      const lastError = describeError(error);

      if (!retryable || row.attempts >= row.maxAttempts) {
        const dead = await updateWithLease(job, { status: "dead", lastError, finishedAt: now, leaseToken: null, leasedUntil: null });
        return dead ? { kind: "dead", attempts: row.attempts } : { kind: "stale" };
      }

      const runAt = new Date(now.getTime() + retryDelayMs(row.attempts, random, backoff));
      for (let round = 0; round < MAX_RACE_RETRIES; round++) {
        try {
          const retried = await updateWithLease(job, {
            status: "pending",
            dedupeKey: row.key,
            runAt,
            lastError,
            leaseToken: null,
            leasedUntil: null,
          });
          return retried ? { kind: "retrying", runAt, attempts: row.attempts } : { kind: "stale" };
        } catch (caught) {
          if (!isUniqueViolation(caught)) throw caught;
        }
        // A newer job with this key was queued while we ran; it does the same work with fresher data.
        const newer = await db.job.findFirst({
          where: { shop: row.shop, queue: row.queue, dedupeKey: row.key, status: "pending" },
          select: { id: true },
        });
        if (!newer) continue; // leased meanwhile: the key is free again
        const closed = await updateWithLease(job, { status: "done", lastError, finishedAt: now, leaseToken: null, leasedUntil: null });
        return closed ? { kind: "superseded", by: newer.id } : { kind: "stale" };
      }
      throw new Error(`fail: lost the race for the key of job ${job.id} ${MAX_RACE_RETRIES} times`);
    },

    async park(job, error): Promise<ParkResult> {
      const now = clock();
      // The key is released while waiting (a webhook for the item queues a fresh job, which the
      // handler parks too) and taken back on resume; the attempt this lease counted is given back.
      const parked = await updateWithLease(job, {
        status: "waiting",
        dedupeKey: null,
        lastError: describeError(error),
        attempts: { decrement: 1 },
        leaseToken: null,
        leasedUntil: null,
        updatedAt: now,
      });
      return parked ? { kind: "waiting" } : { kind: "stale" };
    },

    async resumeWaiting(shop) {
      const now = clock();
      const waiting = await db.job.findMany({ where: { shop, status: "waiting" }, select: { id: true, key: true } });
      let resumed = 0;
      for (const row of waiting) {
        try {
          const updated = await db.job.updateMany({
            where: { id: row.id, shop, status: "waiting" },
            data: { status: "pending", dedupeKey: row.key, runAt: now },
          });
          resumed += updated.count;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          // A pending job with this key does the same work: close the waiting one in its favour.
          const closed = await db.job.updateMany({ where: { id: row.id, shop, status: "waiting" }, data: { status: "done", finishedAt: now } });
          resumed += closed.count;
        }
      }
      if (resumed > 0) signalDue();
      return { resumed };
    },

    async reclaimOrphanedLeases() {
      const now = clock();
      // Live leases only: an expired one is due already.
      const running = await db.job.findMany({ where: { status: "running", leasedUntil: { gte: now } }, select: { id: true, leaseToken: true } });
      const orphaned = running.filter((row) => row.leaseToken !== null && leaseHolderIsGone(row.leaseToken));
      let reclaimed = 0;
      for (const row of orphaned) {
        // Expired a millisecond ago, compared on the token: the next lease takes it as any expired
        // lease (an attempt counted, buried if it was the last); were the holder alive after all,
        // its next heartbeat or result would find its token replaced, as after any expiry.
        const expired = await retryWhenSqliteBusy(() =>
          db.job.updateMany({ where: { id: row.id, leaseToken: row.leaseToken, status: "running" }, data: { leasedUntil: new Date(now.getTime() - 1), updatedAt: now } }),
        );
        reclaimed += expired.count;
      }
      if (reclaimed > 0) signalDue(now);
      return { reclaimed };
    },

    async extendLease(job, ms): Promise<ExtendLeaseResult> {
      const leasedUntil = new Date(clock().getTime() + ms);
      return (await updateWithLease(job, { leasedUntil })) ? { kind: "extended", leasedUntil } : { kind: "stale" };
    },

    async stats(shop): Promise<QueueStats> {
      const groups = await db.job.groupBy({
        by: ["queue", "status"],
        where: shop ? { shop } : {},
        _count: { _all: true },
      });
      const stats: QueueStats = { total: 0, byStatus: emptyCounts(), byQueue: {} };
      for (const group of groups) {
        const status = group.status as JobStatus;
        const count = group._count._all;
        stats.total += count;
        stats.byStatus[status] = (stats.byStatus[status] ?? 0) + count;
        const perQueue = (stats.byQueue[group.queue] ??= emptyCounts());
        perQueue[status] = (perQueue[status] ?? 0) + count;
      }
      return stats;
    },

    async listDead(shop, { cursor, take = 25 } = {}): Promise<DeadJobPage> {
      const rows = await db.job.findMany({
        where: { shop, status: "dead" },
        orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
        take: take + 1,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      });
      const hasMore = rows.length > take;
      const page = hasMore ? rows.slice(0, take) : rows;
      return { jobs: page.map(toDeadJob), nextCursor: hasMore ? page[page.length - 1].id : null };
    },

    async retryDead(shop, id): Promise<RetryDeadResult> {
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
        const pending = await db.job.findFirst({
          where: { shop, queue: row.queue, dedupeKey: row.key, status: "pending" },
          select: { id: true },
        });
        if (!pending) continue;
        const closed = await db.job.updateMany({ where: { id, shop, status: "dead" }, data: { status: "done", finishedAt: now } });
        return closed.count === 1 ? { kind: "coalesced", id: pending.id } : { kind: "not-found" };
      }
      throw new Error(`retryDead: lost the race for the key of job ${id} ${MAX_RACE_RETRIES} times`);
    },

    async purgeShop(shop) {
      const { count } = await db.job.deleteMany({ where: { shop } });
      return { deleted: count };
    },

    async pruneDone(before, shop) {
      const { count } = await db.job.deleteMany({ where: { status: "done", finishedAt: { lt: before }, ...(shop ? { shop } : {}) } });
      return { deleted: count };
    },

    async drained(shop) {
      const open = await db.job.count({ where: { status: { in: ["pending", "running"] }, ...(shop ? { shop } : {}) } });
      return open === 0;
    },

    onJobsDue(listener) {
      dueListeners.add(listener);
      return () => dueListeners.delete(listener);
    },
  };
  return queue;
}

export function validate(job: NewJob): void {
  const { maxAttempts } = job;
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  if (job.runAt !== undefined && Number.isNaN(job.runAt.getTime())) throw new RangeError("runAt is an invalid date");
  if (!job.shop || !job.queue) throw new RangeError("shop and queue are required");
}

export function emptyCounts(): StatusCounts {
  return Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as StatusCounts;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toLeasedJob(row: JobRow, leaseToken: string, leasedUntil: Date): LeasedJob {
  return {
    id: row.id,
    shop: row.shop,
    queue: row.queue,
    key: row.key,
    payload: parsePayload(row.payload),
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    runAt: row.runAt,
    createdAt: row.createdAt,
    leaseToken,
    leasedUntil,
  };
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
