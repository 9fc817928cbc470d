import { describe, expect, it } from "vitest";
import { releaseAtLabel } from "./policy-form";
import { instantOfWallClockInput, wallClockInputOf, zoneShortName } from "./shop-clock";

// Expected instants are converted by hand. America/New_York is UTC−5 (EST) in winter and UTC−4
// (EDT) in summer; in 2027 the clocks go 02:00 → 03:00 on Sunday March 14 (07:00 UTC) and
// 02:00 → 01:00 on Sunday November 7 (06:00 UTC).
const NEW_YORK = "America/New_York";

describe("a release time typed in the shop's wall clock → the UTC instant the policy stores", () => {
  it("uses the offset of the typed date, not today's", () => {
    expect(instantOfWallClockInput("2027-01-15T09:00", NEW_YORK)).toBe("2027-01-15T14:00:00Z");
    expect(instantOfWallClockInput("2027-07-01T09:00", NEW_YORK)).toBe("2027-07-01T13:00:00Z");
  });

  it("changes offset at the clock change, not at midnight", () => {
    // Saturday 23:00 EST is still winter; Sunday 03:00 is the first minute of EDT.
    expect(instantOfWallClockInput("2027-03-13T23:00", NEW_YORK)).toBe("2027-03-14T04:00:00Z");
    expect(instantOfWallClockInput("2027-03-14T01:59", NEW_YORK)).toBe("2027-03-14T06:59:00Z");
    expect(instantOfWallClockInput("2027-03-14T03:00", NEW_YORK)).toBe("2027-03-14T07:00:00Z");
    expect(instantOfWallClockInput("2027-11-07T00:59", NEW_YORK)).toBe("2027-11-07T04:59:00Z");
    expect(instantOfWallClockInput("2027-11-07T02:00", NEW_YORK)).toBe("2027-11-07T07:00:00Z");
  });

  it("moves a time the clocks skip forward by the gap: 02:30 on March 14, 2027 does not exist, 03:30 EDT is stored", () => {
    // 02:30 read on the offset before the change (EST, −5) is 07:30 UTC, which New York shows as 03:30 EDT.
    expect(instantOfWallClockInput("2027-03-14T02:30", NEW_YORK)).toBe("2027-03-14T07:30:00Z");
    expect(wallClockInputOf("2027-03-14T07:30:00Z", NEW_YORK)).toBe("2027-03-14T03:30");
  });

  it("takes the first of a time the clocks show twice: 01:30 on November 7, 2027 is 01:30 EDT", () => {
    // 01:30 EDT (−4) is 05:30 UTC; the second 01:30, in EST (−5), would be 06:30 UTC.
    expect(instantOfWallClockInput("2027-11-07T01:30", NEW_YORK)).toBe("2027-11-07T05:30:00Z");
    expect(wallClockInputOf("2027-11-07T05:30:00Z", NEW_YORK)).toBe("2027-11-07T01:30");
    expect(wallClockInputOf("2027-11-07T06:30:00Z", NEW_YORK)).toBe("2027-11-07T01:30");
  });

  it("handles the southern hemisphere and half-hour offsets", () => {
    // Sydney leaves AEDT (+11) for AEST (+10) at 03:00 on Sunday April 4, 2027: 02:30 happens twice, the first is +11.
    expect(instantOfWallClockInput("2027-04-04T02:30", "Australia/Sydney")).toBe("2027-04-03T15:30:00Z");
    // Kolkata is +05:30 all year.
    expect(instantOfWallClockInput("2027-01-15T09:00", "Asia/Kolkata")).toBe("2027-01-15T03:30:00Z");
  });

  it("reads seconds, keeps unreadable text for the policy check to name, and clears on empty", () => {
    expect(instantOfWallClockInput("2027-01-15T09:00:30", NEW_YORK)).toBe("2027-01-15T14:00:30Z");
    expect(instantOfWallClockInput("next Tuesday", NEW_YORK)).toBe("next Tuesday");
    expect(instantOfWallClockInput("", NEW_YORK)).toBeUndefined();
  });

  it("reads a zone the runtime does not know as UTC", () => {
    expect(instantOfWallClockInput("2027-01-15T09:00", "Mars/Olympus_Mons")).toBe("2027-01-15T09:00:00Z");
    expect(wallClockInputOf("2027-01-15T09:00:00Z", "Mars/Olympus_Mons")).toBe("2027-01-15T09:00");
  });
});

describe("a stored instant → the shop's wall clock in the field", () => {
  it("shows the shop's local time of that date", () => {
    expect(wallClockInputOf("2027-01-15T14:00:00Z", NEW_YORK)).toBe("2027-01-15T09:00");
    expect(wallClockInputOf("2027-07-01T13:00:00Z", NEW_YORK)).toBe("2027-07-01T09:00");
    // Midnight is 00, not 24.
    expect(wallClockInputOf("2027-01-15T05:00:00Z", NEW_YORK)).toBe("2027-01-15T00:00");
  });

  it("shows what is not an instant as it is", () => {
    expect(wallClockInputOf(undefined, NEW_YORK)).toBe("");
    expect(wallClockInputOf("next Tuesday", NEW_YORK)).toBe("next Tuesday");
  });
});

describe("the release time's label names the zone in force at that wave", () => {
  it("says EST in winter and EDT in summer", () => {
    expect(zoneShortName(NEW_YORK, new Date("2027-01-15T14:00:00Z"))).toBe("EST");
    expect(releaseAtLabel(1, "2027-01-15T14:00:00Z", NEW_YORK)).toBe("Release 1 at (EST)");
    expect(releaseAtLabel(2, "2027-07-01T13:00:00Z", NEW_YORK)).toBe("Release 2 at (EDT)");
    expect(releaseAtLabel(1, "2027-07-01T13:00:00Z", "UTC")).toBe("Release 1 at (UTC)");
  });
});
