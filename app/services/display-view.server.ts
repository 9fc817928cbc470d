import type { ExplainLine } from "~/domain";
import { formatDuration } from "~/domain/explain";

/**
 * Display helpers shared by the page services. Dates are formatted on the server, in UTC, so the
 * text rendered on the server and hydrated in the browser is identical whatever the browser's
 * time zone (a locale-dependent format would make React discard the server HTML).
 */
const dateTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function formatDateTime(date: Date | null | undefined): string | null {
  return date ? `${dateTime.format(date)} UTC` : null;
}

/** The same, to the second: where seconds tell a story (a webhook's trigger and arrival). */
const dateTimeToTheSecond = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

export function formatDateTimeToTheSecond(date: Date | null | undefined): string | null {
  return date ? `${dateTimeToTheSecond.format(date)} UTC` : null;
}

/** "40 ms", "0.3 s", "1.5 min": one way to say a duration on every page. */
export const formatMillis = formatDuration;

/** Time left until an instant: "3 min left", "2 days left", "expired". */
export function formatTimeLeft(untilMs: number, nowMs: number): string {
  const left = untilMs - nowMs;
  return left <= 0 ? "expired" : `${formatDuration(left)} left`;
}

/** Explanation lines as stored (JSON text); a malformed row shows no lines rather than failing the page. */
export function parseExplain(text: string): ExplainLine[] {
  try {
    const lines: unknown = JSON.parse(text);
    return Array.isArray(lines)
      ? lines.filter((line): line is ExplainLine => typeof line === "object" && line !== null && typeof (line as ExplainLine).reason === "string")
      : [];
  } catch {
    return [];
  }
}

export type PageRequest = { cursor: string | null; direction: "next" | "previous" };

/** `?cursor=…&direction=previous` → the keyset page to read. */
export function pageRequestOf(params: URLSearchParams): PageRequest {
  return { cursor: params.get("cursor") || null, direction: params.get("direction") === "previous" ? "previous" : "next" };
}

/** How a merchant reads a variant: "Tee / Blue", since twins share a SKU and some have none. */
export function variantName(item: { productTitle: string; variantTitle: string } | null | undefined): string {
  if (!item) return "";
  return item.variantTitle && item.variantTitle !== "Default Title" ? `${item.productTitle} / ${item.variantTitle}` : item.productTitle;
}
