import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { sortableId } from "./bulk-sql.server";
import { storageOf } from "./storage/index.server";
import { DELETE_WEBHOOK_DELIVERY, INSERT_WEBHOOK_DELIVERY } from "./storage/sql";
import { isUniqueViolation } from "./storage/unique-violation";

export interface NewWebhookDelivery {
  shop: string;
  topic: string;
  webhookId: string;
  eventId?: string | null;
  apiVersion?: string | null;
  triggeredAt?: Date | null;
  body: string;
  /** Recorded but not to be acted on: refused (its claims disagree) or stale, and why. */
  notActedOn?: { status: "refused" | "stale"; reason: string } | null;
}

export interface RecordedDelivery {
  id: string;
  /**
   * `received` (recorded, to be processed: a first delivery, or one whose processing has not
   * finished), `failed` (to be processed again), `processed`, `duplicate` (another delivery
   * of the same event is already received or processed), `refused` or `stale` (not acted on);
   * the worker marks `parked` one whose payload cannot be processed.
   */
  status: string;
  /** A redelivery of a webhook id already recorded. */
  redelivery: boolean;
}

/**
 * The intake's one statement: records a delivery, or counts a redelivery of its webhook id, and
 * marks it `duplicate` when another delivery of the same event (`X-Shopify-Event-Id`,
 * https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates) was already received or
 * processed — an earlier delivery that was received is covered by its queued job. A delivery not
 * to be acted on is recorded with its status and reason at once. Returns null for a shop that
 * was redacted (a `RedactedShop` tombstone): nothing of it is recorded.
 *
 * Raw SQL (storage/sql.ts INSERT_WEBHOOK_DELIVERY) because the webhook route runs it for every
 * delivery: Prisma's query compiler spends ~1.7 ms of CPU on each typed query (bench/README.md).
 * The same text runs on SQLite (≥ 3.35 for RETURNING) and PostgreSQL: `INSERT … VALUES … ON
 * CONFLICT DO UPDATE … RETURNING`, parameters typed by their target columns.
 * A new row's `duplicates` is 0; the update makes it at least 1, which tells the two apart.
 * The tombstone is read in the same statement (no extra round trip on the hot path): the row of
 * a redacted shop comes back `redacted` and is removed at once.
 *
 * Two copies of one event arriving in the same instant: the statement's duplicate check reads
 * committed rows only (PostgreSQL; SQLite runs one writer at a time), so both could be recorded
 * `received`. The partial unique index of acted-on rows (migration
 * 20261206080000_delivery_event_acted_on_once, docs/decisions/025) refuses the second: PostgreSQL
 * holds its insert until the first commits, then fails it; the statement runs again, sees the
 * first, and records the copy `duplicate`.
 */
export async function recordDeliveryOnce(
  delivery: NewWebhookDelivery & { receivedAt: Date },
  db: PrismaClient = prisma,
): Promise<RecordedDelivery | null> {
  const { shop, topic, webhookId, body, receivedAt } = delivery;
  const eventId = delivery.eventId ?? null;
  const storage = storageOf(db);
  const statement = {
    sql: INSERT_WEBHOOK_DELIVERY,
    params: [
      sortableId(),
      shop,
      topic,
      webhookId,
      eventId,
      delivery.apiVersion ?? null,
      delivery.triggeredAt ?? null,
      receivedAt,
      body,
      shop,
      delivery.notActedOn?.status ?? null,
      shop,
      topic,
      eventId,
      delivery.notActedOn?.reason ?? null,
    ],
  };
  const rows = await insertOnceMoreOnEventConflict(() => storage.query(statement));
  const row = rows[0] as { id: string; status: string; duplicates: number | bigint };
  if (row.status === "redacted") {
    await storage.transaction([{ sql: DELETE_WEBHOOK_DELIVERY, params: [row.id] }]);
    return null;
  }
  return { id: row.id, status: row.status, redelivery: Number(row.duplicates) > 0 };
}

/** PostgreSQL names the index; SQLite names its columns. */
const ACTED_ON_EVENT_INDEX = /WebhookDelivery_acted_on_event_key|WebhookDelivery\.shop, WebhookDelivery\.topic, WebhookDelivery\.eventId/;
/** Each retry follows a commit of another copy of the event, which the next run sees. */
const EVENT_CONFLICT_RETRIES = 3;

