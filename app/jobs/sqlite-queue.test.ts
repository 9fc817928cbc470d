import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { createPrismaClient } from "~/db.server";
import { retryDelayMs, type JobQueue, type LeasedJob } from "./queue.server";
import { createSqliteJobQueue } from "./sqlite-queue.server";
import { LEASE_HOLDER } from "./sqlite/lease-holder.server";

const SHOP = "alpha.myshopify.com";
const OTHER_SHOP = "beta.myshopify.com";
const VT = 30_000;

let now: Date;
const clock = () => new Date(now.getTime());
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

function makeQueue(options: Parameters<typeof createSqliteJobQueue>[0] = {}): JobQueue {
  return createSqliteJobQueue({ clock, random: () => 0.5, backoff: { baseMs: 1_000, maxMs: 60_000 }, ...options });
}

async function leaseOne(queue: JobQueue, options: { queues?: string[]; shop?: string } = {}): Promise<LeasedJob | undefined> {
  const [job] = await queue.lease({ limit: 1, visibilityTimeoutMs: VT, ...options });
  return job;
}

beforeEach(async () => {
  now = new Date("2026-11-23T12:00:00.000Z");
  await prisma.job.deleteMany();
});

describe("sqlite job queue: enqueue, coalesce and lease", () => {
  it("a parked job waits without using an attempt or its key, and resumes (merging into a newer pending job)", async () => {
    const queue = makeQueue();
    const first = await queue.enqueue({ shop: SHOP, queue: "recompute", key: "item-1", payload: { n: 1 } });
    const other = await queue.enqueue({ shop: SHOP, queue: "reconcile", key: "reconcile", payload: {} });
    for (const job of await queue.lease({ limit: 2, visibilityTimeoutMs: VT })) {
      expect(await queue.park(job, new Error("access lost"))).toEqual({ kind: "waiting" });
    }
    expect((await queue.stats(SHOP)).byStatus).toMatchObject({ waiting: 2, pending: 0, running: 0, dead: 0 });
    expect(await leaseOne(queue)).toBeUndefined();
    expect(await queue.drained(SHOP)).toBe(true);
    // A webhook for the same item while waiting queues a fresh job (the key is free).
    const newer = await queue.enqueue({ shop: SHOP, queue: "recompute", key: "item-1", payload: { n: 2 } });
    expect(newer).toMatchObject({ kind: "enqueued" });
    expect(newer.id).not.toBe(first.id);

    expect(await queue.resumeWaiting(OTHER_SHOP)).toEqual({ resumed: 0 });
    expect(await queue.resumeWaiting(SHOP)).toEqual({ resumed: 2 });
    const rows = await prisma.job.findMany({ where: { shop: SHOP }, orderBy: { createdAt: "asc" } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    // The waiting recompute closes in favour of the newer pending one; the reconcile is pending again, attempts given back.
    expect(byId.get(first.id)).toMatchObject({ status: "done" });
    expect(byId.get(newer.id)).toMatchObject({ status: "pending", dedupeKey: "item-1" });
    expect(byId.get(other.id)).toMatchObject({ status: "pending", dedupeKey: "reconcile", attempts: 0 });
  });

  it("enqueues, leases once and completes", async () => {
    const queue = makeQueue();
    const enqueued = await queue.enqueue({ shop: SHOP, queue: "recompute", payload: { inventoryItemId: "gid://shopify/InventoryItem/1" } });
    expect(enqueued.kind).toBe("enqueued");
    expect(await queue.drained(SHOP)).toBe(false);

    const job = await leaseOne(queue);
    expect(job).toMatchObject({
      id: enqueued.id,
      shop: SHOP,
      queue: "recompute",
      key: null,
      payload: { inventoryItemId: "gid://shopify/InventoryItem/1" },
      attempts: 1,
      maxAttempts: 8,
    });
    expect(job!.leasedUntil).toEqual(new Date(now.getTime() + VT));
    expect(await leaseOne(queue)).toBeUndefined();

    expect(await queue.complete(job!)).toEqual({ kind: "completed" });
    expect(await queue.complete(job!)).toEqual({ kind: "stale" });
    expect(await queue.drained(SHOP)).toBe(true);
    expect((await queue.stats(SHOP)).byStatus).toEqual({ pending: 0, running: 0, done: 1, dead: 0, waiting: 0 });
  });

  it("leases only due jobs, oldest runAt first, filtered by queue and shop", async () => {
    const queue = makeQueue();
    const later = await queue.enqueue({ shop: SHOP, queue: "recompute", payload: 1, runAt: new Date(now.getTime() + 5_000) });
    advance(1);
    const first = await queue.enqueue({ shop: SHOP, queue: "recompute", payload: 2, runAt: new Date(now.getTime() - 1_000) });
    advance(1);
    const second = await queue.enqueue({ shop: SHOP, queue: "recompute", payload: 3 });
    const otherQueue = await queue.enqueue({ shop: SHOP, queue: "reconcile", payload: 4 });
    const otherShop = await queue.enqueue({ shop: OTHER_SHOP, queue: "recompute", payload: 5 });

    const leased = await queue.lease({ queues: ["recompute"], shop: SHOP, limit: 10, visibilityTimeoutMs: VT });
    expect(leased.map((job) => job.id)).toEqual([first.id, second.id]);
    expect(await queue.lease({ queues: [], limit: 10, visibilityTimeoutMs: VT })).toEqual([]);

    advance(5_000);
    const rest = await queue.lease({ limit: 10, visibilityTimeoutMs: VT });
    expect(rest.map((job) => job.id).sort()).toEqual([later.id, otherQueue.id, otherShop.id].sort());
  });

  it("coalesces by key while pending and queues a fresh job once the pending one runs", async () => {
    const queue = makeQueue();
    const base = { shop: SHOP, queue: "recompute", key: "item-1" };
    const first = await queue.enqueue({ ...base, payload: { v: 1 }, runAt: new Date(now.getTime() + 2_000) });
    const second = await queue.enqueue({ ...base, payload: { v: 2 } });
    const third = await queue.enqueue({ ...base, payload: { v: 3 }, runAt: new Date(now.getTime() + 9_000) });
    expect(first.kind).toBe("enqueued");
    expect(second).toEqual({ kind: "coalesced", id: first.id });
    expect(third).toEqual({ kind: "coalesced", id: first.id });
    // Same key elsewhere is another job.
    expect((await queue.enqueue({ ...base, queue: "reconcile", payload: {} })).kind).toBe("enqueued");
    expect((await queue.enqueue({ ...base, shop: OTHER_SHOP, payload: {} })).kind).toBe("enqueued");

    // Latest payload, earliest runAt (the coalesced job is due now).
    const running = await leaseOne(queue, { queues: ["recompute"], shop: SHOP });
    expect(running).toMatchObject({ id: first.id, key: "item-1", payload: { v: 3 } });

    const fresh = await queue.enqueue({ ...base, payload: { v: 4 } });
    expect(fresh.kind).toBe("enqueued");
    expect(fresh.id).not.toBe(first.id);
    expect(await queue.enqueue({ ...base, payload: { v: 5 } })).toEqual({ kind: "coalesced", id: fresh.id });
    // Not while the first runs (one shop × item at a time), then with the latest payload.
    expect(await leaseOne(queue, { queues: ["recompute"], shop: SHOP })).toBeUndefined();
    expect(await queue.complete(running!)).toEqual({ kind: "completed" });
    expect(await leaseOne(queue, { queues: ["recompute"], shop: SHOP })).toMatchObject({ id: fresh.id, payload: { v: 5 } });
  });

  it("enqueueMany: duplicates coalesce, a bad job enqueues nothing", async () => {
    const queue = makeQueue();
    const results = await queue.enqueueMany([
      { shop: SHOP, queue: "recompute", key: "a", payload: 1 },
      { shop: SHOP, queue: "recompute", key: "b", payload: 2 },
      { shop: SHOP, queue: "recompute", key: "a", payload: 3 },
      { shop: SHOP, queue: "recompute", payload: 4 },
    ]);
    expect(results.map((result) => result.kind)).toEqual(["enqueued", "enqueued", "coalesced", "enqueued"]);
    expect(results[2].id).toBe(results[0].id);
    expect((await queue.stats(SHOP)).byStatus.pending).toBe(3);
    // The later payload of a key wins, whether it merged within one enqueueMany or into an earlier one.
    await queue.enqueueMany([{ shop: SHOP, queue: "recompute", key: "b", payload: 5 }]);
    const leased = await queue.lease({ limit: 10, visibilityTimeoutMs: 60_000 });
    expect(Object.fromEntries(leased.map((job) => [job.key ?? "none", job.payload]))).toEqual({ a: 3, b: 5, none: 4 });

    await expect(
      queue.enqueueMany([
        { shop: OTHER_SHOP, queue: "recompute", key: "a", payload: 1 },
        { shop: OTHER_SHOP, queue: "recompute", key: "b", payload: 2n }, // not JSON-serializable
      ]),
    ).rejects.toThrow(/BigInt/);
    await expect(queue.enqueueMany([{ shop: OTHER_SHOP, queue: "recompute", payload: 1, maxAttempts: 0 }])).rejects.toThrow(/maxAttempts/);
    expect((await queue.stats(OTHER_SHOP)).total).toBe(0);
  });

});

describe("sqlite job queue: leases that outlive their worker", () => {
  it("leases a job again after its worker died, and the stale worker's results are no-ops", async () => {
    const queue = makeQueue();
    const { id } = await queue.enqueue({ shop: SHOP, queue: "recompute", key: "item-1", payload: {} });
    const dead = await leaseOne(queue);

    advance(VT - 1);
    expect(await leaseOne(queue)).toBeUndefined();
    advance(2);
    const retaken = await leaseOne(queue);
    expect(retaken).toMatchObject({ id, attempts: 2 });
    expect(retaken!.leaseToken).not.toBe(dead!.leaseToken);

    expect(await queue.complete(dead!)).toEqual({ kind: "stale" });
    expect(await queue.fail(dead!, new Error("late"), { retryable: true })).toEqual({ kind: "stale" });
    expect(await queue.extendLease(dead!, VT)).toEqual({ kind: "stale" });
    expect((await queue.stats(SHOP)).byStatus).toMatchObject({ running: 1, done: 0 });

    expect(await queue.complete(retaken!)).toEqual({ kind: "completed" });
    expect((await queue.stats(SHOP)).byStatus).toMatchObject({ running: 0, done: 1, pending: 0 });
  });

  describe("a restarted worker takes back the leases of holders that are gone", () => {
    /** A lease as another holder would have written it (`<pid>@<host>#<incarnation>/…`, sqlite/lease-holder.server.ts). */
    const heldBy = async (holder: string) => {
      const queue = makeQueue();
      const { id } = await queue.enqueue({ shop: SHOP, queue: "recompute", key: `item-${holder}`, payload: {} });
      const leased = (await queue.lease({ limit: 1, visibilityTimeoutMs: VT }))[0]!;
      await prisma.job.update({ where: { id }, data: { leaseToken: `${holder}/batch:${id}` } });
      return { queue, id, leased };
    };
    const deadPid = () => {
      // A process that has exited: its pid is free (a reuse within this test is the only way this lies).
      const child = spawnSync(process.execPath, ["-e", ""]);
      return child.pid!;
    };

    it("a holder pid that is not alive on this host: due at once, retaken on the next lease", async () => {
      const { queue, id } = await heldBy(`${deadPid()}@${hostname()}#old`);
      expect(await queue.reclaimOrphanedLeases!()).toEqual({ reclaimed: 1 });
      expect(await leaseOne(queue)).toMatchObject({ id, attempts: 2 });
    });

    it("this pid in a previous incarnation (its pid came back after a restart): taken back; this incarnation's own lease is not", async () => {
      const { queue, id } = await heldBy(`${process.pid}@${hostname()}#previous`);
      const mine = await queue.enqueue({ shop: SHOP, queue: "recompute", key: "mine", payload: {} });
      const own = (await queue.lease({ limit: 1, visibilityTimeoutMs: VT }))[0]!;
      expect(own.id).toBe(mine.id);
      expect(own.leaseToken.startsWith(LEASE_HOLDER)).toBe(true);
      expect(await queue.reclaimOrphanedLeases!()).toEqual({ reclaimed: 1 });
      expect(await leaseOne(queue)).toMatchObject({ id });
      expect(await queue.extendLease(own, VT)).toMatchObject({ kind: "extended" });
    });

    it("never a live process's lease (npm run worker beside the web process), another host's, or a token without a holder", async () => {
      const live = await heldBy(`${process.ppid}@${hostname()}#other`);
      await heldBy(`${deadPid()}@another-host.internal#other`);
      const legacy = await live.queue.enqueue({ shop: SHOP, queue: "recompute", key: "legacy", payload: {} });
      await live.queue.lease({ limit: 1, visibilityTimeoutMs: VT });
      await prisma.job.update({ where: { id: legacy.id }, data: { leaseToken: `0b6c7a9e-1f1e-4a39-9a55-2c8c3f1b8d11:${legacy.id}` } });
      expect(await live.queue.reclaimOrphanedLeases!()).toEqual({ reclaimed: 0 });
      expect(await leaseOne(live.queue)).toBeUndefined();
      expect((await live.queue.stats(SHOP)).byStatus).toMatchObject({ running: 3 });
    });
  });

  it("extendLease keeps a long job from being taken over", async () => {
    const queue = makeQueue();
    await queue.enqueue({ shop: SHOP, queue: "recompute", payload: {} });
    const job = await leaseOne(queue);
    advance(VT - 1_000);
    expect(await queue.extendLease(job!, VT)).toEqual({ kind: "extended", leasedUntil: new Date(now.getTime() + VT) });
    advance(2_000);
    expect(await leaseOne(queue)).toBeUndefined();
    expect(await queue.complete(job!)).toEqual({ kind: "completed" });
  });

  it("buries a job whose lease expires on its last attempt instead of looping", async () => {
    const queue = makeQueue();
    const { id } = await queue.enqueue({ shop: SHOP, queue: "recompute", payload: {}, maxAttempts: 1 });
    await leaseOne(queue);
    advance(VT + 1);
    expect(await leaseOne(queue)).toBeUndefined();
    const { jobs } = await queue.listDead(SHOP);
    expect(jobs).toMatchObject([{ id, attempts: 1 }]);
    expect(jobs[0].lastError).toMatch(/lease expired/i);
  });

});

describe("sqlite job queue: failures, dead letters and housekeeping", () => {
  it("retries with jittered exponential backoff, then dead with the error kept, then retryDead", async () => {
    const queue = makeQueue(); // random = 0.5, base 1 s
    const { id } = await queue.enqueue({ shop: SHOP, queue: "recompute", key: "item-1", payload: { n: 1 }, maxAttempts: 3 });

    const first = await leaseOne(queue);
    const retry1 = await queue.fail(first!, new Error("throttled"), { retryable: true });
    expect(retry1).toEqual({ kind: "retrying", attempts: 1, runAt: new Date(now.getTime() + 500) }); // 0.5 × 1 s
    // Back to pending: it holds its key again.
    expect(await queue.enqueue({ shop: SHOP, queue: "recompute", key: "item-1", payload: { n: 1 } })).toEqual({ kind: "coalesced", id });
    advance(499);
    expect(await leaseOne(queue)).toBeUndefined();
    advance(1);

    const second = await leaseOne(queue);
    expect(second).toMatchObject({ id, attempts: 2 });
    expect(await queue.fail(second!, new Error("throttled again"), { retryable: true })).toEqual({
      kind: "retrying",
      attempts: 2,
      runAt: new Date(now.getTime() + 1_000), // 0.5 × 2 s
    });
    advance(1_000);

    const third = await leaseOne(queue);
    expect(await queue.fail(third!, new Error("still throttled"), { retryable: true })).toEqual({ kind: "dead", attempts: 3 });
    expect(await queue.drained(SHOP)).toBe(true);
    advance(3_600_000);
    expect(await leaseOne(queue)).toBeUndefined();

    const { jobs, nextCursor } = await queue.listDead(SHOP);
    expect(nextCursor).toBeNull();
    expect(jobs).toMatchObject([{ id, queue: "recompute", key: "item-1", payload: { n: 1 }, attempts: 3, maxAttempts: 3 }]);
    expect(jobs[0].lastError).toContain("still throttled");

    expect(await queue.retryDead(OTHER_SHOP, id)).toEqual({ kind: "not-found" });
    expect(await queue.retryDead(SHOP, id)).toEqual({ kind: "retried", id });
    expect(await queue.retryDead(SHOP, id)).toEqual({ kind: "not-found" });
    expect((await queue.listDead(SHOP)).jobs).toEqual([]);
    const again = await leaseOne(queue);
    expect(again).toMatchObject({ id, attempts: 1 });
    expect(await queue.complete(again!)).toEqual({ kind: "completed" });
  });

  it("caps the backoff window and spreads it with full jitter", () => {
    const backoff = { baseMs: 1_000, maxMs: 60_000 };
    expect(retryDelayMs(1, () => 0, backoff)).toBe(0);
    expect(retryDelayMs(1, () => 0.999, backoff)).toBe(999);
    expect(retryDelayMs(4, () => 0.5, backoff)).toBe(4_000);
    expect(retryDelayMs(30, () => 0.5, backoff)).toBe(30_000);
    expect(retryDelayMs(1_000, () => 0.999_999, backoff)).toBeLessThan(60_000);
  });

  it("a non-retryable failure is dead at once", async () => {
    const queue = makeQueue();
    const { id } = await queue.enqueue({ shop: SHOP, queue: "recompute", payload: {} });
    const job = await leaseOne(queue);
    expect(await queue.fail(job!, new Error("payload is not an inventory item"), { retryable: false })).toEqual({ kind: "dead", attempts: 1 });
    expect((await queue.listDead(SHOP)).jobs).toMatchObject([{ id, lastError: expect.stringContaining("not an inventory item") }]);
  });

  it("a failed job is superseded by a newer pending job with the same key", async () => {
    const queue = makeQueue();
    const base = { shop: SHOP, queue: "recompute", key: "item-1", payload: {} };
    await queue.enqueue(base);
    const running = await leaseOne(queue);
    const newer = await queue.enqueue(base);
    expect(await queue.fail(running!, new Error("boom"), { retryable: true })).toEqual({ kind: "superseded", by: newer.id });
    expect((await queue.stats(SHOP)).byStatus).toMatchObject({ pending: 1, running: 0 });

    // retryDead into an existing pending job coalesces too.
    const dying = await leaseOne(queue);
    await queue.fail(dying!, new Error("fatal"), { retryable: false });
    const newest = await queue.enqueue(base);
    expect(await queue.retryDead(SHOP, dying!.id)).toEqual({ kind: "coalesced", id: newest.id });
    expect((await queue.listDead(SHOP)).jobs).toEqual([]);
    expect((await queue.stats(SHOP)).byStatus.pending).toBe(1);
  });

  it("lists dead jobs newest first with a cursor", async () => {
    const queue = makeQueue();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await queue.enqueue({ shop: SHOP, queue: "recompute", payload: i });
      const job = await leaseOne(queue);
      await queue.fail(job!, new Error(`e${i}`), { retryable: false });
      ids.push(id);
      advance(1_000);
    }
    const page1 = await queue.listDead(SHOP, { take: 2 });
    expect(page1.jobs.map((job) => job.id)).toEqual([ids[2], ids[1]]);
    const page2 = await queue.listDead(SHOP, { take: 2, cursor: page1.nextCursor });
    expect(page2.jobs.map((job) => job.id)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBeNull();
    expect((await queue.listDead(OTHER_SHOP)).jobs).toEqual([]);
  });

  it("counts by status and queue, and prunes old done jobs", async () => {
    const queue = makeQueue();
    await queue.enqueueMany([
      { shop: SHOP, queue: "recompute", payload: 1 },
      { shop: SHOP, queue: "recompute", payload: 2 },
      { shop: SHOP, queue: "reconcile", payload: 3 },
      { shop: OTHER_SHOP, queue: "recompute", payload: 4 },
    ]);
    const job = await leaseOne(queue, { queues: ["reconcile"] });
    await queue.complete(job!);
    await leaseOne(queue, { shop: SHOP, queues: ["recompute"] });

    expect(await queue.stats(SHOP)).toEqual({
      total: 3,
      byStatus: { pending: 1, running: 1, done: 1, dead: 0, waiting: 0 },
      byQueue: {
        recompute: { pending: 1, running: 1, done: 0, dead: 0, waiting: 0 },
        reconcile: { pending: 0, running: 0, done: 1, dead: 0, waiting: 0 },
      },
      doneAfterRetry: 0,
    });
    expect((await queue.stats()).total).toBe(4);

    expect(await queue.pruneDone(now)).toEqual({ deleted: 0 });
    advance(1);
    expect(await queue.pruneDone(now)).toEqual({ deleted: 1 });
    expect((await queue.stats(SHOP)).byStatus.done).toBe(0);
  });

  it("purgeShop removes one shop's jobs only", async () => {
    const queue = makeQueue();
    await queue.enqueue({ shop: SHOP, queue: "recompute", key: "k", payload: {} });
    await queue.enqueue({ shop: SHOP, queue: "reconcile", payload: {} });
    await queue.enqueue({ shop: OTHER_SHOP, queue: "recompute", key: "k", payload: {} });
    const running = await leaseOne(queue, { shop: SHOP, queues: ["recompute"] });

    expect(await queue.purgeShop(SHOP)).toEqual({ deleted: 2 });
    expect(await queue.drained(SHOP)).toBe(true);
    expect(await queue.complete(running!)).toEqual({ kind: "stale" });
    expect((await queue.stats(OTHER_SHOP)).byStatus.pending).toBe(1);
    expect(await leaseOne(queue)).toMatchObject({ shop: OTHER_SHOP, key: "k" });
  });

  describe("two workers on one database", () => {
    const clients = [createPrismaClient(process.env.DATABASE_URL!), createPrismaClient(process.env.DATABASE_URL!)];
    afterAll(async () => {
      await Promise.all(clients.map((client) => client.$disconnect()));
    });

    it("never lease the same job", async () => {
      const [a, b] = clients.map((db) => makeQueue({ db }));
      const total = 60;
      await a.enqueueMany(
        Array.from({ length: total }, (_, i) => ({ shop: i % 2 ? SHOP : OTHER_SHOP, queue: "recompute", key: `item-${i}`, payload: i })),
      );

      const seen: string[] = [];
      const leaseAll = async (queue: JobQueue) => {
        for (;;) {
          const jobs = await queue.lease({ limit: 4, visibilityTimeoutMs: VT });
          if (jobs.length === 0) return;
          seen.push(...jobs.map((job) => job.id));
        }
      };
      // Several concurrent pollers per client, interleaving reads and CAS updates.
      await Promise.all([leaseAll(a), leaseAll(b), leaseAll(a), leaseAll(b)]);

      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      expect((await a.stats()).byStatus.running).toBe(total);
    });
  });
});
