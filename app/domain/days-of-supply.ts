/**
 * Days of supply: how long an item's channel numbers last at its measured sales rate
 * (docs/decisions/036). Pure: the caller reads the numbers and the sales, this only divides.
 *
 * "Sellable" is the largest number any channel lists for the item: every channel draws from the
 * same stock, so the channels have all run out when the largest one reaches 0. The rate is the
 * item's recorded sales across every channel (the measurement behind velocity buffers,
 * docs/decisions/010), as units per day.
 */
/** The sales rate is measured over the last week: long enough for a slow seller to have a rate at all. */
export const SALES_RATE_WINDOW_DAYS = 7;

export type DaysOfSupply =
  /** Every channel already reads 0. */
  | { readonly kind: "sold_out" }
  /** Nothing sold in the measured window: there is no rate to divide by (never "infinite days"). */
  | { readonly kind: "no_recent_sales" }
  | { readonly kind: "days"; readonly days: number; readonly perDay: number };

export function daysOfSupply({ sellable, unitsPerDay }: { sellable: number; unitsPerDay: number }): DaysOfSupply {
  if (!(sellable > 0)) return { kind: "sold_out" };
  if (!(unitsPerDay > 0) || !Number.isFinite(unitsPerDay)) return { kind: "no_recent_sales" };
  return { kind: "days", days: sellable / unitsPerDay, perDay: unitsPerDay };
}

/** Whole days, rounded down: "2.9 days" left is not 3 full days of selling. */
export function describeDaysOfSupply(supply: DaysOfSupply): string {
  if (supply.kind === "sold_out") return "Nothing left to sell";
  if (supply.kind === "no_recent_sales") return "No recent sales";
  if (supply.days < 1) return "Under a day";
  const whole = Math.floor(supply.days);
  return whole === 1 ? "1 day" : `${whole.toLocaleString("en-US")} days`;
}

/** "2 a day", "0.3 a day": one decimal, as a merchant reads a rate. */
export function describeSalesRate(unitsPerDay: number): string {
  return `${Math.round(unitsPerDay * 10) / 10} a day`;
}

/** The largest of an item's channel numbers (0 when it has none yet). */
export function sellableOnAnyChannel(channelNumbers: readonly number[]): number {
  return channelNumbers.reduce((most, value) => Math.max(most, value), 0);
}
