import { NonRetryableError, WaitForShopError, type FailResult, type JobQueue, type LeasedJob } from "./queue.server";

export { NonRetryableError, WaitForShopError };

export interface JobContext {
  /** Aborted when the lease is lost (another worker took the job): stop early, writes would race. */
  signal: AbortSignal;
  /**
   * For a handler marked `batch`: other jobs of the same shop and queue leased in the same call
   * as this one. The worker settles them with the handler's result (see `JobHandler`).
   */
  companions: LeasedJob[];
  /**
   * For a handler marked `batch`: leases up to `limit` more due jobs of this job's shop and
   * queue under the worker's own lease length, renewed with this job's heartbeat. A worker that
   * dies holding them loses them after one visibility timeout, like its own job, not after a
   * fixed longer lease (found by tests/scale-out/cluster.test.ts: a kill -9 left batch jobs
   * unclaimable for 5 minutes).
   */
  leaseMore(limit: number): Promise<LeasedJob[]>;
}

/**
 * Handles one job. Resolve = done; throw = retry with backoff (or dead after `maxAttempts`);
 * throw `NonRetryableError` = dead at once. Runs at least once, so it must be idempotent.
 * `batch`: the handler takes the shop's other due jobs of its queue with it (`companions`,
 * `leaseMore`), so the worker hands it those it leased together instead of running each on its
 * own (which would split a batch). The worker settles every job of the batch: a throw fails them
 * all; a resolved map fails the jobs it names with their own errors and completes the rest.
 * Handlers never settle jobs themselves.
 *
 * `batchLimit`: how many jobs a batch takes at most. The worker gathers them (the shop's due jobs
 * of the queue) before it leases anything else, so one wake-up makes one batch per shop and
 * queue: leased in several calls, a window's jobs were split into a batch of the first lease's
 * few and one of the rest, each run costing its own Admin API read and write
 * (docs/decisions/040).
 *
 * `batchesInTurn` (with `batchLimit`): a shop's batches of this queue run one after another in this
 * worker, and one waiting for the running batch takes along the jobs leased meanwhile.
 */
export type JobHandler = ((job: LeasedJob, context: JobContext) => Promise<void | ReadonlyMap<LeasedJob, unknown>>) & {
  batch?: boolean;
  batchLimit?: number;
  batchesInTurn?: boolean;
};

export interface WorkerLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface WorkerOptions {
  queue: JobQueue;
  /** By queue name. The worker leases only queues it has a handler for. */
  handlers: Record<string, JobHandler>;
  /** Jobs run at once (default 4). */
  concurrency?: number;
  /**
   * How often an idle worker looks for due jobs (default 1 s). A queue with an in-process signal
   * (`onJobsDue`) wakes it at once for jobs enqueued in this process; polling finds the rest.
   */
  pollIntervalMs?: number;
  /** Lease length (default 60 s); renewed every third of it while the job runs. */
  visibilityTimeoutMs?: number;
  logger?: WorkerLogger;
  /**
   * Called every `HEARTBEAT_EVERY_MS` from `start()` to `stop()`: the composition root records it
   * for /healthz's "worker alive" (issue 22). A failure is logged only.
   */
  heartbeat?: () => Promise<void>;
}

const HEARTBEAT_EVERY_MS = 5_000;

export interface RunCounts {
  processed: number;
  succeeded: number;
  retried: number;
  dead: number;
  /** Failed, but a newer job with the same key was already queued and does the work. */
  superseded: number;
  /** The lease was lost before the result could be recorded; the job's new owner decides. */
  stale: number;
  /** The result could not be recorded (database error); the lease expires and the job runs again. */
  errored: number;
  /** Parked until the shop acts (WaitForShopError), e.g. re-authenticates. */
  waiting: number;
}

export interface Worker {
  /** Polls and runs jobs in the background until `stop()`. */
  start(): void;
  /** Stops leasing, waits for jobs in flight to finish and record their result. */
  stop(): Promise<void>;
  /**
   * Runs due jobs until none is due and none is running (tests, CLIs). Jobs scheduled later
   * (retries in backoff) are left pending. Not while the worker is started.
   */
  runUntilIdle(options?: { shop?: string; maxJobs?: number }): Promise<RunCounts>;
  readonly started: boolean;
}

