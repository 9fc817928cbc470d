/**
 * The shop's wall clock in the browser: a time field the merchant types in their shop's time zone
 * (Shopify's `Shop.ianaTimezone`, handed over by the page's loader) ↔ the UTC instant the policy
 * stores (docs/policy.md, format v1 is unchanged). The conversion itself is app/shared/wall-clock.ts,
 * which the Holds form's server uses too (docs/decisions/001-layers-and-pure-domain.md); this file
 * adapts it to the editor's fields, and the policy check still receives UTC instants.
 */

import { instantOfWallClock, wallClockAt, zoneShortNameAt } from "~/shared/wall-clock";

/** The zone's short name at an instant ("EST", "EDT", "GMT+1"), for a field's label. */
export function zoneShortName(timeZone: string, at: Date): string {
  return zoneShortNameAt(at.getTime(), timeZone);
}

/** A stored ISO instant → the <input type="datetime-local"> value of the shop's wall clock then. */
export function wallClockInputOf(iso: unknown, timeZone: string): string {
  if (typeof iso !== "string") return "";
  const ms = Date.parse(iso);
  // Not an instant: shown as typed, so the policy check's message names what is wrong.
  if (Number.isNaN(ms)) return iso;
  return wallClockAt(ms, timeZone);
}

/**
 * What a datetime-local field typed in the shop's zone names, as the ISO instant the policy stores
 * (skipped and repeated times resolved as app/shared/wall-clock.ts says). Empty clears the field;
 * unreadable text is kept as typed for the policy check to name.
 */
export function instantOfWallClockInput(text: string, timeZone: string): string | undefined {
  if (!text) return undefined;
  const instant = instantOfWallClock(text, timeZone);
  return instant === null ? text : new Date(instant).toISOString().replace(".000Z", "Z");
}
