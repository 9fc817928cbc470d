/**
 * Backtest at shop scale (issue 21 §1): 100,000 past orders over 10,000 SKUs at 2 locations,
 * sold on 3 channels (a marketplace reading every 15 s), replayed under no protection, the policy
 * in force and a candidate, then the buffer suggestions for the candidate's oversold SKUs.
 * Target: under 60 s of CPU on this 2-core machine. Prints CPU and wall time; never asserts.
 */
import { runBacktest, suggestBuffers, suggestReserves, type BacktestInput, type BacktestOrder } from "../app/domain/backtest";
import type { Policy } from "../app/domain/types";
import type { Benchmark } from "./run";

const ORDERS = 100_000;
const SKUS = 10_000;
const LOCATIONS = ["Warehouse", "Soho"];
const CHANNELS = ["online_store", "marketplace", "point_of_sale"];
const START = Date.parse("2026-11-01T00:00:00Z");
const WINDOW_MS = 30 * 24 * 3600_000;

/** Deterministic pseudo-random numbers (the bench must not vary from run to run). */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A month of orders: popular SKUs sell more (a skewed pick), one order in ten has two lines, 5 % are cancelled. */
function history(): BacktestInput {
  const random = lcg(21);
  const int = (max: number) => Math.floor(random() * (max + 1));
  const levels = [];
  for (let i = 0; i < SKUS; i++) for (const location of LOCATIONS) levels.push({ item: `gid://shopify/InventoryItem/${i + 1}`, sku: `SKU-${i}`, location, units: 2 + int(18) });
  const pick = () => Math.floor(SKUS * random() ** 2);
  const lineOf = (index: number) => ({ item: `gid://shopify/InventoryItem/${index + 1}`, sku: `SKU-${index}`, quantity: 1 + (random() < 0.2 ? 1 : 0) });
  const orders: BacktestOrder[] = [];
  for (let n = 0; n < ORDERS; n++) {
    const at = START + Math.floor((n / ORDERS) * WINDOW_MS) + int(5_000);
    const lines = random() < 0.1 ? [lineOf(pick()), lineOf(pick())] : [lineOf(pick())];
    const cancelled = random() < 0.05;
    orders.push({ id: `O${n}`, channel: CHANNELS[int(2)]!, at, lines, ...(cancelled ? { cancelledAt: at + 3_600_000, restocked: random() < 0.8 } : {}) });
  }
  const receipts = Array.from({ length: SKUS / 2 }, (_, i) => ({
    item: `gid://shopify/InventoryItem/${i * 2 + 1}`,
    sku: `SKU-${i * 2}`,
    location: "Warehouse",
    at: START + int(WINDOW_MS),
    units: 5 + int(20),
  }));
  return { levels, orders, receipts, refreshSeconds: { marketplace: 15 }, syncLagSeconds: 3, velocityWindowMinutes: 60 };
}

const CURRENT: Policy = { version: 1, protection: [{ kind: "safety_stock", units: 1 }], channels: [{ channel: "marketplace", refreshSeconds: 15 }] };
const CANDIDATE: Policy = {
  version: 1,
  protection: [{ kind: "safety_stock", units: 1 }, { kind: "velocity_buffer", minUnits: 1, maxUnits: 5 }],
  channels: [{ channel: "marketplace", refreshSeconds: 15, ringFenceUnits: 2 }],
};

const seconds = (micros: number) => (micros / 1e6).toFixed(1);

const benchmark: Benchmark = {
  description: `${ORDERS.toLocaleString("en")} past orders over ${SKUS.toLocaleString("en")} SKUs, 3 policies, then buffer and marketplace reserve suggestions (target < 60 s CPU)`,
  run() {
    const input = history();
    const lines = input.orders.reduce((sum, order) => sum + order.lines.length, 0);
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const report = runBacktest(input, [
      { label: "No protection", policy: undefined },
      { label: "Current", policy: CURRENT },
      { label: "Candidate", policy: CANDIDATE },
    ]);
    const replayCpu = process.cpuUsage(cpu);
    const replayWall = performance.now() - wall;
    // The candidate oversells nothing here; suggestions are sized for the unprotected replay's oversold SKUs.
    const suggestions = suggestBuffers(input, undefined, report.runs[0]!);
    const reserves = suggestReserves(input, undefined, report.runs[0]!);
    const totalCpu = process.cpuUsage(cpu);
    const totalWall = performance.now() - wall;
    for (const run of report.runs) {
      const t = run.total;
      process.stdout.write(
        `${run.label.padEnd(14)} orders ${t.orders}  oversold ${t.oversoldUnits} units / ${t.oversoldOrders} orders  refused ${t.refusedOrders}  withheld ${t.withheldUnits}  net ${t.net}\n`,
      );
    }
    process.stdout.write(`order lines: ${lines}, receipts: ${input.receipts!.length}, suggestions: ${suggestions.length} buffers, ${reserves.length} reserves\n`);
    process.stdout.write(`replay (3 policies): ${seconds(replayCpu.user + replayCpu.system)} s CPU, ${(replayWall / 1000).toFixed(1)} s wall\n`);
    process.stdout.write(`with suggestions:    ${seconds(totalCpu.user + totalCpu.system)} s CPU, ${(totalWall / 1000).toFixed(1)} s wall (target < 60 s CPU)\n`);
  },
};

export default benchmark;
