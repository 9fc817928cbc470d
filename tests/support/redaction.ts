/**
 * shop/redact with queue records left behind (tests/redaction-queue*.test.ts): installs, uninstalls,
 * leaves records for the shop and a bystander (one pending, one dead, one waiting for the shop, as
 * late deliveries and a merchant's retry would), then delivers Shopify's shop/redact.
 */
import type { Redis } from "ioredis";
import { expect } from "vitest";
import prisma from "~/db.server";
import { jobQueue } from "~/services/jobs.server";
import { startHarness } from "./harness";

export const OTHER = "bystander.myshopify.com";

export async function redisReachable(redis: Redis): Promise<boolean> {
  return redis.ping().then(
    () => true,
    () => false,
  );
}

export async function keysMatching(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

/** Every Redis key under `prefix` whose name or stored job data names `shop`. */
export async function redisRecordsOf(redis: Redis, prefix: string, shop: string): Promise<string[]> {
  const named: string[] = [];
  for (const key of await keysMatching(redis, `${prefix}:*`)) {
    if (key.includes(shop)) {
      named.push(key);
      continue;
    }
    if ((await redis.type(key)) === "hash" && ((await redis.hget(key, "data")) ?? "").includes(shop)) named.push(key);
  }
  return named;
}

/** Installs, uninstalls, leaves queue records for the shop and a bystander, then delivers Shopify's shop/redact. */
export async function redactWithQueueRecords(shop: string) {
  const harness = startHarness({ shops: [shop] });
  const queue = jobQueue();
  await harness.install(shop);
  await harness.settle();
  harness.sandbox.uninstall(shop);
  await harness.settle();

  await queue.enqueue({ shop, queue: "reconcile", payload: { trigger: "manual" }, key: "late-pending", runAt: new Date(Date.now() + 3_600_000) });
  await queue.enqueue({ shop, queue: "recompute", payload: { inventoryItemIds: [] }, key: "to-die" });
  await queue.enqueue({ shop, queue: "webhook", payload: { deliveryId: "x" }, key: "to-wait" });
  for (const job of await queue.lease({ shop, queues: ["recompute"], limit: 1, visibilityTimeoutMs: 60_000 })) await queue.fail(job, new Error("dead before the redaction"), { retryable: false });
  for (const job of await queue.lease({ shop, queues: ["webhook"], limit: 1, visibilityTimeoutMs: 60_000 })) await queue.park(job, new Error("waiting for the shop"));
  await queue.enqueue({ shop: OTHER, queue: "reconcile", payload: { trigger: "manual" }, key: "bystander", runAt: new Date(Date.now() + 3_600_000) });
  const before = await queue.stats(shop);
  expect(before.byStatus).toMatchObject({ pending: 1, dead: 1, waiting: 1 });

  harness.sandbox.triggerCompliance({ topic: "shop/redact" }, shop);
  // Delivered and processed in its route (no worker: the bystander's job is to stay where it is).
  await harness.sandbox.dispatcher.drain({ fastForward: true });
  expect(await prisma.redactedShop.count({ where: { shop } })).toBe(1);
}

