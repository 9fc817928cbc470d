import { isPostgresUrl } from "~/db.server";
import { useDefaultThrottleStore } from "~/shopify/admin-client.server";
import { RedisThrottleStore } from "~/shopify/redis-throttle-store.server";
import { createBullmqJobQueue } from "./bullmq-queue.server";
import type { BackoffOptions, JobQueue } from "./queue.server";
import { sharedRedis } from "./redis.server";
import { createSqliteJobQueue } from "./sqlite-queue.server";

export type QueueKind = "embedded" | "bullmq";

/** `QUEUE`: `embedded` (default; the `Job` table, SQLite only) or `bullmq` (Redis at REDIS_URL). */
export function queueKind(env: NodeJS.ProcessEnv = process.env): QueueKind {
  const value = env.QUEUE?.trim() || "embedded";
  if (value !== "embedded" && value !== "bullmq") throw new Error(`QUEUE must be "embedded" or "bullmq", got "${value}"`);
  return value;
}

/**
 * The process's queue adapter, chosen by configuration (docs/scale-out.md). With BullMQ, the
 * Admin API throttle is shared through Redis too (docs/decisions/014). The embedded
 * adapter's claims rely on SQLite running one writer at a time, so it refuses PostgreSQL:
 * with `DATABASE_URL=postgresql://…`, set `QUEUE=bullmq`.
 */
export function createJobQueueFromEnv(options: { backoff?: BackoffOptions } = {}): JobQueue {
  if (queueKind() === "bullmq") {
    const prefix = process.env.QUEUE_PREFIX || "safestock";
    // The cluster profile: every process of it books Admin API points in one bucket per shop.
    useDefaultThrottleStore(new RedisThrottleStore(sharedRedis(), prefix));
    // How soon a crashed worker's job is found (BullMQ sees it stalled on two sweeps). Default 30 s.
    const stalled = Number(process.env.QUEUE_STALLED_INTERVAL_MS);
    const stalledIntervalMs = Number.isFinite(stalled) && stalled > 0 ? stalled : undefined;
    return createBullmqJobQueue({ connection: sharedRedis(), prefix, ...(stalledIntervalMs ? { stalledIntervalMs } : {}), ...options });
  }
  if (isPostgresUrl(process.env.DATABASE_URL ?? "")) {
    throw new Error("QUEUE=embedded keeps jobs in SQLite's Job table; with a postgresql:// DATABASE_URL set QUEUE=bullmq (and REDIS_URL)");
  }
  return createSqliteJobQueue(options);
}

/** Releases what the adapter holds open (BullMQ's connections), for graceful shutdown. */
export async function closeJobQueue(queue: JobQueue): Promise<void> {
  const closable = queue as JobQueue & { close?: () => Promise<void> };
  if (typeof closable.close === "function") await closable.close();
}
