import { Job, type Queue } from "bullmq";
import type { DeadJob, DeadJobPage, RetryDeadResult } from "../queue.server";
import { MAX_RACE_RETRIES, dedupKey, splitId, type BullmqContext, type JobData } from "./context.server";

/** The merchant's view of jobs that ran out of attempts (BullMQ `failed`), and their "retry". */

export async function listDeadJobs(context: BullmqContext, shop: string, { cursor, take = 25 }: { cursor?: string | null; take?: number } = {}): Promise<DeadJobPage> {
  const members = await context.connection.zrevrange(context.deadKey(shop), 0, -1);
  const start = cursor ? members.indexOf(cursor) + 1 : 0;
  const page: DeadJob[] = [];
  let index = start;
  for (; index < members.length && page.length < take; index++) {
    const [name, id] = splitId(members[index]);
    const job = name ? await Job.fromId<JobData>(context.bullQueue(name), id) : undefined;
    if (!job || job.finishedOn === undefined || !(await job.isFailed())) continue;
    page.push(toDeadJob(job, members[index], shop, name!));
  }
  const nextCursor = index < members.length && page.length === take ? page[page.length - 1].id : null;
  return { jobs: page, nextCursor };
}

function toDeadJob(job: Job<JobData>, id: string, shop: string, queue: string): DeadJob {
  return {
    id,
    shop,
    queue,
    key: job.data.key,
    payload: job.data.payload,
    attempts: job.attemptsStarted,
    maxAttempts: job.data.maxAttempts,
    lastError: job.failedReason ?? null,
    createdAt: new Date(job.timestamp),
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
  };
}

export async function retryDeadJob(context: BullmqContext, shop: string, id: string): Promise<RetryDeadResult> {
  const [name, jobId] = splitId(id);
  if (!name) return { kind: "not-found" };
  const queue = context.bullQueue(name);
  const job = await Job.fromId<JobData>(queue, jobId);
  if (!job || job.data.shop !== shop || !(await job.isFailed())) return { kind: "not-found" };
  await context.connection.zrem(context.deadKey(shop), id);
  if (job.data.key !== null) {
    const holder = await takeShopItemSlot(context, queue, job);
    if (holder !== null) {
      await job.remove();
      return { kind: "coalesced", id: `${name}/${holder}` };
    }
  }
  await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
  return { kind: "retried", id };
}

/**
 * The retried job takes the shop × item slot (its deduplication key) again, unless a newer job
 * holds it: then that job's id, and the dead one is removed in its favour.
 */
async function takeShopItemSlot(context: BullmqContext, queue: Queue, job: Job<JobData>): Promise<string | null> {
  const slot = dedupKey(context, queue.name, job.data.shop, job.data.key!);
  for (let round = 0; round < MAX_RACE_RETRIES; round++) {
    if (await context.connection.set(slot, job.id!, "NX")) return null;
    const holder = await context.connection.get(slot);
    if (holder && (await Job.fromId(queue, holder))) return holder;
    await context.connection.del(slot); // stale: its job is gone
  }
  return null;
}