type Outcome = Exclude<keyof RunCounts, "processed">;

/**
 * A lease is renewed every third of its length while its job runs, so it only runs out when the
 * worker is gone (or its event loop stalls for 40 s): 60 s lets another worker take over a crashed
 * worker's jobs within about a minute instead of five.
 */
export const DEFAULT_VISIBILITY_TIMEOUT_MS = 60_000;

export function createWorker(options: WorkerOptions): Worker {
  const { queue, handlers, concurrency = 4, pollIntervalMs = 1_000, visibilityTimeoutMs = DEFAULT_VISIBILITY_TIMEOUT_MS, logger = console } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("concurrency must be a positive integer");
  const queues = Object.keys(handlers);
  const run: JobRunDeps = { queue, handlers, visibilityTimeoutMs, logger };
  const heartbeatMs = Math.max(10, Math.floor(visibilityTimeoutMs / 3));

  const inFlight = new Set<Promise<void>>();
  /** Tail of the chain of jobs per (shop, key): jobs sharing a key run one after another. */
  const keyTails = new Map<string, Promise<void>>();
  /**
   * Last batch per (shop, queue) of a handler with `batchesInTurn`: a shop's batches run one after
   * another, and one still waiting takes along the jobs leased meanwhile. Under load a run can
   * outlast its window; the next window's run then read the items the first was about to move,
   * and its moves came back stale (docs/decisions/040).
   */
  const batchTails = new Map<string, { batch: OpenBatch; running: Promise<void> }>();
  const alarm = new PollAlarm();
  let loop: Promise<void> | null = null;
  let stopping = false;
  let unsubscribe: (() => void) | null = null;
  const totals = zeroCounts();

  /**
   * Jobs leased together: one leader per (shop, queue) of a batch handler, with its companions
   * and the rest of the batch's due jobs (`batchLimit`), gathered before the next lease.
   */
  async function dispatchAll(jobs: LeasedJob[], counts: RunCounts): Promise<void> {
    for (const { leader, companions } of groupBatches(jobs, handlers)) {
      companions.push(...(await restOfBatch(leader, companions.length)));
      dispatch(leader, counts, companions);
    }
  }

  /** Up to the handler's `batchLimit` in all; none when the lease fails (the handler's `leaseMore` may still add some). */
  async function restOfBatch(leader: LeasedJob, companions: number): Promise<LeasedJob[]> {
    const missing = (handlers[leader.queue]?.batchLimit ?? 0) - 1 - companions;
    if (missing <= 0) return [];
    try {
      return await queue.lease({ queues: [leader.queue], shop: leader.shop, limit: missing, visibilityTimeoutMs });
    } catch (error) {
      logger.error("worker: could not lease the rest of a batch", jobMeta(leader, { error }));
      return [];
    }
  }

  function dispatch(job: LeasedJob, counts: RunCounts, companions: LeasedJob[]): void {
    const limit = handlers[job.queue]?.batchLimit;
    const batchKey = limit !== undefined && handlers[job.queue]?.batchesInTurn ? `${job.shop}\u0000${job.queue}` : null;
    const before = batchKey ? batchTails.get(batchKey) : undefined;
    // A batch still waiting for the shop's running one takes these jobs along (up to its limit):
    // one run for what came due while the other ran, not one run per window queued behind it.
    const waiting = before && !before.batch.started ? before.batch : undefined;
    if (waiting && limit !== undefined && 1 + waiting.companions.length + 1 + companions.length <= limit) {
      waiting.companions.push(job, ...companions);
      waiting.held.push(job, ...companions);
      return;
    }
    const lease = new AbortController();
    // Jobs settled by this job's handler (companions, jobs it leases along): their leases are
    // renewed with this one's.
    const held = [...companions];
    const batch: OpenBatch = { companions, held, started: false };
    const heartbeat = startHeartbeat(run, job, held, lease, heartbeatMs);
    const lockKey = job.key === null ? null : `${job.shop}\u0000${job.key}`;
    const previous = Promise.all([lockKey && keyTails.get(lockKey), before?.running]);
    const running: Promise<void> = previous
      .then(() => {
        batch.started = true;
        return lease.signal.aborted ? ("stale" as const) : runJob(run, job, lease.signal, companions, held);
      })
      .then((outcome) => {
        counts[outcome]++;
        counts.processed++;
      })
      .finally(() => {
        clearInterval(heartbeat);
        inFlight.delete(running);
        if (lockKey && keyTails.get(lockKey) === running) keyTails.delete(lockKey);
        if (batchKey && batchTails.get(batchKey)?.running === running) batchTails.delete(batchKey);
        alarm.slotFreed();
      });
    if (lockKey) keyTails.set(lockKey, running);
    if (batchKey) batchTails.set(batchKey, { batch, running });
    inFlight.add(running);
  }

  let beatTimer: NodeJS.Timeout | null = null;
  const beat = () => void options.heartbeat?.().catch((error: unknown) => logger.warn("worker: heartbeat not recorded", { error }));

  async function pollLoop(): Promise<void> {
    await reclaimOrphanedLeases(queue, logger);
    while (!stopping) {
      const free = concurrency - inFlight.size;
      let leased = 0;
      if (free > 0) {
        alarm.forgetSignal();
        try {
          const jobs = await queue.lease({ queues, limit: free, visibilityTimeoutMs });
          await dispatchAll(jobs, totals);
          leased = jobs.length;
        } catch (error) {
          logger.error("worker: could not lease jobs", { error });
        }
      }
      if (stopping) break;
      if (free > 0 && leased === free) continue; // maybe more is due
      if (free > 0 && alarm.signalled) continue; // enqueued while we were leasing
      await alarm.sleep(pollIntervalMs, { untilSlotFrees: free === 0 });
    }
  }

  return {
    get started() {
      return loop !== null;
    },

    start() {
      if (loop) return;
      stopping = false;
      logger.info("worker: started", { queues, concurrency });
      unsubscribe = queue.onJobsDue?.((runAt) => alarm.jobsDue(runAt)) ?? null;
      loop = pollLoop();
      if (options.heartbeat) {
        beat();
        beatTimer = setInterval(beat, HEARTBEAT_EVERY_MS);
        beatTimer.unref();
      }
    },

    async stop() {
      if (!loop) return;
      stopping = true;
      if (beatTimer) clearInterval(beatTimer);
      beatTimer = null;
      unsubscribe?.();
      unsubscribe = null;
      alarm.stop();
      await loop;
      while (inFlight.size > 0) await Promise.all(inFlight);
      loop = null;
      logger.info("worker: stopped", { ...totals });
    },

    async runUntilIdle({ shop, maxJobs = Number.POSITIVE_INFINITY } = {}) {
      if (loop) throw new Error("runUntilIdle: the worker is started; stop it first");
      const counts = zeroCounts();
      let leasedTotal = 0;
      for (;;) {
        const free = Math.min(concurrency - inFlight.size, maxJobs - leasedTotal);
        let leased = 0;
        if (free > 0) {
          const jobs = await queue.lease({ queues, limit: free, visibilityTimeoutMs, ...(shop ? { shop } : {}) });
          await dispatchAll(jobs, counts);
          leased = jobs.length;
          leasedTotal += leased;
        }
        if (inFlight.size === 0) break;
        if (leased === 0 || leased < free || inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      return counts;
    },
  };
}

/**
 * When the poll loop sleeps and what wakes it. An idle worker with a free slot is woken by jobs
 * signalled due now (`onJobsDue`); a full worker only by its next finished job. A signal that
 * arrives while the loop is leasing is kept, so the loop does not then sleep. Jobs due later (a
 * coalescing window) set one timer, for the earliest of them.
 */
class PollAlarm {
  private wake: (() => void) | null = null;
  private waitingForSlot = false;
  private jobsSignalled = false;
  private dueTimer: { at: number; timer: NodeJS.Timeout } | null = null;

  /** Whether jobs were signalled since `forgetSignal`. */
  get signalled(): boolean {
    return this.jobsSignalled;
  }

  forgetSignal(): void {
    this.jobsSignalled = false;
  }

  /** Sleeps up to `ms`; `untilSlotFrees`: every slot is busy, so only a finished job wakes it. */
  async sleep(ms: number, { untilSlotFrees }: { untilSlotFrees: boolean }): Promise<void> {
    this.waitingForSlot = untilSlotFrees;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
    this.waitingForSlot = false;
  }

  /** The queue's in-process signal: jobs stored, the earliest due at `runAt`. */
  jobsDue(runAt: Date): void {
    const inMs = runAt.getTime() - Date.now();
    if (inMs > 0) this.wakeAt(inMs);
    else this.wakeForJobs();
  }

  slotFreed(): void {
    if (this.waitingForSlot) this.wake?.();
  }

  stop(): void {
    if (this.dueTimer) clearTimeout(this.dueTimer.timer);
    this.dueTimer = null;
    this.wake?.();
  }

  private wakeForJobs(): void {
    if (this.wake && !this.waitingForSlot) this.wake();
    else this.jobsSignalled = true;
  }

  private wakeAt(inMs: number): void {
    const at = Date.now() + inMs;
    if (this.dueTimer && this.dueTimer.at <= at) return;
    if (this.dueTimer) clearTimeout(this.dueTimer.timer);
    const timer = setTimeout(() => {
      this.dueTimer = null;
      this.wakeForJobs();
    }, inMs);
    timer.unref?.();
    this.dueTimer = { at, timer };
  }
}

/** What running and settling one job needs from the worker. */
interface JobRunDeps {
  queue: JobQueue;
  handlers: Record<string, JobHandler>;
  visibilityTimeoutMs: number;
  logger: WorkerLogger;
}

function jobMeta(job: LeasedJob, extra: Record<string, unknown> = {}) {
  return { shop: job.shop, queue: job.queue, jobId: job.id, key: job.key, attempt: job.attempts, maxAttempts: job.maxAttempts, ...extra };
}

/** A dispatched batch: its companions and held jobs grow while it has not started. */
interface OpenBatch {
  companions: LeasedJob[];
  held: LeasedJob[];
  started: boolean;
}

/** One leader per (shop, queue) of a batch handler with the rest as its companions; every other job on its own. */
function groupBatches(jobs: readonly LeasedJob[], handlers: Record<string, JobHandler>): { leader: LeasedJob; companions: LeasedJob[] }[] {
  const singles: { leader: LeasedJob; companions: LeasedJob[] }[] = [];
  const batches = new Map<string, { leader: LeasedJob; companions: LeasedJob[] }>();
  for (const job of jobs) {
    if (!handlers[job.queue]?.batch) {
      singles.push({ leader: job, companions: [] });
      continue;
    }
    const group = `${job.shop}\u0000${job.queue}`;
    const existing = batches.get(group);
    if (existing) existing.companions.push(job);
    else batches.set(group, { leader: job, companions: [] });
  }
  return [...singles, ...batches.values()];
}

/**
 * Renews the leases of a running job and of the jobs its handler holds, every third of the
 * visibility timeout. A stale answer for a held job only means the handler's settling of it will
 * be refused; the leader's own lease decides whether to abort.
 */
function startHeartbeat({ queue, visibilityTimeoutMs, logger }: JobRunDeps, job: LeasedJob, held: readonly LeasedJob[], lease: AbortController, heartbeatMs: number): NodeJS.Timeout {
  const heartbeat = setInterval(() => {
    for (const other of held) {
      queue.extendLease(other, visibilityTimeoutMs).catch((error: unknown) => logger.warn("job: could not extend lease", jobMeta(other, { error })));
    }
    queue.extendLease(job, visibilityTimeoutMs).then(
      (result) => {
        if (result.kind === "stale" && !lease.signal.aborted) {
          logger.warn("job: lease lost to another worker", jobMeta(job));
          lease.abort(new Error("lease lost"));
        }
      },
      (error: unknown) => logger.warn("job: could not extend lease", jobMeta(job, { error })),
    );
  }, heartbeatMs);
  heartbeat.unref?.();
  return heartbeat;
}

/** Runs the job's handler and settles the job and every job the handler carried along. */
async function runJob(run: JobRunDeps, job: LeasedJob, signal: AbortSignal, companions: LeasedJob[], held: LeasedJob[]): Promise<Outcome> {
  const { queue, handlers, visibilityTimeoutMs, logger } = run;
  const leaseMore = async (limit: number) => {
    if (limit <= 0) return [];
    const more = await queue.lease({ queues: [job.queue], shop: job.shop, limit, visibilityTimeoutMs });
    held.push(...more);
    return more;
  };
  let failures: void | ReadonlyMap<LeasedJob, unknown>;
  try {
    const handler = handlers[job.queue];
    if (!handler) throw new NonRetryableError(`No handler for queue "${job.queue}"`);
    failures = await handler(job, { signal, companions, leaseMore });
  } catch (error) {
    await settleCarried(run, held, () => ({ error }));
    return recordFailure(run, job, error);
  }
  await settleCarried(run, held, (other) => (failures?.has(other) ? { error: failures.get(other) } : null));
  if (failures?.has(job)) return recordFailure(run, job, failures.get(job));
  try {
    const result = await queue.complete(job);
    if (result.kind === "stale") logger.warn("job: finished after its lease was taken over; result not recorded", jobMeta(job));
    return result.kind === "completed" ? "succeeded" : "stale";
  } catch (error) {
    logger.error("job: could not record completion", jobMeta(job, { error }));
    return "errored";
  }
}

/** The jobs a batch handler carried along with its own: each failed with its error, or completed. */
async function settleCarried(run: JobRunDeps, carried: readonly LeasedJob[], failureOf: (job: LeasedJob) => { error: unknown } | null): Promise<void> {
  const { queue, logger } = run;
  for (const other of carried) {
    const failure = failureOf(other);
    if (failure) {
      await recordFailure(run, other, failure.error);
      continue;
    }
    const result = await queue.complete(other).catch((error: unknown) => {
      logger.error("job: could not record completion", jobMeta(other, { error }));
      return null;
    });
    if (result?.kind === "stale") logger.warn("job: finished after its lease was taken over; result not recorded", jobMeta(other));
  }
}

async function recordFailure(run: JobRunDeps, job: LeasedJob, error: unknown): Promise<Outcome> {
  const { queue, logger } = run;
  if (error instanceof WaitForShopError) return parkForShop(run, job, error);
  const retryable = !(error instanceof NonRetryableError);
  let result: FailResult;
  try {
    result = await queue.fail(job, error, { retryable });
  } catch (ackError) {
    logger.error("job: failed, and the failure could not be recorded", jobMeta(job, { error, ackError }));
    return "errored";
  }
  switch (result.kind) {
    case "retrying":
      logger.error("job: failed, will retry", jobMeta(job, { error, retryAt: result.runAt.toISOString() }));
      return "retried";
    case "dead":
      logger.error(retryable ? "job: failed on its last attempt, dead" : "job: failed, not retryable, dead", jobMeta(job, { error }));
      return "dead";
    case "superseded":
      logger.error("job: failed, superseded by a newer job for the same key", jobMeta(job, { error, by: result.by }));
      return "superseded";
    case "stale":
      logger.warn("job: failed after its lease was taken over; failure not recorded", jobMeta(job, { error }));
      return "stale";
  }
}

async function parkForShop({ queue, logger }: JobRunDeps, job: LeasedJob, error: WaitForShopError): Promise<Outcome> {
  try {
    const result = await queue.park(job, error);
    if (result.kind === "stale") return "stale";
    logger.warn("job: waiting for the shop", jobMeta(job, { reason: error.message }));
    return "waiting";
  } catch (ackError) {
    logger.error("job: could not be parked", jobMeta(job, { error, ackError }));
    return "errored";
  }
}

/**
 * A restarted worker takes back at once the jobs its crashed predecessor held (the queue knows
 * which holders are gone: app/jobs/sqlite/lease-holder.server.ts `leaseHolderIsGone`), instead of
 * leaving them to their visibility timeout (a minute after a kill -9 mid-publish).
 */
async function reclaimOrphanedLeases(queue: JobQueue, logger: WorkerLogger): Promise<void> {
  if (!queue.reclaimOrphanedLeases) return;
  try {
    const { reclaimed } = await queue.reclaimOrphanedLeases();
    if (reclaimed > 0) logger.info("worker: took back jobs of a worker that is gone", { reclaimed });
  } catch (error) {
    // Not fatal: those leases still expire on their own.
    logger.warn("worker: could not look for jobs of workers that are gone", { error });
  }
}

function zeroCounts(): RunCounts {
  return { processed: 0, succeeded: 0, retried: 0, dead: 0, superseded: 0, stale: 0, errored: 0, waiting: 0 };
}
