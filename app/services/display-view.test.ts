/**
 * Dates on the shop's clock (the wall-clock conversion itself: app/shared/wall-clock.test.ts), around New York's daylight-saving changes of 2026 (Mar 8:
 * 2:00 EST → 3:00 EDT; Nov 1: 2:00 EDT → 1:00 EST). EST is UTC−5, EDT UTC−4.
 */
import { describe, expect, it } from "vitest";
import { explainReasons, formatDateTime, localDays, localHourLabel, localTimesIn } from "./display-view.server";

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

  it("writes the instants an explanation carries in the shop's zone, every one of them, and leaves other text alone", () => {
    // 09:00 UTC on Nov 24 is 4:00 AM in New York (EST, UTC−5) and 10:00 AM in Paris (UTC+1, "GMT+1").
    const reason = "4 units withheld for a promotion (10 held across locations; next 5 released 2026-11-24T09:00:00Z)";
    expect(localTimesIn(reason, NEW_YORK)).toBe("4 units withheld for a promotion (10 held across locations; next 5 released Nov 24, 2026, 4:00 AM EST)");
    expect(localTimesIn(reason, "Europe/Paris")).toBe("4 units withheld for a promotion (10 held across locations; next 5 released Nov 24, 2026, 10:00 AM GMT+1)");
    // Summer (EDT, UTC−4; Paris UTC+2), milliseconds as toISOString writes them, two in one text.
    expect(localTimesIn("of 2026-07-04T16:30:00.250Z is not newer (updated 2026-07-05T03:05:00.000Z)", NEW_YORK)).toBe("of Jul 4, 2026, 12:30 PM EDT is not newer (updated Jul 4, 2026, 11:05 PM EDT)");
    expect(localTimesIn("next 2 released 2026-07-04T16:30:00Z", "Europe/Paris")).toBe("next 2 released Jul 4, 2026, 6:30 PM GMT+2");
    // Not an instant the engine writes (no zone, a date alone, an impossible month): left as it is.
    for (const text of ["at 2026-11-24T09:00", "on 2026-11-24", "2026-13-45T09:00:00Z", "5 safety stock"]) expect(localTimesIn(text, NEW_YORK)).toBe(text);
  });

  it("reads a stored explanation's reasons in the shop's zone", () => {
    const stored = JSON.stringify([{ rule: "quarantine", scope: "SKUs RING-7", units: 2, reason: "2 units withheld for a promotion (2 held across locations; next 2 released 2026-12-06T19:05:00Z)" }]);
    expect(explainReasons(stored, NEW_YORK)).toEqual(["2 units withheld for a promotion (2 held across locations; next 2 released Dec 6, 2026, 2:05 PM EST)"]);
  });
});
