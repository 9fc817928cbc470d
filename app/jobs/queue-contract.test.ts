import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import prisma from "~/db.server";
import { createBullmqJobQueue } from "./bullmq-queue.server";
import { describeJobQueueContract } from "./queue-contract";
import { createRedis } from "./redis.server";
import { createSqliteJobQueue } from "./sqlite-queue.server";

const backoff = { baseMs: 1, maxMs: 5 };

const sqlite = createSqliteJobQueue({ backoff });
describeJobQueueContract("sqlite (embedded)", () => ({
  queue: sqlite,
  shortLeaseMs: 150,
  async reset() {
    await prisma.job.deleteMany();
  },
}));

// BullMQ on the machine's Redis (REDIS_URL), under a key prefix of its own.
const redis = createRedis();
const prefix = `contract-${randomBytes(4).toString("hex")}`;
const bullmq = createBullmqJobQueue({ connection: redis, prefix, backoff, stalledIntervalMs: 100 });

async function deleteKeys(pattern: string) {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

describeJobQueueContract("bullmq (redis)", () => ({
  queue: bullmq,
  shortLeaseMs: 150,
  reset: () => deleteKeys(`${prefix}:*`),
}));

afterAll(async () => {
  await deleteKeys(`${prefix}:*`);
  await bullmq.close();
  await redis.quit();
});
