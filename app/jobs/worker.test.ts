import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { waitFor } from "../../tests/support/wait-for";
import type { JobQueue } from "./queue.server";
import { createSqliteJobQueue } from "./sqlite-queue.server";
import { NonRetryableError, createWorker, type JobHandler, type WorkerLogger } from "./worker.server";

const SHOP = "alpha.myshopify.com";
const OTHER_SHOP = "beta.myshopify.com";

let now: Date;
const clock = () => new Date(now.getTime());
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

/** A queue that counts the polls made through it (finished `lease` calls): the worker's heartbeat as a test can see it. */
function countingPolls(queue: JobQueue) {
  const seen = { polls: 0 };
  const counted: JobQueue = Object.assign(Object.create(queue) as JobQueue, {
    lease: async (options: Parameters<JobQueue["lease"]>[0]) => {
      const leased = await queue.lease(options);
      seen.polls++;
      return leased;
    },
  });
  return { queue: counted, seen };
}

/** A promise and the function that settles it: a handler holds its job until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

function recordingLogger() {
  const lines: { level: string; message: string; meta?: Record<string, unknown> }[] = [];
  const logger: WorkerLogger = {
    info: (message, meta) => lines.push({ level: "info", message, meta }),
    warn: (message, meta) => lines.push({ level: "warn", message, meta }),
    error: (message, meta) => lines.push({ level: "error", message, meta }),
  };
  return { logger, lines };
}

function makeQueue() {
  return createSqliteJobQueue({ clock, random: () => 0.5, backoff: { baseMs: 1_000, maxMs: 60_000 } });
}

beforeEach(async () => {
  now = new Date("2026-11-23T12:00:00.000Z");
  await prisma.job.deleteMany();
});

describe("worker: running jobs", () => {
  it("runUntilIdle drains every due job of the queues it handles", async () => {
    const queue = makeQueue();
    const seen: unknown[] = [];
    const handler: JobHandler = async (job) => {
      seen.push(job.payload);
    };
    for (let i = 0; i < 10; i++) await queue.enqueue({ shop: i < 7 ? SHOP : OTHER_SHOP, queue: i % 2 ? "recompute" : "reconcile", payload: i });
    await queue.enqueue({ shop: SHOP, queue: "no-handler", payload: "left alone" });
    const worker = createWorker({ queue, handlers: { recompute: handler, reconcile: handler }, concurrency: 3, logger: recordingLogger().logger });

    expect(await worker.runUntilIdle({ shop: OTHER_SHOP })).toMatchObject({ processed: 3, succeeded: 3 });
    expect(await queue.drained(OTHER_SHOP)).toBe(true);
    expect(await worker.runUntilIdle()).toMatchObject({ processed: 7, succeeded: 7, retried: 0, dead: 0 });
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await queue.stats(SHOP)).byQueue["no-handler"].pending).toBe(1);
    expect(await worker.runUntilIdle()).toMatchObject({ processed: 0 });
  });

  it("retries a throwing handler after its backoff and buries a NonRetryableError at once, logging the job", async () => {
    const queue = makeQueue();
    let calls = 0;
    const { logger, lines } = recordingLogger();
    const worker = createWorker({
      queue,
      logger,
      handlers: {
        flaky: async () => {
          calls++;
          if (calls === 1) throw new Error("429 throttled");
        },
        broken: async () => {
          throw new NonRetryableError("payload is not an inventory item");
        },
      },
    });
    const flaky = await queue.enqueue({ shop: SHOP, queue: "flaky", payload: {} });
    const broken = await queue.enqueue({ shop: SHOP, queue: "broken", payload: {}, maxAttempts: 5 });

    expect(await worker.runUntilIdle()).toMatchObject({ processed: 2, retried: 1, dead: 1, succeeded: 0 });
    expect(await queue.drained(SHOP)).toBe(false); // the retry waits out its backoff
    advance(500); // 0.5 × 1 s
    expect(await worker.runUntilIdle()).toMatchObject({ processed: 1, succeeded: 1 });
    expect(await queue.drained(SHOP)).toBe(true);

    const dead = await queue.listDead(SHOP);
    expect(dead.jobs).toMatchObject([{ id: broken.id, attempts: 1, lastError: expect.stringContaining("not an inventory item") }]);
    const errors = lines.filter((line) => line.level === "error");
    expect(errors.map((line) => line.meta)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ shop: SHOP, queue: "flaky", jobId: flaky.id, attempt: 1 }),
        expect.objectContaining({ shop: SHOP, queue: "broken", jobId: broken.id, attempt: 1 }),
      ]),
    );
  });

  it("never runs two jobs of one (shop, key) at once, while other keys run in parallel", async () => {
    const queue = makeQueue();
    const active = new Map<string, number>();
    let maxPerKey = 0;
    let maxOverall = 0;
    let overall = 0;
    const startedLocks = new Set<string>();
    const handler: JobHandler = async (job) => {
      const lock = `${job.shop}/${job.key}`;
      active.set(lock, (active.get(lock) ?? 0) + 1);
      overall++;
      startedLocks.add(lock);
      maxPerKey = Math.max(maxPerKey, active.get(lock)!);
      maxOverall = Math.max(maxOverall, overall);
      // Each job stays in flight until the three distinct keys have all started: a worker that ran
      // them one at a time would never get there (and time out here).
      await waitFor(() => startedLocks.size === 3, { what: "three keys in flight at once" });
      active.set(lock, active.get(lock)! - 1);
      overall--;
    };
    // Same key in two queues: both pending at once, both leased in one batch.
    await queue.enqueueMany([
      { shop: SHOP, queue: "recompute", key: "item-1", payload: {} },
      { shop: SHOP, queue: "reconcile", key: "item-1", payload: {} },
      { shop: SHOP, queue: "recompute", key: "item-2", payload: {} },
      { shop: OTHER_SHOP, queue: "recompute", key: "item-1", payload: {} },
    ]);
    const worker = createWorker({ queue, handlers: { recompute: handler, reconcile: handler }, concurrency: 4, logger: recordingLogger().logger });

    expect(await worker.runUntilIdle()).toMatchObject({ processed: 4, succeeded: 4 });
    expect(maxPerKey).toBe(1);
    expect(maxOverall).toBeGreaterThan(1);
  });

  it("start() polls in the background and stop() lets the job in flight finish", async () => {
    const queue = makeQueue();
    const started = gate();
    const release = gate();
    let finished = false;
    const worker = createWorker({
      queue,
      pollIntervalMs: 5,
      logger: recordingLogger().logger,
      handlers: {
        slow: async () => {
          started.open();
          // Held until stop() has been asked for: the job is in flight when the worker stops.
          await release.opened;
          finished = true;
        },
      },
    });
    const { id } = await queue.enqueue({ shop: SHOP, queue: "slow", payload: {} });
    worker.start();
    expect(worker.started).toBe(true);
    await started.opened;
    const stopping = worker.stop();
    release.open();
    await stopping;

    expect(finished).toBe(true);
    expect(worker.started).toBe(false);
    expect(await prisma.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "done" });

    // Stopped: nothing is leased any more. A witness worker with the same poll interval, handling
    // another queue, is the clock: after three of its polls the stopped one would have polled too.
    await queue.enqueue({ shop: SHOP, queue: "slow", payload: {} });
    const witness = countingPolls(queue);
    const other = createWorker({ queue: witness.queue, pollIntervalMs: 5, logger: recordingLogger().logger, handlers: { other: async () => {} } });
    other.start();
    await waitFor(() => witness.seen.polls >= 3, { what: "three polls of the witness worker" });
    await other.stop();
    expect((await queue.stats(SHOP)).byStatus.pending).toBe(1);
  });

});

describe("worker: wake-ups and batches", () => {
  it("an idle worker runs a job enqueued in its process without waiting for its next poll", async () => {
    const queue = makeQueue();
    const ran: unknown[] = [];
    let ranJob!: () => void;
    const jobRan = new Promise<void>((resolve) => (ranJob = resolve));
    // A poll interval far beyond the test's timeout: only the enqueue signal can start the job.
    const polling = countingPolls(queue);
    const worker = createWorker({
      queue: polling.queue,
      pollIntervalMs: 24 * 60 * 60_000,
      logger: recordingLogger().logger,
      handlers: {
        recompute: async (job) => {
          ran.push(job.payload);
          ranJob();
        },
      },
    });
    worker.start();
    // The first poll found nothing: the worker sleeps until its next poll, a day away.
    await waitFor(() => polling.seen.polls >= 1, { what: "the worker's first poll" });
    await queue.enqueueMany([{ shop: SHOP, queue: "recompute", payload: "woken", key: "item-1" }]);
    await jobRan;
    await worker.stop();
    expect(ran).toEqual(["woken"]);
  });

  it("hands a batch handler the other jobs of its shop and queue leased with it, instead of running each alone", async () => {
    const queue = makeQueue();
    const runs: { leader: unknown; companions: unknown[] }[] = [];
    const batched: JobHandler = async (job, { companions }) => {
      runs.push({ leader: job.payload, companions: companions.map((companion) => companion.payload) });
    };
    batched.batch = true;
    for (const payload of ["a1", "a2", "a3"]) await queue.enqueue({ shop: SHOP, queue: "recompute", payload });
    await queue.enqueue({ shop: OTHER_SHOP, queue: "recompute", payload: "b1" });
    const worker = createWorker({ queue, handlers: { recompute: batched }, concurrency: 4, logger: recordingLogger().logger });

    await worker.runUntilIdle();
    expect(runs).toEqual([
      { leader: "a1", companions: ["a2", "a3"] },
      { leader: "b1", companions: [] },
    ]);
    expect(await queue.drained()).toBe(true);
  });

  it("gathers a batch up to its batchLimit before leasing again: a window's jobs make one batch, not one per lease", async () => {
    const queue = makeQueue();
    const runs: unknown[][] = [];
    const batched: JobHandler = async (job, { companions }) => {
      runs.push([job, ...companions].map((leased) => leased.payload));
    };
    batched.batch = true;
    batched.batchLimit = 4;
    const payloads = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10"];
    for (const payload of payloads) await queue.enqueue({ shop: SHOP, queue: "recompute", payload });
    // Two slots: the first lease takes two jobs; before, the loop's next lease made a second batch of the next two.
    const worker = createWorker({ queue, handlers: { recompute: batched }, concurrency: 2, logger: recordingLogger().logger });

    await worker.runUntilIdle();
    expect(runs).toEqual([
      ["a1", "a2", "a3", "a4"],
      ["a5", "a6", "a7", "a8"],
      ["a9", "a10"],
    ]);
    expect(await queue.drained()).toBe(true);
  });

  it("runs a shop's batches one after another; one waiting for the running batch takes along the jobs leased meanwhile", async () => {
    const queue = makeQueue();
    const runs: unknown[][] = [];
    let inRun = 0;
    let overlapped = false;
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const batched: JobHandler = async (job, { companions }) => {
      inRun++;
      overlapped ||= inRun > 1;
      runs.push([job, ...companions].map((leased) => leased.payload));
      if (runs.length === 1) await firstHeld;
      inRun--;
    };
    batched.batch = true;
    batched.batchLimit = 25;
    batched.batchesInTurn = true;
    const worker = createWorker({ queue, handlers: { recompute: batched }, concurrency: 4, logger: recordingLogger().logger });
    worker.start();
    await queue.enqueue({ shop: SHOP, queue: "recompute", payload: "a1", key: "a1" });
    await waitFor(() => runs.length === 1, { what: "the first batch running" });
    // Enqueued one by one while the first batch runs: each wakes the worker, which leases it alone.
    for (const payload of ["a2", "a3", "a4"]) {
      await queue.enqueue({ shop: SHOP, queue: "recompute", payload, key: payload });
      await waitFor(async () => (await prisma.job.count({ where: { shop: SHOP, status: "pending" } })) === 0, { what: `${payload} leased` });
    }
    releaseFirst();
    await waitFor(() => runs.length === 2, { what: "the second batch" });
    await worker.stop();
    expect(runs).toEqual([["a1"], ["a2", "a3", "a4"]]);
    expect(overlapped).toBe(false);
    expect(await queue.drained()).toBe(true);
  });

  it("settles every job of a batch itself: the handler's failure by job fails that job only", async () => {
    const queue = makeQueue();
    const batched: JobHandler = async (job, { companions }) => {
      const bad = [job, ...companions].find((leased) => leased.payload === "a2");
      return new Map(bad ? [[bad, new NonRetryableError("a2 is malformed")]] : []);
    };
    batched.batch = true;
    for (const payload of ["a1", "a2", "a3"]) await queue.enqueue({ shop: SHOP, queue: "recompute", payload });
    const worker = createWorker({ queue, handlers: { recompute: batched }, concurrency: 4, logger: recordingLogger().logger });

    await worker.runUntilIdle();
    const rows = await prisma.job.findMany({ where: { shop: SHOP }, orderBy: { payload: "asc" }, select: { payload: true, status: true } });
    expect(rows).toEqual([
      { payload: JSON.stringify("a1"), status: "done" },
      { payload: JSON.stringify("a2"), status: "dead" },
      { payload: JSON.stringify("a3"), status: "done" },
    ]);
  });
});
