import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { sortableId } from "./bulk-sql.server";
import { storageOf } from "./storage/index.server";
import { INSERT_AUDIT_ENTRIES, rowsStatements, type SqlStatement } from "./storage/sql";

/** `flow`: a Shopify Flow action run (docs/decisions/035-shopify-flow.md). */
export type AuditActor = "rule" | "merchant" | "hold" | "reconciliation" | "flow";

export interface AuditInput {
  sku?: string | null;
  inventoryItemId?: string | null;
  locationId?: string | null;
  channel?: string | null;
  subject: "safety_stock" | "quality_control" | "channel_ats" | "publication" | "policy" | "channel_pause" | "customer_hold" | "customer_data" | "settings";
  before?: number | null;
  after?: number | null;
  ruleVersion?: number | null;
  reason: string;
  actor: AuditActor;
  requestId?: string | null;
  createdAt?: Date;
}

/** Where an entry came from when a write intent recorded it: its id (unique with its place in the intent). */
export interface AuditOrigin {
  id: string;
  writeIntentId: string | null;
  intentSeq: number | null;
  createdAt: Date;
}

/** The one INSERT of audit entries (sql.ts), for a transaction of the storage port. */
export function auditStatements(shop: string, entries: readonly { entry: AuditInput; origin: AuditOrigin }[]): SqlStatement[] {
  return rowsStatements(
    INSERT_AUDIT_ENTRIES,
    entries.map(({ entry, origin }) => [
      origin.id,
      shop,
      entry.sku ?? null,
      entry.inventoryItemId ?? null,
      entry.locationId ?? null,
      entry.channel ?? null,
      entry.subject,
      entry.before ?? null,
      entry.after ?? null,
      entry.ruleVersion ?? null,
      entry.reason,
      entry.actor,
      entry.requestId ?? null,
      origin.writeIntentId,
      origin.intentSeq,
      origin.createdAt,
    ]),
  );
}

export async function recordAudit(shop: string, entries: readonly AuditInput[], db: PrismaClient = prisma) {
  if (entries.length === 0) return;
  const now = new Date();
  const rows = entries.map((entry) => ({ entry, origin: { id: sortableId(), writeIntentId: null, intentSeq: null, createdAt: entry.createdAt ?? now } }));
  await storageOf(db).transaction(auditStatements(shop, rows));
}

