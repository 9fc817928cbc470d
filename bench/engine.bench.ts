/**
 * Rules engine at catalog scale: 100,000 SKUs × 3 locations × 4 channels, with every rule kind in play.
 * Target on a 2-core machine: a full plan under 1 s and under 500 MB peak RSS; then the same at
 * 1,000,000 levels (333,334 SKUs): a plan under 1.5 s.
 */
import {
  compilePolicy,
  shopFactsOf,
  planAvailability,
  checkPolicy,
  validateSnapshot,
  type Hold,
  type Item,
  type Level,
  type Policy,
  type ProtectionRule,
  type Snapshot,
} from "../app/domain/index";
import os from "node:os";
import type { Benchmark } from "./run";

const SKU_COUNT = 100_000;
/** The second size: 1,000,000 levels (333,334 SKUs × 3 locations); target: a plan under 1.5 s. */
const MILLION_SKUS = Math.ceil(1_000_000 / 3);
const LOCATIONS = ["Warehouse", "Soho", "Brooklyn"];
const NOW = "2026-11-23T13:00:00Z";
const TIMED_RUNS = 3;

/** Deterministic pseudo-random numbers (the bench must not vary from run to run). */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function catalog(skuCount = SKU_COUNT): { snapshot: Snapshot; policy: Policy } {
  const random = lcg(42);
  const int = (max: number) => Math.floor(random() * (max + 1));
  const levels: Level[] = [];
  const items: Item[] = [];
  const holds: Hold[] = [];
  const tags = ["bestseller", "promo", "gift", "clearance", "new"];
  for (let i = 0; i < skuCount; i++) {
    const sku = `SKU-${i}`;
    items.push({ sku, product: `P-${Math.floor(i / 4)}`, tags: [tags[i % 5]!, tags[(i + 1 + (i % 4)) % 5]!], unitsPerMinute: int(20) / 10 });
    for (const location of LOCATIONS) {
      const onHand = int(200);
      levels.push({
        sku,
        location,
        onHand,
        committed: int(Math.floor(onHand / 4)),
        reserved: int(2),
        damaged: int(1),
        qualityControl: 0,
        incoming: int(50),
        ...(location === "Warehouse" && i % 10 === 0 ? { received: int(20) } : {}),
      });
    }
    if (i % 20 === 0) holds.push({ sku, channel: "online_store", units: 1 + int(2), expiresAt: "2026-11-23T13:10:00Z" });
  }

  const protection: ProtectionRule[] = [
    { kind: "safety_stock", units: 5 },
    { kind: "safety_stock", units: 3, location: "Soho", tag: "bestseller" },
    { kind: "safety_stock", units: 8, tag: "clearance" },
    { kind: "safety_stock", units: 2, product: "P-100" },
    { kind: "velocity_buffer", riskFactor: 2, maxUnits: 20, tag: "promo" },
    { kind: "release_gate", location: "Warehouse" },
  ];
  for (let i = 0; i < 2_000; i++) protection.push({ kind: "safety_stock", units: 1 + (i % 4), sku: `SKU-${i * 37}` });
  for (let i = 0; i < 2_000; i++) protection.push({ kind: "display", units: 1, location: "Soho", sku: `SKU-${i * 41}` });
  protection.push({
    kind: "quarantine",
    skus: Array.from({ length: 500 }, (_, i) => `SKU-${i * 97 + 1}`),
    units: 10,
    releases: [
      { at: "2026-11-24T09:00:00Z", units: 5 },
      { at: "2026-11-25T09:00:00Z", units: 5 },
    ],
  });

  return {
    snapshot: { syncLagMinutes: 5, levels, items, holds, channels: ["online_store", "marketplace", "wholesale", "pos"] },
    policy: {
      version: 1,
      protection,
      channels: [
        { channel: "online_store", tier: 1, networkMinimum: 2, locations: ["Warehouse", "Soho"] },
        { channel: "marketplace", tier: 2, allocationPercent: 50, maxUnits: 300, pauseBelow: 5 },
        { channel: "wholesale", tier: 3, fixedUnits: 50, reserveForHigherTiersBelow: 20 },
        { channel: "pos", tier: 1, locations: ["Soho", "Brooklyn"] },
      ],
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (millis: number) => `${millis.toFixed(0)} ms`;
const maxRss = () => process.resourceUsage().maxRSS * 1024;

/** heapUsed sampled at every phase boundary (a synchronous plan cannot be sampled mid-run). */
let peakHeap = 0;
function sample(): void {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}

/** Wall and CPU time: other processes on a shared machine stretch the first, not so much the second. */
function timed<T>(work: () => T): [T, number, number] {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const value = work();
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  sample();
  return [value, elapsed, (cpu.user + cpu.system) / 1000];
}

const engine: Benchmark = {
  description: `${SKU_COUNT.toLocaleString("en")} SKUs × ${LOCATIONS.length} locations × 4 channels`,
  run() {
    // One after the other: the 100,000-SKU catalog and its plans are garbage before the million is built.
    planHundredThousand();
    planMillion();
  },
};

function planHundredThousand(): void {
  {
    sample();
    const [{ snapshot, policy }, generateMs] = timed(catalog);
    const inputHeap = process.memoryUsage().heapUsed;
    const rssWithInput = maxRss();

    // The plan is measured first so validation garbage does not inflate its memory figures.
    const [compiled, compileMs] = timed(() => compilePolicy(policy));
    const [firstPlan, firstMs, firstCpu] = timed(() => planAvailability(compiled, snapshot, { now: NOW }));
    const rssAfterFirst = maxRss();
    const levelLines = firstPlan.levels.reduce((n, l) => n + l.explain.length, 0);
    const channelLines = firstPlan.channels.reduce((n, c) => n + c.explain.length, 0);
    const output = `${firstPlan.levels.length.toLocaleString("en")} level plans (${levelLines.toLocaleString("en")} explain lines), ${firstPlan.channels.length.toLocaleString("en")} channel plans (${channelLines.toLocaleString("en")} explain lines)`;

    const warm: number[] = [];
    const warmCpu: number[] = [];
    for (let i = 0; i < TIMED_RUNS; i++) {
      const [, elapsed, cpu] = timed(() => planAvailability(compiled, snapshot, { now: NOW }));
      warm.push(elapsed);
      warmCpu.push(cpu);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

    const [snapshotResult, validateSnapshotMs] = timed(() => validateSnapshot(snapshot));
    const [policyResult, checkPolicyMs] = timed(() => checkPolicy(policy, shopFactsOf(snapshot)));
    if (!snapshotResult.ok) throw new Error(`benchmark snapshot is invalid: ${JSON.stringify(snapshotResult.problems.slice(0, 5))}`);
    if (!policyResult.ok) throw new Error(`benchmark policy is invalid: ${JSON.stringify(policyResult.problems.slice(0, 5))}`);

    const rows: [string, string][] = [
      ["input", `${snapshot.levels.length.toLocaleString("en")} levels, ${policy.protection.length.toLocaleString("en")} protection rules, ${snapshot.holds?.length.toLocaleString("en")} holds (generated in ${ms(generateMs)})`],
      ["output", output],
      ["compilePolicy", ms(compileMs)],
      ["planAvailability, first run", `${ms(firstMs)} wall, ${ms(firstCpu)} CPU`],
      [`planAvailability, next ${TIMED_RUNS} runs`, `median ${ms(median(warm))} wall (best ${ms(Math.min(...warm))}), median ${ms(median(warmCpu))} CPU`],
      ["peak RSS: with input / after first plan", `${mb(rssWithInput)} / ${mb(rssAfterFirst)}`],
      ["heapUsed: with input / peak sampled", `${mb(inputHeap)} / ${mb(peakHeap)}`],
      ["validateSnapshot / checkPolicy", `${ms(validateSnapshotMs)} / ${ms(checkPolicyMs)}`],
      ["peak RSS at the end (all runs + validation)", mb(maxRss())],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) process.stdout.write(`${label.padEnd(width)}  ${value}\n`);
  }
}

/**
 * The same catalog and rules at 1,000,000 levels (333,334 SKUs × 3 locations), target: a plan under
 * 1.5 s. Wall and CPU time of a first and of TIMED_RUNS more plans; no validation or memory figures
 * (the 100,000-SKU run has them). On this shared machine wall time follows the other sessions'
 * load; CPU time includes the garbage collector's helper threads.
 */
function planMillion(): void {
  const { snapshot, policy } = catalog(MILLION_SKUS);
  const compiled = compilePolicy(policy);
  const [, firstMs, firstCpu] = timed(() => planAvailability(compiled, snapshot, { now: NOW }));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const [, elapsed, used] = timed(() => planAvailability(compiled, snapshot, { now: NOW }));
    wall.push(elapsed);
    cpu.push(used);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  process.stdout.write(
    `\n${snapshot.levels.length.toLocaleString("en")} levels (${MILLION_SKUS.toLocaleString("en")} SKUs × ${LOCATIONS.length}): planAvailability first ${ms(firstMs)} wall / ${ms(firstCpu)} CPU; ` +
      `next ${TIMED_RUNS}: median ${ms(median(wall))} wall (best ${ms(Math.min(...wall))}), median ${ms(median(cpu))} CPU (best ${ms(Math.min(...cpu))}); target < 1,500 ms; load average ${os.loadavg()[0]!.toFixed(1)}\n`,
  );
}

export default engine;
