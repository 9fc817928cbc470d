/**
 * How far this server's clock is from Shopify's, measured from the `Date` header of Admin API
 * responses (RFC 9110 §6.6.1). Issue 22: with the server's clock 6 minutes ahead, every webhook
 * looked 6 minutes late and the shop was frozen under a banner blaming Shopify. The latest
 * measurement wins (a clock is corrected by steps, not drifts we need to average).
 *
 * Measured here, kept in the database every process shares (issue 17: kept per process, web
 * processes and workers disagreed; docs/decisions/030): the composition root installs the listener that stores a
 * measurement (app/models/shared-measurement.server.ts); app/services/clock-skew.server.ts reads it.
 * Not every response is stored: only a measurement that moved by REPORT_CHANGE_MS or more, or the
 * first one after REPORT_EVERY_MS, so a busy worker does not write once per Admin API call.
 */
export interface ClockSkewMeasurement {
  /** Our clock minus Shopify's, in ms. */
  value: number;
  measuredAt: Date;
}

let listener: ((measurement: ClockSkewMeasurement) => void) | null = null;
let lastReported: { skewMs: number; at: number } | null = null;

/** Installed by the composition root; a report never fails the request that measured it. */
export function onClockSkewMeasured(report: ((measurement: ClockSkewMeasurement) => void) | null) {
  listener = report;
  lastReported = null;
}

/** The measurement's own error is up to a second (the header's whole seconds): smaller moves are noise. */
const REPORT_CHANGE_MS = 1_000;
const REPORT_EVERY_MS = 60_000;

/** `Date` has whole seconds (truncated): Shopify's time when answering is within [date, date + 1 s). */
export function observeShopifyDate(dateHeader: string | null, sentAt: number, receivedAt: number) {
  const shopifyMs = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  if (!Number.isFinite(shopifyMs)) return;
  const skewMs = Math.round((sentAt + receivedAt) / 2 - (shopifyMs + 500));
  if (lastReported && Math.abs(skewMs - lastReported.skewMs) < REPORT_CHANGE_MS && receivedAt - lastReported.at < REPORT_EVERY_MS) return;
  lastReported = { skewMs, at: receivedAt };
  try {
    listener?.({ value: skewMs, measuredAt: new Date(receivedAt) });
  } catch {
    // A report is best effort: the next measurement reports again.
  }
}
