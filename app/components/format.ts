/**
 * Human numbers for the pages (shared by server and browser, no locale surprises at hydration):
 * whole counts with thousands separators, never a raw float. Durations and rates are worded by
 * app/domain/explain.ts and arrive as text from the page's service.
 */
const counts = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return counts.format(value);
}
