/**
 * The sync pipeline end to end against the emulated shop (in process, through msw): initial sync
 * of a generated catalog, a policy applied by reconciliation, then a burst of orders from
 * webhook to written quantities. Prints wall time, Admin API requests and cost points.
 * Shopify Plus limits (bucket 2,000, restore 1,000/s) so the emulator's real-time leaky bucket
 * is not what is measured.
 *
 * `BENCH_SERVER=remix-serve` runs the built app as `npm run start` does instead (remix-serve, its
 * worker in the web process, the emulated shop over HTTP, webhooks over HTTP): the production
 * server's own fetch and streams (docs/decisions/022), at production coalescing windows.
 */
import { startBenchEnvironment, storeExchangedOfflineSession } from "./support/app";
import type { Benchmark } from "./run";

const VARIANTS = Number(process.env.BENCH_VARIANTS ?? 2_000);
const SERVER = process.env.BENCH_SERVER === "remix-serve" ? "remix-serve" : "in-process";
const ORDERS = 200;
// The emulator's bulk read rate (objects a second; sandbox/admin-api/resolvers/bulk.ts, decision 026):
// unset, the emulator's default. Set it high to see what the app itself costs.
const BULK_OBJECTS_PER_SECOND = process.env.SANDBOX_BULK_OBJECTS_PER_SECOND ? Number(process.env.SANDBOX_BULK_OBJECTS_PER_SECOND) : undefined;
const SHOP = "bench.myshopify.com";
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const benchmark: Benchmark = {
  description: `sync pipeline (${SERVER}): ${VARIANTS} variants × 3 locations, initial sync, policy, ${ORDERS} orders`,
  async run() {
    if (SERVER === "remix-serve") return runUnderRemixServe();
    const { server, database } = startBenchEnvironment();
    const { createSandbox, sandboxHandlers } = await import("../sandbox/index");
    // What an entry point does first (docs/decisions/023): the app builds its pieces on first use.
    (await import("../app/composition.server")).compose();
    const { runInitialSync } = await import("../app/services/initial-sync.server");
    const { publishPolicy } = await import("../app/services/policy.server");
    const { jobQueue } = await import("../app/services/jobs.server");
    const { jobHandlers } = await import("../app/services/job-handlers.server");
    const { createWorker } = await import("../app/jobs/worker.server");

    let requests = 0;
    let deliveries = 0;
    let routeCpuMs = 0;
    // CPU time, not wall time: the machine may be shared.
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    let points = 0;
    const operations = new Map<string, number>();
    server.events.on("request:start", async ({ request }) => {
      if (!request.url.includes("graphql.json")) return;
      const body = (await request.clone().json().catch(() => ({}))) as { query?: string };
      const operation = /(?:query|mutation)\s+(\w+)/.exec(body.query ?? "")?.[1] ?? "anonymous";
      operations.set(operation, (operations.get(operation) ?? 0) + 1);
    });
    server.events.on("response:mocked", async ({ request, response }) => {
      if (!request.url.includes("graphql.json")) return;
      requests++;
      const text = await response.clone().text();
      for (const code of ["STALE_OBJECT", "CHANGE_FROM_QUANTITY_STALE", "THROTTLED", "INVALID_COMPARE_DIGEST"]) {
        if (text.includes(code)) operations.set(code, (operations.get(code) ?? 0) + 1);
      }
      const body = (JSON.parse(text)) as { extensions?: { cost?: { actualQueryCost?: number } } } | null;
      points += body?.extensions?.cost?.actualQueryCost ?? 0;
    });
    const { ensureShopInstalled } = await import("../app/models/shop-installation.server");

    const worker = createWorker({ queue: jobQueue(), handlers: jobHandlers(), logger: { info() {}, warn() {}, error() {} } });
    const sandbox = createSandbox({
      shops: [SHOP],
      apiKey: "sandbox-api-key",
      apiSecret: "sandbox-api-secret",
      appUrl: "https://safestock.bench",
      seed: { variants: VARIANTS },
      throttle: { bucketSize: 2000, restoreRate: 1000 },
      retryDelaysMs: [1, 1, 1],
      ...(BULK_OBJECTS_PER_SECOND ? { bulkObjectsPerSecond: BULK_OBJECTS_PER_SECOND } : {}),
      deliver: async (request) => {
        deliveries++;
        const topic = new URL(request.url).pathname.replace(/^\/webhooks\//, "").split("/").join(".");
        const route = (await import(`../app/routes/webhooks.${topic}.tsx`)) as { action: (args: { request: Request; params: object; context: object }) => Promise<Response> };
        // The route's own CPU (the dispatcher awaits each delivery, so nothing else runs meanwhile
        // but the emulator's answer to it).
        const before = process.cpuUsage();
        const response = await route.action({ request, params: {}, context: {} }).catch((thrown) => (thrown instanceof Response ? thrown : new Response(String(thrown), { status: 500 })));
        routeCpuMs += cpuMs(before);
        return response;
      },
    });
    server.use(...sandboxHandlers(sandbox));
    sandbox.install(SHOP);
    await storeExchangedOfflineSession(SHOP);
    await ensureShopInstalled(SHOP);
    const levels = sandbox.shop(SHOP).snapshot().inventoryLevels.length;

    const measure = async (label: string, work: () => Promise<unknown>) => {
      const [r0, p0, d0, t0, c0] = [requests, points, deliveries, performance.now(), process.cpuUsage()];
      operations.clear();
      await work();
      const elapsed = performance.now() - t0;
      // CPU and webhook deliveries of the phase too: on a shared machine wall time moves with the
      // load, and with Shopify-like delivery (decision 024) the echo webhooks of a phase's own
      // writes arrive, and are handled, during that phase.
      process.stdout.write(`${label.padEnd(36)} ${seconds(elapsed).padStart(9)}   ${String(requests - r0).padStart(5)} requests   ${String(points - p0).padStart(7)} points   ${seconds(cpuMs(c0)).padStart(9)} CPU   ${deliveries - d0} webhook deliveries\n`);
      // With `node --expose-gc` (NODE_OPTIONS): the heap that survives a full collection, i.e. what
      // the phase left retained, which the process's RSS (GC timing, load) does not say.
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        process.stdout.write(`${"".padEnd(36)} heap after a full GC ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`);
      }
      process.stdout.write(`${"".padEnd(36)} ${[...operations].sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name} ${count}`).join(", ")}\n`);
      return elapsed;
    };

    process.stdout.write(`catalog: ${VARIANTS} variants, ${levels} levels\n`);
    await measure("initial sync (bulk read above 1,000)", () => runInitialSync(SHOP));
    await measure("publish policy + reconcile", async () => {
      const result = await publishPolicy(SHOP, BENCH_POLICY(sandbox.shop(SHOP).snapshot().variants[0].sku), { createdBy: "bench" });
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      await worker.runUntilIdle();
    });
    const variants = sandbox.shop(SHOP).snapshot().variants;
    // Intake = the dispatcher's deliveries (the emulator signing them + the routes); worker = the jobs.
    let intakeCpuMs = 0;
    let workerCpuMs = 0;
    let ordersDeliveriesFrom = 0;
    const elapsed = await measure(`${ORDERS} orders → webhooks → writes`, async () => {
      for (let index = 0; index < ORDERS; index++) {
        await sandbox.placeOrder({ lineItems: [{ variantId: variants[(index * 37) % variants.length].id, quantity: 1 }], sourceName: "web" }, SHOP);
      }
      ordersDeliveriesFrom = deliveries;
      routeCpuMs = 0;
      const intakeCpu = process.cpuUsage();
      await sandbox.dispatcher.drain({ fastForward: true });
      intakeCpuMs = cpuMs(intakeCpu);
      const workerCpu = process.cpuUsage();
      await worker.runUntilIdle();
      workerCpuMs = cpuMs(workerCpu);
    });
    process.stdout.write(`per order (emulator + webhook + recompute + writes): ${(elapsed / ORDERS).toFixed(1)} ms wall\n`);
    const ordersDeliveries = deliveries - ordersDeliveriesFrom;
    process.stdout.write(`intake: ${ordersDeliveries} deliveries, ${(intakeCpuMs / Math.max(1, ordersDeliveries)).toFixed(2)} ms CPU per delivery with the emulator's dispatch, ${(routeCpuMs / Math.max(1, ordersDeliveries)).toFixed(2)} ms in the route\n`);
    process.stdout.write(`worker: ${(workerCpuMs / ORDERS).toFixed(2)} ms CPU per order (${workerCpuMs.toFixed(0)} ms in all)\n`);
    process.stdout.write(`peak RSS: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`);
    server.close();
    database.remove();
  },
};

