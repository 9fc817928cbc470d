import { jobHandlers } from "~/jobs/handlers.server";
import { createWorker, type Worker } from "~/jobs/worker.server";
import { jobQueue } from "./jobs.server";
import { runScheduledWorkOnce } from "./cluster-schedule.server";

/**
 * The worker and scheduler that run inside the app process (`npm run sandbox`, production);
 * `npm run worker` runs the same worker in its own process. Started once per process.
 */
declare global {
  // eslint-disable-next-line no-var
  var __safestockBackground: { worker: Worker; timer: NodeJS.Timeout } | undefined;
}

export const SCHEDULER_INTERVAL_MS = 60_000;

export function startBackgroundWork(options: { schedulerIntervalMs?: number } = {}) {
  if (globalThis.__safestockBackground) return globalThis.__safestockBackground;
  const worker = createWorker({ queue: jobQueue(), handlers: jobHandlers() });
  worker.start();
  const intervalMs = options.schedulerIntervalMs ?? SCHEDULER_INTERVAL_MS;
  const tick = () =>
    runScheduledWorkOnce(new Date(), intervalMs).catch((error) => console.error("scheduler: run failed", { error }));
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  globalThis.__safestockBackground = { worker, timer };
  return globalThis.__safestockBackground;
}

