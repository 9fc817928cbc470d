/**
 * `npm run worker`: one worker process on the configured queue (QUEUE=embedded: SQLite's Job
 * table; QUEUE=bullmq: Redis at REDIS_URL, docs/scale-out.md). Several may run at once; leasing
 * is safe across processes.
 *
 * Environment (app/env.server.ts): the app's, and WORKER_CONCURRENCY (4), WORKER_POLL_INTERVAL_MS (1000),
 * WORKER_VISIBILITY_TIMEOUT_MS (60000). SIGINT/SIGTERM stop gracefully (jobs in flight finish
 * and record their result); a second signal exits at once (their leases expire and another
 * worker picks the jobs up).
 */
import { closeComposition, compose, createWorkerProcess } from "~/composition.server";

compose();
const worker = createWorkerProcess();

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
    await closeComposition();
    process.exit(0);
  } catch (error) {
    console.error("worker: error while stopping", error);
    process.exit(1);
  }
}

process.on("SIGINT", (signal) => void shutdown(signal));
process.on("SIGTERM", (signal) => void shutdown(signal));

worker.start();
