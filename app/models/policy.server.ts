import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

export interface StoredPolicy {
  version: number;
  document: unknown;
  createdBy: string;
  createdAt: Date;
}

/** The version in force: the highest published one, or null before the first publish. */
/**
 * A stored version as every reader expects it: checkPolicy fills in missing `protection` and
 * `channels` lists (docs/policy.md: missing counts as empty), but versions stored before it did
 * may lack them, and a reader of `channels` would throw on every sync.
 */
function parseStoredDocument(text: string): unknown {
  const document = JSON.parse(text) as unknown;
  if (!document || typeof document !== "object" || Array.isArray(document)) return document;
  const { protection, channels } = document as { protection?: unknown; channels?: unknown };
  return { ...document, protection: protection ?? [], channels: channels ?? [] };
}

export async function currentPolicy(shop: string, db: PrismaClient = prisma): Promise<StoredPolicy | null> {
  const row = await db.policyVersion.findFirst({ where: { shop }, orderBy: { version: "desc" } });
  return row && { version: row.version, document: parseStoredDocument(row.document), createdBy: row.createdBy, createdAt: row.createdAt };
}

/**
 * Stores `document` as the next version. The unique (shop, version) index turns two
 * concurrent publishes into one success and one retry instead of two equal version numbers.
 */
export async function insertPolicyVersion(
  shop: string,
  document: unknown,
  createdBy: string,
  note: string | null,
  db: PrismaClient = prisma,
): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const latest = await db.policyVersion.findFirst({ where: { shop }, orderBy: { version: "desc" }, select: { version: true } });
    const version = (latest?.version ?? 0) + 1;
    try {
      await db.policyVersion.create({ data: { shop, version, document: JSON.stringify(document), createdBy, note } });
      return version;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

export async function listPolicyVersions(shop: string, db: PrismaClient = prisma) {
  return db.policyVersion.findMany({
    where: { shop },
    orderBy: { version: "desc" },
    select: { version: true, createdBy: true, note: true, createdAt: true },
    take: 50,
  });
}

export async function policyVersion(shop: string, version: number, db: PrismaClient = prisma): Promise<StoredPolicy | null> {
  const row = await db.policyVersion.findUnique({ where: { shop_version: { shop, version } } });
  return row && { version: row.version, document: parseStoredDocument(row.document), createdBy: row.createdBy, createdAt: row.createdAt };
}
