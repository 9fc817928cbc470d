import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

export interface StoredDraft {
  document: unknown;
  basedOnVersion: number | null;
  updatedBy: string;
  updatedAt: Date;
}

/** The shop's unpublished rules-editor draft, or null when the editor shows the version in force. */
export async function getPolicyDraft(shop: string, db: PrismaClient = prisma): Promise<StoredDraft | null> {
  const row = await db.policyDraft.findUnique({ where: { shop } });
  if (!row) return null;
  let document: unknown = null;
  try {
    document = JSON.parse(row.document);
  } catch {
    // A draft is written by our own action from JSON.stringify; an unreadable one reads as empty.
  }
  return { document, basedOnVersion: row.basedOnVersion, updatedBy: row.updatedBy, updatedAt: row.updatedAt };
}

export async function savePolicyDraft(
  shop: string,
  draft: { document: unknown; basedOnVersion: number | null; updatedBy: string },
  db: PrismaClient = prisma,
) {
  const data = { document: JSON.stringify(draft.document), basedOnVersion: draft.basedOnVersion, updatedBy: draft.updatedBy };
  return db.policyDraft.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}

export async function deletePolicyDraft(shop: string, db: PrismaClient = prisma) {
  await db.policyDraft.deleteMany({ where: { shop } });
}