const BENCH_POLICY = (sku: string) => ({
  version: 1,
  protection: [{ kind: "safety_stock", units: 2 }, { kind: "display", units: 1, location: "Soho store", sku }],
  channels: [{ channel: "online_store", tier: 1 }, { channel: "marketplace", tier: 2, allocationPercent: 50 }, { channel: "wholesale", tier: 3, fixedUnits: 5, reserveForHigherTiersBelow: 10 }],
});

/** The same three phases against the built app under remix-serve, timed until the pipeline is quiet. */
async function runUnderRemixServe() {
  const { server, database } = startBenchEnvironment();
  const { buildApp, startSandboxStack, withAppBuildLock } = await import("../sandbox/stack");
  const { SANDBOX_SHOP_DOMAIN: shop } = await import("../sandbox/index");
  const { freePort } = await import("../tests/support/processes");
  const { default: prisma } = await import("../app/db.server");
  const { publishPolicy } = await import("../app/services/policy.server");

  const [port, sandboxPort] = [await freePort(), await freePort()];
  let booted = 0;
  const stack = await withAppBuildLock(async () => {
    const built = performance.now();
    buildApp({ quiet: true });
    process.stdout.write(`app built in ${seconds(performance.now() - built)}\n`);
    booted = performance.now();
    return startSandboxStack({ port, sandboxPort, databaseUrl: database.url, appOutput: "pipe", shopFile: null, plan: "plus", seed: { variants: VARIANTS } });
  });
  const emulator = stack.sandbox.shop(shop) as ReturnType<typeof stack.sandbox.shop> & { costLog(): { actualQueryCost: number | null }[] };
  process.stdout.write(`remix-serve up and the app opened in ${seconds(performance.now() - booted)}; catalog: ${VARIANTS} variants, ${emulator.snapshot().inventoryLevels.length} levels\n`);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** No delivery in flight and no job pending or running, seen twice 250 ms apart (echo webhooks land in between). */
  const quiet = async () => {
    for (let calm = 0; calm < 2; ) {
      await stack.sandbox.dispatcher.drain();
      const busy = await prisma.job.count({ where: { status: { in: ["pending", "running"] } } });
      calm = busy === 0 ? calm + 1 : 0;
      await sleep(250);
    }
  };
  const measure = async (label: string, work: (levelsWritten: () => void) => Promise<unknown>) => {
    const log = emulator.costLog();
    const [r0, p0, d0, t0] = [log.length, log.reduce((sum, entry) => sum + (entry.actualQueryCost ?? 0), 0), stack.sandbox.dispatcher.log.length, performance.now()];
    let written = Number.NaN;
    await work(() => (written = performance.now() - t0));
    const elapsed = performance.now() - t0;
    const after = emulator.costLog();
    const points = after.reduce((sum, entry) => sum + (entry.actualQueryCost ?? 0), 0) - p0;
    process.stdout.write(`${label.padEnd(36)} ${seconds(elapsed).padStart(9)}   ${String(after.length - r0).padStart(5)} requests   ${String(points).padStart(7)} points   ${stack.sandbox.dispatcher.log.length - d0} webhook deliveries\n`);
    if (!Number.isNaN(written)) process.stdout.write(`${"".padEnd(36)} every level at its policy value after ${seconds(written)}; the rest is the writes' echo webhooks, recorded and recomputed to no change\n`);
    return elapsed;
  };
  try {
    await measure("initial sync (bulk read above 1,000)", async () => {
      for (;;) {
        const installation = await prisma.shopInstallation.findUnique({ where: { shop } });
        if (installation?.initialSync === "failed") throw new Error(`initial sync failed: ${installation.initialSyncNote}`);
        if (installation?.initialSync === "done") break;
        await sleep(100);
      }
      await quiet();
    });
    await measure("publish policy + reconcile", async (levelsWritten) => {
      const result = await publishPolicy(shop, BENCH_POLICY(emulator.snapshot().variants[0]!.sku), { createdBy: "bench" });
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      // Every level holds its 2 units (3 at Soho for the displayed SKU) or all it has.
      const protectedAll = () => emulator.snapshot().inventoryLevels.every((level) => level.quantities.safety_stock >= Math.min(2, level.quantities.on_hand - level.quantities.committed));
      while (!protectedAll()) await sleep(100);
      levelsWritten();
      await quiet();
    });
    const variants = emulator.snapshot().variants;
    const elapsed = await measure(`${ORDERS} orders → webhooks → writes`, async () => {
      for (let index = 0; index < ORDERS; index++) {
        await stack.sandbox.placeOrder({ lineItems: [{ variantId: variants[(index * 37) % variants.length]!.id, quantity: 1 }], sourceName: "web" }, shop);
      }
      await quiet();
    });
    process.stdout.write(`per order, wall (the app's coalescing windows included): ${(elapsed / ORDERS).toFixed(1)} ms\n`);
    const dead = await prisma.job.count({ where: { status: "dead" } });
    if (dead > 0) process.stdout.write(`dead jobs: ${dead}\n${stack.appLog().slice(-2000)}\n`);
  } finally {
    await stack.stop();
    await prisma.$disconnect();
    server.close();
    database.remove();
  }
}

export default benchmark;
