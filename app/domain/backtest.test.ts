/**
 * Backtest of small hand-made order histories. Every expected figure is worked out by hand in the
 * comments, step by step, from the model in app/domain/backtest.ts (docs/decisions/033).
 */
import { describe, expect, it } from "vitest";
import { policy } from "./__fixtures__/builders";
import { runBacktest, suggestBuffers, suggestReserves, withChannelReserve, withSkuBuffer, type BacktestInput } from "./backtest";

const T0 = Date.parse("2026-12-01T10:00:00Z"); // a whole minute: the marketplace's 60-s reads fall on T0 + 0, 60, 120 s
const at = (seconds: number) => T0 + seconds * 1000;
const line = (sku: string, quantity: number) => ({ item: sku, sku, quantity });

/**
 * MUG: 5 units at Warehouse. The marketplace reads every 60 s (reads at 0 s and 60 s); the online
 * store reads at every order. No sync lag, so a published number is in Shopify at once.
 */
const MUG_HISTORY: BacktestInput = {
  levels: [{ item: "MUG", sku: "MUG", location: "Warehouse", units: 5 }],
  orders: [
    { id: "O1", channel: "marketplace", at: at(10), lines: [line("MUG", 2)] },
    { id: "O2", channel: "online_store", at: at(20), lines: [line("MUG", 2)], cancelledAt: at(100), restocked: true },
    { id: "O3", channel: "marketplace", at: at(30), lines: [line("MUG", 2)] },
    { id: "O4", channel: "online_store", at: at(70), lines: [line("MUG", 1)] },
    { id: "O5", channel: "marketplace", at: at(80), lines: [line("MUG", 1)] },
    { id: "O6", channel: "online_store", at: at(110), lines: [line("MUG", 2)] },
  ],
  refreshSeconds: { marketplace: 60 },
  syncLagSeconds: 0,
  velocityWindowMinutes: 60,
  buckets: 2,
};

const buffer = (units: number) => policy([{ kind: "safety_stock", sku: "MUG", units }]);

