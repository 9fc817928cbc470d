import { describe, expect, it } from "vitest";
import { level } from "./__fixtures__/builders";
import { allocateChannel, allocateChannels, type HoldTotal } from "./channels";
import type { CompiledChannel } from "./compile-policy";
import type { ChannelRule, LevelPlan } from "./types";

function channel(rule: Partial<ChannelRule> = {}, name = "web"): CompiledChannel {
  return { channel: name, rule: { channel: name, ...rule }, locations: rule.locations ? new Set(rule.locations) : undefined };
}

function allocate(rule: Partial<ChannelRule>, pool: number, holds: HoldTotal[] = []) {
  const plan = allocateChannel(channel(rule), { item: "A", sku: "A" }, pool, holds);
  // Every unit the channel does not get is explained.
  expect(plan.explain.reduce((sum, line) => sum + line.units, 0)).toBe(pool - plan.available);
  return plan;
}

describe("allocateChannel", () => {
  const cases: [string, Partial<ChannelRule>, number, HoldTotal[], number, boolean, string[]][] = [
    ["no rule shares the whole pool", {}, 675, [], 675, false, []],
    ["network minimum keeps the last units back", { networkMinimum: 2 }, 6, [], 4, false, ["network_minimum"]],
    ["network minimum larger than the pool leaves 0", { networkMinimum: 10 }, 6, [], 0, false, ["network_minimum"]],
    ["40% of 675 rounds down to 270", { allocationPercent: 40 }, 675, [], 270, false, ["allocation_percent"]],
    ["0% gets nothing", { allocationPercent: 0 }, 10, [], 0, false, ["allocation_percent"]],
    ["100% gets the pool", { allocationPercent: 100 }, 10, [], 10, false, []],
    ["fixed units", { fixedUnits: 50 }, 675, [], 50, false, ["fixed_units"]],
    ["fixed units above the pool get the pool", { fixedUnits: 50 }, 6, [], 6, false, []],
    ["max cap", { maxUnits: 300 }, 675, [], 300, false, ["max_units"]],
    ["percent then cap", { allocationPercent: 50, maxUnits: 300 }, 1000, [], 300, false, ["allocation_percent", "max_units"]],
    ["pool under the tier reserve threshold: 0", { tier: 3, reserveForHigherTiersBelow: 20 }, 19, [], 0, false, ["tier_reserve"]],
    ["pool at the tier reserve threshold: untouched", { tier: 3, reserveForHigherTiersBelow: 20 }, 20, [], 20, false, []],
    ["result under pauseBelow pauses", { allocationPercent: 50, pauseBelow: 5 }, 6, [], 0, true, ["allocation_percent", "pause_below"]],
    ["result at pauseBelow stays live", { pauseBelow: 5 }, 5, [], 5, false, []],
    ["manual pause", { paused: true }, 100, [], 0, true, ["paused"]],
    ["manual pause with nothing to sell is still paused", { paused: true }, 0, [], 0, true, []],
    ["another channel's hold lowers this one", {}, 10, [{ channel: "pos", units: 3 }], 7, false, ["hold"]],
    ["its own hold does not", {}, 10, [{ channel: "web", units: 3 }], 10, false, []],
    [
      "holds and network minimum stack, then allocation caps from the pool",
      { networkMinimum: 2, allocationPercent: 50 },
      30,
      [{ channel: "pos", units: 9 }],
      15,
      false,
      ["network_minimum", "hold", "allocation_percent"],
    ],
    ["holds larger than the pool leave 0", {}, 4, [{ channel: "pos", units: 9 }], 0, false, ["hold"]],
  ];
  it.each(cases)("%s", (_name, rule, pool, holds, available, paused, rules) => {
    const plan = allocate(rule, pool, holds);
    expect(plan).toMatchObject({ pool, available, paused });
    expect(plan.explain.map((l) => l.rule)).toEqual(rules);
  });

  it("explains in the merchant's words", () => {
    expect(allocate({ tier: 3, reserveForHigherTiersBelow: 20 }, 8).explain).toEqual([
      { rule: "tier_reserve", scope: "web", units: 8, reason: "withheld for higher tiers: pool 8 < 20" },
    ]);
    expect(allocate({}, 10, [{ channel: "pos", units: 1 }]).explain[0]?.reason).toBe("1 unit held for pos");
  });
});

describe("allocateChannels", () => {
  const levels: LevelPlan[] = [
    { ...level("A", "Soho"), item: "A", base: 5, protected: 0, available: 5, safetyStock: 0, explain: [] },
    { ...level("A", "Warehouse"), item: "A", base: 7, protected: 0, available: 7, safetyStock: 0, explain: [] },
  ];
  it("pools only the locations a channel may draw from", () => {
    const plans = allocateChannels([channel({}, "all"), channel({ locations: ["Soho"] }, "soho_only")], { item: "A", sku: "A" }, levels, []);
    expect(plans.map((p) => [p.channel, p.pool, p.available])).toEqual([
      ["all", 12, 12],
      ["soho_only", 5, 5],
    ]);
  });
});
