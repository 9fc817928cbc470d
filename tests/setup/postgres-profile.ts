/**
 * The Postgres + BullMQ test profile (TEST_PROFILE=postgres, run by .ci/run): each test file
 * gets its own migrated PostgreSQL database and its own Redis key prefix, so the unchanged
 * integration tests run on the production engines (docs/scale-out.md).
 */
import { randomBytes } from "node:crypto";
import { deployPostgresMigrations, dropPostgresDatabase, ensurePostgresDatabase } from "../../prisma/postgres/deploy";

export function postgresProfileSelected(): boolean {
  return process.env.TEST_PROFILE === "postgres";
}

export async function createPostgresProfile(): Promise<{ url: string; remove(): Promise<void> }> {
  const id = randomBytes(5).toString("hex");
  const admin = new URL(process.env.POSTGRES_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  admin.pathname = `/safestock_test_${id}`;
  const url = admin.toString();
  await ensurePostgresDatabase(url);
  await deployPostgresMigrations(url);
  process.env.QUEUE = "bullmq";
  process.env.QUEUE_PREFIX = `safestock-test-${id}`;
  // Small pools: a test file is one process, and ~a dozen files may run at once.
  process.env.DATABASE_POOL_SIZE ??= "4";
  // Tests that let a lease run out (a worker "dies") should not wait BullMQ's 30-s sweeps.
  process.env.QUEUE_STALLED_INTERVAL_MS ??= "500";
  return {
    url,
    async remove() {
      const { closeSharedRedis, createRedis } = await import("~/jobs/redis.server");
      await closeSharedRedis();
      const redis = createRedis();
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `safestock-test-${id}:*`, "COUNT", 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
      await redis.quit();
      const { default: prisma } = await import("~/db.server");
      try {
        await prisma.$disconnect();
      } catch (error) {
        // A test file that never composed the app (the extensions' fixture tests) opened no client.
        if (!String(error).includes("not composed yet")) throw error;
      }
      await dropPostgresDatabase(url);
    },
  };
}
