import type { Redis } from "ioredis";
import { runScheduledWork } from "./scheduler.server";

/**
 * Scheduled work runs once per interval across the cluster (docs/decisions/014): every process
 * that runs background work ticks, and the first to claim the tick's window in Redis
 * (`SET NX`, keyed by the window number, so processes started at different moments agree) does
 * the work. With the embedded profile there is one process, and no lock is needed.
 */
export async function claimWindow(redis: Redis, prefix: string, name: string, now: Date, intervalMs: number): Promise<boolean> {
  const window = Math.floor(now.getTime() / intervalMs);
  const claimed = await redis.set(`${prefix}:once:${name}:${window}`, String(process.pid), "PX", intervalMs * 2, "NX");
  return claimed === "OK";
}

/** `cluster`: the Redis connection and key prefix every process shares (BullMQ profile); none with the embedded queue. */
export async function runScheduledWorkOnce(now: Date, intervalMs: number, cluster?: { redis: Redis; prefix: string }) {
  if (cluster) {
    const claimed = await claimWindow(cluster.redis, cluster.prefix, "scheduler", now, intervalMs);
    if (!claimed) return null;
  }
  return runScheduledWork(now);
}
