import { describe, expect, it } from "vitest";
import { describeProblemPath, merchantMessage, problemsByPath, type DraftDocument } from "./policy-form";

// A draft as the Rules editor shows it: the default card, then two exceptions; one channel rule.
const draft: DraftDocument = {
  version: 1,
  protection: [
    { kind: "safety_stock", units: 2 },
    { kind: "safety_stock", sku: "RING-7", units: 4 },
    { kind: "safety_stock", sku: "RING-7", units: 5 },
  ],
  channels: [{ channel: "marketplace", allocationPercent: 50 }],
};
const channels = [{ handle: "marketplace", name: "Marketplace" }];

describe("problem messages in the form's names", () => {
  it("names the rule another rule repeats as the form does, not by its place in the policy file", () => {
    expect(merchantMessage("same kind and scope as protection[1]; keep one", draft, channels)).toBe("Same kind and scope as Exception 1; keep one");
    expect(merchantMessage("same as channels[0]", draft, channels)).toBe("Same as Marketplace");
  });

  it("leaves a message without references as it was, capitalised", () => {
    expect(merchantMessage("must not be negative, got -2", draft)).toBe("Must not be negative, got -2");
  });

  it("the row's inline error uses the same names", () => {
    const errors = problemsByPath([{ path: "protection[2]", message: "same kind and scope as protection[1]; keep one" }], draft, channels);
    expect(errors.get("protection[2]")).toBe("Same kind and scope as Exception 1; keep one");
  });

  it("names a release wave's time field as the form labels it, in the shop's zone at that wave", () => {
    const withQuarantine: DraftDocument = {
      ...draft,
      protection: [...draft.protection, { kind: "quarantine", skus: ["RING-7"], units: 3, releases: [{ at: "2027-01-15T14:00:00Z", units: 1 }, { at: "2027-07-01T13:00:00Z", units: 2 }] }],
    };
    expect(describeProblemPath("protection[3].releases[0].at", withQuarantine, channels, "America/New_York")).toBe("Quarantine 1, Release 1 at (EST)");
    expect(describeProblemPath("protection[3].releases[1].at", withQuarantine, channels, "America/New_York")).toBe("Quarantine 1, Release 2 at (EDT)");
  });
});