describe("backtest of a hand-made history", () => {
  const report = runBacktest(MUG_HISTORY, [
    { label: "No protection", policy: undefined },
    { label: "Current", policy: buffer(1) },
    { label: "Candidate", policy: buffer(2) },
  ]);
  const [none, current, candidate] = report.runs;

  it("no protection: the marketplace's stale copy oversells 1 unit; later orders find nothing", () => {
    // Stock 5. O1 marketplace 2: read at 0 s shows 5 → sold, stock 3, the marketplace sold 2 since its read.
    // O2 online 2: shows 3 → sold, stock 1.
    // O3 marketplace 2: still its 0-s copy, 5 − its own 2 = 3 → sold, but stock is 1: 1 unit oversold, stock −1.
    // O4 online 1: shows max(0, −1) = 0 → refused; the shop had nothing, so 0 withheld.
    // O5 marketplace 1: read at 60 s shows 0 → refused, 0 withheld.
    // O2 cancelled at 100 s with restock: stock −1 + 2 = 1.
    // O6 online 2: shows 1 → refused; the shop had 1 of the 2 → 1 withheld.
    // Sold 2+2+2 = 6, filled 6 − 1 = 5, net 5 − 1 = 4.
    expect(none!.total).toEqual({ orders: 6, soldUnits: 6, filledUnits: 5, oversoldOrders: 1, oversoldUnits: 1, refusedOrders: 3, withheldUnits: 1, net: 4 });
    expect(none!.byChannel.marketplace).toEqual({ orders: 3, soldUnits: 4, filledUnits: 3, oversoldOrders: 1, oversoldUnits: 1, refusedOrders: 1, withheldUnits: 0, net: 2 });
    expect(none!.byChannel.online_store).toEqual({ orders: 3, soldUnits: 2, filledUnits: 2, oversoldOrders: 0, oversoldUnits: 0, refusedOrders: 2, withheldUnits: 1, net: 2 });
  });

  it("a buffer of 1 changes nothing: the marketplace copy is 4, and 4 − 2 = 2 still covers O3", () => {
    // Shows stock − 1. O1: 4 → sold, stock 3. O2: 2 → sold, stock 1. O3: 4 − 2 = 2 → sold, 1 oversold, stock −1.
    // O4, O5 refused (0 shown, 0 in stock); restock → 1; O6 shows 0 → refused, 1 withheld.
    expect(current!.total).toEqual(none!.total);
  });

  it("a buffer of 2 prevents the oversell and withholds 5 units the shop had", () => {
    // Shows stock − 2. O1: 3 → sold, stock 3, marketplace sold 2 since its read.
    // O2 online 2: shows 1 → refused, stock 3 ≥ 2 → 2 withheld.
    // O3 marketplace 2: 3 − 2 = 1 → refused, 2 withheld.
    // O4 online 1: shows 1 → sold, stock 2.   O5 marketplace 1: read at 60 s shows 3 − 2 = 1 → sold, stock 1.
    // O2 was refused here, so its cancellation restocks nothing.
    // O6 online 2: shows max(0, 1 − 2) = 0 → refused, 1 withheld.
    // Sold 2+1+1 = 4, all filled, withheld 2+2+1 = 5, net 4.
    expect(candidate!.total).toEqual({ orders: 6, soldUnits: 4, filledUnits: 4, oversoldOrders: 0, oversoldUnits: 0, refusedOrders: 3, withheldUnits: 5, net: 4 });
    expect(candidate!.byChannel.marketplace).toMatchObject({ orders: 3, refusedOrders: 1, withheldUnits: 2, soldUnits: 3 });
    expect(candidate!.byChannel.online_store).toMatchObject({ orders: 3, refusedOrders: 2, withheldUnits: 3, soldUnits: 1 });
    expect(candidate!.byGroup.MUG).toEqual(candidate!.total);
  });

  it("charts oversold and withheld units over time", () => {
    // Orders span 10 s … 110 s: two buckets of ceil(101 / 2) = 51 s, from 10 s and from 61 s.
    expect(report.bucketStarts).toEqual([at(10), at(61)]);
    // No protection: O3 (30 s) oversold 1 in the first; O6 (110 s) withheld 1 in the second.
    expect(none!.series).toEqual({ oversoldUnits: [1, 0], withheldUnits: [0, 1] });
    // Buffer 2: O2 + O3 withheld 4 in the first, O6 1 in the second.
    expect(candidate!.series).toEqual({ oversoldUnits: [0, 0], withheldUnits: [4, 1] });
  });

  it("suggests the smallest buffer that would have prevented every oversell: 2 units, withholding 5", () => {
    // Buffer 1 still oversells 1 (above); buffer 2 oversells 0 → 2 is the smallest.
    expect(suggestBuffers(MUG_HISTORY, undefined, none!)).toEqual([{ sku: "MUG", units: 2, oversoldUnits: 1, withheldUnits: 5, withheldWithoutUnits: 1 }]);
    // Nothing to suggest where nothing was oversold.
    expect(suggestBuffers(MUG_HISTORY, buffer(2), candidate!)).toEqual([]);
  });

  it("suggests the smallest marketplace reserve that would have prevented the marketplace's oversell: 2 units, withholding 3", () => {
    // A fixed fence of N for the marketplace: the marketplace still lists the whole stock (pool + fence),
    // the online store stock − N (min(N, stock) fenced).
    // N = 1: O1 mkt 2 (copy 5) → sold, stock 3; online shows 2. O2 online 2 → sold, stock 1.
    //        O3 mkt: copy 5 − 2 = 3 → sold 2 of 1: 1 oversold. Not enough.
    // N = 2: O1 sold, stock 3; online shows 1. O2 online 2 → refused, 2 withheld. O3 mkt 3 → sold, stock 1.
    //        O4 online 1: fence min(2, 1) = 1 → shows 0 → refused, 1 withheld. O5 mkt (read at 60 s: 0 + fence 1) → sold, stock 0.
    //        O2's cancellation restocks nothing (refused). O6 online 2: stock 0 → refused, 0 withheld.
    //        0 oversold, 2 + 1 = 3 withheld (no protection withheld 1).
    expect(suggestReserves(MUG_HISTORY, undefined, none!)).toEqual([
      { sku: "MUG", channel: "marketplace", units: 2, oversoldUnits: 1, withheldUnits: 3, withheldWithoutUnits: 1 },
    ]);
    const reserved = runBacktest(MUG_HISTORY, [{ label: "reserve", policy: withChannelReserve(undefined, "marketplace", 2) }]).runs[0]!;
    expect(reserved.total).toMatchObject({ oversoldUnits: 0, withheldUnits: 3, soldUnits: 5 });
    // No channel with a refresh window, or nothing oversold: nothing to suggest.
    expect(suggestReserves({ ...MUG_HISTORY, refreshSeconds: {} }, undefined, none!)).toEqual([]);
    expect(suggestReserves(MUG_HISTORY, buffer(2), candidate!)).toEqual([]);
  });

  it("a reserve suggestion sets the channel's fixed fence and keeps the rest of its rule", () => {
    const draft = policy([], [{ channel: "marketplace", refreshSeconds: 60, ringFenceSizing: "measured", ringFenceUnits: 15, ringFenceMinUnits: 2, fixedUnits: 0 }]);
    // A self-sizing reserve becomes a fixed one of the suggested size; a larger fixed fence stays.
    expect(withChannelReserve(draft, "marketplace", 4).channels).toEqual([{ channel: "marketplace", refreshSeconds: 60, ringFenceUnits: 4, fixedUnits: 0 }]);
    expect(withChannelReserve(withChannelReserve(draft, "marketplace", 6), "marketplace", 4).channels[0]!.ringFenceUnits).toBe(6);
    expect(withChannelReserve(undefined, "marketplace", 3).channels).toEqual([{ channel: "marketplace", ringFenceUnits: 3 }]);
  });

  it("a suggestion replaces the SKU's own buffer rule and keeps every other rule", () => {
    const draft = policy([{ kind: "safety_stock", sku: "MUG", units: 1 }, { kind: "safety_stock", units: 3, location: "Warehouse" }]);
    expect(withSkuBuffer(draft, "MUG", 2).protection).toEqual([
      { kind: "safety_stock", units: 3, location: "Warehouse" },
      { kind: "safety_stock", sku: "MUG", units: 2 },
    ]);
  });
});

