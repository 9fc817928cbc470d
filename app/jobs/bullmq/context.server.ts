import { Job, Queue, Worker as BullWorker } from "bullmq";
import type { Redis } from "ioredis";
import type { BackoffOptions, LeaseRef } from "../queue.server";

/** What a port job is stored as in BullMQ. */
export interface JobData {
  shop: string;
  key: string | null;
  payload: unknown;
  maxAttempts: number;
}

/** BullMQ states in which a job is still to run: the port's `pending`. */
export const OPEN_STATES = ["waiting", "delayed", "prioritized", "waiting-children"] as const;
/** Attempts to win a race before giving up (each loss means someone else made progress). */
export const MAX_RACE_RETRIES = 5;

/**
 * What every operation of the BullMQ adapter (docs/decisions/006-postgres-and-bullmq.md) works
 * with: the connection, the key layout, and the BullMQ queues and workers opened so far (one
 * per port queue, opened on first use). Built once by the adapter; each operation module takes it
 * as its first argument.
 */
export interface BullmqContext {
  connection: Redis;
  random: () => number;
  backoff: BackoffOptions;
  stalledIntervalMs: number;
  /** The set of port queue names ever enqueued to, so stats and sweeps find every queue. */
  queuesKey: string;
  /** Per-shop sorted set indexing dead jobs for the Sync page, newest first. */
  deadKey(shop: string): string;
  /** Jobs parked until the shop's access is restored (queue.server.ts "Waiting"): a list of JSON entries. */
  waitingKey(shop: string): string;
  bullQueue(name: string): Queue;
  bullWorker(name: string): BullWorker;
  /** When each queue's stalled-job sweep last ran in this process. */
  lastStalledCheck: Map<string, number>;
  /** Closes every queue and worker opened so far. */
  closeAll(): Promise<void>;
}

export function createBullmqContext(options: {
  connection: Redis;
  prefix: string;
  random: () => number;
  backoff: BackoffOptions;
  stalledIntervalMs: number;
}): BullmqContext {
  const { connection, prefix, stalledIntervalMs } = options;
  const queues = new Map<string, Queue>();
  const workers = new Map<string, BullWorker>();
  return {
    connection,
    random: options.random,
    backoff: options.backoff,
    stalledIntervalMs,
    queuesKey: `${prefix}:queues`,
    deadKey: (shop) => `${prefix}:dead:${shop}`,
    waitingKey: (shop) => `${prefix}:waiting:${shop}`,
    bullQueue(name) {
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, { connection, prefix });
        queues.set(name, queue);
      }
      return queue;
    },
    bullWorker(name) {
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
    },
    lastStalledCheck: new Map(),
    async closeAll() {
      await Promise.all([...workers.values()].map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      workers.clear();
      queues.clear();
    },
  };
}

export async function knownQueues({ connection, queuesKey }: BullmqContext): Promise<string[]> {
  return (await connection.smembers(queuesKey)).sort();
}

/** The deduplication id of a shop × item: one open job per id (coalescing and serialisation). */
export function dedupId(shop: string, key: string): string {
  return `${shop}|${key}`;
}

/** The Redis key BullMQ keeps a deduplication id's holder under. */
export function dedupKey(context: BullmqContext, queueName: string, shop: string, key: string): string {
  return `${context.bullQueue(queueName).keys.de}:${dedupId(shop, key)}`;
}

export function runAtOf(job: Job): Date {
  return new Date(job.timestamp + (job.delay ?? 0));
}

/** Port ids carry the queue: `<queue>/<BullMQ job id>` (BullMQ ids are unique per queue). */
export function portId(job: Job): string {
  return `${job.queueName}/${job.id}`;
}

export function splitId(id: string): [string | null, string] {
  const slash = id.indexOf("/");
  return slash <= 0 ? [null, id] : [id.slice(0, slash), id.slice(slash + 1)];
}

/** The BullMQ job behind a lease, if it still exists; whether the lease is still held is BullMQ's call. */
export async function ownedJob(context: BullmqContext, ref: LeaseRef): Promise<{ queue: Queue; job: Job<JobData> } | null> {
  const [name, id] = splitId(ref.id);
  if (!name) return null;
  const queue = context.bullQueue(name);
  const job = await Job.fromId<JobData>(queue, id);
  return job ? { queue, job } : null;
}

/** Dead = BullMQ `failed`, indexed per shop for the Sync page. */
export async function bury(context: BullmqContext, job: Job<JobData>, token: string, lastError: string): Promise<boolean> {
  const ok = await asStale(() => job.moveToFailed(new Error(lastError), token, false));
  if (ok) await context.connection.zadd(context.deadKey(job.data.shop), Date.now(), portId(job));
  return ok;
}

/** The jobs in `states` of every known queue, of one shop or of all. */
export async function shopJobs(context: BullmqContext, shop: string | undefined, states: string[]): Promise<Job<JobData>[]> {
  const all: Job<JobData>[] = [];
  for (const name of await knownQueues(context)) {
    const jobs = (await context.bullQueue(name).getJobs(states as never)) as Job<JobData>[];
    all.push(...jobs.filter((job) => job && (!shop || job.data.shop === shop)));
  }
  return all;
}

/** Runs a lease-checked BullMQ call; a lost lock (stale lease) answers false, anything else throws. */
export async function asStale(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (error instanceof Error && /lock|Missing key|not in the active state|not in the `?active`? state/i.test(error.message)) return false;
    throw error;
  }
}
