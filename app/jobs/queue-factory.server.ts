import type { Redis } from "ioredis";
import { isPostgresUrl } from "~/db.server";
import type { Env } from "~/env.server";
import { createBullmqJobQueue } from "./bullmq-queue.server";
import type { BackoffOptions, JobQueue } from "./queue.server";
import { createSqliteJobQueue } from "./sqlite-queue.server";


type QueueConfig = Pick<Env, "QUEUE" | "QUEUE_PREFIX" | "QUEUE_STALLED_INTERVAL_MS" | "DATABASE_URL">;

/**
 * The queue adapter the configuration names (docs/scale-out.md): `QUEUE=embedded` (the `Job`
 * table) or `QUEUE=bullmq` on `redis` (the process's shared connection, asked for only then). The
 * embedded adapter's claims rely on SQLite running one writer at a time, so it refuses
 * PostgreSQL: with `DATABASE_URL=postgresql://…`, set `QUEUE=bullmq`. Built by the composition
 * root (app/composition.server.ts) and by tests.
 */
export function createJobQueue(config: QueueConfig, redis: () => Redis, options: { backoff?: BackoffOptions } = {}): JobQueue {
  if (config.QUEUE === "bullmq") {
    const stalled = config.QUEUE_STALLED_INTERVAL_MS;
    return createBullmqJobQueue({ connection: redis(), prefix: config.QUEUE_PREFIX, ...(stalled ? { stalledIntervalMs: stalled } : {}), ...options });
  }
  if (isPostgresUrl(config.DATABASE_URL)) {
    throw new Error("QUEUE=embedded keeps jobs in SQLite's Job table; with a postgresql:// DATABASE_URL set QUEUE=bullmq (and REDIS_URL)");
  }
  return createSqliteJobQueue(options);
}

/** Releases what the adapter holds open (BullMQ's connections), for graceful shutdown. */
export async function closeJobQueue(queue: JobQueue): Promise<void> {
  const closable = queue as JobQueue & { close?: () => Promise<void> };
  if (typeof closable.close === "function") await closable.close();
}
