/**
 * Write intents (issue 8 items 1 and 3): every write to Shopify is stored here before its
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
import { chunk } from "~/domain/inventory-writes";
import type { AuditInput } from "./audit.server";
import { sortableId } from "./bulk-sql.server";
import { appUnpublicationUpsert, syncStateWrites, type ChannelStateInput, type LevelStateInput } from "./sync-state.server";

export type WriteIntentKind = "move_quantities" | "metafields_set" | "publish" | "unpublish";

/** What to record once Shopify confirms the write. */
export interface WriteRecord {
  audit: AuditInput[];
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
  await db.$executeRaw`
    INSERT INTO "WriteIntent" ("id", "shop", "kind", "request", "record", "status", "createdAt", "updatedAt")
    VALUES (${id}, ${shop}, ${intent.kind}, ${JSON.stringify(intent.request)}, ${JSON.stringify(intent.record)}, 'pending', ${now}, ${new Date()})`;
  return { id, shop, kind: intent.kind, request: intent.request, record: intent.record, createdAt: now };
}

/**
 * Marks the intent applied and records what it applied, in one transaction. Only the first
 * confirmation records (a resumed intent may be confirmed twice): the audit entries carry the
 * intent's id and their place in it, which is unique, so a second recording rolls back.
 * Returns whether this call recorded it.
 */
export async function recordAppliedWrite(intent: WriteIntent, requestId: string | null, db: PrismaClient = prisma): Promise<boolean> {
  const { audit, levels = [], channels = [], unpublished, republished } = intent.record;
  const shop = intent.shop;
  try {
    await db.$transaction([
      // "unconfirmed": a resume found no effect yet while the worker that sent it was still
      // waiting for the answer; Shopify's confirmation is the truth.
      db.$executeRaw`UPDATE "WriteIntent" SET "status" = 'applied', "requestId" = ${requestId}, "updatedAt" = ${new Date()} WHERE "id" = ${intent.id} AND "status" IN ('pending', 'unconfirmed')`,
      ...insertAuditEntries(db, shop, audit, { requestId, writeIntentId: intent.id }),
      ...syncStateWrites(db, shop, levels, channels),
      ...(unpublished ? [appUnpublicationUpsert(db, shop, unpublished)] : []),
      ...(republished ? [db.appUnpublication.deleteMany({ where: { shop, productId: republished.productId, publicationId: republished.publicationId } })] : []),
    ]);
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/**
 * The audit entries of one write in multi-row raw INSERTs (a move of 250 levels has 250): a typed
 * `createMany` is compiled by Prisma's query compiler with every row in it. Works on SQLite and
 * PostgreSQL; `createdAt` is bound, not defaulted.
 */
function insertAuditEntries(db: PrismaClient, shop: string, audit: readonly AuditInput[], intent: { requestId: string | null; writeIntentId: string }) {
  const now = new Date();
  return chunk(audit, 400).map((rows, part) => {
    const values = rows.map((entry, index) => {
      const seq = part * 400 + index;
      return Prisma.sql`(${sortableId()}, ${shop}, ${entry.sku ?? null}, ${entry.inventoryItemId ?? null}, ${entry.locationId ?? null}, ${entry.channel ?? null},
        ${entry.subject}, ${entry.before ?? null}, ${entry.after ?? null}, ${entry.ruleVersion ?? null}, ${entry.reason}, ${entry.actor},
        ${intent.requestId}, ${intent.writeIntentId}, ${seq}, ${entry.createdAt ?? now})`;
    });
    return db.$executeRaw`
      INSERT INTO "AuditEntry" ("id", "shop", "sku", "inventoryItemId", "locationId", "channel", "subject", "before", "after", "ruleVersion", "reason", "actor",
        "requestId", "writeIntentId", "intentSeq", "createdAt")
      VALUES ${Prisma.join(values)}`;
  });
}

/**
 * The (writeIntentId, intentSeq) unique index refused a second recording. Typed queries report
 * P2002; a raw statement's violation comes back from the driver adapter as P2010 with the
 * database's own code (SQLite's extended code 2067 SQLITE_CONSTRAINT_UNIQUE, PostgreSQL's 23505).
 */
function isUniqueViolation(error: unknown): boolean {
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

export async function writeIntentStatus(id: string, db: PrismaClient = prisma) {
  return (await db.writeIntent.findUnique({ where: { id }, select: { status: true } }))?.status ?? null;
}
