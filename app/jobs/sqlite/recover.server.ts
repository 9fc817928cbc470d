import { retryWhenSqliteBusy } from "~/models/storage/sqlite-busy.server";
import { isUniqueViolation, type SqliteQueueContext } from "./context.server";
import { leaseHolderIsGone } from "./lease-holder.server";

/** Jobs that wait for something outside the queue: the shop (waiting), or a worker that died. */

export async function resumeWaitingJobs({ db, clock, signalDue }: SqliteQueueContext, shop: string): Promise<{ resumed: number }> {
  const now = clock();
  const waiting = await db.job.findMany({ where: { shop, status: "waiting" }, select: { id: true, key: true } });
  let resumed = 0;
  for (const row of waiting) {
    try {
      const updated = await db.job.updateMany({
        where: { id: row.id, shop, status: "waiting" },
        data: { status: "pending", dedupeKey: row.key, runAt: now },
      });
      resumed += updated.count;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A pending job with this key does the same work: close the waiting one in its favour.
      const closed = await db.job.updateMany({ where: { id: row.id, shop, status: "waiting" }, data: { status: "done", finishedAt: now } });
      resumed += closed.count;
    }
  }
  if (resumed > 0) signalDue();
  return { resumed };
}

export async function reclaimOrphanedLeases({ db, clock, signalDue }: SqliteQueueContext): Promise<{ reclaimed: number }> {
  const now = clock();
  // Live leases only: an expired one is due already.
  const running = await db.job.findMany({ where: { status: "running", leasedUntil: { gte: now } }, select: { id: true, leaseToken: true } });
  const orphaned = running.filter((row) => row.leaseToken !== null && leaseHolderIsGone(row.leaseToken));
  let reclaimed = 0;
  for (const row of orphaned) {
    // Expired a millisecond ago, compared on the token: the next lease takes it as any expired
    // lease (an attempt counted, buried if it was the last); were the holder alive after all,
    // its next heartbeat or result would find its token replaced, as after any expiry.
    const expired = await retryWhenSqliteBusy(() =>
      db.job.updateMany({ where: { id: row.id, leaseToken: row.leaseToken, status: "running" }, data: { leasedUntil: new Date(now.getTime() - 1), updatedAt: now } }),
    );
    reclaimed += expired.count;
  }
  if (reclaimed > 0) signalDue(now);
  return { reclaimed };
}
