/**
 * Invariants of the backtest over random small histories (docs/decisions/033): figures add up,
 * live channels without protection never oversell, and every suggested buffer, replayed, prevents
 * the oversells it was sized for.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runBacktest, suggestBuffers, suggestReserves, withChannelReserve, withSkuBuffer, type BacktestFigures, type BacktestInput } from "./backtest";
import type { Policy } from "./types";

/** A fixed seed, printed by fast-check with the shrunk case on failure; hunt with BACKTEST_PROPERTY_SEED=<n>. */
const SEED = process.env.BACKTEST_PROPERTY_SEED ? Number(process.env.BACKTEST_PROPERTY_SEED) : 20261206;
const RUNS = { numRuns: 60, seed: SEED };
const T0 = Date.parse("2026-12-01T10:00:00Z");
const SKUS = ["A", "B", "C"] as const;
const CHANNELS = ["online_store", "marketplace", "point_of_sale"] as const;

const historyArb = (live: boolean) =>
  fc
    .record({
      stock: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: SKUS.length, maxLength: SKUS.length }),
      orders: fc.array(
        fc.record({
          sku: fc.constantFrom(...SKUS),
          channel: fc.constantFrom(...CHANNELS),
          second: fc.integer({ min: 0, max: 600 }),
          quantity: fc.integer({ min: 1, max: 4 }),
          cancelAfter: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
        }),
        { maxLength: 25 },
      ),
      refresh: fc.constantFrom(0, 30, 120),
      lag: fc.constantFrom(0, 5, 40),
    })
    .map(
      ({ stock, orders, refresh, lag }): BacktestInput => ({
        levels: SKUS.map((sku, index) => ({ item: sku, sku, location: "Warehouse", units: stock[index]! })),
        orders: orders.map((order, index) => ({
          id: `O${index}`,
          channel: order.channel,
          at: T0 + order.second * 1000,
          lines: [{ item: order.sku, sku: order.sku, quantity: order.quantity }],
          ...(order.cancelAfter !== undefined ? { cancelledAt: T0 + (order.second + order.cancelAfter) * 1000, restocked: true } : {}),
        })),
        refreshSeconds: live ? {} : { marketplace: refresh },
        syncLagSeconds: live ? 0 : lag,
        velocityWindowMinutes: 60,
      }),
    );

const policyArb = fc.oneof(
  fc.constant<Policy | undefined>(undefined),
  fc.integer({ min: 1, max: 3 }).map((units): Policy => ({ version: 1, protection: [{ kind: "safety_stock", units }], channels: [] })),
  fc.constant<Policy>({ version: 1, protection: [], channels: [{ channel: "marketplace", refreshSeconds: 30 }] }),
);

function sum(figures: BacktestFigures[]): Omit<BacktestFigures, "net"> {
  const keys = ["orders", "soldUnits", "filledUnits", "oversoldOrders", "oversoldUnits", "refusedOrders", "withheldUnits"] as const;
  return Object.fromEntries(keys.map((key) => [key, figures.reduce((total, entry) => total + entry[key], 0)])) as Omit<BacktestFigures, "net">;
}

describe("backtest invariants", () => {
  it("with single-line orders, channels, groups and items each add up to the total; every order is counted once", () => {
    fc.assert(
      fc.property(historyArb(false), policyArb, (input, policy) => {
        const run = runBacktest(input, [{ label: "p", policy }]).runs[0]!;
        const { net: _net, ...total } = run.total;
        expect(sum(Object.values(run.byChannel))).toEqual(total);
        expect(sum(Object.values(run.byGroup))).toEqual(total);
        expect(sum(Object.values(run.byItem))).toEqual(total);
        expect(run.total.orders).toBe(input.orders.length);
        expect(run.total.soldUnits).toBe(run.total.filledUnits + run.total.oversoldUnits);
        expect(run.series.oversoldUnits.reduce((a, b) => a + b, 0)).toBe(run.total.oversoldUnits);
        expect(run.series.withheldUnits.reduce((a, b) => a + b, 0)).toBe(run.total.withheldUnits);
      }),
      RUNS,
    );
  });

  it("when every channel reads live and nothing lags, no protection never oversells (each order sees the real stock)", () => {
    fc.assert(
      fc.property(historyArb(true), (input) => {
        expect(runBacktest(input, [{ label: "none", policy: undefined }]).runs[0]!.total.oversoldUnits).toBe(0);
      }),
      RUNS,
    );
  });

  it("every suggested buffer, added to the policy and replayed, leaves its SKU with no oversell", () => {
    fc.assert(
      fc.property(historyArb(false), policyArb, (input, policy) => {
        const run = runBacktest(input, [{ label: "p", policy }]).runs[0]!;
        for (const suggestion of suggestBuffers(input, policy, run)) {
          const replayed = runBacktest(input, [{ label: "b", policy: withSkuBuffer(policy, suggestion.sku, suggestion.units) }]).runs[0]!;
          expect(replayed.byGroup[suggestion.sku]?.oversoldUnits ?? 0).toBe(0);
          expect(suggestion.oversoldUnits).toBe(run.byGroup[suggestion.sku]!.oversoldUnits);
        }
      }),
      RUNS,
    );
  });

  it("every suggested marketplace reserve, added to the policy and replayed, leaves its SKU with no oversell", () => {
    let suggested = 0;
    fc.assert(
      fc.property(historyArb(false), policyArb, (input, policy) => {
        const run = runBacktest(input, [{ label: "p", policy }]).runs[0]!;
        for (const suggestion of suggestReserves(input, policy, run)) {
          suggested++;
          expect((input.refreshSeconds ?? {})[suggestion.channel]).toBeGreaterThan(0);
          // Orders here have one line each, so the other SKUs do not change this SKU's replay.
          const replayed = runBacktest(input, [{ label: "r", policy: withChannelReserve(policy, suggestion.channel, suggestion.units) }]).runs[0]!;
          expect(replayed.byGroup[suggestion.sku]?.oversoldUnits ?? 0).toBe(0);
          expect(suggestion.oversoldUnits).toBe(run.byGroup[suggestion.sku]!.oversoldUnits);
          expect(replayed.byGroup[suggestion.sku]?.withheldUnits ?? 0).toBe(suggestion.withheldUnits);
        }
      }),
      RUNS,
    );
    // The generated histories do produce suggestions (the property is not vacuous).
    expect(suggested).toBeGreaterThan(0);
  });
});
