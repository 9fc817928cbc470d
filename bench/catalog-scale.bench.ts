/**
 * Catalog scale (bench/README.md): 100,000 variants × 3 locations. Initial sync (one bulk read),
 * then a policy change that re-plans every level and every channel number. The emulated shop runs in
 * its own process, so the app's CPU time and peak RSS are the app's alone; wall time includes the
 * leaky bucket. Prints wall time, app CPU time, peak RSS, requests, cost points, and the lower bound:
 * ceil(changed levels / 250) moves + ceil(changed channel numbers / 25) metafield writes, and the
 * restore rate's floor on wall time for that many points.
 *
 *   CATALOG_VARIANTS=100000 CATALOG_PLAN=plus npm run bench -- catalog-scale
 *
 * The plan defaults to Plus (restore 1,000 points/s) so the bench finishes in minutes; the Standard
 * plan's floor (restore 100/s) is computed from the same counts and printed beside it.
 */
import { http } from "msw";
import { BENCH_API_KEY, BENCH_API_SECRET, BENCH_APP_URL, installSafestock, peakRssMb, startBenchApp, type ApiCall } from "./support/app";
import { machine, markdownTable, textTable, updateReadme, writeResults } from "./support/report";
import { startSandboxProcess } from "./support/sandbox-process";
import type { Benchmark } from "./run";

const VARIANTS = Number(process.env.CATALOG_VARIANTS ?? 100_000);
const PLANS = { standard: { bucketSize: 2_000, restoreRate: 100 }, plus: { bucketSize: 2_000, restoreRate: 1_000 } } as const;
const PLAN = (process.env.CATALOG_PLAN ?? "plus") as keyof typeof PLANS;
const SHOP = "catalog-scale.myshopify.com";
const MOVES_PER_CALL = 250;
const METAFIELDS_PER_CALL = 25;

interface Phase {
  phase: string;
  wallSeconds: number;
  appCpuSeconds: number;
  emulatorCpuSeconds: number;
  requests: number;
  costPoints: number;
  operations: Record<string, number>;
  changedLevels: number;
  channelWrites: number;
  lowerBoundMutations: number;
  lowerBoundPoints: number;
  floorSecondsThisPlan: number;
  floorSecondsStandard: number;
  throttled: number;
  peakRssMb: number;
}

/** What a write changed, counted when its answer arrives (see `countWrites`). */
const written = new WeakMap<ApiCall, { changes?: number; metafields?: number }>();

/**
 * Counts each mutation's level changes and channel numbers as it is answered, then drops the
 * call's variables: the meter runs in the app's process, and at 100,000 variants the re-plan's
 * ~5,000 requests keep ~70 MB of request JSON that would count in the app's peak RSS.
 */
function countWrites(call: ApiCall) {
  if (call.mutation) {
    const variables = JSON.parse(call.variables) as { input?: { changes?: unknown[] }; metafields?: unknown[] };
    written.set(call, { changes: variables.input?.changes?.length, metafields: variables.metafields?.length });
  }
  call.variables = "";
}

/** Counts what the writes of a phase changed: level changes in moves, channel numbers in metafield writes. */
function writesIn(calls: readonly ApiCall[]) {
  let changedLevels = 0;
  let channelWrites = 0;
  let moveCost = 0;
  let moveCalls = 0;
  let metafieldCost = 0;
  let metafieldCalls = 0;
  for (const call of calls) {
    const counts = written.get(call);
    if (!counts) continue;
    if (counts.changes !== undefined) {
      changedLevels += counts.changes;
      moveCost += call.cost;
      moveCalls++;
    }
    if (counts.metafields !== undefined) {
      channelWrites += counts.metafields;
      metafieldCost += call.cost;
      metafieldCalls++;
    }
  }
  return { changedLevels, channelWrites, moveCostPerCall: moveCalls ? moveCost / moveCalls : 0, metafieldCostPerCall: metafieldCalls ? metafieldCost / metafieldCalls : 0 };
}

