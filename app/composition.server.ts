/**
 * The composition root (docs/decisions/023-composition-root.md): the one module that decides what
 * the web process, `npm run worker` and the CLIs run on — the database client, the job queue
 * (embedded or BullMQ), the Admin API throttle store, the offline token source, the job handlers
 * and the app's Shopify side — from the one configuration (app/env.server.ts).
 *
 * `compose()` only installs how each is built; each is built on its first use, once per process.
 * Importing any module of the app starts nothing; an entry point (app/entry.server.tsx,
 * app/jobs/worker-cli.ts, app/cli/*) composes, then starts what it runs.
 */
import type { PrismaClient } from "@prisma/client";
import type { Redis } from "ioredis";
import { createPrismaClient, database, provideDatabase } from "./db.server";
import { env } from "./env.server";
import { closeJobQueue, createJobQueue } from "./jobs/queue-factory.server";
import type { BackoffOptions, JobQueue } from "./jobs/queue.server";
import { closeSharedRedis, sharedRedis } from "./jobs/redis.server";
import { createWorker, type Worker, type WorkerLogger } from "./jobs/worker.server";
import { createOfflineSessionStore } from "./models/offline-session.server";
import { markShopAccessLost } from "./models/shop-installation.server";
import { onShopAuthenticated } from "./services/installation.server";
import { recordInOrderPerShop } from "./services/shopify-health.server";
import { jobHandlers } from "./services/job-handlers.server";
import { jobQueue, provideJobQueue } from "./services/jobs.server";
import { runScheduledWorkOnce } from "./services/cluster-schedule.server";
import { createShopifyApp, provideShopifyApp } from "./shopify.server";
import { recordMeasurement } from "./models/shared-measurement.server";
import { recordShopifyAnswered, recordShopifyFailure } from "./models/shopify-failures.server";
import { WORKER_HEARTBEAT, writeHeartbeat } from "./models/health.server";
import { BucketRegistry, onAdminApiAnswered, onAdminApiFailure, useDefaultThrottleStore, type ThrottleStore } from "./shopify/admin-client.server";
import { provideAccessLostRecorder } from "./shopify/admin-for-shop.server";
import { onClockSkewMeasured } from "./shopify/clock-skew.server";
import { createOfflineTokenSource, provideOfflineTokenSource, type OfflineTokenSource, type OfflineTokenSourceOptions } from "./shopify/offline-token.server";
import { RedisThrottleStore } from "./shopify/redis-throttle-store.server";

export { jobHandlers, jobQueue };

declare global {
  // In development Remix re-imports modules on change: the client and the background work
  // survive on globalThis. bench/flash/query-stats.ts installs an instrumented client here.
  // eslint-disable-next-line no-var
  var __safestockPrisma: PrismaClient | undefined;
  // eslint-disable-next-line no-var
  var __safestockBackground: { worker: Worker; timer: NodeJS.Timeout } | undefined;
}

let composed = false;

/** Installs how every shared piece is built (nothing is built or opened here). Idempotent. */
export function compose() {
  if (composed) return;
  composed = true;
  provideDatabase(buildDatabase);
  provideJobQueue(() => createConfiguredJobQueue());
  provideOfflineTokenSource(() => createConfiguredTokenSource());
  provideAccessLostRecorder((shop, at, reason) => markShopAccessLost(shop, at, reason, database()));
  provideShopifyApp(() => createShopifyApp(env(), database(), onShopAuthenticated));
  useDefaultThrottleStore(lazyThrottleStore(buildThrottleStore));
  // The clock skew measured from Shopify's Date header is shared by every process (issue 17).
  onClockSkewMeasured((measurement) => {
    recordMeasurement("shopify-clock-skew", measurement, database()).catch((error: unknown) => console.error("could not record the measured clock skew", { error }));
  });
  // Failed Admin API attempts are counted for the admin's "Shopify is failing" banner (issue 22).
  onAdminApiFailure((failure) => {
    const at = new Date();
    recordInOrderPerShop(failure.shop, "an Admin API failure", () => recordShopifyFailure(failure, at));
  });
  // An answered call after a failure turns the banner to "recovered" at once, not 15 minutes later.
  onAdminApiAnswered((shop) => {
    const at = new Date();
    recordInOrderPerShop(shop, "an answered Admin API call", () => recordShopifyAnswered(shop, at));
  });
}

function buildDatabase(): PrismaClient {
  if (globalThis.__safestockPrisma) return globalThis.__safestockPrisma;
  const config = env();
  const client = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE, busyTimeoutMs: config.DATABASE_BUSY_TIMEOUT_MS });
  if (config.NODE_ENV !== "production") globalThis.__safestockPrisma = client;
  return client;
}

