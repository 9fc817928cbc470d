/**
 * FLASH_APP_QUERY_STATS=1: every Prisma operation of an app process is counted and timed (wall ms,
 * mostly CPU in a single-threaded process). Loaded first in the app's processes (`--import` for
 * the worker, the first import of bench/flash/app-process.ts's main): app/db.server.ts takes the
 * client it finds on globalThis. The worker's figures are printed to stderr when it exits.
 */
export const queryStats = new Map<string, { count: number; ms: number }>();

if (process.env.FLASH_APP_QUERY_STATS === "1") {
  // Not through app/db.server.ts: importing it creates the app's client at once.
  const { PrismaClient } = await import("@prisma/client");
  const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: process.env.DATABASE_URL! }) });
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  (globalThis as { __safestockPrisma?: unknown }).__safestockPrisma = client.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const started = performance.now();
        try {
          return await query(args);
        } finally {
          const key = `${model ?? "raw"}.${operation}`;
          const entry = queryStats.get(key) ?? { count: 0, ms: 0 };
          entry.count++;
          entry.ms += performance.now() - started;
          queryStats.set(key, entry);
        }
      },
    },
  });
  if (process.env.BENCH_PRINT_QUERY_STATS_ON_EXIT === "1") {
    process.on("exit", () => {
      const rows = [...queryStats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30);
      process.stderr.write(`worker process: Prisma operations (count, total ms):\n${rows.map(([key, { count, ms }]) => `  ${key.padEnd(40)} ${String(count).padStart(6)} ${ms.toFixed(0).padStart(7)}`).join("\n")}\n`);
    });
  }
}
