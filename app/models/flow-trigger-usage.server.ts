import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";
import { isUniqueViolation } from "./storage/unique-violation";

/**
 * Which of Safestock's Flow triggers a shop's enabled workflows use, as Flow's trigger lifecycle
 * callbacks said (https://shopify.dev/docs/apps/build/flow/track-lifecycle-events;
 * docs/decisions/035-shopify-flow.md). "Notifications with newer timestamps should take
 * precedence … if you receive a timestamp that is older than the information in your datastore,
 * then ignore this payload": a row changes only for a callback at least as new as the one it holds
 * (a tie is the same notification delivered again, or one Flow made in the same millisecond; the
 * later arrival wins).
 */
export async function recordFlowTriggerUsage(
  shop: string,
  usage: { definitionId: string; inUse: boolean; notifiedAt: Date },
  db: PrismaClient = prisma,
): Promise<"recorded" | "older" | "shop-redacted"> {
  const { definitionId, inUse, notifiedAt } = usage;
  // A late callback for an erased shop re-creates nothing (the tombstone, app/models/shop-data.server.ts).
  if (await db.redactedShop.findUnique({ where: { shop }, select: { shop: true } })) return "shop-redacted";
  // Two callbacks for one trigger may race: the conditional update, else the insert, else (the
  // other one inserted first) the conditional update again.
  for (let attempt = 0; attempt < 2; attempt++) {
    const updated = await db.flowTriggerUsage.updateMany({ where: { shop, definitionId, notifiedAt: { lte: notifiedAt } }, data: { inUse, notifiedAt } });
    if (updated.count > 0) return "recorded";
    if (await db.flowTriggerUsage.findUnique({ where: { shop_definitionId: { shop, definitionId } }, select: { shop: true } })) return "older";
    try {
      await db.flowTriggerUsage.create({ data: { shop, definitionId, inUse, notifiedAt } });
      return "recorded";
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return "older";
}

/** The definition ids the shop's enabled workflows use: one indexed read (the primary key's prefix). */
export async function flowTriggerDefinitionsInUse(shop: string, db: PrismaClient = prisma): Promise<string[]> {
  const rows = await db.flowTriggerUsage.findMany({ where: { shop, inUse: true }, select: { definitionId: true } });
  return rows.map((row) => row.definitionId);
}
