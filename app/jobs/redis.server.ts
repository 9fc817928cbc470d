import { Redis } from "ioredis";

/**
 * Redis connections for the Postgres + BullMQ profile (docs/decisions/006-postgres-and-bullmq.md).
 * `maxRetriesPerRequest: null` is what BullMQ requires of the connections its workers use
 * (https://docs.bullmq.io/guide/going-to-production#maxretriesperrequest): a command waits for the
 * connection to come back instead of failing the job's bookkeeping after a few retries.
 */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export function redisUrl(): string {
  return process.env.REDIS_URL || DEFAULT_REDIS_URL;
}

export function createRedis(url = redisUrl()): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

declare global {
  // eslint-disable-next-line no-var
  var __safestockRedis: Redis | undefined;
}

/** The process's shared connection (queue producer, throttle store, scheduler lock). */
export function sharedRedis(): Redis {
  globalThis.__safestockRedis ??= createRedis();
  return globalThis.__safestockRedis;
}

export async function closeSharedRedis(): Promise<void> {
  const redis = globalThis.__safestockRedis;
  globalThis.__safestockRedis = undefined;
  if (redis) await redis.quit().catch(() => redis.disconnect());
}
