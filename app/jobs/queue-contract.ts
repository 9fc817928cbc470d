/**
 * The queue port's contract (app/jobs/queue.server.ts) as one vitest suite, run against every
 * adapter (app/jobs/queue-contract.test.ts): the embedded SQLite one and the BullMQ one. It uses
 * the real clock (BullMQ's is Redis's) with millisecond backoffs; waits poll for an eventual
 * state with a generous deadline, they never assert a duration.
 */
import { describe, expect, it } from "vitest";
import type { JobQueue, LeasedJob } from "./queue.server";

export interface ContractSubject {
  queue: JobQueue;
  /** Empties the queue's storage between tests. */
  reset(): Promise<void>;
  /** Visibility timeout short enough for lease-expiry tests. */
  shortLeaseMs: number;
}

const SHOP = "contract-alpha.myshopify.com";
const OTHER_SHOP = "contract-beta.myshopify.com";
const VT = 60_000;

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, deadlineMs = 15_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function leaseOne(queue: JobQueue, options: { queues?: string[]; shop?: string; vt?: number } = {}): Promise<LeasedJob | undefined> {
  const [job] = await queue.lease({ limit: 1, visibilityTimeoutMs: options.vt ?? VT, queues: options.queues ?? ["recompute", "reconcile"], ...(options.shop ? { shop: options.shop } : {}) });
  return job;
}

export function describeJobQueueContract(adapter: string, subject: () => ContractSubject) {
  describeEnqueueAndLease(adapter, subject);
  describeFailuresAndRecovery(adapter, subject);
}

function describeEnqueueAndLease(adapter: string, subject: () => ContractSubject) {
  describe(`job queue contract: ${adapter}: enqueue, coalesce and lease`, () => {
    it("enqueues, leases once, completes once", async () => {
      const { queue, reset } = subject();
      await reset();
      const enqueued = await queue.enqueue({ shop: SHOP, queue: "recompute", payload: { item: 1 } });
      expect(enqueued.kind).toBe("enqueued");
      expect(await queue.drained(SHOP)).toBe(false);

      const job = await leaseOne(queue);
      expect(job).toMatchObject({ id: enqueued.id, shop: SHOP, queue: "recompute", key: null, payload: { item: 1 }, attempts: 1, maxAttempts: 8 });
      expect(await leaseOne(queue)).toBeUndefined();
      expect((await queue.stats(SHOP)).byStatus).toMatchObject({ pending: 0, running: 1 });

      expect(await queue.complete(job!)).toEqual({ kind: "completed" });
      expect(await queue.complete(job!)).toEqual({ kind: "stale" });
      expect(await queue.drained(SHOP)).toBe(true);
      expect((await queue.stats(SHOP)).byStatus).toEqual({ pending: 0, running: 0, done: 1, dead: 0, waiting: 0 });
    });

    it("leases only due jobs of the asked queues and shop", async () => {
      const { queue, reset } = subject();
      await reset();
      await queue.enqueue({ shop: SHOP, queue: "recompute", payload: "later", runAt: new Date(Date.now() + 60_000) });
      const due = await queue.enqueue({ shop: SHOP, queue: "recompute", payload: "due" });
      const reconcile = await queue.enqueue({ shop: SHOP, queue: "reconcile", payload: "reconcile" });
      const other = await queue.enqueue({ shop: OTHER_SHOP, queue: "recompute", payload: "other shop" });

      const mine = await queue.lease({ queues: ["recompute"], shop: SHOP, limit: 10, visibilityTimeoutMs: VT });
      expect(mine.map((job) => job.id)).toEqual([due.id]);
      expect(await queue.lease({ queues: [], limit: 10, visibilityTimeoutMs: VT })).toEqual([]);
      const rest = await queue.lease({ queues: ["recompute", "reconcile"], limit: 10, visibilityTimeoutMs: VT });
      expect(rest.map((job) => job.id).sort()).toEqual([reconcile.id, other.id].sort());
      expect(rest.find((job) => job.id === other.id)?.attempts).toBe(1);
    });

    it("coalesces by shop × key while pending: latest payload wins", async () => {
      const { queue, reset } = subject();
      await reset();
      const base = { shop: SHOP, queue: "recompute", key: "item-1" };
      const first = await queue.enqueue({ ...base, payload: { v: 1 } });
      const second = await queue.enqueue({ ...base, payload: { v: 2 } });
      const otherShop = await queue.enqueue({ ...base, shop: OTHER_SHOP, payload: { v: 3 } });
      const otherKey = await queue.enqueue({ ...base, key: "item-2", payload: { v: 4 } });
      expect(second).toEqual({ kind: "coalesced", id: first.id });
      expect(new Set([first.id, otherShop.id, otherKey.id]).size).toBe(3);

      const leased = await queue.lease({ queues: ["recompute"], limit: 10, visibilityTimeoutMs: VT });
      expect(leased).toHaveLength(3);
      expect(leased.find((job) => job.id === first.id)?.payload).toEqual({ v: 2 });
    });

    it("serialises one shop × item: a change during a run becomes a fresh job handed out only after it", async () => {
      const { queue, reset } = subject();
      await reset();
      const base = { shop: SHOP, queue: "recompute", key: "item-1" };
      await queue.enqueue({ ...base, payload: { v: 1 } });
      const running = await leaseOne(queue);
      expect(running?.payload).toEqual({ v: 1 });

      const during = await queue.enqueue({ ...base, payload: { v: 2 } });
      expect(during.kind).toBe("enqueued");
      await queue.enqueue({ ...base, payload: { v: 3 } });
      expect(await leaseOne(queue), "no second job of the same shop × item while one runs").toBeUndefined();
      expect(await queue.drained(SHOP)).toBe(false);

      expect(await queue.complete(running!)).toEqual({ kind: "completed" });
      const next = await eventually(() => leaseOne(queue), "the change queued during the run is handed out");
      expect(next.payload).toEqual({ v: 3 });
      expect(next.id).not.toBe(running!.id);
      expect(await queue.complete(next)).toEqual({ kind: "completed" });
      expect(await queue.drained(SHOP)).toBe(true);
    });

  });
}

