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
import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { auditStatements, type AuditInput } from "./audit.server";
import { sortableId } from "./bulk-sql.server";
import { storageOf } from "./storage/index.server";
import { isUniqueViolation } from "./storage/unique-violation";
import { DELETE_APP_UNPUBLICATION, INSERT_WRITE_INTENT, MARK_WRITE_INTENT_APPLIED, UPSERT_APP_UNPUBLICATION, type SqlStatement } from "./storage/sql";
import { channelStateStatements, levelStateStatements, type ChannelStateInput, type LevelStateInput } from "./sync-state.server";

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
 * trust), unconfirmed (resumed, and its effect was not in the shop), withdrawn (channel numbers
 * that assumed a move sent with them which was not applied, put back: docs/decisions/039).
 */
export type ClosedStatus = "stale" | "refused" | "expired" | "unconfirmed" | "withdrawn";

export async function createWriteIntent<Request>(
  shop: string,
  intent: { kind: WriteIntentKind; request: Request; record: WriteRecord },
  now: Date,
  db: PrismaClient = prisma,
): Promise<WriteIntent<Request>> {
  const id = randomUUID();
  // Raw: the request and record of a 250-change move are ~100 KB of JSON, which a typed `create`
  // hands through Prisma's query compiler.
  await storageOf(db).transaction([
    { sql: INSERT_WRITE_INTENT, params: [id, shop, intent.kind, JSON.stringify(intent.request), JSON.stringify(intent.record), now, new Date()] },
  ]);
  return { id, shop, kind: intent.kind, request: intent.request, record: intent.record, createdAt: now };
}

/**
 * Marks the intent applied and records what it applied, in one transaction. Only the first
 * confirmation records (a resumed intent may be confirmed twice): the audit entries carry the
 * intent's id and their place in it, which is unique, so a second recording rolls back.
 * Returns whether this call recorded it.
 */
export async function recordAppliedWrite(intent: WriteIntent, requestId: string | null, db: PrismaClient = prisma): Promise<boolean> {
  try {
    await storageOf(db).transaction(appliedWriteStatements(intent, requestId, new Date()));
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** The status, audit entries, sync state and publication bookkeeping of an applied intent. */
function appliedWriteStatements(intent: WriteIntent, requestId: string | null, now: Date): SqlStatement[] {
  const { audit, levels = [], channels = [], unpublished, republished } = intent.record;
  const shop = intent.shop;
  // Audit ids: one sortable id for the write, then the entry's place in it (zero-padded), so
  // lists ordered by (createdAt, id) keep the write's entries in order.
  const idPrefix = sortableId();
  const entries = audit.map((entry, seq) => ({
    entry: { ...entry, requestId },
    origin: { id: `${idPrefix}${String(seq).padStart(5, "0")}`, writeIntentId: intent.id, intentSeq: seq, createdAt: now },
  }));
  const statements: SqlStatement[] = [
    { sql: MARK_WRITE_INTENT_APPLIED, params: [requestId, now, intent.id] },
    ...auditStatements(shop, entries),
    // Stamped with the plan's time, not the recording's: a write recorded late (a resumed intent,
    // minutes after a crash) must not overwrite the state of a plan made after it (the upserts keep
    // the newer row), least of all a self-sizing reserve's history, which the next plan holds from.
    ...levelStateStatements(shop, levels, intent.createdAt),
    ...channelStateStatements(shop, channels, intent.createdAt),
  ];
  if (unpublished) {
    statements.push({ sql: UPSERT_APP_UNPUBLICATION, params: [shop, unpublished.productId, unpublished.publicationId, unpublished.channel, unpublished.reason, now] });
  }
  if (republished) statements.push({ sql: DELETE_APP_UNPUBLICATION, params: [shop, republished.productId, republished.publicationId] });
  return statements;
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


/** The status of each of these intents (pending, applied or a ClosedStatus); an unknown id is absent. */
export async function writeIntentStatuses(ids: readonly string[], db: PrismaClient = prisma): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.writeIntent.findMany({ where: { id: { in: [...ids] } }, select: { id: true, status: true } });
  return new Map(rows.map((row) => [row.id, row.status]));
}
