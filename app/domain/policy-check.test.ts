import { describe, expect, it } from "vitest";
import policyJson from "./__fixtures__/issue-example.policy.json";
import { checkPolicy, readPolicyText, type ShopFacts } from "./policy-check";

const FULFILS_ONLINE = { active: true, fulfillsOnlineOrders: true };
const known: ShopFacts = {
  locations: new Map([
    ["Soho", FULFILS_ONLINE],
    ["Warehouse", FULFILS_ONLINE],
    // A store that sells only over its counter, and one that closed (docs/decisions/007).
    ["Pop-up", { active: true, fulfillsOnlineOrders: false }],
    ["Closed", { active: false, fulfillsOnlineOrders: true }],
  ]),
  skus: new Set(["RING-7", "RING-8"]),
  channels: new Set(["online_store", "marketplace", "wholesale"]),
};

function problemsOf(input: unknown, names: ShopFacts = known) {
  const result = checkPolicy(input, names);
  return result.ok ? [] : result.problems;
}

const v1 = (protection: unknown[], channels: unknown[] = []) => ({ version: 1, protection, channels });

describe("checkPolicy", () => {
  it("accepts the issue example and returns it unchanged", () => {
    const result = checkPolicy(policyJson, known);
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
      [{ channel: "online_store", paused: true, locations: ["Soho"] }, { channel: "marketplace", pauseBelow: 2, alertBelow: 10 }],
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
    ["fractional alert threshold", v1([], [{ channel: "wholesale", alertBelow: 2.5 }]), { path: "channels[0].alertBelow", message: expect.stringContaining("whole number") }],
    ["unknown channel location", v1([], [{ channel: "wholesale", locations: ["Paris"] }]), { path: "channels[0].locations[0]", message: 'unknown location "Paris"' }],
    ["tier 0", v1([], [{ channel: "wholesale", tier: 0 }]), { path: "channels[0].tier", message: expect.stringContaining("from 1") }],
    ["paused not a boolean", v1([], [{ channel: "wholesale", paused: "yes" }]), { path: "channels[0].paused", message: 'must be true or false, got "yes"' }],
  ])("refuses %s", (_name, input, problem) => {
    expect(problemsOf(input)).toEqual([problem]);
  });

  it("a policy without channels or protection is accepted with both lists empty (docs/policy.md: missing counts as empty)", () => {
    const result = checkPolicy({ version: 1, protection: [{ kind: "safety_stock", units: 2 }] }, known);
    expect(result).toEqual({ ok: true, value: { version: 1, protection: [{ kind: "safety_stock", units: 2 }], channels: [] } });
    expect(checkPolicy({ version: 1 }, known)).toEqual({ ok: true, value: { version: 1, protection: [], channels: [] } });
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
    expect(problemsOf(v1([], [{ channel: "anything" }]), { locations: new Map(), skus: new Set() })).toEqual([]);
  });
});

describe("checkPolicy: a channel draws only from locations that can fill its orders (docs/decisions/007)", () => {
  it("refuses an online channel drawing from a store that does not fulfil online orders, and any channel drawing from an inactive location", () => {
    expect(problemsOf(v1([], [{ channel: "online_store", locations: ["Warehouse", "Pop-up", "Closed"] }]))).toEqual([
      { path: "channels[0].locations[1]", message: "Pop-up does not fulfil online orders, so online_store orders can never be filled from it" },
      { path: "channels[0].locations[2]", message: "Closed is not active, so online_store orders can never be filled from it" },
    ]);
    const withPos: ShopFacts = { ...known, channels: new Set(["point_of_sale"]) };
    expect(problemsOf(v1([], [{ channel: "point_of_sale", locations: ["Pop-up", "Closed"] }]), withPos)).toEqual([
      { path: "channels[0].locations[1]", message: "Closed is not active, so point_of_sale orders can never be filled from it" },
    ]);
  });

  it("accepts Point of Sale at a store, and location protection at any known location", () => {
    const withPos: ShopFacts = { ...known, channels: new Set(["point_of_sale"]) };
    expect(problemsOf(v1([{ kind: "safety_stock", units: 2, location: "Pop-up" }], [{ channel: "point_of_sale", locations: ["Pop-up"] }]), withPos)).toEqual([]);
  });
});

