import { randomUUID } from "node:crypto";
import { Job, Queue, Worker as BullWorker, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import {
  DEFAULT_BACKOFF,
  DEFAULT_MAX_ATTEMPTS,
  describeError,
  emptyStatusCounts,
  validateNewJob,
  retryDelayMs,
  type BackoffOptions,
  type DeadJob,
  type EnqueueResult,
  type JobQueue,
  type JobStatus,
  type LeaseRef,
  type LeasedJob,
  type NewJob,
  type QueueStats,
} from "./queue.server";
import { createRedis } from "./redis.server";

/**
 * The distributed adapter of the queue port (app/jobs/queue.server.ts) on BullMQ 6 + Redis,
 * for many worker processes (docs/decisions/006-postgres-and-bullmq.md). One BullMQ queue per
 * port queue (`recompute`, `reconcile`, …); workers take jobs through BullMQ's manual API
 * (`Worker.getNextJob` / `moveToCompleted` / `moveToDelayed` / `moveToFailed` / `extendLock`,
 * https://docs.bullmq.io/patterns/manually-fetching-jobs), so the port's lease/complete/fail
 * contract maps one to one and the existing worker (app/jobs/worker.server.ts) runs unchanged.
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

interface JobData {
  shop: string;
  key: string | null;
  payload: unknown;
  maxAttempts: number;
}

const OPEN_STATES = ["waiting", "delayed", "prioritized", "waiting-children"] as const;
const MAX_RACE_RETRIES = 5;

export function createBullmqJobQueue(options: BullmqJobQueueOptions = {}): BullmqJobQueue {
  const ownsConnection = typeof options.connection !== "object";
  const connection: Redis =
    typeof options.connection === "object" ? options.connection : createRedis(options.connection);
  const prefix = options.prefix ?? "safestock";
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const stalledIntervalMs = options.stalledIntervalMs ?? 30_000;
  const queuesKey = `${prefix}:queues`;
  const deadKey = (shop: string) => `${prefix}:dead:${shop}`;
  /** Jobs parked until the shop's access is restored (queue.server.ts "Waiting"): a list of JSON entries. */
  const waitingKey = (shop: string) => `${prefix}:waiting:${shop}`;

  const queues = new Map<string, Queue>();
  const workers = new Map<string, BullWorker>();
  const lastStalledCheck = new Map<string, number>();

  function bullQueue(name: string): Queue {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, prefix });
      queues.set(name, queue);
    }
    return queue;
  }

  function bullWorker(name: string): BullWorker {
    let worker = workers.get(name);
    if (!worker) {
      // No processor, no autorun: jobs are fetched by `lease`. The stalled check runs from `lease`.
      worker = new BullWorker(name, null, {
        connection,
        prefix,
        autorun: false,
        skipStalledCheck: true,
        stalledInterval: stalledIntervalMs,
        // Attempts are counted and capped here, not by BullMQ's stalled counter.
        maxStalledCount: Number.MAX_SAFE_INTEGER,
      });
      workers.set(name, worker);
    }
    return worker;
  }

  function dedupId(shop: string, key: string): string {
    return `${shop}|${key}`;
  }

  function dedupKey(queueName: string, shop: string, key: string): string {
    return `${bullQueue(queueName).keys.de}:${dedupId(shop, key)}`;
  }

  async function knownQueues(): Promise<string[]> {
    return (await connection.smembers(queuesKey)).sort();
  }

  function runAtOf(job: Job): Date {
    return new Date(job.timestamp + (job.delay ?? 0));
  }

  async function stalledCheck(name: string): Promise<void> {
    const last = lastStalledCheck.get(name) ?? 0;
    if (Date.now() - last < stalledIntervalMs) return;
    lastStalledCheck.set(name, Date.now());
    // BullMQ guards the sweep with its own key (`stalled-check`, one sweep per interval across
    // the cluster); the method is internal to the Worker class, hence the index access.
    await (bullWorker(name) as unknown as { moveStalledJobsToWait(): Promise<void> }).moveStalledJobsToWait();
  }

  /** `keepExisting`: coalescing into an open job keeps that job's (newer) payload (resumed jobs). */
  async function enqueueOne(job: NewJob, { keepExisting = false }: { keepExisting?: boolean } = {}): Promise<EnqueueResult> {
    validateNewJob(job);
    await connection.sadd(queuesKey, job.queue);
    const queue = bullQueue(job.queue);
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
      await existing.updateData(data);
      // A job still waiting out a retry backoff keeps its time (a burst must not hammer a
      // throttled shop); a fresh one moves earlier when asked.
      if (state === "delayed" && existing.attemptsStarted === 0 && runAt < runAtOf(existing)) {
        await existing.changeDelay(Math.max(0, runAt.getTime() - existing.timestamp)).catch(() => undefined);
      }
      // Leased between the dedup check and the update? Then its run may have read the old
      // payload: enqueue again (it is stored behind the active job).
      const after = await existing.getState();
      if ((OPEN_STATES as readonly string[]).includes(after)) return { kind: "coalesced", id: portId(existing) };
    }
    throw new Error(`enqueue: lost the race for (${job.shop}, ${job.queue}, ${key}) ${MAX_RACE_RETRIES} times`);
  }

  async function ownedJob(ref: LeaseRef): Promise<{ queue: Queue; job: Job<JobData> } | null> {
    const [name, id] = splitId(ref.id);
    if (!name) return null;
    const queue = bullQueue(name);
    const job = await Job.fromId<JobData>(queue, id);
    return job ? { queue, job } : null;
  }

  async function bury(job: Job<JobData>, token: string, lastError: string): Promise<boolean> {
    const ok = await asStale(() => job.moveToFailed(new Error(lastError), token, false));
    if (ok) await connection.zadd(deadKey(job.data.shop), Date.now(), portId(job));
    return ok;
  }

  async function shopJobs(shop: string | undefined, states: string[]): Promise<Job<JobData>[]> {
    const all: Job<JobData>[] = [];
    for (const name of await knownQueues()) {
      const jobs = (await bullQueue(name).getJobs(states as never)) as Job<JobData>[];
      all.push(...jobs.filter((job) => job && (!shop || job.data.shop === shop)));
    }
    return all;
  }

  const adapter: BullmqJobQueue = {
    enqueue: (job) => enqueueOne(job),

    async enqueueMany(jobs) {
      jobs.forEach(validateNewJob);
      const results: EnqueueResult[] = [];
      for (const job of jobs) results.push(await enqueueOne(job));
      return results;
    },

    async lease({ queues: names, limit, visibilityTimeoutMs, shop }) {
      if (limit <= 0 || (names && names.length === 0)) return [];
      if (!(visibilityTimeoutMs > 0)) throw new RangeError("visibilityTimeoutMs must be positive");
      const leased: LeasedJob[] = [];
      const otherShops: { job: Job<JobData>; token: string }[] = [];
      for (const name of names ?? (await knownQueues())) {
        await stalledCheck(name);
        const worker = bullWorker(name);
        while (leased.length < limit) {
          // The pid first: the lock's value then says which process holds a job (an operator
          // looking at a stuck job; the cluster test kills a worker that holds one).
          const token = `${process.pid}:${randomUUID()}`;
          const job = (await worker.getNextJob(token, { block: false })) as Job<JobData> | undefined;
          if (!job) break;
          if (shop && job.data.shop !== shop) {
            otherShops.push({ job, token });
            continue;
          }
          if (job.attemptsStarted > job.data.maxAttempts) {
            // Its lease ran out on its last attempt: it crashed every worker that took it.
            await bury(
              job,
              token,
              `Lease expired on attempt ${job.attemptsStarted - 1} of ${job.data.maxAttempts}: the worker crashed or the job outran its visibility timeout`,
            );
            continue;
          }
          await job.extendLock(token, visibilityTimeoutMs);
          leased.push({
            id: portId(job),
            shop: job.data.shop,
            queue: name,
            key: job.data.key,
            payload: job.data.payload,
            attempts: job.attemptsStarted,
            maxAttempts: job.data.maxAttempts,
            runAt: runAtOf(job),
            createdAt: new Date(job.timestamp),
            leaseToken: token,
            leasedUntil: new Date(Date.now() + visibilityTimeoutMs),
          });
        }
        if (leased.length >= limit) break;
      }
      // Another shop's jobs go back to the head of their queue, their start uncounted
      // ("ats" is BullMQ's attemptsStarted field).
      for (const { job, token } of otherShops.reverse()) {
        await job.moveToWait(token);
        await connection.hincrby(`${job.queueQualifiedName}:${job.id}`, "ats", -1);
      }
      return leased;
    },

    async complete(ref) {
      const owned = await ownedJob(ref);
      if (!owned) return { kind: "stale" };
      const ok = await asStale(() => owned.job.moveToCompleted(null, ref.leaseToken, false));
      return ok ? { kind: "completed" } : { kind: "stale" };
    },

    async fail(ref, error, { retryable }) {
      const owned = await ownedJob(ref);
      if (!owned) return { kind: "stale" };
      const { job } = owned;
      const attempts = job.attemptsStarted;
      if (!retryable || attempts >= job.data.maxAttempts) {
        return (await bury(job, ref.leaseToken, describeError(error))) ? { kind: "dead", attempts } : { kind: "stale" };
      }
      const runAt = new Date(Date.now() + retryDelayMs(attempts, random, backoff));
      const ok = await asStale(() => job.moveToDelayed(runAt.getTime(), ref.leaseToken));
      return ok ? { kind: "retrying", runAt, attempts } : { kind: "stale" };
    },

    async park(ref, error) {
      const owned = await ownedJob(ref);
      if (!owned) return { kind: "stale" };
      const { job } = owned;
      // Kept outside BullMQ while it waits: the BullMQ job completes, so its deduplication id
      // (the key) is free for a fresh job, as the SQLite adapter releases the key; the attempt
      // is not counted because resuming enqueues a new job.
      const entry = JSON.stringify({ queue: job.queueName, key: job.data.key, payload: job.data.payload, maxAttempts: job.data.maxAttempts, lastError: describeError(error) });
      await connection.rpush(waitingKey(job.data.shop), entry);
      const ok = await asStale(() => job.moveToCompleted(null, ref.leaseToken, false));
      if (!ok) {
        await connection.lrem(waitingKey(job.data.shop), 1, entry);
        return { kind: "stale" };
      }
      return { kind: "waiting" };
    },

    async resumeWaiting(shop) {
      const key = waitingKey(shop);
      const [[, entries]] = (await connection.multi().lrange(key, 0, -1).del(key).exec()) as [[null, string[]], [null, number]];
      for (const raw of entries) {
        const entry = JSON.parse(raw) as { queue: string; key: string | null; payload: unknown; maxAttempts: number };
        // A pending job with the same key merges it (deduplication), as the SQLite adapter closes it in its favour.
        await enqueueOne({ shop, queue: entry.queue, key: entry.key, payload: entry.payload, maxAttempts: entry.maxAttempts }, { keepExisting: true });
      }
      return { resumed: entries.length };
    },

    async extendLease(ref, ms) {
      const owned = await ownedJob(ref);
      if (!owned) return { kind: "stale" };
      const extended = await owned.job.extendLock(ref.leaseToken, ms).catch(() => 0);
      return extended ? { kind: "extended", leasedUntil: new Date(Date.now() + ms) } : { kind: "stale" };
    },

    async stats(shop) {
      const stats: QueueStats = { total: 0, byStatus: emptyStatusCounts(), byQueue: {} };
      const add = (name: string, status: JobStatus, count: number) => {
        stats.total += count;
        stats.byStatus[status] += count;
        (stats.byQueue[name] ??= emptyStatusCounts())[status] += count;
      };
      if (!shop) {
        for (const name of await knownQueues()) {
          const counts = await bullQueue(name).getJobCounts(...OPEN_STATES, "active", "completed", "failed");
          add(name, "pending", OPEN_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0));
          add(name, "running", counts.active ?? 0);
          add(name, "done", counts.completed ?? 0);
          add(name, "dead", counts.failed ?? 0);
        }
        return stats;
      }
      // Per shop: BullMQ keeps no per-shop counts, so the shop's jobs are read (the Sync page's
      // figures; finished jobs are pruned by `pruneDone`).
      const byState: [JobStatus, string[]][] = [
        ["pending", [...OPEN_STATES]],
        ["running", ["active"]],
        ["done", ["completed"]],
        ["dead", ["failed"]],
      ];
      for (const [status, states] of byState) {
        for (const job of await shopJobs(shop, states)) add(job.queueName, status, 1);
      }
      for (const raw of await connection.lrange(waitingKey(shop), 0, -1)) add((JSON.parse(raw) as { queue: string }).queue, "waiting", 1);
      return stats;
    },

    async listDead(shop, { cursor, take = 25 } = {}) {
      const members = await connection.zrevrange(deadKey(shop), 0, -1);
      const start = cursor ? members.indexOf(cursor) + 1 : 0;
      const page: DeadJob[] = [];
      let index = start;
      for (; index < members.length && page.length < take; index++) {
        const [name, id] = splitId(members[index]);
        const job = name ? await Job.fromId<JobData>(bullQueue(name), id) : undefined;
        if (!job || job.finishedOn === undefined || !(await job.isFailed())) continue;
        page.push({
          id: members[index],
          shop,
          queue: name!,
          key: job.data.key,
          payload: job.data.payload,
          attempts: job.attemptsStarted,
          maxAttempts: job.data.maxAttempts,
          lastError: job.failedReason ?? null,
          createdAt: new Date(job.timestamp),
          finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
        });
      }
      const nextCursor = index < members.length && page.length === take ? page[page.length - 1].id : null;
      return { jobs: page, nextCursor };
    },

    async retryDead(shop, id) {
      const [name, jobId] = splitId(id);
      if (!name) return { kind: "not-found" };
      const queue = bullQueue(name);
      const job = await Job.fromId<JobData>(queue, jobId);
      if (!job || job.data.shop !== shop || !(await job.isFailed())) return { kind: "not-found" };
      await connection.zrem(deadKey(shop), id);
      if (job.data.key !== null) {
        // The retried job takes the shop × item slot again, unless a newer job holds it.
        const slot = dedupKey(name, shop, job.data.key);
        for (let round = 0; round < MAX_RACE_RETRIES; round++) {
          if (await connection.set(slot, job.id!, "NX")) break;
          const holder = await connection.get(slot);
          if (holder && (await Job.fromId(queue, holder))) {
            await job.remove();
            return { kind: "coalesced", id: `${name}/${holder}` };
          }
          await connection.del(slot); // stale: its job is gone
        }
      }
      await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      return { kind: "retried", id };
    },

    async purgeShop(shop) {
      const jobs = await shopJobs(shop, [...OPEN_STATES, "active", "completed", "failed"]);
      let deleted = 0;
      for (const job of jobs) {
        // An active job's lock makes remove() fail; its worker finds it gone (stale) and stops.
        const removed = await job.remove().then(
          () => true,
          async () => {
            await connection.del(`${job.queueQualifiedName}:${job.id}:lock`);
            return job.remove().then(() => true, () => false);
          },
        );
        if (removed) deleted++;
      }
      deleted += await connection.llen(waitingKey(shop));
      await connection.del(deadKey(shop), waitingKey(shop));
      return { deleted };
    },

    async pruneDone(before, shop) {
      let deleted = 0;
      for (const job of await shopJobs(shop, ["completed"])) {
        if ((job.finishedOn ?? 0) < before.getTime()) {
          await job.remove();
          deleted++;
        }
      }
      return { deleted };
    },

    async drained(shop) {
      if (shop) return (await shopJobs(shop, [...OPEN_STATES, "active"])).length === 0;
      for (const name of await knownQueues()) {
        const counts = await bullQueue(name).getJobCounts(...OPEN_STATES, "active");
        if (Object.values(counts).some((count) => count > 0)) return false;
      }
      return true;
    },

    async close() {
      await Promise.all([...workers.values()].map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      workers.clear();
      queues.clear();
      if (ownsConnection) await connection.quit().catch(() => connection.disconnect());
    },
  };
  return adapter;
}

/** Port ids carry the queue: `<queue>/<BullMQ job id>` (BullMQ ids are unique per queue). */
function portId(job: Job): string {
  return `${job.queueName}/${job.id}`;
}

function splitId(id: string): [string | null, string] {
  const slash = id.indexOf("/");
  return slash <= 0 ? [null, id] : [id.slice(0, slash), id.slice(slash + 1)];
}

/** Runs a lease-checked BullMQ call; a lost lock (stale lease) answers false, anything else throws. */
async function asStale(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (error instanceof Error && /lock|Missing key|not in the active state|not in the `?active`? state/i.test(error.message)) return false;
    throw error;
  }
}
