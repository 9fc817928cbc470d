import { shopTimeZone } from "~/models/shop-installation.server";
import { shopifyFailuresSince } from "~/models/shopify-failures.server";
import { formatDateTime } from "./display-view.server";

/** The "Shopify is failing" banner looks at the last 15 minutes of Admin API attempts (issue 22). */
export const SHOPIFY_FAILURE_WINDOW_MS = 15 * 60_000;

/** Failure kinds (app/shopify/admin-client.server.ts `AdminFailureKind`) in the merchant's words. */
const KIND_LABELS: Record<string, string> = {
  timeout: "Requests not answered in time",
  network: "Network errors",
  server_error: "Shopify server errors (5xx)",
  rate_limited: "Too many requests (429)",
  throttled: "Throttled beyond retries",
};

export interface ShopifyFailingView {
  windowMinutes: number;
  total: number;
  kinds: { kind: string; label: string; count: number; lastStatus: number; lastAt: string | null }[];
}

/** Null when every Admin API attempt of the window succeeded (or none was made). */
export async function shopifyFailingView(shop: string, now: Date = new Date()): Promise<ShopifyFailingView | null> {
  const failures = await shopifyFailuresSince(shop, new Date(now.getTime() - SHOPIFY_FAILURE_WINDOW_MS));
  if (failures.length === 0) return null;
  const timeZone = await shopTimeZone(shop);
  return {
    windowMinutes: SHOPIFY_FAILURE_WINDOW_MS / 60_000,
    total: failures.reduce((sum, failure) => sum + failure.count, 0),
    kinds: failures.map((failure) => ({
      kind: failure.kind,
      label: KIND_LABELS[failure.kind] ?? failure.kind,
      count: failure.count,
      lastStatus: failure.lastStatus,
      lastAt: formatDateTime(failure.lastAt, timeZone),
    })),
  };
}
