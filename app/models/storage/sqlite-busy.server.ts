/**
 * Runs `work` again (up to `attempts` times, a few ms apart) when SQLite answers SQLITE_BUSY or
 * SQLITE_BUSY_SNAPSHOT. In WAL mode a statement or transaction that read a snapshot and must then
 * write fails with BUSY_SNAPSHOT when another connection committed meanwhile, and SQLite does not
 * wait for it: the whole statement or transaction has to start over
 * (https://www.sqlite.org/rescode.html#busy_snapshot). It happens when the web process and
 * `npm run worker` share one database file (the flash-sale bench, 2026-11-30: leases and enqueues
 * failed and their jobs waited out a retry backoff). `work` must be a whole statement or a whole
 * transaction; nothing was applied when it failed this way. PostgreSQL never answers these codes.
 * The storage adapters (and the SQLite job queue) are its only callers.
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
 * `SQLITE_BUSY`"), and a model query's (an upsert or updateMany, which Prisma runs as a read then a
 * write) as P1008 "Operation has timed out" with the driver's code in
 * `meta.driverAdapterError.cause.originalCode` (seen with two processes recording Admin API
 * failures at once, tests/shopify-failing.test.ts). SQLITE_BUSY proper means the busy timeout ran
 * out while another connection held the write lock, or a read lock could not be upgraded.
 */
function isSqliteBusy(error: unknown): boolean {
  const { code, message, meta } = (error ?? {}) as { code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } };
  if (isBusyCode(code)) return true;
  if (code === "P1008") return isBusyCode(meta?.driverAdapterError?.cause?.originalCode);
  return code === "P2010" && typeof message === "string" && /`SQLITE_BUSY(_SNAPSHOT)?`/.test(message);
}

const isBusyCode = (code: unknown): boolean => code === "SQLITE_BUSY_SNAPSHOT" || code === "SQLITE_BUSY";
