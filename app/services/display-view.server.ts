import type { ExplainLine } from "~/domain";
import { formatDuration } from "~/domain/explain";
import { INSTANT_IN_TEXT } from "~/domain/time";
import { instantOfWallClock, wallClockAt } from "~/shared/wall-clock";

/**
 * Display helpers shared by the page services. Dates are formatted on the server, in the shop's
 * time zone (Shopify's `Shop.ianaTimezone`, stored by the sync: `shopTimeZone` of
 * app/models/shop-installation.server.ts) with the zone's short name ("Dec 6, 2026, 2:05 PM EST"),
 * so the text rendered on the server and hydrated in the browser is identical whatever the
 * browser's time zone (a locale-dependent format would make React discard the server HTML), and
 * the merchant reads the times of their own shop's day.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${seconds}`;
  let format = formats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = { month: "short", day: "numeric", year: "numeric", hour: "numeric", minute: "2-digit", ...(seconds ? { second: "2-digit" } : {}), timeZoneName: "short" };
    try {
      format = new Intl.DateTimeFormat("en-US", { ...options, timeZone });
    } catch {
      // A zone this runtime does not know: UTC, named as such, rather than a failed page.
      format = new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
    }
    formats.set(key, format);
  }
  return format;
}

/** "Dec 6, 2026, 2:05 PM EST": an instant in the shop's time zone. */
export function formatDateTime(date: Date | null | undefined, timeZone: string): string | null {
  return date ? formatIn(timeZone, false).format(date) : null;
}

/** The same, to the second: where seconds tell a story (a webhook's trigger and arrival). */
export function formatDateTimeToTheSecond(date: Date | null | undefined, timeZone: string): string | null {
  return date ? formatIn(timeZone, true).format(date) : null;
}

/**
 * A reason's instants in the shop's zone: "next 5 released 2026-11-24T09:00:00Z" → "next 5
 * released Nov 24, 2026, 4:00 AM EST". The domain writes instants as UTC tokens (app/domain/time.ts
 * `instantText`) because it knows no zone (docs/decisions/001), and this rewrite happens where the
 * text is shown rather than as a field beside the reason: a reason travels as text — joined into
 * a write's reason, stored in the level and channel rows and in Activity's audit rows — so a
 * separate field would be lost on the way, and rows stored before still read in the shop's time.
 * Stored text keeps UTC, so a page shows the shop's current zone whenever it was written.
 */
export function localTimesIn(text: string, timeZone: string): string {
  return text.replace(INSTANT_IN_TEXT, (iso) => {
    const ms = Date.parse(iso);
    // Shaped like an instant but not one ("2026-13-45T…"): left as written rather than failing the page.
    return Number.isNaN(ms) ? iso : formatDateTime(new Date(ms), timeZone)!;
  });
}

/**
 * The shop's last `count` days by its own calendar, oldest first: each from its local midnight to
 * the next (23 or 25 hours around a daylight-saving change), labelled "11-30". A sale at 21:00 in
 * New York is that day's, not the next UTC day's.
 */
export function localDays(now: Date, timeZone: string, count: number): { start: number; end: number; label: string }[] {
  const [year, month, day] = wallClockAt(now.getTime(), timeZone).slice(0, 10).split("-").map(Number) as [number, number, number];
  const dateOf = (offset: number) => new Date(Date.UTC(year, month - 1, day + offset)).toISOString().slice(0, 10);
  const midnight = (date: string) => instantOfWallClock(`${date}T00:00`, timeZone)!;
  return Array.from({ length: count }, (_, i) => {
    const date = dateOf(i - (count - 1));
    return { start: midnight(date), end: midnight(dateOf(i - (count - 1) + 1)), label: date.slice(5) };
  });
}

/** An hour bucket's label on the shop's clock: "14h", or "14:30" in a zone half an hour off UTC. */
export function localHourLabel(at: Date, timeZone: string): string {
  const time = wallClockAt(at.getTime(), timeZone).slice(11, 16);
  return time.endsWith(":00") ? `${time.slice(0, 2)}h` : time;
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

/** A stored explanation's reasons as a merchant reads them: instants in the shop's zone. */
export function explainReasons(text: string, timeZone: string): string[] {
  return parseExplain(text).map((line) => localTimesIn(line.reason, timeZone));
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
