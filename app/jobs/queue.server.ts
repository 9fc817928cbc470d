/**
 * The job queue port (docs/decisions/002, 006).
 *
 * Everything outside `app/jobs/` talks to this interface only. The embedded adapter
 * (`sqlite-queue.server.ts`) keeps jobs in the `Job` table; a distributed adapter (BullMQ on
 * Redis) can implement the same contract later without touching webhook routes or services.
 *
 * Contract, whatever the adapter:
 * - At-least-once: a job runs until it is completed or dead. A worker that dies mid-job loses
 *   its lease after `visibilityTimeoutMs` and the job is leased again, so handlers must be
 *   idempotent (the sync pipeline re-reads Shopify's current truth, so they are).
 * - Coalescing: while a job with a `key` is pending, enqueueing the same (shop, queue, key)
 *   merges into it (latest payload wins, earliest `runAt` wins). Jobs that share a key are
 *   therefore interchangeable. Once a job is leased its key is released, so a change arriving
 *   during a run queues a fresh job (the run may have read data from before that change).
 * - Leases: `lease` hands out a `leaseToken`. `complete`, `fail` and `extendLease` act only
 *   while that token is current; after the lease expired and another worker took the job they
 *   are no-ops that answer `{ kind: "stale" }`, so a result is never applied twice.
 * - Retries: a retryable failure goes back to `pending` after an exponential backoff with full
 *   jitter (`retryDelayMs`); after `maxAttempts` attempts, or a non-retryable failure, the job is
 *   `dead` and keeps its last error until the merchant retries it (`retryDead`).
 * - Waiting: a job that cannot run until the shop acts (its access token was revoked: the
 *   merchant must open the app so that a fresh token is exchanged) is `park`ed: `waiting`, not
 *   leased, not counted as an attempt, never dead. `resumeWaiting(shop)` makes the shop's waiting
 *   jobs pending again (a waiting job whose key already has a pending job merges into it).
 * - Tenancy: every read and write is scoped by shop; `purgeShop` removes a shop's jobs.
 */

