import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import { retryWhenSqliteBusy } from "~/models/storage/sqlite-busy.server";
import type { ExtendLeaseResult, LeaseOptions, LeaseRef, LeasedJob } from "../queue.server";
import { parsePayload, updateWithLease, type JobRow, type SqliteQueueContext } from "./context.server";
import { LEASE_HOLDER } from "./lease-holder.server";

export async function leaseJobs(context: SqliteQueueContext, options: LeaseOptions): Promise<LeasedJob[]> {
  if (options.limit <= 0 || (options.queues && options.queues.length === 0)) return [];
  if (!(options.visibilityTimeoutMs > 0)) throw new RangeError("visibilityTimeoutMs must be positive");
  return retryWhenSqliteBusy(() => leaseDue(context, options));
}

/** The heartbeat of a long job: its lease now runs until now + `ms`. */
export async function extendLease(context: SqliteQueueContext, job: LeaseRef, ms: number): Promise<ExtendLeaseResult> {
  const leasedUntil = new Date(context.clock().getTime() + ms);
  return (await updateWithLease(context, job, { leasedUntil })) ? { kind: "extended", leasedUntil } : { kind: "stale" };
}

/**
 * One statement per step, no transaction: better-sqlite3 runs a statement synchronously, so
 * no lock is held across an `await` (Prisma wraps `updateMany` in BEGIN … COMMIT, which would
 * hold the write lock across one, and stall other connections in the same process).
 */
async function leaseDue({ db, clock }: SqliteQueueContext, { queues, limit, visibilityTimeoutMs, shop }: LeaseOptions): Promise<LeasedJob[]> {
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
