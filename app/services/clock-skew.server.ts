import { latestMeasurement } from "~/models/shared-measurement.server";

/**
 * Our clock minus Shopify's, in ms, as last measured by any process (app/shopify/clock-skew.server.ts),
 * or 0 when unmeasured or within the measurement's own error (the header's second, plus half the
 * round trip): only a real skew corrects webhook lag.
 */
export async function shopifyClockSkewMs(): Promise<number> {
  const latest = await latestMeasurement("shopify-clock-skew");
  if (!latest || Math.abs(latest.value) < SKEW_NOISE_MS) return 0;
  return latest.value;
}
const SKEW_NOISE_MS = 2_000;
