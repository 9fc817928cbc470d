/**
 * The backtest chart's labels on the shop's clock, hand-computed: New York is UTC−5 in December
 * (EST), Paris UTC+1 (written "GMT+1" by Intl, not needed here).
 */
import { describe, expect, it } from "vitest";
import { chartLabels } from "./backtest.server";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("backtest chart labels", () => {
  it("labels days by the shop's date: 03:00 UTC on Dec 2 is still Dec 1 in New York, already Dec 2 in Paris", () => {
    const starts = [0, 1, 2].map((i) => Date.parse("2026-12-02T03:00:00Z") + i * DAY);
    expect(chartLabels(starts, "America/New_York")).toEqual(["12-01", "12-02", "12-03"]);
    expect(chartLabels(starts, "Europe/Paris")).toEqual(["12-02", "12-03", "12-04"]);
  });

  it("labels hours within a day on the shop's clock: 15:30 UTC is 10:30 in New York, 16:30 in Paris", () => {
    const starts = [0, 1].map((i) => Date.parse("2026-12-06T15:30:00Z") + i * HOUR);
    expect(chartLabels(starts, "America/New_York")).toEqual(["10:30", "11:30"]);
    expect(chartLabels(starts, "Europe/Paris")).toEqual(["16:30", "17:30"]);
  });
});