/** Redis, shared by the queue, the throttle store and the scheduler lock: only in the BullMQ profile. */
function clusterRedis(): { redis: Redis; prefix: string } | undefined {
  const config = env();
  return config.QUEUE === "bullmq" ? { redis: sharedRedis(config.REDIS_URL), prefix: config.QUEUE_PREFIX } : undefined;
}

/** The queue the configuration names; tests ask for one with a fast backoff. */
export function createConfiguredJobQueue(options: { backoff?: BackoffOptions } = {}): JobQueue {
  const config = env();
  return createJobQueue(config, () => sharedRedis(config.REDIS_URL), options);
}

/**
 * A token source on the process's database (the session rows and refresh lease of
 * app/models/offline-session.server.ts); tests make several, as several processes would.
 */
export function createConfiguredTokenSource(options: Omit<OfflineTokenSourceOptions, "store"> = {}): OfflineTokenSource {
  return createOfflineTokenSource({ store: createOfflineSessionStore(database()), ...options });
}

/** With BullMQ every process books Admin API points in one bucket per shop (docs/decisions/014). */
function buildThrottleStore(): ThrottleStore {
  const cluster = clusterRedis();
  return cluster ? new RedisThrottleStore(cluster.redis, cluster.prefix) : new BucketRegistry();
}

/** A throttle store built on the first Admin API request, so that composing opens no Redis connection. */
function lazyThrottleStore(build: () => ThrottleStore): ThrottleStore {
  let store: ThrottleStore | undefined;
  const real = () => (store ??= build());
  return {
    reserve: (shop, cost, at) => real().reserve(shop, cost, at),
    observe: (shop, cost, at) => real().observe(shop, cost, at),
    expectedCost: (operation) => real().expectedCost(operation),
    rememberCost: (operation, requested) => real().rememberCost(operation, requested),
    forget: (shop) => real().forget(shop),
  };
}

export const SCHEDULER_INTERVAL_MS = 60_000;

/** What /healthz reads as "worker alive" (app/services/health.server.ts). */
const workerHeartbeat = () => writeHeartbeat(WORKER_HEARTBEAT);

/**
 * The worker and scheduler inside the web process (`npm run sandbox`, production), unless a
 * separate `npm run worker` does the work (SAFESTOCK_WORKER=external) or under tests, whose
 * harness runs its own worker. Started once per process.
 */
export function startWebBackgroundWork() {
  compose();
  const config = env();
  if (config.NODE_ENV === "test" || config.SAFESTOCK_WORKER === "external") return undefined;
  const background = startBackgroundWork();
  // remix-serve closes its HTTP server on these signals and lets the process end when nothing is
  // left running; the worker's poll would keep it alive, so it stops too (jobs in flight finish).
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => void closeComposition().catch((error) => console.error("shutdown: background work did not stop cleanly", { error })));
  }
  return background;
}

export function startBackgroundWork(options: { schedulerIntervalMs?: number } = {}) {
  compose();
  if (globalThis.__safestockBackground) return globalThis.__safestockBackground;
  const worker = createWorker({ queue: jobQueue(), handlers: jobHandlers(), heartbeat: workerHeartbeat });
  worker.start();
  const intervalMs = options.schedulerIntervalMs ?? SCHEDULER_INTERVAL_MS;
  const tick = () =>
    runScheduledWorkOnce(new Date(), intervalMs, clusterRedis()).catch((error) => console.error("scheduler: run failed", { error }));
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  globalThis.__safestockBackground = { worker, timer };
  return globalThis.__safestockBackground;
}

/** `npm run worker`'s worker, sized by WORKER_CONCURRENCY, WORKER_POLL_INTERVAL_MS and WORKER_VISIBILITY_TIMEOUT_MS. */
export function createWorkerProcess(logger: WorkerLogger = console): Worker {
  compose();
  const config = env();
  return createWorker({
    queue: jobQueue(),
    handlers: jobHandlers(),
    concurrency: config.WORKER_CONCURRENCY,
    pollIntervalMs: config.WORKER_POLL_INTERVAL_MS,
    visibilityTimeoutMs: config.WORKER_VISIBILITY_TIMEOUT_MS,
    logger,
    heartbeat: workerHeartbeat,
  });
}

/** Releases what the process holds open: the queue's connections, Redis and the database. */
export async function closeComposition() {
  const background = globalThis.__safestockBackground;
  if (background) {
    clearInterval(background.timer);
    await background.worker.stop();
    globalThis.__safestockBackground = undefined;
  }
  await closeJobQueue(jobQueue());
  await closeSharedRedis();
  await database().$disconnect();
}
