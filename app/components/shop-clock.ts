/**
 * The shop's wall clock in the browser: a time field the merchant types in their shop's time zone
 * (Shopify's `Shop.ianaTimezone`, handed over by the page's loader) ↔ the UTC instant the policy
 * stores (docs/policy.md, format v1 is unchanged). The server has the same conversion for the
 * Holds form (app/services/display-view.server.ts); components may import no service and no
 * domain value (docs/decisions/001-layers-and-pure-domain.md), so the editor converts here, with
 * the browser's Intl, and the policy check still receives UTC instants.
 */

const DAY_MS = 86_400_000;
const WALL_CLOCK = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/;

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** A zone this runtime does not know reads as UTC, as the server's pages do, rather than failing the page. */
function knownZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return "UTC";
  }
}

function partsIn(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: knownZone(timeZone), year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23", timeZoneName: "short" });
    partsFormats.set(timeZone, format);
  }
  return format;
}

function fieldsAt(ms: number, timeZone: string): Record<string, string> {
  return Object.fromEntries(partsIn(timeZone).formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
}

/** The zone's wall clock at an instant, read as if it were UTC, in whole minutes. */
function wallMsAt(ms: number, timeZone: string): number {
  const f = fieldsAt(ms, timeZone);
  return Date.UTC(Number(f.year), Number(f.month) - 1, Number(f.day), Number(f.hour), Number(f.minute));
}

/** Minutes ahead of UTC in force at an instant, in ms: -5 h for New York in winter. */
function offsetAt(ms: number, timeZone: string): number {
  return wallMsAt(ms, timeZone) - Math.floor(ms / 60_000) * 60_000;
}

/** The zone's short name at an instant ("EST", "EDT", "GMT+1"), for a field's label. */
export function zoneShortName(timeZone: string, at: Date): string {
  const ms = Number.isNaN(at.getTime()) ? 0 : at.getTime();
  return fieldsAt(ms, timeZone).timeZoneName ?? timeZone;
}

/** A stored ISO instant → the <input type="datetime-local"> value of the shop's wall clock then. */
export function wallClockInputOf(iso: unknown, timeZone: string): string {
  if (typeof iso !== "string") return "";
  const ms = Date.parse(iso);
  // Not an instant: shown as typed, so the policy check's message names what is wrong.
  if (Number.isNaN(ms)) return iso;
  return new Date(wallMsAt(ms, timeZone)).toISOString().slice(0, 16);
}

/**
 * What a datetime-local field typed in the shop's zone names, as the ISO instant the policy stores.
 * Around a daylight-saving change the offset of THAT date applies (the offsets a day before and a
 * day after are both tried), resolved as Temporal's "compatible" disambiguation does
 * (https://tc39.es/proposal-temporal/docs/timezone.html#ambiguity-due-to-dst-or-other-time-zone-offset-changes):
 * a time the clocks skip (02:30 on a spring-forward night) is moved forward by the gap (03:30, the
 * instant 02:30 would be on the old offset); a time the clocks show twice (01:30 on a fall-back
 * night) is the first of the two. Empty clears the field; unreadable text is kept as typed for the
 * policy check to name.
 */
export function instantOfWallClockInput(text: string, timeZone: string): string | undefined {
  if (!text) return undefined;
  const match = WALL_CLOCK.exec(text);
  if (!match) return text;
  const [, year, month, day, hour, minute, second = "0"] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  if (Number.isNaN(wall)) return text;
  const onEarlierOffset = wall - offsetAt(wall - DAY_MS, timeZone);
  const onLaterOffset = wall - offsetAt(wall + DAY_MS, timeZone);
  const shows = (ms: number) => wallMsAt(ms, timeZone) === Math.floor(wall / 60_000) * 60_000;
  const matching = [onEarlierOffset, onLaterOffset].filter(shows);
  const instant = matching.length > 0 ? Math.min(...matching) : onEarlierOffset;
  return new Date(instant).toISOString().replace(".000Z", "Z");
}
