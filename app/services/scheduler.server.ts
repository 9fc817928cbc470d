import { assessWebhookHealth, DEFAULT_HEALTH_THRESHOLDS, describeClockSkew } from "~/domain/webhook-health";
import { recordAudit } from "~/models/audit.server";
import { getShopSettings } from "~/models/settings.server";
import { getShopInstallation, listActiveShops, setShopFrozen } from "~/models/shop-installation.server";
import { env } from "~/env.server";
import { pruneDeliveryBodies, recentDeliveries } from "~/models/webhook-delivery.server";
import { expireCartHolds } from "./holds.server";
import { enqueueReconcile } from "./jobs.server";
import { drainOwedExposureTriggers } from "./near-miss.server";
import { shopifyClockSkewMs } from "./clock-skew.server";

/**
 * Periodic work per active shop: expired cart holds, oversell Flow triggers a crash left owed
 * (app/services/near-miss.server.ts), webhook health (freeze low-stock SKUs on lower tiers while
 * Shopify's updates are late or missing, unfreeze on recovery, each change applied through a
 * reconciliation) and the hourly reconciliation; and, for every shop at once, the stored bodies of
 * processed webhook deliveries older than WEBHOOK_BODY_RETENTION_HOURS (README "Privacy").
 */
export async function runScheduledWork(now: Date) {
  const retentionMs = env().WEBHOOK_BODY_RETENTION_HOURS * 3_600_000;
  const prunedBodies = await pruneDeliveryBodies(new Date(now.getTime() - retentionMs));
  const summary = { shops: 0, frozen: 0, unfrozen: 0, reconciles: 0, expiredHolds: 0, prunedBodies, owedFlowTriggers: 0 };
  // Webhook lag is Shopify's trigger time against our receive time: counted net of our clock's skew.
  const clockSkewMs = await shopifyClockSkewMs();
  const skew = describeClockSkew(clockSkewMs);
  if (skew) console.warn(`clock: ${skew} (measured from Shopify's Date header); webhook lag is corrected for it`, { clockSkewMs });
  for (const shop of await listActiveShops()) {
    summary.shops++;
    const installation = await getShopInstallation(shop);
    if (!installation) continue;
    summary.expiredHolds += await expireCartHolds(shop, now);
    summary.owedFlowTriggers += await drainOwedExposureTriggers(shop, now);
    // The merchant's Settings page sets the freeze lag and the reconciliation interval.
    const settings = await getShopSettings(shop);
    const thresholds = { ...DEFAULT_HEALTH_THRESHOLDS, maxLagMs: settings.freezeAfterLagSeconds * 1_000 };

    const deliveries = await recentDeliveries(shop, new Date(now.getTime() - DEFAULT_HEALTH_THRESHOLDS.windowMs));
    const health = assessWebhookHealth(
      deliveries.map((delivery) => ({
        topic: delivery.topic,
        triggeredAt: delivery.triggeredAt?.getTime() ?? null,
        receivedAt: delivery.receivedAt.getTime(),
      })),
      now.getTime(),
      thresholds,
      clockSkewMs,
    );
    const frozen = Boolean(installation.frozenSince);
    if (!health.healthy && !frozen) {
      await setShopFrozen(shop, { since: now, reason: health.reason });
      await recordAudit(shop, [{ subject: "policy", reason: `Low-stock SKUs frozen on lower-tier channels: ${health.reason}`, actor: "reconciliation" }]);
      console.warn("webhook health: freezing lower tiers", { shop, reason: health.reason });
      summary.frozen++;
    } else if (health.healthy && frozen) {
      await setShopFrozen(shop, null);
      await recordAudit(shop, [{ subject: "policy", reason: "Shopify's updates recovered: lower tiers unfrozen", actor: "reconciliation" }]);
      summary.unfrozen++;
    }
    const due = !installation.lastReconcileAt || now.getTime() - installation.lastReconcileAt.getTime() >= settings.reconcileEveryMinutes * 60_000;
    // The first import ends with its own reconciliation; one queued before would only wait for it.
    if (installation.initialSync !== "done") continue;
    if (due || health.healthy === frozen) {
      await enqueueReconcile(shop, due ? "scheduled" : "health");
      summary.reconciles++;
    }
  }
  return summary;
}