const benchmark: Benchmark = {
  description: `catalog scale: ${VARIANTS.toLocaleString("en")} variants × 3 locations, initial sync then a re-plan of everything (${PLAN} plan)`,
  async run() {
    const throttle = PLANS[PLAN];
    const emulator = await startSandboxProcess({ shop: SHOP, variants: VARIANTS, throttle, apiKey: BENCH_API_KEY, apiSecret: BENCH_API_SECRET, appUrl: BENCH_APP_URL });
    const { server, meter, database } = await startBenchApp();
    meter.onAnswer(countWrites);
    // Every call to the shop goes to the emulator's process (the shop is named in ?shop=).
    server.use(
      http.all("https://*.myshopify.com/*", async ({ request }) => {
        const url = new URL(request.url);
        const target = new URL(`http://127.0.0.1:${emulator.port}${url.pathname}${url.search}`);
        target.searchParams.set("shop", url.hostname);
        const body = request.method === "GET" ? undefined : await request.arrayBuffer();
        const headers: Record<string, string> = {};
        for (const name of ["content-type", "accept", "x-shopify-access-token"]) {
          const value = request.headers.get(name);
          if (value) headers[name] = value;
        }
        const answer = await fetch(target, { method: request.method, headers, body });
        // Streamed through, not buffered: the bulk JSONL of 100,000 variants is ~200 MB, and a
        // copy held here would count in the app's peak RSS (this proxy runs in the app's process).
        return new Response(answer.body, { status: answer.status, headers: { "content-type": answer.headers.get("content-type") ?? "application/json" } });
      }),
    );
    // What an entry point does first (docs/decisions/023): the app builds its pieces on first use.
    (await import("../app/composition.server")).compose();
    const { runInitialSync } = await import("../app/services/initial-sync.server");
    const { publishPolicy } = await import("../app/services/policy.server");
    const { jobQueue } = await import("../app/services/jobs.server");
    const { jobHandlers } = await import("../app/services/job-handlers.server");
    const { createWorker } = await import("../app/jobs/worker.server");
    await installSafestock({ install: () => undefined }, SHOP);
    const worker = createWorker({ queue: jobQueue(), handlers: jobHandlers(), logger: { info() {}, warn() {}, error: (message, meta) => process.stderr.write(`worker: ${message} ${JSON.stringify(meta)}\n`) } });

    const phases: Phase[] = [];
    const measure = async (phase: string, work: () => Promise<unknown>) => {
      const first = meter.calls.length;
      const cpu = process.cpuUsage();
      const emulatorCpu = await emulator.cpuSeconds();
      const started = performance.now();
      await work();
      const wallSeconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const calls = meter.calls.slice(first);
      const operations: Record<string, number> = {};
      for (const call of calls) operations[call.operation] = (operations[call.operation] ?? 0) + 1;
      const writes = writesIn(calls);
      const lowerBoundMoves = Math.ceil(writes.changedLevels / MOVES_PER_CALL);
      const lowerBoundMetafields = Math.ceil(writes.channelWrites / METAFIELDS_PER_CALL);
      const lowerBoundPoints = lowerBoundMoves * writes.moveCostPerCall + lowerBoundMetafields * writes.metafieldCostPerCall;
      const floor = (restoreRate: number) => Math.max(0, lowerBoundPoints - throttle.bucketSize) / restoreRate;
      const result: Phase = {
        phase,
        wallSeconds,
        appCpuSeconds: (used.user + used.system) / 1e6,
        emulatorCpuSeconds: (await emulator.cpuSeconds()) - emulatorCpu,
        requests: calls.length,
        costPoints: calls.reduce((sum, call) => sum + call.cost, 0),
        operations,
        changedLevels: writes.changedLevels,
        channelWrites: writes.channelWrites,
        lowerBoundMutations: lowerBoundMoves + lowerBoundMetafields,
        lowerBoundPoints,
        floorSecondsThisPlan: floor(throttle.restoreRate),
        floorSecondsStandard: floor(PLANS.standard.restoreRate),
        throttled: calls.filter((call) => call.codes.includes("THROTTLED")).length,
        peakRssMb: peakRssMb(),
      };
      phases.push(result);
      process.stdout.write(`${phase}: ${wallSeconds.toFixed(1)} s wall, ${result.appCpuSeconds.toFixed(1)} s app CPU, ${result.requests} requests, ${result.costPoints} points\n`);
      process.stdout.write(`  ${Object.entries(operations).sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name} ${count}`).join(", ")}\n`);
    };

    await measure("initial sync", () => runInitialSync(SHOP));
    await measure("policy change → re-plan all", async () => {
      const published = await publishPolicy(
        SHOP,
        {
          version: 1,
          protection: [{ kind: "safety_stock", units: 2 }, { kind: "velocity_buffer", riskFactor: 2, maxUnits: 5 }],
          channels: [
            { channel: "online_store", tier: 1, locations: ["Warehouse"] },
            { channel: "marketplace", tier: 2, allocationPercent: 50, locations: ["Warehouse"] },
            { channel: "wholesale", tier: 3, fixedUnits: 5, reserveForHigherTiersBelow: 10 },
          ],
        },
        { createdBy: "bench" },
      );
      if (!published.ok) throw new Error(JSON.stringify(published.problems));
      await worker.runUntilIdle();
    });

    const rows = [
      ["phase", "wall s", "app CPU s", "emulator CPU s", "peak RSS MB", "requests", "points", "changed levels", "channel writes", "LB mutations", "LB points", "cost/LB", `floor s (${PLAN})`, "floor s (Standard)", "throttled"],
      ...phases.map((p) => [
        p.phase,
        p.wallSeconds.toFixed(1),
        p.appCpuSeconds.toFixed(1),
        p.emulatorCpuSeconds.toFixed(1),
        p.peakRssMb.toFixed(0),
        p.requests,
        p.costPoints,
        p.changedLevels,
        p.channelWrites,
        p.lowerBoundMutations,
        Math.round(p.lowerBoundPoints),
        p.lowerBoundPoints > 0 ? (p.costPoints / p.lowerBoundPoints).toFixed(2) : "–",
        p.floorSecondsThisPlan.toFixed(0),
        p.floorSecondsStandard.toFixed(0),
        p.throttled,
      ]),
    ];
    process.stdout.write(textTable(rows) + "\n");
    writeResults("catalog-scale", { variants: VARIANTS, plan: PLAN, throttle, phases });
    updateReadme(
      "catalog-scale",
      [
        `### Catalog scale (latest run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${machine()})`,
        "",
        `${VARIANTS.toLocaleString("en")} variants × 3 locations, ${PLAN} plan (bucket ${throttle.bucketSize}, restore ${throttle.restoreRate}/s). App CPU and peak RSS are the app's process alone (the emulator runs in its own). Lower bound: ceil(changed levels / ${MOVES_PER_CALL}) moves + ceil(channel numbers written / ${METAFIELDS_PER_CALL}) metafield writes at the measured cost per call; floor = (LB points − bucket) / restore rate.`,
        "",
        markdownTable(rows),
      ].join("\n"),
    );
    emulator.stop();
    server.close();
    database.remove();
  },
};

export default benchmark;
