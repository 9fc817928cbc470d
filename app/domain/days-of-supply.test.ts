import { describe, expect, it } from "vitest";
import { daysOfSupply, describeDaysOfSupply, describeSalesRate, sellableOnAnyChannel } from "./days-of-supply";

describe("days of supply", () => {
  it("divides what the channels still list by the daily sales rate", () => {
    // 3 sellable at 2 a day: 1.5 days, shown as 1 whole day.
    expect(daysOfSupply({ sellable: 3, unitsPerDay: 2 })).toEqual({ kind: "days", days: 1.5, perDay: 2 });
    expect(describeDaysOfSupply(daysOfSupply({ sellable: 3, unitsPerDay: 2 }))).toBe("1 day");
    // 100 sellable at 1 a day: 100 days.
    expect(describeDaysOfSupply(daysOfSupply({ sellable: 100, unitsPerDay: 1 }))).toBe("100 days");
    // 29 at 10 a day: 2.9 days is 2 whole days, never rounded up to 3.
    expect(describeDaysOfSupply(daysOfSupply({ sellable: 29, unitsPerDay: 10 }))).toBe("2 days");
    // 1 at 4 a day: a quarter of a day.
    expect(describeDaysOfSupply(daysOfSupply({ sellable: 1, unitsPerDay: 4 }))).toBe("Under a day");
    // 5,000 at 1 a day reads with a thousands separator.
    expect(describeDaysOfSupply(daysOfSupply({ sellable: 5000, unitsPerDay: 1 }))).toBe("5,000 days");
  });

  it("says 'no recent sales' for a zero rate instead of infinite days", () => {
    expect(daysOfSupply({ sellable: 12, unitsPerDay: 0 })).toEqual({ kind: "no_recent_sales" });
    expect(describeDaysOfSupply(daysOfSupply({ sellable: 12, unitsPerDay: 0 }))).toBe("No recent sales");
    // A broken rate is no rate either.
    expect(daysOfSupply({ sellable: 12, unitsPerDay: Number.NaN })).toEqual({ kind: "no_recent_sales" });
    expect(daysOfSupply({ sellable: 12, unitsPerDay: Number.POSITIVE_INFINITY })).toEqual({ kind: "no_recent_sales" });
  });

  it("says nothing is left when every channel already reads 0, whatever the rate", () => {
    expect(daysOfSupply({ sellable: 0, unitsPerDay: 3 })).toEqual({ kind: "sold_out" });
    expect(daysOfSupply({ sellable: 0, unitsPerDay: 0 })).toEqual({ kind: "sold_out" });
    expect(describeDaysOfSupply({ kind: "sold_out" })).toBe("Nothing left to sell");
  });

  it("counts the largest channel number: the channels share the stock, so all are out when it is", () => {
    expect(sellableOnAnyChannel([4, 9, 0])).toBe(9);
    expect(sellableOnAnyChannel([])).toBe(0);
  });

  it("reads a rate to one decimal", () => {
    expect(describeSalesRate(2)).toBe("2 a day");
    // 2 units in 7 days = 0.2857… a day.
    expect(describeSalesRate(2 / 7)).toBe("0.3 a day");
  });
});