export const JOB_STATUSES = ["pending", "running", "done", "dead", "waiting"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface NewJob {
  shop: string;
  queue: string;
  /** Anything JSON-serializable. Handlers should validate it (it may come from an older release). */
  payload: unknown;
  /** Coalescing key, e.g. the inventory item id: one pending job per (shop, queue, key). */
  key?: string | null;
  /** Not before this time (defaults to now). */
  runAt?: Date;
  /** Attempts before the job is dead (default 8). */
  maxAttempts?: number;
}

export type EnqueueResult = { kind: "enqueued" | "coalesced"; id: string };

export interface LeaseOptions {
  /** Only these queues; omitted = every queue, empty = none. */
  queues?: string[];
  limit: number;
  /** How long the lease lasts before another worker may take the job. */
  visibilityTimeoutMs: number;
  /** Only this shop's jobs. */
  shop?: string;
}

export interface LeasedJob<Payload = unknown> {
  id: string;
  shop: string;
  queue: string;
  key: string | null;
  payload: Payload;
  /** Including this run: 1 on the first run. */
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  createdAt: Date;
  leaseToken: string;
  leasedUntil: Date;
}

/** What `complete`, `fail` and `extendLease` need to prove they still hold the lease. */
export type LeaseRef = Pick<LeasedJob, "id" | "leaseToken">;

export type StaleLease = { kind: "stale" };

export type CompleteResult = { kind: "completed" } | StaleLease;

export type FailResult =
  /** Back to pending, due again at `runAt`. */
  | { kind: "retrying"; runAt: Date; attempts: number }
  /** Out of attempts or not retryable; the error is kept in `lastError`. */
  | { kind: "dead"; attempts: number }
  /**
   * A retry was due but a newer job with the same key was already pending (queued while this
   * one ran). Jobs sharing a key are interchangeable, so the newer one does the work; this one
   * is closed as done with its error kept.
   */
  | { kind: "superseded"; by: string }
  | StaleLease;

export type ParkResult = { kind: "waiting" } | StaleLease;

export type ExtendLeaseResult = { kind: "extended"; leasedUntil: Date } | StaleLease;

export type RetryDeadResult =
  | { kind: "retried"; id: string }
  /** A pending job with the same key already exists; the dead job is closed in its favour. */
  | { kind: "coalesced"; id: string }
  | { kind: "not-found" };

export type StatusCounts = Record<JobStatus, number>;

export interface QueueStats {
  total: number;
  byStatus: StatusCounts;
  byQueue: Record<string, StatusCounts>;
  /** Jobs `done` after more than one attempt: failures the retries recovered (until `pruneDone`). */
  doneAfterRetry: number;
}

export interface DeadJob {
  id: string;
  shop: string;
  queue: string;
  key: string | null;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface DeadJobPage {
  jobs: DeadJob[];
  nextCursor: string | null;
}

export interface JobQueue {
  enqueue(job: NewJob): Promise<EnqueueResult>;
  /** All or nothing, in one transaction; results in input order (later duplicates coalesce into earlier ones). */
  enqueueMany(jobs: readonly NewJob[]): Promise<EnqueueResult[]>;
  /** Due jobs (pending with `runAt <= now`, or running with an expired lease), oldest `runAt` first. */
  lease(options: LeaseOptions): Promise<LeasedJob[]>;
  complete(job: LeaseRef): Promise<CompleteResult>;
  fail(job: LeaseRef, error: unknown, options: { retryable: boolean }): Promise<FailResult>;
  /** The job waits for the shop (see "Waiting"); the attempt it was leased for does not count. */
  park(job: LeaseRef, error: unknown): Promise<ParkResult>;
  /** The shop's waiting jobs become pending, due now. Returns how many resumed (merged ones included). */
  resumeWaiting(shop: string): Promise<{ resumed: number }>;
  /**
   * Optional, called when a worker starts: leases still running whose holder is known to be gone
   * (see the adapter for how it knows) become due now, instead of after their visibility timeout.
   * A lease of a live process is never touched. Adapters that find crashed workers' jobs on
   * their own (BullMQ's stalled-job sweep) leave it out.
   */
  reclaimOrphanedLeases?(): Promise<{ reclaimed: number }>;
  /** Pushes `leasedUntil` to now + `ms` (heartbeat for long jobs). */
  extendLease(job: LeaseRef, ms: number): Promise<ExtendLeaseResult>;
  stats(shop?: string): Promise<QueueStats>;
  /** Newest first, keyset-paginated. */
  listDead(shop: string, page?: { cursor?: string | null; take?: number }): Promise<DeadJobPage>;
  /** The merchant's "retry": the dead job is pending again with a fresh set of attempts. */
  retryDead(shop: string, id: string): Promise<RetryDeadResult>;
  /** Removes every job of the shop (uninstall, `shop/redact`). */
  purgeShop(shop: string): Promise<{ deleted: number }>;
  /** Deletes finished (`done`) jobs older than `before`; dead jobs stay until retried or purged. */
  pruneDone(before: Date, shop?: string): Promise<{ deleted: number }>;
  /** True when nothing is pending or running (scheduled retries count as pending). */
  drained(shop?: string): Promise<boolean>;
  /**
   * Optional in-process signal: `listener` is called after this adapter stored jobs (enqueue,
   * resume, retry) with the earliest `runAt` among them, so a worker in the same process leases
   * them when they are due instead of at its next poll. Other processes still find them by
   * polling. Returns the unsubscribe function.
   */
  onJobsDue?(listener: (runAt: Date) => void): () => void;
}

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** The ceiling never grows beyond this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 15 * 60_000 };
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): the delay after the `attempt`-th failed attempt (1-based) is uniform in
 * `[0, min(maxMs, baseMs × 2^(attempt − 1)))`. Full jitter spreads retries of a burst that
 * failed together (a throttled shop, an outage) instead of retrying them in lockstep.
 */
export function retryDelayMs(attempt: number, random: () => number, backoff: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(exponent, 52));
  return Math.floor(random() * ceiling);
}

/** Thrown by a handler when retrying cannot help (bad payload, shop uninstalled): the job goes straight to dead. */
export class NonRetryableError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NonRetryableError";
  }
}

/**
 * Thrown by a handler when the job cannot run until the shop acts (e.g. re-authenticates): the
 * job is parked as `waiting` instead of retried or dead-lettered, and resumes with the shop.
 */
export class WaitForShopError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WaitForShopError";
  }
}

const MAX_ERROR_LENGTH = 4_000;

/** The text kept in `lastError`: the stack when there is one (its first line is `Name: message`). */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = error.stack ?? `${error.name}: ${error.message}`;
  else if (typeof error === "string") text = error;
  else {
    try {
      text = JSON.stringify(error) ?? String(error);
    } catch {
      text = String(error);
    }
  }
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/** What every adapter refuses before it stores anything, so a bad job fails the same way on each. */
export function validateNewJob(job: NewJob): void {
  const { maxAttempts } = job;
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  if (job.runAt !== undefined && Number.isNaN(job.runAt.getTime())) throw new RangeError("runAt is an invalid date");
  if (!job.shop || !job.queue) throw new RangeError("shop and queue are required");
}

/** Zero for every status, so `stats()` lists each one even when no job has it. */
export function emptyStatusCounts(): StatusCounts {
  return Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as StatusCounts;
}
