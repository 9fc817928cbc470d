import type { PrismaClient } from "@prisma/client";
import prisma from "~/db.server";

/**
 * Deletes every row Safestock holds for a shop (shop/redact, 48 h after uninstall:
 * https://shopify.dev/docs/apps/build/privacy-law-compliance#shop-redact). Each table is
 * listed explicitly so a new table without a line here fails tests/lifecycle.test.ts.
 *
 * In the same transaction it leaves a tombstone (the domain and the time, nothing else), so that
 * a replayed or late delivery for the shop records and re-creates nothing
 * (`recordDeliveryOnce`); the next install, through a fresh token exchange, removes it
 * (`clearShopRedaction`).
 */
export async function deleteShopData(shop: string, at: Date = new Date(), db: PrismaClient = prisma) {
  await db.$transaction([
    db.session.deleteMany({ where: { shop } }),
    db.tokenRefreshLease.deleteMany({ where: { shop } }),
    db.webhookDelivery.deleteMany({ where: { shop } }),
    db.job.deleteMany({ where: { shop } }),
    db.policyVersion.deleteMany({ where: { shop } }),
    db.catalogItem.deleteMany({ where: { shop } }),
    db.catalogLocation.deleteMany({ where: { shop } }),
    db.salesChannel.deleteMany({ where: { shop } }),
    db.levelState.deleteMany({ where: { shop } }),
    db.channelState.deleteMany({ where: { shop } }),
    db.appUnpublication.deleteMany({ where: { shop } }),
    db.auditEntry.deleteMany({ where: { shop } }),
    db.writeIntent.deleteMany({ where: { shop } }),
    db.saleEvent.deleteMany({ where: { shop } }),
    db.lagSample.deleteMany({ where: { shop } }),
    db.reconciliationReport.deleteMany({ where: { shop } }),
    db.cartHold.deleteMany({ where: { shop } }),
    db.holdRequestWindow.deleteMany({ where: { shop } }),
    db.shopifyCallHealth.deleteMany({ where: { shop } }),
    db.orderExposure.deleteMany({ where: { shop } }),
    db.flowTriggerUsage.deleteMany({ where: { shop } }),
    db.policyDraft.deleteMany({ where: { shop } }),
    db.policyPreview.deleteMany({ where: { shop } }),
    db.shopSettings.deleteMany({ where: { shop } }),
    db.shopInstallation.deleteMany({ where: { shop } }),
    db.redactedShop.upsert({ where: { shop }, create: { shop, redactedAt: at }, update: { redactedAt: at } }),
  ]);
}

/** A new install (token exchange → afterAuth) lifts the tombstone: the shop is Safestock's again. */
export async function clearShopRedaction(shop: string, db: PrismaClient = prisma) {
  await db.redactedShop.deleteMany({ where: { shop } });
}
