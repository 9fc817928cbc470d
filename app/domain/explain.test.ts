import { describe, expect, it } from "vitest";
import { formatDuration, formatRate } from "./explain";

describe("human numbers in explanations", () => {
  it.each([
    // The example: a 0.000666…-min lag is 0.04 s.
    [0.000666666666666666 * 60_000, "40 ms"],
    [300, "0.3 s"],
    [1_000, "1 s"],
    [12_345, "12 s"],
    [90_000, "1.5 min"],
    [5 * 60_000, "5 min"],
    [7_200_000, "2 h"],
    [3 * 86_400_000, "3 days"],
  ])("%d ms reads as %s", (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    // 0.0166…/min is one sale an hour.
    [0.0166666666666666, "1 per hour"],
    [0.5, "30 per hour"],
    [2, "2 per minute"],
    [2.25, "2.3 per minute"],
    [3 / 1440, "3 per day"],
    [0.0001, "under 1 per day"],
    [0, "no recent sales"],
  ])("%d per minute reads as %s", (rate, text) => expect(formatRate(rate)).toBe(text));
});
