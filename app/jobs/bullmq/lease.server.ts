import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import type { ExtendLeaseResult, LeaseOptions, LeaseRef, LeasedJob } from "../queue.server";
import { bury, knownQueues, ownedJob, portId, runAtOf, type BullmqContext, type JobData } from "./context.server";

/** A job taken by `getNextJob` for another shop than asked: it goes back untouched. */
interface ForeignLease {
  job: Job<JobData>;
  token: string;
}

/**
 * Lease = BullMQ's job lock, taken through the manual API (`Worker.getNextJob`,
 * https://docs.bullmq.io/patterns/manually-fetching-jobs); `leaseToken` = the lock token.
 */
export async function leaseJobs(context: BullmqContext, { queues: names, limit, visibilityTimeoutMs, shop }: LeaseOptions): Promise<LeasedJob[]> {
  if (limit <= 0 || (names && names.length === 0)) return [];
  if (!(visibilityTimeoutMs > 0)) throw new RangeError("visibilityTimeoutMs must be positive");
  const leased: LeasedJob[] = [];
  const otherShops: ForeignLease[] = [];
  for (const name of names ?? (await knownQueues(context))) {
    await sweepStalledJobs(context, name);
    await leaseFromQueue(context, name, { limit, visibilityTimeoutMs, shop }, leased, otherShops);
    if (leased.length >= limit) break;
  }
  await giveBack(context, otherShops);
  return leased;
}

async function leaseFromQueue(
  context: BullmqContext,
  name: string,
  { limit, visibilityTimeoutMs, shop }: Omit<LeaseOptions, "queues">,
  leased: LeasedJob[],
  otherShops: ForeignLease[],
): Promise<void> {
  const worker = context.bullWorker(name);
  while (leased.length < limit) {
    // The pid first: the lock's value then says which process holds a job (an operator
    // looking at a stuck job; the cluster test kills a worker that holds one).
    const token = `${process.pid}:${randomUUID()}`;
    const job = (await worker.getNextJob(token, { block: false })) as Job<JobData> | undefined;
    if (!job) return;
    if (shop && job.data.shop !== shop) {
      otherShops.push({ job, token });
      continue;
    }
    if (job.attemptsStarted > job.data.maxAttempts) {
      // Its lease ran out on its last attempt: it crashed every worker that took it.
      await bury(
        context,
        job,
        token,
        `Lease expired on attempt ${job.attemptsStarted - 1} of ${job.data.maxAttempts}: the worker crashed or the job outran its visibility timeout`,
      );
      continue;
    }
    await job.extendLock(token, visibilityTimeoutMs);
    leased.push(toLeasedJob(job, name, token, visibilityTimeoutMs));
  }
}

/** Another shop's jobs go back to the head of their queue, their start uncounted ("ats" is BullMQ's attemptsStarted field). */
async function giveBack({ connection }: BullmqContext, otherShops: ForeignLease[]): Promise<void> {
  for (const { job, token } of otherShops.reverse()) {
    await job.moveToWait(token);
    await connection.hincrby(`${job.queueQualifiedName}:${job.id}`, "ats", -1);
  }
}

/**
 * Crashed workers: BullMQ's stalled-job check moves a job whose lock expired back to wait, at
 * most once per interval per queue from this process.
 */
async function sweepStalledJobs(context: BullmqContext, name: string): Promise<void> {
  const last = context.lastStalledCheck.get(name) ?? 0;
  if (Date.now() - last < context.stalledIntervalMs) return;
  context.lastStalledCheck.set(name, Date.now());
  // BullMQ guards the sweep with its own key (`stalled-check`, one sweep per interval across
  // the cluster); the method is internal to the Worker class, hence the index access.
  await (context.bullWorker(name) as unknown as { moveStalledJobsToWait(): Promise<void> }).moveStalledJobsToWait();
}

function toLeasedJob(job: Job<JobData>, queue: string, leaseToken: string, visibilityTimeoutMs: number): LeasedJob {
  return {
    id: portId(job),
    shop: job.data.shop,
    queue,
    key: job.data.key,
    payload: job.data.payload,
    attempts: job.attemptsStarted,
    maxAttempts: job.data.maxAttempts,
    runAt: runAtOf(job),
    createdAt: new Date(job.timestamp),
    leaseToken,
    leasedUntil: new Date(Date.now() + visibilityTimeoutMs),
  };
}

/** The heartbeat of a long job: BullMQ's lock now runs until now + `ms`. */
export async function extendLease(context: BullmqContext, ref: LeaseRef, ms: number): Promise<ExtendLeaseResult> {
  const owned = await ownedJob(context, ref);
  if (!owned) return { kind: "stale" };
  const extended = await owned.job.extendLock(ref.leaseToken, ms).catch(() => 0);
  return extended ? { kind: "extended", leasedUntil: new Date(Date.now() + ms) } : { kind: "stale" };
}
