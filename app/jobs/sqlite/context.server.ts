import { Prisma, type PrismaClient } from "@prisma/client";
import type { BackoffOptions, LeaseRef } from "../queue.server";

/**
 * What every operation of the embedded queue (docs/decisions/002-queue-in-a-table.md) works
 * with. The adapter builds it once; each operation module takes it as its first argument, so an
 * operation is one function over the `Job` table, as in graphile/worker's `sql/` modules.
 */
export interface SqliteQueueContext {
  db: PrismaClient;
  clock: () => Date;
  /** Uniform in [0, 1); drives retry jitter. */
  random: () => number;
  backoff: BackoffOptions;
  /** Tells same-process listeners (the worker) that jobs are due at `runAt` (default: now). */
  signalDue: (runAt?: Date) => void;
}

/** Attempts to win a race before giving up (each loss means someone else made progress). */
export const MAX_RACE_RETRIES = 5;

/** The row behind a job, as Prisma reads it. */
export type JobRow = Prisma.JobGetPayload<object>;

/**
 * A compare-and-swap on the lease token: true when this caller still held the lease and the
 * update happened, false when the lease expired and someone else took the job meanwhile.
 */
export async function updateWithLease(context: SqliteQueueContext, job: LeaseRef, data: Prisma.JobUpdateManyMutationInput): Promise<boolean> {
  const result = await context.db.job.updateMany({ where: { id: job.id, leaseToken: job.leaseToken, status: "running" }, data });
  return result.count === 1;
}

/** A unique-index violation: here always the `(shop, queue, dedupeKey)` index of pending jobs. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** The stored payload is JSON written by enqueue; a row written by hand may hold plain text. */
export function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
