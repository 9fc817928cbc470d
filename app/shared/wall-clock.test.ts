/**
 * The shop's wall clock ↔ instants, hand-computed around New York's daylight-saving changes of 2026
 * (Mar 8: 2:00 EST → 3:00 EDT; Nov 1: 2:00 EDT → 1:00 EST; EST is UTC−5, EDT UTC−4) and Paris's
 * (Mar 29: 2:00 CET → 3:00 CEST; Oct 25: 3:00 CEST → 2:00 CET; CET is UTC+1, CEST UTC+2).
 */
import { describe, expect, it } from "vitest";
import { instantOfWallClock, knownZone, wallClockAt, zoneShortNameAt } from "./wall-clock";

const NEW_YORK = "America/New_York";
const PARIS = "Europe/Paris";
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("a wall-clock time in the shop's zone → the instant it names", () => {
  it("is null for a date or time the calendar does not have, not the date it rolls over to", () => {
    for (const text of ["2026-02-31T10:00", "2026-02-29T10:00", "2099-13-01T10:00", "2099-01-01T24:30", "2099-01-01T10:60", "9999-99-99T99:99", "0000-01-01T00:00"]) {
      expect(instantOfWallClock(text, NEW_YORK), text).toBeNull();
    }
    // 2028 is a leap year; 10:00 EST (UTC−5) is 15:00Z.
    expect(iso(instantOfWallClock("2028-02-29T10:00", NEW_YORK))).toBe("2028-02-29T15:00:00.000Z");
  });

  it("uses the offset in force on each side of the spring change", () => {
    // 01:59 EST (UTC−5) = 06:59Z; 03:00 EDT (UTC−4) = 07:00Z: one minute apart on the clock, one minute apart in UTC.
    expect(iso(instantOfWallClock("2026-03-08T01:59", NEW_YORK))).toBe("2026-03-08T06:59:00.000Z");
    expect(iso(instantOfWallClock("2026-03-08T03:00", NEW_YORK))).toBe("2026-03-08T07:00:00.000Z");
    expect(iso(instantOfWallClock("2026-03-08T01:30", NEW_YORK))).toBe("2026-03-08T06:30:00.000Z");
    expect(iso(instantOfWallClock("2026-03-08T03:30", NEW_YORK))).toBe("2026-03-08T07:30:00.000Z");
    // The evening before the change is still EST: 23:00 + 5 h = 04:00Z the next day.
    expect(iso(instantOfWallClock("2026-03-07T23:00", NEW_YORK))).toBe("2026-03-08T04:00:00.000Z");
  });

  it("moves a time the clocks skip forward by the gap: 02:30 on Mar 8 is 02:30 EST = 07:30Z (03:30 EDT)", () => {
    expect(iso(instantOfWallClock("2026-03-08T02:30", NEW_YORK))).toBe("2026-03-08T07:30:00.000Z");
    expect(iso(instantOfWallClock("2026-03-08T02:00", NEW_YORK))).toBe("2026-03-08T07:00:00.000Z");
    // Paris skips 02:00–03:00 on Mar 29: 02:30 on CET (UTC+1) = 01:30Z, shown as 03:30 CEST.
    expect(iso(instantOfWallClock("2026-03-29T02:30", PARIS))).toBe("2026-03-29T01:30:00.000Z");
  });

  it("takes the first of a time the clocks show twice: 01:30 on Nov 1 is 01:30 EDT = 05:30Z, not 01:30 EST = 06:30Z", () => {
    expect(iso(instantOfWallClock("2026-11-01T01:30", NEW_YORK))).toBe("2026-11-01T05:30:00.000Z");
    expect(iso(instantOfWallClock("2026-11-01T00:59", NEW_YORK))).toBe("2026-11-01T04:59:00.000Z");
    expect(iso(instantOfWallClock("2026-11-01T02:00", NEW_YORK))).toBe("2026-11-01T07:00:00.000Z");
    // Paris shows 02:30 twice on Oct 25: first on CEST (UTC+2) = 00:30Z.
    expect(iso(instantOfWallClock("2026-10-25T02:30", PARIS))).toBe("2026-10-25T00:30:00.000Z");
  });

  it("reads winter, summer and seconds; refuses text that is not a wall-clock time", () => {
    expect(iso(instantOfWallClock("2026-12-06T14:05", NEW_YORK))).toBe("2026-12-06T19:05:00.000Z");
    expect(iso(instantOfWallClock("2026-07-01T09:00", NEW_YORK))).toBe("2026-07-01T13:00:00.000Z");
    expect(iso(instantOfWallClock("2026-11-24T10:00", PARIS))).toBe("2026-11-24T09:00:00.000Z");
    expect(iso(instantOfWallClock("2026-07-01T09:00:30", PARIS))).toBe("2026-07-01T07:00:30.000Z");
    expect(instantOfWallClock("tomorrow", NEW_YORK)).toBeNull();
    expect(instantOfWallClock("2026-12-06T14:05Z", NEW_YORK)).toBeNull();
  });

  it("reads a zone the runtime does not know as UTC", () => {
    expect(knownZone("Mars/Olympus_Mons")).toBe("UTC");
    expect(iso(instantOfWallClock("2026-12-06T14:05", "Mars/Olympus_Mons"))).toBe("2026-12-06T14:05:00.000Z");
  });
});

describe("an instant → the shop's wall clock and zone name", () => {
  it("shows both 01:30s of the fall-back night as 01:30, named EDT then EST", () => {
    expect(wallClockAt(Date.parse("2026-11-01T05:30:00Z"), NEW_YORK)).toBe("2026-11-01T01:30");
    expect(wallClockAt(Date.parse("2026-11-01T06:30:00Z"), NEW_YORK)).toBe("2026-11-01T01:30");
    expect(zoneShortNameAt(Date.parse("2026-11-01T05:30:00Z"), NEW_YORK)).toBe("EDT");
    expect(zoneShortNameAt(Date.parse("2026-11-01T06:30:00Z"), NEW_YORK)).toBe("EST");
  });

  it("shows the spring change's skipped hour never: 06:59Z is 01:59, 07:00Z is 03:00", () => {
    expect(wallClockAt(Date.parse("2026-03-08T06:59:00Z"), NEW_YORK)).toBe("2026-03-08T01:59");
    expect(wallClockAt(Date.parse("2026-03-08T07:00:00Z"), NEW_YORK)).toBe("2026-03-08T03:00");
  });

  it("writes back what it reads, in New York and Paris, including midnight", () => {
    expect(wallClockAt(Date.parse("2026-12-06T19:05:00Z"), NEW_YORK)).toBe("2026-12-06T14:05");
    expect(wallClockAt(Date.parse("2026-11-01T12:00:00Z"), NEW_YORK)).toBe("2026-11-01T07:00");
    expect(wallClockAt(Date.parse("2026-12-06T05:00:00Z"), NEW_YORK)).toBe("2026-12-06T00:00");
    expect(wallClockAt(Date.parse("2026-11-24T09:00:00Z"), PARIS)).toBe("2026-11-24T10:00");
    expect(zoneShortNameAt(Date.parse("2026-11-24T09:00:00Z"), PARIS)).toBe("GMT+1");
  });
});
