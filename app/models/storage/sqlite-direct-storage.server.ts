/**
 * The SQLite-direct adapter: the statements of sql.ts straight through better-sqlite3, on the very
 * connection Prisma's adapter uses (docs/decisions/018-driver-level-writer-statements.md). Through
 * Prisma a statement costs ~1.26 ms of CPU whatever it does (query compiler in WebAssembly, adapter,
 * an uncached prepare); here a cached prepared statement costs microseconds.
 *
 * Safety: better-sqlite3 is synchronous, so a transaction run here starts and commits within
 * one turn of the event loop and nothing else can interleave on the connection. The one thing
 * that can be open is a Prisma transaction (its BEGIN, then awaits): statements run then would
 * join it, so this waits until the connection is out of any transaction first.
 */
import type { PrismaClient } from "@prisma/client";
import type { Database as SqliteConnection, Statement } from "better-sqlite3";
import { sqliteConnectionOf } from "~/db.server";
import type { ChannelStateRow, PipelineStorage, StoredCatalogRow } from "./port";
import { SELECT_CATALOG_OF_PRODUCTS, SELECT_CATALOG_ROWS, SELECT_CHANNEL_STATES, SELECT_LEVEL_STATES, type SqlValue } from "./sql";
import { retryWhenSqliteBusy } from "./sqlite-busy.server";

/** Multi-row statements differ by their row count: the cache is dropped when it grows past this. */
const MAX_PREPARED = 256;

/**
 * Parameters as better-sqlite3 binds them: a Date as Prisma's better-sqlite3 adapter stores
 * DateTime by default ("iso8601"), so typed reads parse it. A record's rows share one `now`:
 * it is formatted once, not once a row.
 */
function bindable(params: readonly SqlValue[]): (string | number | null)[] {
  let lastDate: Date | null = null;
  let lastText = "";
  return params.map((value) => {
    if (!(value instanceof Date)) return value;
    if (value !== lastDate) [lastDate, lastText] = [value, value.toISOString().replace("Z", "+00:00")];
    return lastText;
  });
}

export function createSqliteDirectStorage(db: PrismaClient): PipelineStorage {
  let prepared = new Map<string, Statement>();
  let connection: SqliteConnection | undefined;

  /** Prisma's connection, opened by a first query if Prisma has not opened it yet. */
  async function open(): Promise<SqliteConnection> {
    connection ??= sqliteConnectionOf(db);
    if (!connection) {
      await db.$queryRawUnsafe("SELECT 1");
      connection = sqliteConnectionOf(db);
      if (!connection) throw new Error("sqlite-direct storage: the client was not made by createPrismaClient (no connection to share)");
    }
    // A Prisma transaction open on the connection: wait until it has ended.
    while (connection.inTransaction) await new Promise((resolve) => setImmediate(resolve));
    return connection;
  }

  function statementOf(open: SqliteConnection, sql: string): Statement {
    if (prepared.size >= MAX_PREPARED) prepared = new Map();
    let statement = prepared.get(sql);
    if (!statement) prepared.set(sql, (statement = open.prepare(sql)));
    return statement;
  }

  async function all(sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]> {
    const open_ = await open();
    return statementOf(open_, sql).safeIntegers(false).all(bindable(params)) as Record<string, unknown>[];
  }

  const itemsIn = (shop: string, ids: readonly string[]) => [shop, JSON.stringify(ids)];

  return {
    adapter: "sqlite-direct",
    retryWhenBusy: retryWhenSqliteBusy,
    async transaction(statements) {
      if (statements.length === 0) return;
      // BEGIN IMMEDIATE: the write lock up front, so two processes never deadlock upgrading a read lock.
      await retryWhenSqliteBusy(async () => {
        const open_ = await open();
        open_
          .transaction(() => {
            for (const statement of statements) statementOf(open_, statement.sql).run(bindable(statement.params));
          })
          .immediate();
      });
    },
    query: (statement) => retryWhenSqliteBusy(() => all(statement.sql, statement.params)),
    levelStates: async (shop, ids) => (await all(SELECT_LEVEL_STATES, itemsIn(shop, ids))) as unknown as Awaited<ReturnType<PipelineStorage["levelStates"]>>,
    channelStates: async (shop, ids) =>
      (await all(SELECT_CHANNEL_STATES, itemsIn(shop, ids))).map((row) => ({ ...(row as unknown as ChannelStateRow), paused: row.paused === 1 })),
    catalogRows: async (shop, ids) =>
      (await all(SELECT_CATALOG_ROWS, itemsIn(shop, ids))).map((row) => ({
        ...(row as unknown as StoredCatalogRow),
        tracked: row.tracked === 1,
        continueSelling: row.continueSelling === 1,
      })),
    catalogOfProducts: async (shop, productIds) =>
      productIds.length === 0 ? [] : ((await all(SELECT_CATALOG_OF_PRODUCTS, itemsIn(shop, productIds))) as unknown as Awaited<ReturnType<PipelineStorage["catalogOfProducts"]>>),
  };
}
