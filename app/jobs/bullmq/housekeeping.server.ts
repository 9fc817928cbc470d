import { emptyStatusCounts, type JobStatus, type QueueStats } from "../queue.server";
import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import { OPEN_STATES, dedupId, knownQueues, shopJobs, type BullmqContext } from "./context.server";

/** Counting and deleting: the dashboard's figures, uninstall, and the nightly prune. */

export async function queueStats(context: BullmqContext, shop?: string): Promise<QueueStats> {
  const stats: QueueStats = { total: 0, byStatus: emptyStatusCounts(), byQueue: {}, doneAfterRetry: 0 };
  const add = (name: string, status: JobStatus, count: number) => {
    stats.total += count;
    stats.byStatus[status] += count;
    (stats.byQueue[name] ??= emptyStatusCounts())[status] += count;
  };
  if (!shop) {
    for (const name of await knownQueues(context)) {
      const counts = await context.bullQueue(name).getJobCounts(...OPEN_STATES, "active", "completed", "failed");
      add(name, "pending", OPEN_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0));
      add(name, "running", counts.active ?? 0);
      add(name, "done", counts.completed ?? 0);
      add(name, "dead", counts.failed ?? 0);
    }
    stats.doneAfterRetry = (await shopJobs(context, undefined, ["completed"])).filter(tookRetries).length;
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
    for (const job of await shopJobs(context, shop, states)) {
      add(job.queueName, status, 1);
      if (status === "done" && tookRetries(job)) stats.doneAfterRetry++;
    }
  }
  for (const raw of await context.connection.lrange(context.waitingKey(shop), 0, -1)) add((JSON.parse(raw) as { queue: string }).queue, "waiting", 1);
  return stats;
}

/**
 * More than one attempt started: retries move the job back to `delayed` (settle.server.ts), and
 * BullMQ counts each start. A parked job completes and is enqueued afresh, so it never counts.
 */
function tookRetries(job: Job): boolean {
  return job.attemptsStarted > 1;
}

export async function purgeShopJobs(context: BullmqContext, shop: string): Promise<{ deleted: number }> {
  const { connection } = context;
  const jobs = await shopJobs(context, shop, [...OPEN_STATES, "active", "completed", "failed"]);
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
  deleted += await connection.llen(context.waitingKey(shop));
  await connection.del(context.deadKey(shop), context.waitingKey(shop));
  // Coalescing slots BullMQ keeps beside the jobs (`<queue>:de:<shop>|<key>`) name the shop too:
  // a redacted shop leaves no key behind (issue 22).
  for (const name of await knownQueues(context)) await deleteMatching(connection, `${context.bullQueue(name).keys.de}:${dedupId(shop, "*")}`);
  return { deleted };
}

export async function pruneDoneJobs(context: BullmqContext, before: Date, shop?: string): Promise<{ deleted: number }> {
  let deleted = 0;
  for (const job of await shopJobs(context, shop, ["completed"])) {
    if ((job.finishedOn ?? 0) < before.getTime()) {
      await job.remove();
      deleted++;
    }
  }
  return { deleted };
}

export async function queueDrained(context: BullmqContext, shop?: string): Promise<boolean> {
  if (shop) return (await shopJobs(context, shop, [...OPEN_STATES, "active"])).length === 0;
  for (const name of await knownQueues(context)) {
    const counts = await context.bullQueue(name).getJobCounts(...OPEN_STATES, "active");
    if (Object.values(counts).some((count) => count > 0)) return false;
  }
  return true;
}

/** Deletes every key matching a SCAN pattern (glob characters in a shop domain cannot occur: letters, digits, dots, hyphens). */
async function deleteMatching(connection: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await connection.scan(cursor, "MATCH", pattern, "COUNT", 500);
    if (keys.length > 0) await connection.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}
