import { describe, expect, it } from "vitest";
import policyJson from "./__fixtures__/issue-example.policy.json";
import { validatePolicy, type KnownNames } from "./validate-policy";

const known: KnownNames = {
  locations: new Set(["Soho", "Warehouse"]),
  skus: new Set(["RING-7", "RING-8"]),
  channels: new Set(["online_store", "marketplace", "wholesale"]),
};

function problemsOf(input: unknown, names: KnownNames = known) {
  const result = validatePolicy(input, names);
  return result.ok ? [] : result.problems;
}

const v1 = (protection: unknown[], channels: unknown[] = []) => ({ version: 1, protection, channels });

describe("validatePolicy", () => {
  it("accepts the issue example and returns it unchanged", () => {
    const result = validatePolicy(policyJson, known);
    expect(result).toEqual({ ok: true, value: policyJson });
  });

  it("accepts a policy with every rule kind", () => {
    const policy = v1(
      [
        { kind: "safety_stock", units: 2, location: "Soho", product: "Ring" },
        { kind: "display", units: 1, location: "Soho", sku: "RING-7" },
        { kind: "velocity_buffer", riskFactor: 1.5, minUnits: 1, maxUnits: 9 },
        { kind: "quarantine", skus: ["RING-8"], units: 4, locations: ["Warehouse"], releases: [{ at: "2026-11-24T09:00:00Z", units: 4 }] },
        { kind: "release_gate", location: "Warehouse" },
      ],
      [{ channel: "online_store", paused: true, locations: ["Soho"] }],
    );
    expect(problemsOf(policy)).toEqual([]);
  });

  it.each<[string, unknown, { path: string; message: string }]>([
    ["not an object", [], { path: "", message: "a policy must be a JSON object" }],
    ["wrong version", { version: 2, protection: [] }, { path: "version", message: "must be 1, got 2" }],
    ["unknown kind", v1([{ kind: "floor" }]), { path: "protection[0].kind", message: expect.stringContaining("must be one of") }],
    ["negative units", v1([{ kind: "safety_stock", units: -1 }]), { path: "protection[0].units", message: "must not be negative, got -1" }],
    ["fractional units", v1([{ kind: "safety_stock", units: 1.5 }]), { path: "protection[0].units", message: expect.stringContaining("whole number") }],
    ["missing units", v1([{ kind: "safety_stock" }]), { path: "protection[0].units", message: expect.stringContaining("required") }],
    ["a typo'd field", v1([{ kind: "safety_stock", unit: 3, units: 3 }]), { path: "protection[0].unit", message: expect.stringContaining("unknown field") }],
    ["unknown location", v1([{ kind: "safety_stock", units: 1, location: "Paris" }]), { path: "protection[0].location", message: 'unknown location "Paris"' }],
    ["unknown SKU", v1([{ kind: "safety_stock", units: 1, sku: "NOPE" }]), { path: "protection[0].sku", message: 'unknown SKU "NOPE"' }],
    ["two item scopes", v1([{ kind: "safety_stock", units: 1, sku: "RING-7", tag: "x" }]), { path: "protection[0]", message: expect.stringContaining("pick one of sku, tag") }],
    ["display without a location", v1([{ kind: "display", units: 1, sku: "RING-7" }]), { path: "protection[0].location", message: "is required" }],
    [
      "velocity min above max",
      v1([{ kind: "velocity_buffer", minUnits: 5, maxUnits: 2 }]),
      { path: "protection[0].minUnits", message: "minUnits 5 is above maxUnits 2" },
    ],
    [
      "identical scopes of one kind",
      v1([{ kind: "safety_stock", units: 1, tag: "a" }, { kind: "safety_stock", units: 2, tag: "a" }]),
      { path: "protection[1]", message: "same kind and scope as protection[0]; keep one" },
    ],
    [
      "quarantine releasing more than it holds",
      v1([{ kind: "quarantine", skus: ["RING-7"], units: 5, releases: [{ at: "2026-11-24T09:00:00Z", units: 3 }, { at: "2026-11-25T09:00:00Z", units: 3 }] }]),
      { path: "protection[0].releases", message: "releases 6 units but the quarantine holds only 5" },
    ],
    [
      "quarantine release without a valid time",
      v1([{ kind: "quarantine", skus: ["RING-7"], units: 5, releases: [{ at: "tomorrow", units: 3 }] }]),
      { path: "protection[0].releases[0].at", message: expect.stringContaining("ISO-8601") },
    ],
    [
      "a SKU in two quarantines",
      v1([{ kind: "quarantine", skus: ["RING-7"], units: 5 }, { kind: "quarantine", skus: ["RING-8", "RING-7"], units: 5 }]),
      { path: "protection[1].skus[1]", message: '"RING-7" is already quarantined by protection[0]' },
    ],
    ["unknown channel", v1([], [{ channel: "tiktok" }]), { path: "channels[0].channel", message: 'unknown channel "tiktok"' }],
    ["duplicate channel", v1([], [{ channel: "wholesale" }, { channel: "wholesale" }]), { path: "channels[1].channel", message: expect.stringContaining("already has a rule") }],
    ["percent above 100", v1([], [{ channel: "wholesale", allocationPercent: 120 }]), { path: "channels[0].allocationPercent", message: "must be a number from 0 to 100, got 120" }],
    ["percent below 0", v1([], [{ channel: "wholesale", allocationPercent: -1 }]), { path: "channels[0].allocationPercent", message: "must be a number from 0 to 100, got -1" }],
    ["percent and fixed", v1([], [{ channel: "wholesale", allocationPercent: 10, fixedUnits: 3 }]), { path: "channels[0]", message: "use allocationPercent or fixedUnits, not both" }],
    ["negative network minimum", v1([], [{ channel: "wholesale", networkMinimum: -2 }]), { path: "channels[0].networkMinimum", message: "must not be negative, got -2" }],
    ["unknown channel location", v1([], [{ channel: "wholesale", locations: ["Paris"] }]), { path: "channels[0].locations[0]", message: 'unknown location "Paris"' }],
    ["tier 0", v1([], [{ channel: "wholesale", tier: 0 }]), { path: "channels[0].tier", message: expect.stringContaining("from 1") }],
    ["paused not a boolean", v1([], [{ channel: "wholesale", paused: "yes" }]), { path: "channels[0].paused", message: 'must be true or false, got "yes"' }],
  ])("refuses %s", (_name, input, problem) => {
    expect(problemsOf(input)).toEqual([problem]);
  });

  it("a policy without channels or protection is accepted with both lists empty (docs/policy.md: missing counts as empty)", () => {
    const result = validatePolicy({ version: 1, protection: [{ kind: "safety_stock", units: 2 }] }, known);
    expect(result).toEqual({ ok: true, value: { version: 1, protection: [{ kind: "safety_stock", units: 2 }], channels: [] } });
    expect(validatePolicy({ version: 1 }, known)).toEqual({ ok: true, value: { version: 1, protection: [], channels: [] } });
  });

  it("lists every problem at once", () => {
    const problems = problemsOf(
      v1(
        [{ kind: "safety_stock", units: -3 }, { kind: "display", units: 1, location: "Paris", sku: "NOPE" }],
        [{ channel: "wholesale", allocationPercent: 101 }],
      ),
    );
    expect(problems.map((p) => p.path)).toEqual([
      "protection[0].units",
      "protection[1].location",
      "protection[1].sku",
      "channels[0].allocationPercent",
    ]);
  });

  it("does not check channel names when no channel list is given", () => {
    expect(problemsOf(v1([], [{ channel: "anything" }]), { locations: new Set(), skus: new Set() })).toEqual([]);
  });
});
