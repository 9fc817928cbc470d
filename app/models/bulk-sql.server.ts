/**
 * Helpers for raw SQL that runs unchanged on SQLite and PostgreSQL (the two Prisma profiles,
 * docs/decisions/006): hot loops write through `$executeRaw` tagged templates, which skip Prisma's
 * query compiler.
 */
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import { isPostgresUrl } from "~/db.server";
import { env } from "~/env.server";

/**
 * A Boolean column's value. The adapters store Booleans differently (SQLite: INTEGER 0/1, what
 * Prisma reads back as false/true; PostgreSQL: boolean, with no implicit cast from an integer),
 * so the value is bound as an integer and turned into SQL's TRUE/FALSE, which SQLite (≥ 3.23)
 * stores as 1/0 and PostgreSQL as boolean.
 */
export function sqlBoolean(value: boolean): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${value ? 1 : 0} = 1 THEN TRUE ELSE FALSE END`;
}

let idCounter = 0;

/**
 * An id shaped like Prisma's `cuid()` ('c', time in base 36, a counter, randomness), so that
 * lists ordered by (createdAt, id) keep rows in the order they were written, as they were with
 * ids Prisma generated (raw inserts do not get Prisma's `@default(cuid())`).
 */
export function sortableId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  return `c${Date.now().toString(36).padStart(8, "0")}${idCounter.toString(36).padStart(4, "0")}${randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

/**
 * Runs `work` again (up to `attempts` times, a few ms apart) when SQLite answers SQLITE_BUSY or
 * SQLITE_BUSY_SNAPSHOT. In WAL mode a statement or transaction that read a snapshot and must then
 * write fails with BUSY_SNAPSHOT when another connection committed meanwhile, and SQLite does not
 * wait for it: the whole statement or transaction has to start over
 * (https://www.sqlite.org/rescode.html#busy_snapshot). It happens when the web process and
 * `npm run worker` share one database file (the flash-sale bench, 2026-11-30: leases and enqueues
 * failed and their jobs waited out a retry backoff). `work` must be a whole statement or a whole
 * transaction; nothing was applied when it failed this way. PostgreSQL never answers these codes.
 */
export async function retryWhenSqliteBusy<T>(work: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isSqliteBusy(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * (2 + Math.random() * 8)));
    }
  }
}

/**
 * SQLite's "database is locked": better-sqlite3's own error carries the code; Prisma wraps a raw
 * statement's failure as P2010 with the code in its message ("Raw query failed. Code:
 * `SQLITE_BUSY`"). SQLITE_BUSY proper means the busy timeout ran out while another connection held
 * the write lock.
 */
function isSqliteBusy(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === "SQLITE_BUSY_SNAPSHOT" || code === "SQLITE_BUSY") return true;
  return code === "P2010" && typeof message === "string" && /`SQLITE_BUSY(_SNAPSHOT)?`/.test(message);
}

/**
 * Which of the two profiles a client talks to, for the few statements whose SQL differs (JSON
 * functions). Prisma's clients carry their provider; the URL is the fallback.
 */
export function isPostgresClient(db: PrismaClient): boolean {
  const provider = (db as unknown as { _activeProvider?: string })._activeProvider;
  return provider ? provider === "postgresql" : isPostgresUrl(env().DATABASE_URL);
}
