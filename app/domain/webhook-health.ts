/**
 * Webhook health (docs/decisions/009): Shopify delivers at least once but sometimes late or not at
 * all (docs/decisions/012 "Webhooks": retries over 4 h, rarely a day late). Two symptoms matter:
 * inventory updates going quiet while orders keep arriving (every order moves inventory), and
 * deliveries arriving long after they were triggered. Pure: deliveries and `now` come in.
 */
export interface DeliverySample {
  readonly topic: string;
  readonly triggeredAt: number | null;
  readonly receivedAt: number;
}

export interface HealthThresholds {
  /** Window looked at, ms. */
  readonly windowMs: number;
  /** p90 receive lag above this is unhealthy, ms. */
  readonly maxLagMs: number;
  /** This many orders after the last inventory update means the inventory feed is down. */
  readonly minOrdersForSilence: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = { windowMs: 15 * 60_000, maxLagMs: 5 * 60_000, minOrdersForSilence: 3 };

export type WebhookHealth = { readonly healthy: true } | { readonly healthy: false; readonly reason: string };

/**
 * `clockSkewMs` is our clock minus Shopify's (measured from Shopify's `Date` header): receive times
 * are ours and trigger times Shopify's, so a lag is counted net of it, and a skewed server clock is
 * not taken for late deliveries (issue 22).
 */
export function assessWebhookHealth(
  deliveries: readonly DeliverySample[],
  nowMs: number,
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
  clockSkewMs = 0,
): WebhookHealth {
  const since = nowMs - thresholds.windowMs;
  const recent = deliveries.filter((delivery) => delivery.receivedAt >= since && delivery.receivedAt <= nowMs);
  // Every order moves inventory, so orders arriving after the last inventory update mean that
  // topic has gone quiet (a single late update is normal; several orders without one is not).
  const lastInventory = Math.max(
    since,
    ...recent.filter((delivery) => delivery.topic === "inventory_levels/update").map((delivery) => delivery.receivedAt),
  );
  const ordersSince = recent.filter((delivery) => delivery.topic === "orders/create" && delivery.receivedAt > lastInventory).length;
  if (ordersSince >= thresholds.minOrdersForSilence) {
    return { healthy: false, reason: `inventory updates stopped while ${ordersSince} orders arrived` };
  }
  const lags = recent
    .filter((delivery) => delivery.triggeredAt !== null)
    .map((delivery) => delivery.receivedAt - clockSkewMs - (delivery.triggeredAt as number))
    .sort((a, b) => a - b);
  if (lags.length > 0) {
    const p90 = lags[Math.min(lags.length - 1, Math.floor(lags.length * 0.9))];
    if (p90 > thresholds.maxLagMs) {
      return { healthy: false, reason: `Shopify's updates arrive ${Math.round(p90 / 60_000)} minutes late` };
    }
  }
  return { healthy: true };
}

/** Our clock's distance from Shopify's in words, or null when under a minute (not worth a merchant's attention). */
export function describeClockSkew(clockSkewMs: number): string | null {
  const minutes = Math.round(Math.abs(clockSkewMs) / 60_000);
  if (minutes < 1) return null;
  return `this server's clock is ${minutes} minute${minutes === 1 ? "" : "s"} ${clockSkewMs > 0 ? "ahead of" : "behind"} Shopify's`;
}
