import { Redis } from "ioredis";
import { env } from "~/env.server";

/**
 * Redis connections for the Postgres + BullMQ profile (docs/decisions/006-postgres-and-bullmq.md).
 * `maxRetriesPerRequest: null` is what BullMQ requires of the connections its workers use
 * (https://docs.bullmq.io/guide/going-to-production#maxretriesperrequest): a command waits for the
 * connection to come back instead of failing the job's bookkeeping after a few retries.
 */
/** A new connection; REDIS_URL (app/env.server.ts) unless told otherwise. Connects when created. */
export function createRedis(url: string = env().REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

declare global {
  // eslint-disable-next-line no-var
  var __safestockRedis: Redis | undefined;
}

/** The process's shared connection (queue producer, throttle store, scheduler lock), opened on first use. */
export function sharedRedis(url: string = env().REDIS_URL): Redis {
  globalThis.__safestockRedis ??= createRedis(url);
  return globalThis.__safestockRedis;
}

export async function closeSharedRedis(): Promise<void> {
  const redis = globalThis.__safestockRedis;
  globalThis.__safestockRedis = undefined;
  if (redis) await redis.quit().catch(() => redis.disconnect());
}
