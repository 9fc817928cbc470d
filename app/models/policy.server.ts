import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { keysetPage, keysetTake, type PageDirection } from "./keyset-page.server";

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

/**
 * The Policy page's version list, newest first, a page at a time in both directions (every kept
 * version can be reached and rolled back to). The cursor is the version number, unique in a shop;
 * one that is not a version number reads the first page.
 */
export async function listPolicyVersionsPage(
  shop: string,
  { cursor, direction = "next", take = 25 }: { cursor?: string | null; direction?: PageDirection; take?: number },
  db: PrismaClient = prisma,
) {
  const cursorVersion = cursor && /^\d+$/.test(cursor) ? Number(cursor) : null;
  const request = { cursor: cursorVersion === null ? null : cursor, direction, take };
  const rows = await db.policyVersion.findMany({
    where: { shop },
    orderBy: { version: "desc" },
    select: { version: true, createdBy: true, note: true, createdAt: true },
    take: keysetTake(request),
    ...(cursorVersion === null ? {} : { cursor: { shop_version: { shop, version: cursorVersion } }, skip: 1 }),
  });
  const { rows: versions, nextCursor, previousCursor } = keysetPage(rows, (row) => String(row.version), request);
  return { versions, nextCursor, previousCursor };
}

export async function policyVersion(shop: string, version: number, db: PrismaClient = prisma): Promise<StoredPolicy | null> {
  const row = await db.policyVersion.findUnique({ where: { shop_version: { shop, version } } });
  return row && { version: row.version, document: parseStoredDocument(row.document), createdBy: row.createdBy, createdAt: row.createdAt };
}