async function insertOnceMoreOnEventConflict<T>(insert: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insert();
    } catch (error) {
      if (attempt > EVENT_CONFLICT_RETRIES || !isUniqueViolation(error, ACTED_ON_EVENT_INDEX)) throw error;
    }
  }
}

/**
 * Marks a recorded delivery as not acted on, with the reason the Webhook deliveries page shows;
 * `parked`: its payload cannot be processed, on any attempt (app/shopify/webhook-payload.ts `unreadablePayload`).
 */
export async function markDeliveryNotActedOn(id: string, status: "refused" | "stale" | "parked", reason: string, db: PrismaClient = prisma) {
  await storageOf(db).retryWhenBusy(() => db.webhookDelivery.update({ where: { id }, data: { status, reason } }));
}

/** Deliveries still to process among `ids` (a queued delivery may have been processed by an earlier job). */
export async function deliveriesToProcess(shop: string, ids: readonly string[], db: PrismaClient = prisma) {
  return db.webhookDelivery.findMany({
    where: { shop, id: { in: [...ids] }, status: { in: ["received", "failed"] } },
    select: { id: true, topic: true, triggeredAt: true, receivedAt: true, body: true },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
  });
}

export async function markWebhookDeliveries(ids: readonly string[], status: "processed" | "failed", db: PrismaClient = prisma) {
  // Started over on SQLITE_BUSY_SNAPSHOT: Prisma runs updateMany as a read then a write in one
  // transaction, which the web process's intake (another connection) can overtake
  // (the storage port's retryWhenBusy, docs/scale-out.md "A worker process on SQLite").
  if (ids.length > 0) await storageOf(db).retryWhenBusy(() => db.webhookDelivery.updateMany({ where: { id: { in: [...ids] } }, data: { status } }));
}

export interface DeliveryPage {
  deliveries: {
    id: string;
    topic: string;
    webhookId: string;
    triggeredAt: Date | null;
    receivedAt: Date;
    status: string;
    reason: string | null;
    duplicates: number;
  }[];
  nextCursor: string | null;
}

/** Newest first, keyset-paginated by id so pages stay stable while deliveries arrive. */
export async function listWebhookDeliveries(
  shop: string,
  { cursor, take = 25 }: { cursor?: string | null; take?: number } = {},
  db: PrismaClient = prisma,
): Promise<DeliveryPage> {
  const rows = await db.webhookDelivery.findMany({
    where: { shop },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: take + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: { id: true, topic: true, webhookId: true, triggeredAt: true, receivedAt: true, status: true, reason: true, duplicates: true },
  });
  const hasMore = rows.length > take;
  const deliveries = hasMore ? rows.slice(0, take) : rows;
  return { deliveries, nextCursor: hasMore ? deliveries[deliveries.length - 1].id : null };
}

export async function markWebhookDelivery(id: string, status: "processed" | "failed" | "duplicate", db: PrismaClient = prisma) {
  await db.webhookDelivery.update({ where: { id }, data: { status } });
}

/**
 * Deliveries since `since` (webhook health), with their receive lag inputs. Refused ones are left
 * out: their headers, trigger time included, are not Shopify's word, and replays under an old
 * X-Shopify-Triggered-At would otherwise read as a late feed and freeze lower tiers.
 */
export async function recentDeliveries(shop: string, since: Date, db: PrismaClient = prisma) {
  return db.webhookDelivery.findMany({
    where: { shop, receivedAt: { gte: since }, status: { not: "refused" } },
    select: { topic: true, triggeredAt: true, receivedAt: true },
  });
}

/**
 * Empties the stored body of every delivery that is done with it (processed, duplicate, refused,
 * stale) and arrived before `before`; the row stays for the Webhook deliveries page and for
 * deduplication. A `received` or `failed` delivery keeps its body until it is processed.
 * Returns how many bodies were emptied. README "Privacy", WEBHOOK_BODY_RETENTION_HOURS.
 */
export async function pruneDeliveryBodies(before: Date, db: PrismaClient = prisma): Promise<number> {
  const { count } = await storageOf(db).retryWhenBusy(() =>
    db.webhookDelivery.updateMany({ where: { receivedAt: { lt: before }, status: { notIn: ["received", "failed"] }, body: { not: "" } }, data: { body: "" } }),
  );
  return count;
}
