import { shopTimeZone } from "~/models/shop-installation.server";
import { shopifyFailuresSince, shopifyRecoveredAt } from "~/models/shopify-failures.server";
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
  /** First and last failure of the window. */
  firstAt: string | null;
  lastAt: string | null;
  /** When Shopify answered again after the last failure; null while it is still failing. */
  recoveredAt: string | null;
  kinds: { kind: string; label: string; count: number; lastStatus: number; lastAt: string | null }[];
}

/** Null when every Admin API attempt of the window succeeded (or none was made). */
export async function shopifyFailingView(shop: string, now: Date = new Date()): Promise<ShopifyFailingView | null> {
  const [failures, recoveredAt] = await Promise.all([shopifyFailuresSince(shop, new Date(now.getTime() - SHOPIFY_FAILURE_WINDOW_MS)), shopifyRecoveredAt(shop)]);
  if (failures.length === 0) return null;
  const lastAt = new Date(Math.max(...failures.map((failure) => failure.lastAt.getTime())));
  const firstAt = new Date(Math.min(...failures.map((failure) => failure.firstMinute.getTime())));
  const timeZone = await shopTimeZone(shop);
  return {
    windowMinutes: SHOPIFY_FAILURE_WINDOW_MS / 60_000,
    total: failures.reduce((sum, failure) => sum + failure.count, 0),
    firstAt: formatDateTime(firstAt, timeZone),
    lastAt: formatDateTime(lastAt, timeZone),
    recoveredAt: recoveredAt && recoveredAt >= lastAt ? formatDateTime(recoveredAt, timeZone) : null,
    kinds: failures.map((failure) => ({
      kind: failure.kind,
      label: KIND_LABELS[failure.kind] ?? failure.kind,
      count: failure.count,
      lastStatus: failure.lastStatus,
      lastAt: formatDateTime(failure.lastAt, timeZone),
    })),
  };
}

const pendingRecords = new Map<string, Promise<void>>();

/**
 * Records an Admin API outcome after this process's earlier ones for the shop: a failure reported
 * just before the retry that succeeded reaches the database first, so the answer finds it and the
 * banner does not stay red behind Shopify's recovery.
 */
export function recordInOrderPerShop(shop: string, what: string, record: () => Promise<void>): void {
  const previous = pendingRecords.get(shop) ?? Promise.resolve();
  const next = previous.then(record).catch((error: unknown) => console.error(`could not record ${what}`, { shop, error }));
  pendingRecords.set(shop, next);
  void next.then(() => {
    if (pendingRecords.get(shop) === next) pendingRecords.delete(shop);
  });
}
