import { randomUUID } from "node:crypto";
import { Job, type JobsOptions } from "bullmq";
import { DEFAULT_MAX_ATTEMPTS, validateNewJob, type EnqueueResult, type NewJob } from "../queue.server";
import { MAX_RACE_RETRIES, OPEN_STATES, dedupId, portId, runAtOf, type BullmqContext, type JobData } from "./context.server";

/** Not atomic, unlike the embedded adapter: each job is enqueued in order (allowed by the port). */
export async function enqueueJobs(context: BullmqContext, jobs: readonly NewJob[]): Promise<EnqueueResult[]> {
  jobs.forEach(validateNewJob);
  const results: EnqueueResult[] = [];
  for (const job of jobs) results.push(await enqueueJob(context, job));
  return results;
}

/**
 * Coalescing = BullMQ deduplication with `keepLastIfActive` (id = shop + key): while a job with
 * that id is open, the enqueue merges into it; while it is active, BullMQ stores the enqueue and
 * makes it a fresh job when the active one finishes. `keepExisting`: coalescing into an open job
 * keeps that job's (newer) payload (resumed jobs).
 */
export async function enqueueJob(context: BullmqContext, job: NewJob, { keepExisting = false }: { keepExisting?: boolean } = {}): Promise<EnqueueResult> {
  validateNewJob(job);
  await context.connection.sadd(context.queuesKey, job.queue);
  const queue = context.bullQueue(job.queue);
  const key = job.key ?? null;
  const data: JobData = { shop: job.shop, key, payload: job.payload ?? null, maxAttempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS };
  const runAt = job.runAt ?? new Date();

  for (let round = 0; round < MAX_RACE_RETRIES; round++) {
    const id = randomUUID();
    const opts: JobsOptions = {
      jobId: id,
      delay: Math.max(0, runAt.getTime() - Date.now()),
      attempts: 1, // dead on the first moveToFailed: retries are decided by `fail`
      removeOnComplete: false,
      removeOnFail: false,
      ...(key === null ? {} : { deduplication: { id: dedupId(job.shop, key), keepLastIfActive: true } }),
    };
    const added = await queue.add(job.queue, data, opts);
    if (added.id === id) return { kind: "enqueued", id: `${job.queue}/${id}` };

    const existing = await Job.fromId<JobData>(queue, added.id!);
    if (!existing) continue; // finished meanwhile: the key is free again
    const state = await existing.getState();
    if (state === "active") {
      // BullMQ stored this enqueue; it becomes job `id` when the active job finishes.
      return { kind: "enqueued", id: `${job.queue}/${id}` };
    }
    if (!(OPEN_STATES as readonly string[]).includes(state)) continue;
    if (keepExisting) return { kind: "coalesced", id: portId(existing) };
    if (await mergeIntoOpenJob(existing, state, data, runAt)) return { kind: "coalesced", id: portId(existing) };
  }
  throw new Error(`enqueue: lost the race for (${job.shop}, ${job.queue}, ${key}) ${MAX_RACE_RETRIES} times`);
}

/** Latest payload wins; false when the job was leased meanwhile and the enqueue must go again. */
async function mergeIntoOpenJob(existing: Job<JobData>, state: string, data: JobData, runAt: Date): Promise<boolean> {
  await existing.updateData(data);
  // A job still waiting out a retry backoff keeps its time (a burst must not hammer a
  // throttled shop); a fresh one moves earlier when asked.
  if (state === "delayed" && existing.attemptsStarted === 0 && runAt < runAtOf(existing)) {
    await existing.changeDelay(Math.max(0, runAt.getTime() - existing.timestamp)).catch(() => undefined);
  }
  // Leased between the dedup check and the update? Then its run may have read the old
  // payload: enqueue again (it is stored behind the active job).
  const after = await existing.getState();
  return (OPEN_STATES as readonly string[]).includes(after);
}
