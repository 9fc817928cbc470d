/**
 * `npm run worker`: one worker process on the configured queue (QUEUE=embedded: SQLite's Job
 * table; QUEUE=bullmq: Redis at REDIS_URL, docs/scale-out.md). Several may run at once; leasing
 * is safe across processes.
 *
 * Environment: DATABASE_URL, QUEUE, REDIS_URL, WORKER_CONCURRENCY (4), WORKER_POLL_INTERVAL_MS (1000),
 * WORKER_VISIBILITY_TIMEOUT_MS (60000). SIGINT/SIGTERM stop gracefully (jobs in flight finish
 * and record their result); a second signal exits at once (their leases expire and another
 * worker picks the jobs up).
 */
import prisma from "~/db.server";
import { jobHandlers } from "./handlers.server";
import { closeJobQueue, createJobQueueFromEnv } from "./queue-factory.server";
import { closeSharedRedis } from "./redis.server";
import { createWorker, DEFAULT_VISIBILITY_TIMEOUT_MS } from "./worker.server";

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

const handlers = jobHandlers();
const queue = createJobQueueFromEnv();
const worker = createWorker({
  queue,
  handlers,
  concurrency: positiveInt("WORKER_CONCURRENCY", 4),
  pollIntervalMs: positiveInt("WORKER_POLL_INTERVAL_MS", 1_000),
  visibilityTimeoutMs: positiveInt("WORKER_VISIBILITY_TIMEOUT_MS", DEFAULT_VISIBILITY_TIMEOUT_MS),
  logger: console,
});

if (Object.keys(handlers).length === 0) console.warn("worker: no handlers registered (app/jobs/handlers.server.ts); idling");

let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) {
    console.warn(`worker: ${signal} again, exiting now`);
    process.exit(1);
  }
  stopping = true;
  console.info(`worker: ${signal}, finishing jobs in flight (send again to exit now)`);
  try {
    await worker.stop();
    await closeJobQueue(queue);
    await closeSharedRedis();
    await prisma.$disconnect();
    process.exit(0);
  } catch (error) {
    console.error("worker: error while stopping", error);
    process.exit(1);
  }
}

process.on("SIGINT", (signal) => void shutdown(signal));
process.on("SIGTERM", (signal) => void shutdown(signal));

worker.start();
