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