function describeFailuresAndRecovery(adapter: string, subject: () => ContractSubject) {
  describe(`job queue contract: ${adapter}: retries, dead letters, expired leases and waiting`, () => {
    it("retries with backoff, then dead; dead letters list newest first and retry through the port", async () => {
      const { queue, reset } = subject();
      await reset();
      const enqueued = await queue.enqueue({ shop: SHOP, queue: "recompute", key: "item-9", payload: { v: 1 }, maxAttempts: 2 });
      const first = (await leaseOne(queue))!;
      const retry = await queue.fail(first, new Error("throttled"), { retryable: true });
      expect(retry).toMatchObject({ kind: "retrying", attempts: 1 });
      if (retry.kind === "retrying") expect(retry.runAt.getTime()).toBeGreaterThanOrEqual(Date.now() - 1_000);
      expect(await queue.fail(first, new Error("again"), { retryable: true })).toEqual({ kind: "stale" });
      expect(await queue.drained(SHOP)).toBe(false);

      const second = await eventually(() => leaseOne(queue), "the retry is handed out after its backoff");
      expect(second).toMatchObject({ id: enqueued.id, attempts: 2, payload: { v: 1 } });
      expect(await queue.fail(second, new Error("still throttled"), { retryable: true })).toEqual({ kind: "dead", attempts: 2 });

      const poison = await queue.enqueue({ shop: SHOP, queue: "reconcile", payload: "bad" });
      const poisonJob = (await leaseOne(queue, { queues: ["reconcile"] }))!;
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct finish times
      expect(await queue.fail(poisonJob, new Error("bad payload"), { retryable: false })).toEqual({ kind: "dead", attempts: 1 });

      const dead = await queue.listDead(SHOP);
      expect(dead.jobs.map((job) => job.id)).toEqual([poison.id, enqueued.id]);
      expect(dead.jobs[1]).toMatchObject({ shop: SHOP, queue: "recompute", key: "item-9", attempts: 2, maxAttempts: 2 });
      expect(dead.jobs[1].lastError).toContain("still throttled");
      expect((await queue.listDead(OTHER_SHOP)).jobs).toEqual([]);
      const firstPage = await queue.listDead(SHOP, { take: 1 });
      expect(firstPage.jobs.map((job) => job.id)).toEqual([poison.id]);
      expect((await queue.listDead(SHOP, { take: 1, cursor: firstPage.nextCursor })).jobs.map((job) => job.id)).toEqual([enqueued.id]);
      expect((await queue.stats(SHOP)).byStatus.dead).toBe(2);

      expect(await queue.retryDead(OTHER_SHOP, enqueued.id)).toEqual({ kind: "not-found" });
      expect(await queue.retryDead(SHOP, enqueued.id)).toEqual({ kind: "retried", id: enqueued.id });
      expect((await queue.listDead(SHOP)).jobs.map((job) => job.id)).toEqual([poison.id]);
      const again = await eventually(() => leaseOne(queue, { queues: ["recompute"] }), "the retried dead job is handed out");
      expect(again).toMatchObject({ id: enqueued.id, attempts: 1, payload: { v: 1 } });
    });

    it("counts the jobs done after a retry, per shop", async () => {
      const { queue, reset } = subject();
      await reset();
      await queue.enqueue({ shop: SHOP, queue: "recompute", key: "item-r", payload: "retried" });
      await queue.enqueue({ shop: SHOP, queue: "reconcile", payload: "first time" });
      await queue.enqueue({ shop: OTHER_SHOP, queue: "recompute", payload: "other shop" });
      const failing = (await leaseOne(queue, { queues: ["recompute"], shop: SHOP }))!;
      expect(await queue.fail(failing, new Error("timed out"), { retryable: true })).toMatchObject({ kind: "retrying", attempts: 1 });
      expect((await queue.stats(SHOP)).doneAfterRetry).toBe(0);
      const retried = await eventually(() => leaseOne(queue, { queues: ["recompute"], shop: SHOP }), "the retry is handed out after its backoff");
      expect(await queue.complete(retried)).toEqual({ kind: "completed" });
      for (const shop of [SHOP, OTHER_SHOP]) expect(await queue.complete((await leaseOne(queue, { shop }))!)).toEqual({ kind: "completed" });
      // Hand count: of the shop's two done jobs, one took two attempts; the other shop's took one.
      expect(await queue.stats(SHOP)).toMatchObject({ doneAfterRetry: 1, byStatus: { done: 2, running: 0, pending: 0 } });
      expect((await queue.stats(OTHER_SHOP)).doneAfterRetry).toBe(0);
      expect((await queue.stats()).doneAfterRetry).toBe(1);
    });

    it("a retried dead job merges into a pending job of the same shop × item", async () => {
      const { queue, reset } = subject();
      await reset();
      const base = { shop: SHOP, queue: "recompute", key: "item-5" };
      const old = await queue.enqueue({ ...base, payload: { v: 1 }, maxAttempts: 1 });
      const job = (await leaseOne(queue))!;
      expect(await queue.fail(job, new Error("boom"), { retryable: true })).toEqual({ kind: "dead", attempts: 1 });
      const fresh = await queue.enqueue({ ...base, payload: { v: 2 } });
      expect(fresh.kind).toBe("enqueued");
      expect(await queue.retryDead(SHOP, old.id)).toEqual({ kind: "coalesced", id: fresh.id });
      const leased = await queue.lease({ queues: ["recompute"], limit: 10, visibilityTimeoutMs: VT });
      expect(leased.map((row) => [row.id, row.payload])).toEqual([[fresh.id, { v: 2 }]]);
    });

    it("a lease that expires lets another worker take the job; the old holder's acks are stale", async () => {
      const { queue, reset, shortLeaseMs } = subject();
      await reset();
      await queue.enqueue({ shop: SHOP, queue: "recompute", key: "item-7", payload: { v: 1 } });
      const crashed = (await leaseOne(queue, { vt: shortLeaseMs }))!;
      const taken = await eventually(() => leaseOne(queue), "the expired lease is taken over");
      expect(taken).toMatchObject({ id: crashed.id, attempts: 2 });
      expect(taken.leaseToken).not.toBe(crashed.leaseToken);
      expect(await queue.extendLease(crashed, VT)).toEqual({ kind: "stale" });
      expect(await queue.complete(crashed)).toEqual({ kind: "stale" });
      expect((await queue.extendLease(taken, VT)).kind).toBe("extended");
      expect(await queue.complete(taken)).toEqual({ kind: "completed" });
    });

    it("a job whose lease expires on its last attempt is dead, not leased forever", async () => {
      const { queue, reset, shortLeaseMs } = subject();
      await reset();
      const enqueued = await queue.enqueue({ shop: SHOP, queue: "recompute", payload: "poison", maxAttempts: 1 });
      expect(await leaseOne(queue, { vt: shortLeaseMs })).toBeDefined();
      const dead = await eventually(async () => {
        expect(await leaseOne(queue)).toBeUndefined();
        const page = await queue.listDead(SHOP);
        return page.jobs.length > 0 ? page.jobs : undefined;
      }, "the job is buried");
      expect(dead.map((job) => job.id)).toEqual([enqueued.id]);
      expect(dead[0].lastError).toMatch(/Lease expired on attempt 1 of 1/);
    });

    it("a parked job waits for its shop (no lease, key free, attempt given back) and resumes merged with a newer one", async () => {
      const { queue, reset } = subject();
      await reset();
      await queue.enqueue({ shop: SHOP, queue: "recompute", key: "item-1", payload: { n: 1 } });
      await queue.enqueue({ shop: SHOP, queue: "reconcile", key: "reconcile", payload: { n: 0 } });
      for (let parked = 0; parked < 2; parked++) {
        const job = await eventually(() => leaseOne(queue, { shop: SHOP }), "a job to park");
        expect(await queue.park(job, new Error("access lost"))).toEqual({ kind: "waiting" });
        expect(await queue.park(job, new Error("again"))).toEqual({ kind: "stale" });
      }
      expect((await queue.stats(SHOP)).byStatus).toMatchObject({ waiting: 2, pending: 0, running: 0, dead: 0 });
      expect(await leaseOne(queue)).toBeUndefined();
      expect(await queue.drained(SHOP)).toBe(true);
      // A webhook for the same item while waiting queues a fresh job (the key is free).
      expect(await queue.enqueue({ shop: SHOP, queue: "recompute", key: "item-1", payload: { n: 2 } })).toMatchObject({ kind: "enqueued" });

      expect(await queue.resumeWaiting(OTHER_SHOP)).toEqual({ resumed: 0 });
      expect(await queue.resumeWaiting(SHOP)).toEqual({ resumed: 2 });
      // The waiting recompute merges into the newer pending one: two jobs run, on their first attempt.
      const ran: LeasedJob[] = [];
      for (let taken = 0; taken < 2; taken++) {
        const job = await eventually(() => leaseOne(queue, { shop: SHOP }), "a resumed job");
        ran.push(job);
        expect(await queue.complete(job)).toEqual({ kind: "completed" });
      }
      expect(await leaseOne(queue)).toBeUndefined();
      expect(ran.map((job) => [job.queue, job.payload, job.attempts]).sort()).toEqual([
        ["recompute", { n: 2 }, 1],
        ["reconcile", { n: 0 }, 1],
      ]);
    });

    it("purges one shop's jobs and leaves the others", async () => {
      const { queue, reset } = subject();
      await reset();
      await queue.enqueue({ shop: SHOP, queue: "recompute", key: "a", payload: 1 });
      await queue.enqueue({ shop: SHOP, queue: "reconcile", payload: 2 });
      const kept = await queue.enqueue({ shop: OTHER_SHOP, queue: "recompute", key: "a", payload: 3 });
      expect(await queue.purgeShop(SHOP)).toEqual({ deleted: 2 });
      expect(await queue.drained(SHOP)).toBe(true);
      const rest = await queue.lease({ queues: ["recompute", "reconcile"], limit: 10, visibilityTimeoutMs: VT });
      expect(rest.map((job) => job.id)).toEqual([kept.id]);
    });
  });
}
