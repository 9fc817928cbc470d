/**
 * Write intents (docs/pipeline.md, docs/decisions/005-idempotency-keys.md): every write to Shopify is stored here before its
 * request leaves, under a key minted once (a random UUID) that is also the request's
 * `@idempotent` key. Shopify answers a repeated key with the original result without doing
 * anything again (docs/decisions/012 § Idempotency), so the key is resent only to retry that same
 * request; a new plan mints a new one. When Shopify confirms the write, the intent is marked
 * applied in the same transaction that records its audit entries and sync state, so a write
 * and its record are one unit.
 */
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import type { AuditInput } from "./audit.server";
import { isPostgresClient, sortableId } from "./bulk-sql.server";
import { runSqliteTransaction, type SqlStatement, type SqlValue } from "./sqlite-direct.server";
import type { ChannelStateInput, LevelStateInput } from "./sync-state.server";

export type WriteIntentKind = "move_quantities" | "metafields_set" | "publish" | "unpublish";

/** What to record once Shopify confirms the write. */
export interface WriteRecord {
  /** Stamped with the time and request of the recording (`createdAt`, `requestId` are not read from here). */
  audit: Omit<AuditInput, "createdAt" | "requestId">[];
  levels?: LevelStateInput[];
  channels?: ChannelStateInput[];
  unpublished?: { productId: string; publicationId: string; channel: string; reason: string };
  republished?: { productId: string; publicationId: string };
}

export interface WriteIntent<Request = unknown> {
  id: string;
  shop: string;
  kind: WriteIntentKind;
  request: Request;
  record: WriteRecord;
  createdAt: Date;
}

/**
 * Closed without being applied: stale (re-plan), refused (userErrors), expired (key too old to
 * trust), unconfirmed (resumed, and its effect was not in the shop).
 */
export type ClosedStatus = "stale" | "refused" | "expired" | "unconfirmed";

