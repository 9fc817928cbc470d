import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { level, snapshot } from "./__fixtures__/builders";
import { channelKind } from "./channels";
import { compilePolicy } from "./compile-policy";
import { planAvailability } from "./plan";
import type { ChannelRule, Level, LocationInfo, Plan, Policy, Snapshot } from "./types";
import { shopFactsOf, checkPolicy } from "./policy-check";
import { validateSnapshot } from "./validate-snapshot";

const NOW = "2026-11-23T12:00:00Z";

/** The default sandbox shop: only the warehouse fulfils online orders. */
const SHOP_LOCATIONS: LocationInfo[] = [
  { name: "Warehouse", active: true, fulfillsOnlineOrders: true },
  { name: "Soho store", active: true, fulfillsOnlineOrders: false },
  { name: "Brooklyn store", active: true, fulfillsOnlineOrders: false },
];

function planOf(policy: Policy, snap: Snapshot): Plan {
  const valid = checkPolicy(policy, shopFactsOf(snap));
  if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
  return planAvailability(compilePolicy(valid.value), snap, { now: NOW });
}

const channel = (plan: Plan, name: string, sku = "RING-6") => plan.channels.find((c) => c.sku === sku && c.channel === name)!;

describe("channel pools from the locations that can fill the channel's orders", () => {
  // RING-6: 12 at Warehouse, 2 at Soho store, 0 at Brooklyn store (sandbox seed).
  const ring6 = snapshot(
    [level("RING-6", "Warehouse", { onHand: 12 }), level("RING-6", "Soho store", { onHand: 2 }), level("RING-6", "Brooklyn store", { onHand: 0 })],
    { locations: SHOP_LOCATIONS, channels: ["online_store", "point_of_sale", "marketplace"] },
  );
  const policy: Policy = { version: 1, protection: [], channels: [{ channel: "marketplace", allocationPercent: 50 }] };

  it("online channels count only locations that fulfil online orders, and say so", () => {
    const plan = planOf(policy, ring6);
    // 12 at the warehouse; the 2 at Soho can never fill an online sale.
    expect(channel(plan, "online_store")).toMatchObject({ pool: 12, available: 12 });
    // 50% of 12 = 6 (of 14 it would have been 7: one unit the marketplace could never ship).
    expect(channel(plan, "marketplace")).toMatchObject({ pool: 12, available: 6 });
    expect(channel(plan, "marketplace").explain.map((line) => line.reason)).toEqual([
      "pool 12 at Warehouse; Brooklyn store and Soho store do not fulfil online orders",
      "marketplace gets 50% of pool 12 = 6",
    ]);
  });

  it("POS draws on every active store: each store's own shelf is protected by its location rules", () => {
    const plan = planOf({ ...policy, protection: [{ kind: "safety_stock", units: 1, location: "Soho store" }] }, ring6);
    // Warehouse 12 + Soho 2 − 1 safety stock at Soho.
    expect(channel(plan, "point_of_sale")).toMatchObject({ pool: 13, available: 13, explain: [] });
    expect(plan.levels.find((l) => l.location === "Soho store")).toMatchObject({ available: 1, safetyStock: 1 });
  });

  it("an inactive location counts for no channel", () => {
    const closed = { ...ring6, locations: [SHOP_LOCATIONS[0]!, { ...SHOP_LOCATIONS[1]!, active: false, fulfillsOnlineOrders: true }, SHOP_LOCATIONS[2]!] };
    const plan = planOf({ version: 1, protection: [], channels: [] }, closed);
    expect(channel(plan, "point_of_sale")).toMatchObject({ pool: 12 });
    expect(channel(plan, "point_of_sale").explain[0]?.reason).toBe("pool 12 at Brooklyn store and Warehouse; Soho store is not active");
  });

  it("a policy's locations narrow the reach", () => {
    const plan = planOf({ version: 1, protection: [], channels: [{ channel: "point_of_sale", locations: ["Soho store"] }] }, ring6);
    expect(channel(plan, "point_of_sale")).toMatchObject({ pool: 2, available: 2 });
  });

  it("no location fulfils online orders: online channels get nothing", () => {
    const storesOnly = snapshot([level("A", "Soho store", { onHand: 5 })], { locations: [SHOP_LOCATIONS[1]!], channels: ["online_store"] });
    const plan = planOf({ version: 1, protection: [], channels: [] }, storesOnly);
    expect(plan.channels[0]).toMatchObject({ pool: 0, available: 0 });
    expect(plan.channels[0]!.explain[0]?.reason).toBe("pool 0 (no location can fill its orders); Soho store does not fulfil online orders");
  });

  it("snapshots without capabilities keep every location in every pool", () => {
    const plan = planOf(policy, { ...ring6, locations: undefined });
    expect(channel(plan, "marketplace")).toMatchObject({ pool: 14, available: 7 });
  });

  it("refuses a channel rule naming a location the channel cannot sell from, with the reason", () => {
    const known = shopFactsOf(ring6, ["online_store", "point_of_sale", "marketplace"]);
    const result = checkPolicy(
      {
        version: 1,
        channels: [
          { channel: "marketplace", locations: ["Warehouse", "Soho store"] },
          { channel: "point_of_sale", locations: ["Soho store", "Brooklyn store"] },
        ],
      },
      known,
    );
    expect(result).toEqual({
      ok: false,
      problems: [{ path: "channels[0].locations[1]", message: "Soho store does not fulfil online orders, so marketplace orders can never be filled from it" }],
    });
  });

  it("snapshot files may give capabilities; bad ones are refused", () => {
    expect(validateSnapshot({ ...ring6 }).ok).toBe(true);
    const bad = validateSnapshot({ syncLagMinutes: 1, levels: [], locations: [{ name: "X", fulfillsOnlineOrders: "yes", ships: true }, "X"] });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(["locations[0].ships", "locations[0].fulfillsOnlineOrders", "locations[1]"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Invariant: a channel's ATS never exceeds the sellable units at the locations its orders can
// reach. The reference reach is written here from the platform rule, not from the engine.

const LOCATIONS = ["L1", "L2", "L3", "L4"] as const;
const CHANNELS = ["online_store", "marketplace", "point_of_sale", "wholesale"] as const;

/** Online orders route only to active locations that fulfil online orders; POS sells at any active store. */
function referenceReach(channelName: string, info: readonly LocationInfo[], narrowed: readonly string[] | undefined): Set<string> {
  const pos = channelName === "point_of_sale";
  return new Set(
    info.filter((l) => l.active !== false && (pos || l.fulfillsOnlineOrders !== false) && (narrowed === undefined || narrowed.includes(l.name))).map((l) => l.name),
  );
}

const locationsArb = fc.tuple(...LOCATIONS.map((name) => fc.record({ name: fc.constant(name), active: fc.boolean(), fulfillsOnlineOrders: fc.boolean() })));
const levelsArb = fc.tuple(
  ...LOCATIONS.map((location) =>
    fc.record({ onHand: fc.integer({ min: 0, max: 40 }), committed: fc.integer({ min: 0, max: 10 }) }).map((q): Level => level("S", location, q)),
  ),
);
const ruleArb = (name: string) =>
  fc.record(
    {
      allocationPercent: fc.integer({ min: 0, max: 100 }),
      maxUnits: fc.integer({ min: 0, max: 60 }),
      networkMinimum: fc.integer({ min: 0, max: 5 }),
      narrowTo: fc.subarray([...LOCATIONS], { minLength: 1 }),
    },
    { requiredKeys: [] },
  ).map(({ narrowTo, ...rest }) => ({ channel: name, ...rest, narrowTo }));

describe("channel reach invariant", () => {
  it("ATS ≤ pool = sellable units at the locations the channel's orders can reach", () => {
    fc.assert(
      fc.property(
        locationsArb,
        levelsArb,
        fc.tuple(...CHANNELS.map(ruleArb)),
        fc.integer({ min: 0, max: 20 }),
        (info, levels, rules, safety) => {
          // Narrowing is kept only where valid (validation refuses the rest: tested above).
          const channels: ChannelRule[] = rules.map(({ narrowTo, ...rule }) => {
            const reachable = narrowTo?.filter((l) => referenceReach(rule.channel, info, undefined).has(l));
            return reachable && reachable.length > 0 ? { ...rule, locations: reachable } : rule;
          });
          const snap: Snapshot = { syncLagMinutes: 0, levels, locations: info, channels: [...CHANNELS] };
          const plan = planOf({ version: 1, protection: [{ kind: "safety_stock", units: safety }], channels }, snap);
          for (const planned of plan.channels) {
            expect(channelKind(planned.channel)).toBe(planned.channel === "point_of_sale" ? "pos" : "online");
            const reach = referenceReach(planned.channel, info, channels.find((c) => c.channel === planned.channel)?.locations);
            // Sellable at a level, by hand: on hand − committed − safety stock, never below 0.
            const sellable = levels.filter((l) => reach.has(l.location)).reduce((sum, l) => sum + Math.max(0, l.onHand - l.committed - safety), 0);
            expect(planned.pool).toBe(sellable);
            expect(planned.available).toBeLessThanOrEqual(sellable);
            expect(planned.explain.reduce((sum, line) => sum + line.units, 0)).toBe(planned.pool - planned.available);
          }
        },
      ),
      { numRuns: 300, seed: 20261130 },
    );
  });
});
