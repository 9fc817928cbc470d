/**
 * The refresh-window step (docs/policy.md § 4, "Refresh window"). Every expected number is worked
 * out by hand in the comment beside it.
 */
import { describe, expect, it } from "vitest";
import { compiled, level, snapshot } from "./__fixtures__/builders";
import { allocateChannel, type ChannelSales } from "./channels";
import type { CompiledChannel } from "./compile-policy";
import { planAvailability } from "./plan";
import type { ChannelRule } from "./types";
import { checkPolicy } from "./policy-check";
import { validateSnapshot } from "./validate-snapshot";

function marketplace(rule: Partial<ChannelRule>): CompiledChannel {
  return { channel: "marketplace", rule: { channel: "marketplace", ...rule }, locations: undefined };
}

/** 0.9 units a second = 54 a minute; a 3-second measured lag. */
const FLASH: ChannelSales = { unitsPerMinute: 54, syncLagSeconds: 3 };

function allocate(rule: Partial<ChannelRule>, pool: number, sales: ChannelSales) {
  const plan = allocateChannel(marketplace(rule), { item: "RING-7", sku: "RING-7" }, pool, [], undefined, 0, sales);
  expect(plan.explain.reduce((sum, line) => sum + line.units, 0)).toBe(pool - plan.available);
  return plan;
}

describe("refresh window", () => {
  it("covers the other channels' sales over R + lag: pool 40, 0.9/s, R 15 s, lag 3 s → ceil(16.2) = 17 → 23", () => {
    const plan = allocate({ refreshSeconds: 15 }, 40, FLASH);
    expect(plan.available).toBe(23);
    expect(plan.explain).toEqual([
      {
        rule: "refresh_window",
        scope: "marketplace",
        units: 17,
        reason: "17 units not shown on marketplace: it refreshes every 15 s and the other channels sell 0.9/s, so 18 s of their sales is covered",
      },
    ]);
  });

  it("counts only the other channels when the sales are split by channel", () => {
    // The web 48/min + B2B 6/min = 54/min = 0.9/s → 17 again; the marketplace's own 6/min and the
    // hour-averaged total (1/min) do not count once the split is known.
    const plan = allocate({ refreshSeconds: 15 }, 40, { unitsPerMinute: 1, byChannel: { marketplace: 6, online_store: 48, wholesale: 6 }, syncLagSeconds: 3 });
    expect(plan.available).toBe(23);
    // Only the marketplace sells: nothing to cover.
    expect(allocate({ refreshSeconds: 15 }, 40, { unitsPerMinute: 6, byChannel: { marketplace: 6 }, syncLagSeconds: 3 }).available).toBe(40);
  });

  it("withholds nothing (and says nothing) when nobody else sells", () => {
    const plan = allocate({ refreshSeconds: 600 }, 40, { unitsPerMinute: 0, syncLagSeconds: 3 });
    expect(plan).toMatchObject({ available: 40, explain: [] });
  });

  it("never goes below 0 and says the rule asked for more", () => {
    // 0.9/s × (600 + 3) s = 542.7 → 543 asked, 10 in the pool; 603 s reads "10 min" (formatDuration: whole numbers from 10).
    const plan = allocate({ refreshSeconds: 600 }, 10, FLASH);
    expect(plan.available).toBe(0);
    expect(plan.explain[0]).toMatchObject({ rule: "refresh_window", units: 10 });
    expect(plan.explain[0]!.reason).toBe(
      "10 units not shown on marketplace: it refreshes every 10 min and the other channels sell 0.9/s, so 10 min of their sales is covered (rule asks 543; only 10 left to sell)",
    );
  });

  it("runs after the network minimum and before the allocation share of the pool", () => {
    // 40 − 5 (network minimum) = 35; − 17 = 18; 50% of pool 40 = 20 ≥ 18, so 18.
    const plan = allocate({ networkMinimum: 5, refreshSeconds: 15, allocationPercent: 50 }, 40, FLASH);
    expect(plan.available).toBe(18);
    expect(plan.explain.map((line) => line.rule)).toEqual(["network_minimum", "refresh_window"]);
  });

  it("rounds float noise away: 6 per minute (0.1/s) × 30 s covers 3, not 4", () => {
    expect(allocate({ refreshSeconds: 30 }, 40, { unitsPerMinute: 6, syncLagSeconds: 0 }).available).toBe(37);
  });

  it("reads slow rates per minute or hour", () => {
    // 2/min × (60 + 0) s = 2 units.
    const plan = allocate({ refreshSeconds: 60 }, 40, { unitsPerMinute: 2, syncLagSeconds: 0 });
    expect(plan.explain[0]!.reason).toBe("2 units not shown on marketplace: it refreshes every 1 min and the other channels sell 2 per minute, so 1 min of their sales is covered");
  });

  it("plans from the snapshot's items and measured lag", () => {
    // Warehouse 40 − 0 protection = pool 40; syncLagMinutes 0.05 = 3 s; web sells 54/min, the marketplace 6/min.
    const policy = compiled([], [{ channel: "marketplace", refreshSeconds: 15 }, { channel: "online_store" }]);
    const plan = planAvailability(
      policy,
      snapshot([level("RING-7", "Warehouse", { onHand: 40 })], {
        syncLagMinutes: 0.05,
        items: [{ sku: "RING-7", unitsPerMinute: 60, unitsPerMinuteByChannel: { online_store: 54, marketplace: 6 } }],
      }),
      { now: 0 },
    );
    expect(plan.channels.map((c) => [c.channel, c.available])).toEqual([
      ["marketplace", 23],
      ["online_store", 40],
    ]);
  });
});

describe("refreshSeconds validation", () => {
  const known = { locations: new Map([["Warehouse", { active: true, fulfillsOnlineOrders: true }]]), skus: new Set(["RING-7"]) };
  const problems = (refreshSeconds: unknown) => {
    const result = checkPolicy({ version: 1, channels: [{ channel: "marketplace", refreshSeconds }] }, known);
    return result.ok ? [] : result.problems;
  };

  it("accepts a positive number of seconds", () => {
    expect(problems(15)).toEqual([]);
    expect(problems(0.5)).toEqual([]);
  });

  it.each([0, -15, "15", null, Number.POSITIVE_INFINITY])("refuses %s with a clear message", (value) => {
    expect(problems(value)).toEqual([
      {
        path: "channels[0].refreshSeconds",
        message: `must be a positive number of seconds (how often marketplace re-reads its listing), got ${JSON.stringify(value)}`,
      },
    ]);
  });

  it("checks the per-channel sales rates of a snapshot", () => {
    const result = validateSnapshot({
      syncLagMinutes: 1,
      levels: [],
      items: [{ sku: "RING-7", unitsPerMinute: 2, unitsPerMinuteByChannel: { marketplace: -1 } }],
    });
    expect(result.ok ? [] : result.problems).toEqual([{ path: "items[0].unitsPerMinuteByChannel.marketplace", message: "must not be negative, got -1" }]);
  });
});
