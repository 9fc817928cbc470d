/**
 * Invariants of a reserve that sizes itself (docs/policy.md § 4 "A reserve that sizes itself"),
 * over generated stock, rates, windows and bounds. A fixed seed, so every run checks the same
 * cases; fast-check prints the seed and shrunk path of a failure.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { level, snapshot } from "./__fixtures__/builders";
import { compilePolicy } from "./compile-policy";
import { planAvailability } from "./plan";
import type { ChannelRule, Plan, Snapshot } from "./types";

const SEED = 20261206;
const RUNS = { numRuns: 200, seed: SEED };

interface Case {
  onHand: readonly number[];
  safety: number;
  ownPerMinute: number;
  othersPerMinute: number;
  refreshSeconds: number;
  lagSeconds: number;
  cap: number;
  min: number;
}

const LOCATIONS = ["Warehouse", "Annex"] as const;

const cases: fc.Arbitrary<Case> = fc
  .record({
    onHand: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 2, maxLength: 2 }),
    safety: fc.integer({ min: 0, max: 10 }),
    ownPerMinute: fc.double({ min: 0, max: 120, noNaN: true }),
    othersPerMinute: fc.double({ min: 0, max: 600, noNaN: true }),
    refreshSeconds: fc.double({ min: 0.5, max: 86_400, noNaN: true }),
    lagSeconds: fc.double({ min: 0, max: 600, noNaN: true }),
    cap: fc.integer({ min: 1, max: 40 }),
    min: fc.integer({ min: 0, max: 40 }),
  })
  .map((c) => ({ ...c, min: Math.min(c.min, c.cap) }));

/** What the marketplace listed before: `units` from 0 until `replacedAtMs`, then the present sizing; it sold `soldAfter` since the replacement could be read. */
interface Listed {
  units: number;
  replacedAtMs: number;
  nowMs: number;
  soldAfter: number;
}

function planOf(c: Case, listed?: Listed): Plan {
  const market: ChannelRule = {
    channel: "marketplace",
    refreshSeconds: c.refreshSeconds,
    ringFenceSizing: "measured",
    ringFenceUnits: c.cap,
    ringFenceMinUnits: c.min,
    fixedUnits: 0,
  };
  const snap: Snapshot = snapshot(
    LOCATIONS.map((location, i) => level("MUG", location, { onHand: c.onHand[i]! })),
    {
      syncLagMinutes: c.lagSeconds / 60,
      items: [
        {
          sku: "MUG",
          unitsPerMinute: c.ownPerMinute + c.othersPerMinute,
          unitsPerMinuteByChannel: { marketplace: c.ownPerMinute, online_store: c.othersPerMinute },
          ...(listed === undefined ? {} : { publishedReserves: { marketplace: [{ units: listed.units, publishedAtMs: 0, soldSinceReplaced: listed.soldAfter }, { units: 0, publishedAtMs: listed.replacedAtMs }] } }),
        },
      ],
    },
  );
  const policy = compilePolicy({ version: 1, protection: [{ kind: "safety_stock", units: c.safety }], channels: [{ channel: "online_store" }, market] });
  return planAvailability(policy, snap, { now: listed?.nowMs ?? 0 });
}

/** Units the reserve took across the item's levels (its ring_fence lines). */
function reserved(plan: Plan): number {
  let units = 0;
  for (const l of plan.levels) for (const line of l.explain) if (line.rule === "ring_fence") units += line.units;
  return units;
}

/** What the locations have to sell after safety stock: the most any reserve can take. */
const sellable = (c: Case) => c.onHand.reduce((sum, onHand) => sum + Math.max(0, onHand - c.safety), 0);

describe(`self-sizing reserve invariants (seed ${SEED})`, () => {
  it("never exceeds the cap nor what is there to sell, and keeps the minimum when there is stock", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const plan = planOf(c);
        const units = reserved(plan);
        expect(units).toBeLessThanOrEqual(c.cap);
        expect(units).toBeLessThanOrEqual(sellable(c));
        expect(units).toBeGreaterThanOrEqual(Math.min(c.min, sellable(c)));
        for (const l of plan.levels) {
          expect(l.available).toBeGreaterThanOrEqual(0);
          expect(l.available + l.safetyStock).toBeLessThanOrEqual(l.base);
        }
        // fixedUnits 0: the marketplace lists exactly its reserve (or 0 when none).
        expect(plan.channels.find((ch) => ch.channel === "marketplace")!.available).toBe(units);
      }),
      RUNS,
    );
  });

  it("grows (never shrinks) with the marketplace's rate, its refresh window and the sync lag", () => {
    const more = fc.double({ min: 0, max: 100, noNaN: true });
    fc.assert(
      fc.property(cases, more, more, more, (c, rate, refresh, lag) => {
        const before = reserved(planOf(c));
        expect(reserved(planOf({ ...c, ownPerMinute: c.ownPerMinute + rate }))).toBeGreaterThanOrEqual(before);
        expect(reserved(planOf({ ...c, refreshSeconds: c.refreshSeconds + refresh }))).toBeGreaterThanOrEqual(before);
        expect(reserved(planOf({ ...c, lagSeconds: c.lagSeconds + lag }))).toBeGreaterThanOrEqual(before);
      }),
      RUNS,
    );
  });

  it("never shrinks below what the marketplace may still sell from a listing it read before (replaced less than R + lag ago, less what it sold since), never holds more, and never lists the held units", () => {
    const earlier = fc.record({
      units: fc.integer({ min: 0, max: 40 }),
      replacedAtMs: fc.integer({ min: 1, max: 1e9 }),
      sinceFactor: fc.double({ min: 0, max: 2, noNaN: true }),
      soldAfter: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(cases, earlier, (c, e) => {
        const windowMs = (c.refreshSeconds + c.lagSeconds) * 1000;
        // Clear of the boundary, where float rounding of now − replacedAt decides.
        fc.pre(Math.abs(e.sinceFactor - 1) > 1e-6);
        const listed = { units: Math.min(e.units, c.cap), replacedAtMs: e.replacedAtMs, nowMs: e.replacedAtMs + e.sinceFactor * windowMs, soldAfter: e.soldAfter };
        // The most the marketplace's copy of the old listing can still hold.
        const copyLeft = Math.max(0, listed.units - e.soldAfter);
        const present = planOf(c);
        const withHistory = planOf(c, listed);
        const units = reserved(withHistory);
        if (e.sinceFactor < 1) expect(units).toBeGreaterThanOrEqual(Math.min(copyLeft, sellable(c)));
        else expect(units).toBe(reserved(present));
        expect(units).toBeLessThanOrEqual(Math.max(reserved(present), copyLeft));
        expect(units).toBeGreaterThanOrEqual(reserved(present));
        expect(units).toBeLessThanOrEqual(Math.min(c.cap, sellable(c)));
        // The marketplace lists today's size only: the held units are shown nowhere.
        const listing = (p: Plan) => p.channels.find((ch) => ch.channel === "marketplace")!.available;
        expect(listing(withHistory)).toBe(listing(present));
        const web = (p: Plan) => p.channels.find((ch) => ch.channel === "online_store")!.available;
        expect(web(withHistory)).toBe(web(present) - (units - reserved(present)));
      }),
      RUNS,
    );
  });

  it("does not depend on the other channels' sales", () => {
    fc.assert(
      fc.property(cases, fc.double({ min: 0, max: 600, noNaN: true }), (c, others) => {
        expect(reserved(planOf({ ...c, othersPerMinute: others }))).toBe(reserved(planOf(c)));
      }),
      RUNS,
    );
  });
});
