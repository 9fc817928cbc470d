import { jobHandlers } from "~/services/job-handlers.server";
import { createWorker } from "~/jobs/worker.server";
import { jobQueue } from "~/services/jobs.server";

const quiet = { info() {}, warn() {}, error() {} };

/**
 * The routes record deliveries and queue them; this runs the queued `webhook` jobs only (no
 * recompute: these tests have no shop to read), as the app's worker would.
 */
export function processQueuedDeliveries() {
  return createWorker({ queue: jobQueue(), handlers: { webhook: jobHandlers().webhook }, logger: quiet }).runUntilIdle();
}
