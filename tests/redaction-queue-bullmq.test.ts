/**
 * shop/redact erases the shop's BullMQ records in Redis (issue 22: they were left behind): job
 * hashes, the dead and waiting indexes, the coalescing slots. The app runs on QUEUE=bullmq on the
 * machine's Redis under a prefix of its own (the database stays this file's SQLite); skipped with
 * a notice when Redis is not reachable outside CI.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { env } from "~/env.server";
import { createRedis } from "~/jobs/redis.server";
import { jobQueue } from "~/services/jobs.server";
import { keysMatching, OTHER, redactWithQueueRecords, redisReachable, redisRecordsOf } from "./support/redaction";

// Read when the configuration is first asked for (nothing reads it at import); under the CI's
// PostgreSQL profile it was already read, with BullMQ and a prefix of its own.
process.env.QUEUE = "bullmq";
process.env.QUEUE_PREFIX = `redact-${randomBytes(4).toString("hex")}`;
const prefixInUse = () => env().QUEUE_PREFIX;
const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");

afterAll(async () => {
  for (const key of await keysMatching(redis, `${prefixInUse()}:*`).catch(() => [])) await redis.del(key);
  await redis.quit().catch(() => undefined);
});

describe("shop/redact purges the shop's BullMQ records", { timeout: 60_000 }, () => {
  it("no job hash, dead or waiting index, or coalescing slot names the shop; another shop's job stays", async (context) => {
    if (!(await redisReachable(redis))) {
      if (process.env.CI) throw new Error("Redis is not reachable at REDIS_URL");
      console.warn("redaction-queue-bullmq: Redis not reachable, skipped");
      return context.skip();
    }
    const shop = "redacted-bullmq.myshopify.com";
    await redactWithQueueRecords(shop);
    const prefix = prefixInUse();
    expect(env().QUEUE).toBe("bullmq");
    // The shared throttle's bucket (app/shopify/redis-throttle-store.server.ts) is deleted too.
    expect(await redisRecordsOf(redis, prefix, shop)).toEqual([]);
    expect((await redisRecordsOf(redis, prefix, OTHER)).length).toBeGreaterThan(0);
    expect((await jobQueue().stats(OTHER)).total).toBe(1);
  });
});
