/**
 * Dates on the shop's clock (the wall-clock conversion itself: app/shared/wall-clock.test.ts), around New York's daylight-saving changes of 2026 (Mar 8:
 * 2:00 EST → 3:00 EDT; Nov 1: 2:00 EDT → 1:00 EST). EST is UTC−5, EDT UTC−4.
 */
import { describe, expect, it } from "vitest";
import { formatDateTime, localDays, localHourLabel } from "./display-view.server";

const NEW_YORK = "America/New_York";

describe("wall clock in the shop's zone", () => {
  it("formats with the zone's short name, and an unknown zone as UTC rather than failing", () => {
    expect(formatDateTime(new Date("2026-12-06T19:05:00Z"), NEW_YORK)).toBe("Dec 6, 2026, 2:05 PM EST");
    expect(formatDateTime(new Date("2026-07-04T19:05:00Z"), NEW_YORK)).toBe("Jul 4, 2026, 3:05 PM EDT");
    expect(formatDateTime(new Date("2026-12-06T19:05:00Z"), "Mars/Olympus")).toBe("Dec 6, 2026, 7:05 PM UTC");
  });

  it("counts days by the shop's calendar: local midnights, a 25-hour day when the clocks go back", () => {
    // 2026-11-01 03:30Z is Oct 31, 11:30 PM EDT in New York: "today" there is still Oct 31.
    expect(localDays(new Date("2026-11-01T03:30:00Z"), NEW_YORK, 1)).toEqual([{ start: Date.parse("2026-10-31T04:00:00Z"), end: Date.parse("2026-11-01T04:00:00Z"), label: "10-31" }]);
    // Nov 1 runs from midnight EDT (04:00Z) to midnight EST (05:00Z next day): 25 hours.
    const [sunday] = localDays(new Date("2026-11-01T12:00:00Z"), NEW_YORK, 1);
    expect(sunday).toEqual({ start: Date.parse("2026-11-01T04:00:00Z"), end: Date.parse("2026-11-02T05:00:00Z"), label: "11-01" });
    expect(localDays(new Date("2026-11-30T12:30:00Z"), "UTC", 3).map((day) => day.label)).toEqual(["11-28", "11-29", "11-30"]);
  });

  it("labels hours on the shop's clock, with the minutes where the zone is half an hour off", () => {
    expect(localHourLabel(new Date("2026-12-06T19:00:00Z"), NEW_YORK)).toBe("14h");
    expect(localHourLabel(new Date("2026-12-06T19:00:00Z"), "Asia/Kolkata")).toBe("00:30");
  });
});
