import { describeError, retryDelayMs, type CompleteResult, type FailResult, type LeaseRef, type ParkResult } from "../queue.server";
import { asStale, bury, ownedJob, type BullmqContext } from "./context.server";
import { enqueueJob } from "./enqueue.server";

/**
 * How a leased job ends. A call with a stale token fails in BullMQ's Lua scripts (lock mismatch,
 * not active), which is answered `stale`.
 */

export async function completeJob(context: BullmqContext, ref: LeaseRef): Promise<CompleteResult> {
  const owned = await ownedJob(context, ref);
  if (!owned) return { kind: "stale" };
  const ok = await asStale(() => owned.job.moveToCompleted(null, ref.leaseToken, false));
  return ok ? { kind: "completed" } : { kind: "stale" };
}

/**
 * Retries: the job moves to `delayed` at now + `retryDelayMs` (full jitter), decided here, not by
 * BullMQ's own attempts. Never `superseded`: a newer job for the key waits until this one finishes.
 */
export async function failJob(context: BullmqContext, ref: LeaseRef, error: unknown, { retryable }: { retryable: boolean }): Promise<FailResult> {
  const owned = await ownedJob(context, ref);
  if (!owned) return { kind: "stale" };
  const { job } = owned;
  const attempts = job.attemptsStarted;
  if (!retryable || attempts >= job.data.maxAttempts) {
    return (await bury(context, job, ref.leaseToken, describeError(error))) ? { kind: "dead", attempts } : { kind: "stale" };
  }
  const runAt = new Date(Date.now() + retryDelayMs(attempts, context.random, context.backoff));
  const ok = await asStale(() => job.moveToDelayed(runAt.getTime(), ref.leaseToken));
  return ok ? { kind: "retrying", runAt, attempts } : { kind: "stale" };
}

/**
 * Kept outside BullMQ while it waits: the BullMQ job completes, so its deduplication id (the key)
 * is free for a fresh job, as the SQLite adapter releases the key; the attempt is not counted
 * because resuming enqueues a new job.
 */
export async function parkJob(context: BullmqContext, ref: LeaseRef, error: unknown): Promise<ParkResult> {
  const owned = await ownedJob(context, ref);
  if (!owned) return { kind: "stale" };
  const { job } = owned;
  const entry = JSON.stringify({ queue: job.queueName, key: job.data.key, payload: job.data.payload, maxAttempts: job.data.maxAttempts, lastError: describeError(error) });
  await context.connection.rpush(context.waitingKey(job.data.shop), entry);
  const ok = await asStale(() => job.moveToCompleted(null, ref.leaseToken, false));
  if (!ok) {
    await context.connection.lrem(context.waitingKey(job.data.shop), 1, entry);
    return { kind: "stale" };
  }
  return { kind: "waiting" };
}

export async function resumeWaitingJobs(context: BullmqContext, shop: string): Promise<{ resumed: number }> {
  const key = context.waitingKey(shop);
  const [[, entries]] = (await context.connection.multi().lrange(key, 0, -1).del(key).exec()) as [[null, string[]], [null, number]];
  for (const raw of entries) {
    const entry = JSON.parse(raw) as { queue: string; key: string | null; payload: unknown; maxAttempts: number };
    // A pending job with the same key merges it (deduplication), as the SQLite adapter closes it in its favour.
    await enqueueJob(context, { shop, queue: entry.queue, key: entry.key, payload: entry.payload, maxAttempts: entry.maxAttempts }, { keepExisting: true });
  }
  return { resumed: entries.length };
}
