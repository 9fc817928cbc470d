/**
 * How far this server's clock is from Shopify's, measured from the `Date` header of Admin API
 * responses (RFC 9110 §6.6.1). Issue 22: with the server's clock 6 minutes ahead, every webhook
 * looked 6 minutes late and the shop was frozen under a banner blaming Shopify. Per process; the
 * latest measurement wins (a clock is corrected by steps, not drifts we need to average).
 */
let latest: { skewMs: number; measuredAt: number } | null = null;

/** `Date` has whole seconds (truncated): Shopify's time when answering is within [date, date + 1 s). */
export function observeShopifyDate(dateHeader: string | null, sentAt: number, receivedAt: number) {
  const shopifyMs = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  if (!Number.isFinite(shopifyMs)) return;
  latest = { skewMs: Math.round((sentAt + receivedAt) / 2 - (shopifyMs + 500)), measuredAt: receivedAt };
}

/**
 * Our clock minus Shopify's, in ms, or 0 when unmeasured or within the measurement's own error
 * (the header's second, plus half the round trip): only a real skew corrects webhook lag.
 */
export function shopifyClockSkewMs(): number {
  if (!latest || Math.abs(latest.skewMs) < SKEW_NOISE_MS) return 0;
  return latest.skewMs;
}
const SKEW_NOISE_MS = 2_000;