export async function createWriteIntent<Request>(
  shop: string,
  intent: { kind: WriteIntentKind; request: Request; record: WriteRecord },
  now: Date,
  db: PrismaClient = prisma,
): Promise<WriteIntent<Request>> {
  const id = randomUUID();
  // Raw: the request and record of a 250-change move are ~100 KB of JSON, which a typed `create`
  // hands through Prisma's query compiler.
  const values = [id, shop, intent.kind, JSON.stringify(intent.request), JSON.stringify(intent.record), now, new Date()];
  if (isPostgresClient(db)) {
    await db.$executeRaw`
      INSERT INTO "WriteIntent" ("id", "shop", "kind", "request", "record", "createdAt", "updatedAt", "status")
      VALUES (${Prisma.join(values)}, 'pending')`;
  } else {
    await runSqliteTransaction(db, [
      {
        sql: `INSERT INTO "WriteIntent" ("id", "shop", "kind", "request", "record", "createdAt", "updatedAt", "status") VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
        params: values,
      },
    ]);
  }
  return { id, shop, kind: intent.kind, request: intent.request, record: intent.record, createdAt: now };
}

/**
 * Marks the intent applied and records what it applied, in one transaction. Only the first
 * confirmation records (a resumed intent may be confirmed twice): the audit entries carry the
 * intent's id and their place in it, which is unique, so a second recording rolls back.
 * Returns whether this call recorded it.
 *
 * The rows come from the intent's own stored `record`, expanded in SQL (`json_each` on SQLite,
 * `json_array_elements` on PostgreSQL): a move's 250 audit entries and 250 level states bound
 * as parameters were ~6,000 of them (~2.2 µs of Prisma's CPU apiece, bench/perf-notes.md
 * "100k catalog"), and the JSON is already in the row.
 */
export async function recordAppliedWrite(intent: WriteIntent, requestId: string | null, db: PrismaClient = prisma): Promise<boolean> {
  const { levels = [], channels = [], unpublished, republished } = intent.record;
  const shop = intent.shop;
  const now = new Date();
  // Audit ids: one sortable id for the write, then the entry's place in it (zero-padded), so
  // lists ordered by (createdAt, id) keep the write's entries in order.
  const from = { intentId: intent.id, requestId, now, idPrefix: sortableId() };
  // Publication bookkeeping in raw SQL too (same text on both providers), so that on SQLite the
  // whole record takes the direct path. `createdAt` is bound: the column's default is Prisma's.
  const publication: Prisma.Sql[] = [];
  if (unpublished) {
    publication.push(Prisma.sql`
      INSERT INTO "AppUnpublication" ("shop", "productId", "publicationId", "channel", "reason", "createdAt")
      VALUES (${shop}, ${unpublished.productId}, ${unpublished.publicationId}, ${unpublished.channel}, ${unpublished.reason}, ${now})
      ON CONFLICT ("shop", "productId", "publicationId") DO UPDATE SET "reason" = excluded."reason"`);
  }
  if (republished) {
    publication.push(Prisma.sql`
      DELETE FROM "AppUnpublication" WHERE "shop" = ${shop} AND "productId" = ${republished.productId} AND "publicationId" = ${republished.publicationId}`);
  }
  try {
    if (isPostgresClient(db)) {
      // One statement (data-modifying CTEs run once, atomically): no transaction round trips.
      const statement = recordFromJsonPostgres(db, from);
      await (publication.length > 0 ? db.$transaction([statement, ...publication.map((sql) => db.$executeRaw(sql))]) : statement);
    } else {
      await runSqliteTransaction(db, [
        // "unconfirmed": a resume found no effect yet while the worker that sent it was still
        // waiting for the answer; Shopify's confirmation is the truth.
        {
          sql: `UPDATE "WriteIntent" SET "status" = 'applied', "requestId" = ?, "updatedAt" = ? WHERE "id" = ? AND "status" IN ('pending', 'unconfirmed')`,
          params: [requestId, now, intent.id],
        },
        ...recordFromJsonSqlite(from, { levels: levels.length > 0, channels: channels.length > 0 }),
        ...publication.map((sql) => ({ sql: sql.sql, params: sql.values as SqlValue[] })),
      ]);
    }
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

interface RecordSource {
  intentId: string;
  requestId: string | null;
  now: Date;
  idPrefix: string;
}

/** Audit entries, level states and channel states of a stored intent's record (SQLite). */
function recordFromJsonSqlite(from: RecordSource, has: { levels: boolean; channels: boolean }): SqlStatement[] {
  const statements: SqlStatement[] = [
    {
      sql: `INSERT INTO "AuditEntry" ("id", "shop", "sku", "inventoryItemId", "locationId", "channel", "subject", "before", "after", "ruleVersion", "reason", "actor",
        "requestId", "writeIntentId", "intentSeq", "createdAt")
      SELECT ? || printf('%05d', a.key), w."shop", json_extract(a.value, '$.sku'), json_extract(a.value, '$.inventoryItemId'),
        json_extract(a.value, '$.locationId'), json_extract(a.value, '$.channel'), json_extract(a.value, '$.subject'), json_extract(a.value, '$.before'),
        json_extract(a.value, '$.after'), json_extract(a.value, '$.ruleVersion'), json_extract(a.value, '$.reason'), json_extract(a.value, '$.actor'),
        ?, w."id", a.key, ?
      FROM "WriteIntent" w, json_each(w."record", '$.audit') a
      WHERE w."id" = ?`,
      params: [from.idPrefix, from.requestId, from.now, from.intentId],
    },
  ];
  // The id filter is also the WHERE that SQLite needs before ON CONFLICT in an INSERT … SELECT
  // (https://www.sqlite.org/lang_upsert.html, "Parsing Ambiguity").
  if (has.levels) {
    statements.push({
      sql: `INSERT INTO "LevelState" ("shop", "inventoryItemId", "locationId", "quantities", "protected", "available", "explain", "updatedAt")
      SELECT w."shop", json_extract(l.value, '$.inventoryItemId'), json_extract(l.value, '$.locationId'), json_extract(l.value, '$.quantities'),
        json_extract(l.value, '$.protected'), json_extract(l.value, '$.available'), json_extract(l.value, '$.explain'), ?
      FROM "WriteIntent" w, json_each(w."record", '$.levels') l
      WHERE w."id" = ?
      ON CONFLICT ("shop", "inventoryItemId", "locationId") DO UPDATE SET
        "quantities" = excluded."quantities", "protected" = excluded."protected", "available" = excluded."available",
        "explain" = excluded."explain", "updatedAt" = excluded."updatedAt"`,
      params: [from.now, from.intentId],
    });
  }
  if (has.channels) {
    // JSON true/false come out of json_extract as 1/0, SQLite's (and Prisma's) Boolean.
    statements.push({
      sql: `INSERT INTO "ChannelState" ("shop", "inventoryItemId", "channel", "available", "paused", "explain", "updatedAt")
      SELECT w."shop", json_extract(c.value, '$.inventoryItemId'), json_extract(c.value, '$.channel'), json_extract(c.value, '$.available'),
        json_extract(c.value, '$.paused'), json_extract(c.value, '$.explain'), ?
      FROM "WriteIntent" w, json_each(w."record", '$.channels') c
      WHERE w."id" = ?
      ON CONFLICT ("shop", "inventoryItemId", "channel") DO UPDATE SET
        "available" = excluded."available", "paused" = excluded."paused", "explain" = excluded."explain", "updatedAt" = excluded."updatedAt"`,
      params: [from.now, from.intentId],
    });
  }
  return statements;
}

/**
 * The same on PostgreSQL, with the intent's status in one statement. `json` (not `jsonb`)
 * keeps a value's text as stored, so `quantities` and `explain` are the text `JSON.stringify`
 * wrote, which the sync-state save compares against.
 */
function recordFromJsonPostgres(db: PrismaClient, from: RecordSource) {
  return db.$executeRaw`
    WITH "intent" AS (
      UPDATE "WriteIntent" SET "status" = 'applied', "requestId" = ${from.requestId}, "updatedAt" = ${from.now}
      WHERE "id" = ${from.intentId} AND "status" IN ('pending', 'unconfirmed')
    ), "record" AS (
      SELECT "id", "shop", "record"::json AS "record" FROM "WriteIntent" WHERE "id" = ${from.intentId}
    ), "audit" AS (
      INSERT INTO "AuditEntry" ("id", "shop", "sku", "inventoryItemId", "locationId", "channel", "subject", "before", "after", "ruleVersion", "reason", "actor",
        "requestId", "writeIntentId", "intentSeq", "createdAt")
      SELECT ${from.idPrefix} || lpad((a.n - 1)::text, 5, '0'), r."shop", a.value ->> 'sku', a.value ->> 'inventoryItemId', a.value ->> 'locationId',
        a.value ->> 'channel', a.value ->> 'subject', (a.value ->> 'before')::int, (a.value ->> 'after')::int, (a.value ->> 'ruleVersion')::int,
        a.value ->> 'reason', a.value ->> 'actor', ${from.requestId}, r."id", (a.n - 1)::int, ${from.now}
      FROM "record" r CROSS JOIN LATERAL json_array_elements(r."record" -> 'audit') WITH ORDINALITY AS a(value, n)
    ), "levels" AS (
      INSERT INTO "LevelState" ("shop", "inventoryItemId", "locationId", "quantities", "protected", "available", "explain", "updatedAt")
      SELECT r."shop", l.value ->> 'inventoryItemId', l.value ->> 'locationId', (l.value -> 'quantities')::text, (l.value ->> 'protected')::int,
        (l.value ->> 'available')::int, (l.value -> 'explain')::text, ${from.now}
      FROM "record" r CROSS JOIN LATERAL json_array_elements(coalesce(r."record" -> 'levels', '[]'::json)) AS l(value)
      ON CONFLICT ("shop", "inventoryItemId", "locationId") DO UPDATE SET
        "quantities" = excluded."quantities", "protected" = excluded."protected", "available" = excluded."available",
        "explain" = excluded."explain", "updatedAt" = excluded."updatedAt"
    )
    INSERT INTO "ChannelState" ("shop", "inventoryItemId", "channel", "available", "paused", "explain", "updatedAt")
    SELECT r."shop", c.value ->> 'inventoryItemId', c.value ->> 'channel', (c.value ->> 'available')::int, (c.value ->> 'paused')::boolean,
      (c.value -> 'explain')::text, ${from.now}
    FROM "record" r CROSS JOIN LATERAL json_array_elements(coalesce(r."record" -> 'channels', '[]'::json)) AS c(value)
    ON CONFLICT ("shop", "inventoryItemId", "channel") DO UPDATE SET
      "available" = excluded."available", "paused" = excluded."paused", "explain" = excluded."explain", "updatedAt" = excluded."updatedAt"`;
}

/**
 * The (writeIntentId, intentSeq) unique index refused a second recording. Typed queries report
 * P2002; a raw statement's violation comes back from the driver adapter as P2010 with the
 * database's own code (SQLite's extended code 2067 SQLITE_CONSTRAINT_UNIQUE, PostgreSQL's 23505).
 */
function isUniqueViolation(error: unknown): boolean {
  // Straight from better-sqlite3 (sqlite-direct.server.ts): its SqliteError carries SQLite's extended code by name.
  if (error instanceof Error && (error as { code?: unknown }).code === "SQLITE_CONSTRAINT_UNIQUE") return true;
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  return error.code === "P2010" && /2067|23505|UNIQUE constraint failed|duplicate key/i.test(`${JSON.stringify(error.meta ?? {})} ${error.message}`);
}

export async function closeWriteIntent(id: string, status: ClosedStatus, error: unknown, db: PrismaClient = prisma) {
  await db.writeIntent.updateMany({ where: { id, status: "pending" }, data: { status, error: error === undefined ? null : JSON.stringify(error) } });
}

/** Intents whose request may or may not have reached Shopify (crash, lost response), oldest first. */
export async function pendingWriteIntents(shop: string, db: PrismaClient = prisma): Promise<WriteIntent[]> {
  const rows = await db.writeIntent.findMany({ where: { shop, status: "pending" }, orderBy: { createdAt: "asc" } });
  return rows.map((row) => ({
    id: row.id,
    shop: row.shop,
    kind: row.kind as WriteIntentKind,
    request: JSON.parse(row.request) as unknown,
    record: JSON.parse(row.record) as WriteRecord,
    createdAt: row.createdAt,
  }));
}

