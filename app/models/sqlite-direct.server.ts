/**
 * The writer's hot statements on SQLite straight through better-sqlite3, on the very connection
 * Prisma's adapter uses (docs/decisions/018-driver-level-writer-statements.md). Through Prisma a
 * statement costs ~1.26 ms of CPU whatever it does (query compiler in WebAssembly, adapter,
 * an uncached prepare); here a cached prepared statement costs microseconds. At 100,000
 * variants the re-plan records ~5,000 writes.
 *
 * Safety: better-sqlite3 is synchronous, so a transaction run here starts and commits within
 * one turn of the event loop and nothing else can interleave on the connection. The one thing
 * that can be open is a Prisma transaction (its BEGIN, then awaits): statements run then would
 * join it, so this waits until the connection is out of any transaction first.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import type { Database as SqliteConnection, Statement } from "better-sqlite3";
import { sqliteConnectionOf } from "~/db.server";
import { isPostgresClient } from "./bulk-sql.server";

export type SqlValue = string | number | null | Date;

/** SQL with `?` placeholders and their values. */
export interface SqlStatement {
  sql: string;
  params: SqlValue[];
}

const prepared = new WeakMap<SqliteConnection, Map<string, Statement>>();
/** Multi-row statements differ by their row count: the cache is dropped when it grows past this. */
const MAX_PREPARED = 256;

function statementOf(connection: SqliteConnection, sql: string): Statement {
  let cache = prepared.get(connection);
  if (!cache || cache.size >= MAX_PREPARED) prepared.set(connection, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = connection.prepare(sql)));
  return statement;
}

/** A Date as Prisma's better-sqlite3 adapter stores DateTime by default ("iso8601"), so typed reads parse it. */
function bindable(value: SqlValue): string | number | null {
  return value instanceof Date ? value.toISOString().replace("Z", "+00:00") : value;
}

/** Waits until a Prisma transaction open on the connection (if any) has ended. */
async function outOfTransaction(connection: SqliteConnection) {
  while (connection.inTransaction) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The rows of a read, straight through better-sqlite3 (integers as numbers, Booleans as 0/1,
 * JSON and text as stored), or null on PostgreSQL or before the connection is open: the caller
 * then reads through Prisma. For the writer's per-batch reads of ~1,500 rows, which Prisma
 * decodes at several ms a read.
 */
export async function querySqlite(db: PrismaClient, sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[] | null> {
  if (isPostgresClient(db)) return null;
  const connection = sqliteConnectionOf(db);
  if (!connection) return null;
  await outOfTransaction(connection);
  return statementOf(connection, sql).safeIntegers(false).all(params.map(bindable)) as Record<string, unknown>[];
}

/**
 * Runs the statements in one transaction (BEGIN IMMEDIATE: the write lock up front, so two
 * processes never deadlock upgrading a read lock), directly when the client's connection is
 * open, else through Prisma (the same SQL, the same transaction). A constraint violation
 * throws better-sqlite3's SqliteError (`code` SQLITE_CONSTRAINT_UNIQUE) or Prisma's P2010.
 */
export async function runSqliteTransaction(db: PrismaClient, statements: readonly SqlStatement[]): Promise<void> {
  const connection = sqliteConnectionOf(db);
  if (!connection) {
    await db.$transaction(statements.map((statement) => db.$executeRawUnsafe(statement.sql, ...statement.params)));
    return;
  }
  await outOfTransaction(connection);
  connection
    .transaction(() => {
      for (const statement of statements) statementOf(connection, statement.sql).run(statement.params.map(bindable));
    })
    .immediate();
}

/**
 * Raw statements built with `Prisma.sql` (the same SQL on both providers) in one transaction:
 * on SQLite straight through better-sqlite3 as above, on PostgreSQL through Prisma.
 */
export async function runRawTransaction(db: PrismaClient, statements: readonly Prisma.Sql[]): Promise<void> {
  if (statements.length === 0) return;
  if (isPostgresClient(db)) {
    await db.$transaction(statements.map((statement) => db.$executeRaw(statement)));
    return;
  }
  await runSqliteTransaction(
    db,
    statements.map((statement) => ({ sql: statement.sql, params: statement.values as SqlValue[] })),
  );
}
