import type { ExplainLine } from "~/domain";
import { formatDuration } from "~/domain/explain";

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

/** The zone's short name now ("EST", "GMT+1"), for a field's label: "Hold until (EST)". */
export function timeZoneShortName(timeZone: string, at: Date): string {
  return formatIn(timeZone, false).formatToParts(at).find((part) => part.type === "timeZoneName")?.value ?? timeZone;
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time in the zone as an <input type="datetime-local"> value: "2026-12-06T14:05". */
export function wallClockIn(date: Date, timeZone: string): string {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone: validZone(timeZone), year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    wallClocks.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(date).map((entry) => [entry.type, entry.value]));
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}`;
}

/**
 * The instant a wall-clock time ("2026-12-06T14:05", what <input type="datetime-local"> sends)
 * names in the zone; null when unreadable. The offset of that date applies (those a day before and
 * a day after are both tried), resolved as the Rules editor's release times are
 * (app/components/shop-clock.ts) and as Temporal's "compatible" disambiguation does
 * (https://tc39.es/proposal-temporal/docs/timezone.html#ambiguity-due-to-dst-or-other-time-zone-offset-changes):
 * a time the clocks skip is moved forward by the gap, a time they show twice is the first.
 */
export function instantOfWallClock(text: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = "0"] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  // Date.UTC rolls "2026-02-31" over to March 3 and "9999-99-99T99:99" past year 9999, where the
  // zone's formatter answers a year Date.parse cannot read (a RangeError): only a real date is one.
  if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 19) !== `${year}-${month}-${day}T${hour}:${minute}:${second.padStart(2, "0")}`) return null;
  const wallAt = (ms: number) => Date.parse(`${wallClockIn(new Date(ms), timeZone)}:00Z`);
  const offsetAt = (ms: number) => wallAt(ms) - Math.floor(ms / 60_000) * 60_000;
  const onEarlierOffset = wall - offsetAt(wall - DAY_MS);
  const onLaterOffset = wall - offsetAt(wall + DAY_MS);
  const matching = [onEarlierOffset, onLaterOffset].filter((ms) => wallAt(ms) === Math.floor(wall / 60_000) * 60_000);
  return new Date(matching.length > 0 ? Math.min(...matching) : onEarlierOffset);
}

const DAY_MS = 86_400_000;

/**
 * The shop's last `count` days by its own calendar, oldest first: each from its local midnight to
 * the next (23 or 25 hours around a daylight-saving change), labelled "11-30". A sale at 21:00 in
 * New York is that day's, not the next UTC day's.
 */
export function localDays(now: Date, timeZone: string, count: number): { start: number; end: number; label: string }[] {
  const [year, month, day] = wallClockIn(now, timeZone).slice(0, 10).split("-").map(Number) as [number, number, number];
  const dateOf = (offset: number) => new Date(Date.UTC(year, month - 1, day + offset)).toISOString().slice(0, 10);
  const midnight = (date: string) => instantOfWallClock(`${date}T00:00`, timeZone)!.getTime();
  return Array.from({ length: count }, (_, i) => {
    const date = dateOf(i - (count - 1));
    return { start: midnight(date), end: midnight(dateOf(i - (count - 1) + 1)), label: date.slice(5) };
  });
}

/** An hour bucket's label on the shop's clock: "14h", or "14:30" in a zone half an hour off UTC. */
export function localHourLabel(at: Date, timeZone: string): string {
  const time = wallClockIn(at, timeZone).slice(11, 16);
  return time.endsWith(":00") ? `${time.slice(0, 2)}h` : time;
}

function validZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return "UTC";
  }
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
