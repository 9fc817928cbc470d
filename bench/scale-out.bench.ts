/**
 * Scale-out: the same burst of orders against the Postgres + BullMQ profile with 1, 2 and 4 worker
 * processes (tests/scale-out/cluster.ts: 2 web processes, the emulated shop in its own process,
 * a fresh database and Redis prefix per run). Prints accepted webhooks/s (deliveries the web
 * processes answered 2xx, over the time from the first to the last), recomputes/s (recompute jobs
 * completed, from the first order until every job has finished) and the scaling ratio against one
 * worker. Figures only, never asserted: they depend on the machine and on what else runs on it.
 *
 * Knobs: SCALE_WORKERS (1,2,4), SCALE_ORDERS (400), SCALE_SKUS (50), SCALE_LATENCY_MS (100: network
 * time before each Admin API answer; the workers wait on Shopify, which is what more of them hide),
 * SCALE_CONCURRENCY (4 jobs per worker).
 */
import { createPrng } from "../sandbox/prng";
import { clusterUnavailable, startCluster, type Cluster } from "../tests/scale-out/cluster";
import type { Benchmark } from "./run";
import { machine, markdownTable, textTable, updateReadme, writeResults } from "./support/report";

const WORKERS = (process.env.SCALE_WORKERS ?? "1,2,4").split(",").map(Number);
const ORDERS = Number(process.env.SCALE_ORDERS ?? 400);
const SKUS = Number(process.env.SCALE_SKUS ?? 50);
const LATENCY_MS = Number(process.env.SCALE_LATENCY_MS ?? 100);
const CONCURRENCY = process.env.SCALE_CONCURRENCY ?? "4";
const SHOP = "scale-out.myshopify.com";
const POLICY = { version: 1, protection: [{ kind: "safety_stock", units: 2 }], channels: [] };

interface Run {
  workers: number;
  orders: number;
  deliveries: number;
  acceptedPerSecond: number;
  recomputes: number;
  recomputesPerSecond: number;
  drainSeconds: number;
  adminRequests: number;
  throttled: number;
  /** Admin requests by operation name. */
  operations: Record<string, number>;
  emulatorCpuSeconds: number;
}

async function completedRecomputes(cluster: Cluster): Promise<number> {
  const { createRedis } = await import("~/jobs/redis.server");
  const redis = createRedis();
  try {
    return await redis.zcard(`${cluster.redisPrefix}:recompute:completed`);
  } finally {
    redis.disconnect();
  }
}

async function waitFor(check: () => Promise<boolean>, limitMs: number, what: string) {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${limitMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const quiet = async (cluster: Cluster) => {
  const [network, queue] = await Promise.all([cluster.network(), cluster.queueCounts()]);
  return network.pending === 0 && queue.active.length === 0 && queue.pending === 0;
};

async function runWith(workers: number): Promise<Run> {
  const cluster = await startCluster({
    web: 2,
    workers,
    shop: SHOP,
    variants: SKUS,
    maxAvailable: 40,
    // Shopify Plus limits: the bucket is not what is measured here (the cluster test checks it).
    throttle: { bucketSize: 2000, restoreRate: 1000 },
    policy: POLICY,
    redeliverEvery: 0,
    adminLatencyMs: LATENCY_MS,
    workerEnv: { WORKER_CONCURRENCY: CONCURRENCY, WORKER_POLL_INTERVAL_MS: "100" },
  });
  try {
    await cluster.seed();
    await waitFor(() => quiet(cluster), 300_000, "policy applied");
    const network0 = await cluster.network();
    const recomputes0 = await completedRecomputes(cluster);
    const seq0 = (await cluster.costLog()).at(-1)?.seq ?? 0;
    const cpu0 = (await (await fetch(`${cluster.emulatorUrl}/cluster/cpu`)).json()) as { seconds: number };

    const random = createPrng(7);
    const variants = (await cluster.state()).variants;
    const started = Date.now();
    for (let i = 0; i < ORDERS; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, ORDERS - i) }, () =>
          cluster.placeOrder([{ variantId: variants[Math.floor(variants.length * random())]!.id, quantity: 1 }], { ignorePolicy: true }),
        ),
      );
    }
    await waitFor(() => quiet(cluster), 600_000, "burst processed");
    const drainSeconds = (Date.now() - started) / 1000;
    const network = await cluster.network();
    const deliveries = network.accepted - network0.accepted;
    const recomputes = (await completedRecomputes(cluster)) - recomputes0;
    const app = (await cluster.costLog({ since: seq0 })).filter((e) => e.apiClientId === "sandbox-api-key");
    const cpu = (await (await fetch(`${cluster.emulatorUrl}/cluster/cpu`)).json()) as { seconds: number };
    return {
      workers,
      orders: ORDERS,
      deliveries,
      acceptedPerSecond: deliveries / Math.max(0.001, (network.lastAcceptedAt - started) / 1000),
      recomputes,
      recomputesPerSecond: recomputes / drainSeconds,
      drainSeconds,
      adminRequests: app.length,
      throttled: app.filter((e) => e.throttled).length,
      operations: app.reduce<Record<string, number>>((counts, e) => ({ ...counts, [e.operation ?? "anonymous"]: (counts[e.operation ?? "anonymous"] ?? 0) + 1 }), {}),
      emulatorCpuSeconds: cpu.seconds - cpu0.seconds,
    };
  } finally {
    await cluster.stop();
  }
}