describe("backtest with sync lag, a receipt and a two-line order", () => {
  it("counts Shopify's own moves during the lag and refuses a whole order when one line cannot sell", () => {
    // A: 3 at Warehouse, B: 0. Buffer 1 on A. Online store only; the published number lands 30 s late.
    const report = runBacktest(
      {
        levels: [
          { item: "A", sku: "A", location: "Warehouse", units: 3 },
          { item: "B", sku: "B", location: "Warehouse", units: 0 },
        ],
        orders: [
          // 0 s: shows 3 − 1 = 2 → sold, stock 1.
          { id: "P1", channel: "online_store", at: at(0), lines: [line("A", 2)] },
          // 10 s: Safestock's number from −20 s is still the opening 2, and Shopify has moved −2 since → shows 0 → refused; 1 in stock → 1 withheld.
          { id: "P2", channel: "online_store", at: at(10), lines: [line("A", 1)] },
          // (20 s: 5 units received, stock 6.) 40 s: number from 10 s is 0 (stock 1 − 1), Shopify moved +5 since → shows 5 → sold 3, stock 3.
          { id: "P3", channel: "online_store", at: at(40), lines: [line("A", 3)] },
          // 50 s: B shows 0 → the whole order is refused: A's 1 unit was in stock (withheld 1), B had none (0).
          { id: "P4", channel: "online_store", at: at(50), lines: [line("A", 1), line("B", 1)] },
        ],
        receipts: [{ item: "A", sku: "A", location: "Warehouse", at: at(20), units: 5 }],
        syncLagSeconds: 30,
        velocityWindowMinutes: 60,
      },
      [{ label: "Buffer 1", policy: policy([{ kind: "safety_stock", sku: "A", units: 1 }]) }],
    );
    const run = report.runs[0]!;
    // Sold 2 + 3 = 5, none oversold; refused P2 and P4; withheld 1 + 1 = 2.
    expect(run.total).toEqual({ orders: 4, soldUnits: 5, filledUnits: 5, oversoldOrders: 0, oversoldUnits: 0, refusedOrders: 2, withheldUnits: 2, net: 5 });
    expect(run.byGroup.A).toMatchObject({ orders: 4, refusedOrders: 2, withheldUnits: 2 });
    expect(run.byGroup.B).toMatchObject({ orders: 1, refusedOrders: 1, withheldUnits: 0 });
  });
});
