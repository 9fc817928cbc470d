import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";

export type AuditActor = "rule" | "merchant" | "hold" | "reconciliation";

export interface AuditInput {
  sku?: string | null;
  inventoryItemId?: string | null;
  locationId?: string | null;
  channel?: string | null;
  subject: "safety_stock" | "quality_control" | "channel_ats" | "publication" | "policy" | "channel_pause" | "customer_hold" | "settings";
  before?: number | null;
  after?: number | null;
  ruleVersion?: number | null;
  reason: string;
  actor: AuditActor;
  requestId?: string | null;
  createdAt?: Date;
}

export async function recordAudit(shop: string, entries: readonly AuditInput[], db: Prisma.TransactionClient = prisma) {
  if (entries.length === 0) return;
  await db.auditEntry.createMany({ data: entries.map((entry) => ({ shop, ...entry })) });
}

