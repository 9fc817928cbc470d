/**
 * The shop's wall clock ↔ UTC instants, in one place for both sides of a time field: the Holds
 * form's server (app/services/holds-admin.server.ts) and the Rules editor's release waves in the
 * browser (app/components/shop-clock.ts). Components may import no service and no domain value, and
 * the domain stays zone-free, so this lives in app/shared/, the one folder both may import
 * (docs/decisions/001-layers-and-pure-domain.md). Pure: no clock, only the runtime's Intl time-zone
 * data; the zone is Shopify's `Shop.ianaTimezone`
 * (https://shopify.dev/docs/api/admin-graphql/latest/objects/Shop#field-ianaTimezone).
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const WALL_CLOCK = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/;

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** A zone this runtime does not know reads as UTC, as the pages' dates do, rather than failing the page. */
export function knownZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return "UTC";
  }
}

function fieldsAt(ms: number, timeZone: string): Record<string, string> {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: knownZone(timeZone), year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    partsFormats.set(timeZone, format);
  }
  return Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
}

/** The zone's wall clock at an instant, read as if it were UTC, in whole minutes. */
function wallMsAt(ms: number, timeZone: string): number {
  const f = fieldsAt(ms, timeZone);
  return Date.UTC(Number(f.year), Number(f.month) - 1, Number(f.day), Number(f.hour), Number(f.minute));
}

/** The zone's wall clock at an instant as an <input type="datetime-local"> value: "2026-12-06T14:05". */
export function wallClockAt(ms: number, timeZone: string): string {
  return new Date(wallMsAt(ms, timeZone)).toISOString().slice(0, 16);
}

/** The zone's short name at an instant ("EST", "EDT", "GMT+1"), for a field's label. */
export function zoneShortNameAt(ms: number, timeZone: string): string {
  return fieldsAt(Number.isNaN(ms) ? 0 : ms, timeZone).timeZoneName ?? timeZone;
}

/**
 * The instant (epoch ms) a wall-clock time ("2026-12-06T14:05", what <input type="datetime-local">
 * sends, seconds optional) names in the zone; null when the text is not one. Around a
 * daylight-saving change the offset of THAT date applies (the offsets a day before and a day after
 * are both tried), resolved as Temporal's "compatible" disambiguation does
 * (https://tc39.es/proposal-temporal/docs/timezone.html#ambiguity-due-to-dst-or-other-time-zone-offset-changes):
 * a time the clocks skip (02:30 on a spring-forward night) is moved forward by the gap (03:30, the
 * instant 02:30 would be on the old offset); a time the clocks show twice (01:30 on a fall-back
 * night) is the first of the two.
 */
export function instantOfWallClock(text: string, timeZone: string): number | null {
  const match = WALL_CLOCK.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = "0"] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  // Date.UTC rolls "2026-02-31" over to March 3 and "9999-99-99T99:99" into year 10007: only a
  // date the calendar has is one (a typed or tampered field gets "pick when the hold ends").
  if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 19) !== `${year}-${month}-${day}T${hour}:${minute}:${second.padStart(2, "0")}`) return null;
  const wallMinute = Math.floor(wall / MINUTE_MS) * MINUTE_MS;
  const offsetAt = (ms: number) => wallMsAt(ms, timeZone) - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  const onEarlierOffset = wall - offsetAt(wall - DAY_MS);
  const onLaterOffset = wall - offsetAt(wall + DAY_MS);
  const matching = [onEarlierOffset, onLaterOffset].filter((ms) => wallMsAt(ms, timeZone) === wallMinute);
  return matching.length > 0 ? Math.min(...matching) : onEarlierOffset;
}