describe("checkPolicy: bounds", () => {
  it("refuses unit counts above Shopify's quantity limit of 1,000,000,000 (shared/SHOPIFY-CONFORMANCE.md §2)", () => {
    expect(problemsOf(v1([{ kind: "safety_stock", units: 1_000_000_000 }]))).toEqual([]);
    expect(
      problemsOf(
        v1(
          [
            { kind: "safety_stock", units: 1e21 },
            { kind: "quarantine", skus: ["RING-7"], units: 1_000_000_001 },
          ],
          [{ channel: "wholesale", fixedUnits: 2e9 }],
        ),
      ),
    ).toEqual([
      { path: "protection[0].units", message: "must be at most 1000000000 units, got 1e+21" },
      { path: "protection[1].units", message: "must be at most 1000000000 units, got 1000000001" },
      { path: "channels[0].fixedUnits", message: "must be at most 1000000000 units, got 2000000000" },
    ]);
  });

  it("refuses long lists with one problem each, and long names", () => {
    const manyRules = Array.from({ length: 10_001 }, () => ({ kind: "safety_stock", units: 1 }));
    expect(problemsOf(v1(manyRules))).toEqual([{ path: "protection", message: "lists 10001 entries; at most 10000" }]);
    const manyChannels = Array.from({ length: 251 }, () => ({ channel: "wholesale" }));
    expect(problemsOf(v1([], manyChannels))).toEqual([{ path: "channels", message: "lists 251 entries; at most 250" }]);
    const manyWaves = Array.from({ length: 101 }, () => ({ at: "2026-11-24T09:00:00Z", units: 0 }));
    expect(problemsOf(v1([{ kind: "quarantine", skus: ["RING-7"], units: 1, releases: manyWaves }]))).toEqual([
      { path: "protection[0].releases", message: "lists 101 entries; at most 100" },
    ]);
    expect(problemsOf(v1([{ kind: "safety_stock", units: 1, tag: "t".repeat(256) }]))).toEqual([
      { path: "protection[0].tag", message: "must be at most 255 characters, got 256" },
    ]);
  });

  it("refuses tiers, risk factors and refresh windows past their bounds", () => {
    expect(
      problemsOf(v1([{ kind: "velocity_buffer", riskFactor: 1e6 }], [{ channel: "wholesale", tier: 1001, refreshSeconds: 86_401 }])),
    ).toEqual([
      { path: "protection[0].riskFactor", message: "must be at most 1000, got 1000000" },
      { path: "channels[0].tier", message: "must be at most 1000, got 1001" },
      { path: "channels[0].refreshSeconds", message: "must be at most 86400 seconds (a day), got 86401" },
    ]);
  });
});

describe("readPolicyText", () => {
  it("reads JSON within the bounds", () => {
    expect(readPolicyText('{"version":1,"protection":[{"kind":"quarantine","skus":["A"],"units":1,"releases":[{"at":"x","units":1}]}]}', "policy")).toEqual({
      ok: true,
      value: { version: 1, protection: [{ kind: "quarantine", skus: ["A"], units: 1, releases: [{ at: "x", units: 1 }] }] },
    });
  });

  it("refuses empty, oversized, too deep and broken text with a problem at the given path", () => {
    expect(readPolicyText("  ", "draft")).toEqual({ ok: false, problems: [{ path: "draft", message: "is empty: paste the policy JSON or choose a .json file" }] });
    expect(readPolicyText(`"${"x".repeat(2_000_000)}"`, "policy")).toEqual({
      ok: false,
      problems: [{ path: "policy", message: "is too large (2000002 characters; at most 2000000)" }],
    });
    expect(readPolicyText("[".repeat(100_000), "policy")).toEqual({ ok: false, problems: [{ path: "policy", message: "nests lists and objects more than 8 deep" }] });
    expect(readPolicyText("{not json", "policy")).toMatchObject({ ok: false, problems: [{ path: "policy", message: expect.stringContaining("is not valid JSON") }] });
  });

  it("counts brackets inside strings as text, not nesting", () => {
    const text = JSON.stringify({ version: 1, protection: [{ kind: "safety_stock", units: 1, tag: "[[[[[[[[[[{{{{{{{{\\\"" }] });
    expect(readPolicyText(text, "policy")).toMatchObject({ ok: true });
  });
});
