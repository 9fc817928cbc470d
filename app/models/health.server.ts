import type { PrismaClient } from "@prisma/client";
import prisma, { database, isPostgresUrl, databaseUrlOf } from "~/db.server";

/**
 * What /healthz reads and writes (issue 22): heartbeat rows, the oldest ready job, and how the
 * database client is brought back after a storage fault without a restart.
 */

/** The row every worker loop refreshes while it polls. */
export const WORKER_HEARTBEAT = "worker";

/** Upserts the named heartbeat: a real write, so it fails while the database is not writable. */
export async function writeHeartbeat(name: string, at: Date = new Date(), db: PrismaClient = prisma) {
  await db.heartbeat.upsert({ where: { name }, create: { name, at }, update: { at } });
}

export async function heartbeatAt(name: string, db: PrismaClient = prisma): Promise<Date | null> {
  return (await db.heartbeat.findUnique({ where: { name } }))?.at ?? null;
}

/** The embedded queue's (`Job` table) oldest job that is due and not leased; null when none. */
export async function oldestReadyJobRunAt(now: Date, db: PrismaClient = prisma): Promise<Date | null> {
  const job = await db.job.findFirst({ where: { status: "pending", runAt: { lte: now } }, orderBy: { runAt: "asc" }, select: { runAt: true } });
  return job?.runAt ?? null;
}

/** Walks an error and its causes for a message or code matching `pattern` (Prisma wraps the driver's error). */
function errorMatches(error: unknown, pattern: RegExp): boolean {
  for (let current = error, depth = 0; current && depth < 6; depth++) {
    const record = current as { message?: unknown; code?: unknown; cause?: unknown; kind?: unknown };
    if ([record.message, record.code, record.kind].some((value) => typeof value === "string" && pattern.test(value))) return true;
    current = record.cause;
  }
  return false;
}

/** Another connection holds SQLite's write lock past the busy timeout (`DATABASE_BUSY_TIMEOUT_MS`). */
export function isDatabaseBusy(error: unknown): boolean {
  return errorMatches(error, /SQLITE_BUSY|database is locked|SqliteBusy/i);
}

/** The database refused a write for a storage reason: a read-only file or disk, an I/O error, a full disk. */
export function isStorageFault(error: unknown): boolean {
  return errorMatches(error, /SQLITE_(READONLY|IOERR|CANTOPEN|FULL)|readonly database|disk I\/O error|database or disk is full|unable to open/i);
}

/**
 * Closes the process's SQLite connection; the next query opens a new one. A connection opened
 * while the file was read-only stays read-only after the file is writable again (SQLite opens
 * read-only when it cannot open read-write and never upgrades), so without this the app needed a
 * restart (issue 22). PostgreSQL's pool reconnects on its own.
 */
export async function reopenDatabase() {
  const client = database();
  if (isPostgresUrl(databaseUrlOf(client))) return;
  await client.$disconnect();
}
