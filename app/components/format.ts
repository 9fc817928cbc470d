/**
 * Human numbers for the pages (shared by server and browser, no locale surprises at hydration):
 * whole counts with thousands separators, durations in the unit a person would say, rates per
 * minute/hour/day — never a raw float.
 */
import { formatDuration } from "~/domain/explain";

export { formatDuration, formatRate } from "~/domain/explain";

const counts = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return counts.format(value);
}

/** Time left until an instant: "3 min left", "2 days left", "expired". */
export function formatTimeLeft(untilMs: number, nowMs: number): string {
  const left = untilMs - nowMs;
  return left <= 0 ? "expired" : `${formatDuration(left)} left`;
}
