/** Instants are ISO-8601 strings with an explicit offset; the engine never reads the clock. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an ISO instant, or undefined when the text is not one (no offset = ambiguous, refused). */
export function parseInstant(text: string): number | undefined {
  if (!ISO_INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Accepts the two forms callers have at hand; a bad value is a programming error, so it throws. */
export function toEpochMs(now: string | number): number {
  const ms = typeof now === "number" ? now : parseInstant(now);
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new RangeError(`"now" must be an ISO-8601 instant with offset or epoch ms, got ${String(now)}`);
  }
  return ms;
}

/**
 * How an instant is written into an explanation a merchant reads: UTC ISO to the second
 * ("2026-11-24T09:00:00Z", milliseconds only when there are some). The domain knows no time zone
 * (docs/decisions/001), so this is a structured token, not the text shown: the pages rewrite every
 * match of INSTANT_IN_TEXT into the shop's time zone (`localTimesIn`, app/services/display-view.server.ts).
 */
export function instantText(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** The instants `instantText` writes, as found in a reason (global: every one in the text). */
export const INSTANT_IN_TEXT = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3})?Z\b/g;