const benchmark: Benchmark = {
  description: `scale-out: ${ORDERS} orders over ${SKUS} SKUs on PostgreSQL + BullMQ, 2 web processes, ${WORKERS.join("/")} workers`,
  async run() {
    const unavailable = await clusterUnavailable();
    if (unavailable) {
      process.stdout.write(`skipped: PostgreSQL and Redis on 127.0.0.1 are needed (${unavailable})\n`);
      return;
    }
    const runs: Run[] = [];
    for (const workers of WORKERS) {
      process.stdout.write(`${workers} worker(s) …\n`);
      runs.push(await runWith(workers));
    }
    const base = runs.find((r) => r.workers === 1) ?? runs[0]!;
    const rows = [
      ["workers", "orders", "deliveries", "accepted webhooks/s", "recomputes", "recomputes/s", "scaling ×", "drain s", "Admin requests", "THROTTLED", "emulator CPU s"],
      ...runs.map((r) => [
        r.workers,
        r.orders,
        r.deliveries,
        r.acceptedPerSecond.toFixed(1),
        r.recomputes,
        r.recomputesPerSecond.toFixed(1),
        (r.recomputesPerSecond / base.recomputesPerSecond).toFixed(2),
        r.drainSeconds.toFixed(1),
        r.adminRequests,
        r.throttled,
        r.emulatorCpuSeconds.toFixed(1),
      ]),
    ];
    process.stdout.write(textTable(rows) + "\n");
    const operations = runs.map((r) => `- ${r.workers} worker(s): ${Object.entries(r.operations).map(([name, count]) => `${name} ${count}`).join(", ")}`).join("\n");
    process.stdout.write(operations + "\n");
    const file = writeResults("scale-out", { orders: ORDERS, skus: SKUS, latencyMs: LATENCY_MS, concurrency: Number(CONCURRENCY), runs });
    const load = (await import("node:os")).loadavg()[0]!.toFixed(1);
    updateReadme(
      "scale-out",
      `### Scale-out: ${ORDERS} orders over ${SKUS} SKUs, 2 web processes, PostgreSQL + BullMQ (run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${machine()}, load average ${load})

Each run: a fresh database and Redis prefix, the emulated shop in its own process (Plus limits,
${LATENCY_MS} ms of network time before each Admin API answer), ${CONCURRENCY} jobs per worker. Accepted
webhooks/s: deliveries the web processes answered 2xx, from the first order to the last answer.
Recomputes/s: recompute jobs completed from the first order until every job had finished (bursts
coalesce per item, so fewer jobs can mean more work per job). Scaling: recomputes/s against 1 worker.

${markdownTable(rows)}

Admin requests during the burst, by operation:

${operations}`,
    );
    process.stdout.write(`results: ${file}\n`);
  },
};

export default benchmark;
