import { Prisma } from "@prisma/client";
import { chunk } from "~/domain/inventory-writes";
import { sortableId } from "~/models/bulk-sql.server";
import { retryWhenSqliteBusy } from "~/models/storage/sqlite-busy.server";
import { DEFAULT_MAX_ATTEMPTS, validateNewJob, type EnqueueResult, type NewJob } from "../queue.server";
import { MAX_RACE_RETRIES, type SqliteQueueContext } from "./context.server";

const JOBS_PER_INSERT = 100;

/** Stores one job, or merges it into the pending job holding its key. */
export async function enqueueJob(context: SqliteQueueContext, job: NewJob): Promise<EnqueueResult> {
  validateNewJob(job);
  const now = context.clock();
  const result = await retryWhenSqliteBusy(() => insertOrMergeJob(context, job, now));
  context.signalDue(job.runAt ?? now);
  return result;
}

/**
 * Every row is built (payloads serialised) before the first statement, so a bad job enqueues
 * nothing. No interactive transaction: each statement is atomic on its own, and a Prisma
 * transaction would hold SQLite's write lock across its awaits, while the web process's webhook
 * intake waits for it synchronously in better-sqlite3's busy handler (route p99 229 ms,
 * event-loop stalls of 300 ms in the flash-sale bench). A crash between two statements leaves
 * some jobs enqueued; the caller retries the whole call, and those merge by key.
 */
export async function enqueueJobs(context: SqliteQueueContext, jobs: readonly NewJob[]): Promise<EnqueueResult[]> {
  if (jobs.length === 0) return [];
  jobs.forEach(validateNewJob);
  const now = context.clock();
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
      () => context.db.$queryRaw<{ id: string }[]>`
        INSERT INTO "Job" ("id", "shop", "queue", "key", "dedupeKey", "payload", "status", "attempts", "runAt", "maxAttempts", "createdAt", "updatedAt")
        VALUES ${Prisma.join(rows)}
        ON CONFLICT ("shop", "queue", "dedupeKey") DO NOTHING
        RETURNING "id"`,
    );
    const created = new Set(inserted.map((row) => row.id));
    for (const [i, job] of part.entries()) {
      enqueued.push(created.has(ids[i]!) ? { kind: "enqueued", id: ids[i]! } : await retryWhenSqliteBusy(() => insertOrMergeJob(context, job, now)));
    }
  }
  context.signalDue(earliestRunAt(jobs, now));
  return enqueued;
}

function earliestRunAt(jobs: readonly NewJob[], now: Date): Date {
  return new Date(Math.min(...jobs.map((job) => (job.runAt ?? now).getTime())));
}

async function insertOrMergeJob({ db }: SqliteQueueContext, job: NewJob, now: Date): Promise<EnqueueResult> {
  const key = job.key ?? null;
  const payload = JSON.stringify(job.payload ?? null);
  const runAt = job.runAt ?? now;
  const maxAttempts = job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;

  for (let round = 0; round < MAX_RACE_RETRIES; round++) {
    // Raw SQL: every webhook enqueues, and a typed `create` costs ~1.7 ms of CPU in Prisma's
    // query compiler (bench/README.md). A pending job holding the key makes it a no-op.
    const created = await db.$queryRaw<{ id: string }[]>`
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
    const merged = await db.$queryRaw<{ id: string }[]>`
      UPDATE "Job"
      SET "payload" = ${payload}, "updatedAt" = ${now},
          "runAt" = CASE WHEN "attempts" = 0 AND ${runAt} < "runAt" THEN ${runAt} ELSE "runAt" END
      WHERE "shop" = ${job.shop} AND "queue" = ${job.queue} AND "dedupeKey" = ${key} AND "status" = 'pending'
      RETURNING "id"`;
    if (merged.length === 1) return { kind: "coalesced", id: merged[0]!.id };
  }
  throw new Error(`enqueue: lost the race for (${job.shop}, ${job.queue}, ${key}) ${MAX_RACE_RETRIES} times`);
}
