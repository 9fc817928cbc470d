/**
 * Server time of every admin page with a large catalog (default 10,000 variants × 3 locations,
 * `BENCH_VARIANTS` to change): the emulated shop is synced once in process (through msw), then
 * each page's loader runs ROUNDS times as the embedded app calls it (session token, the library's
 * authentication included) and p50/p95 are printed. Preview's background computation over the
 * whole catalog is timed separately (total time). Figures only, no pass/fail.
 */
import os from "node:os";
import type { LoaderFunctionArgs } from "@remix-run/node";
import type { Benchmark } from "./run";
import { BENCH_APP_URL, percentile, startBenchEnvironment } from "./support/app";
import { machine, markdownTable, textTable, updateReadme, writeResults } from "./support/report";

const VARIANTS = Number(process.env.BENCH_VARIANTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const SHOP = "pages-bench.myshopify.com";

const ms = (value: number) => `${value.toFixed(1)} ms`;
/** This process's CPU time (user + system) in ms: the machine is shared, wall time alone says little. */
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const load = () => os.loadavg().map((value) => value.toFixed(1)).join(" / ");

type Loader = (args: LoaderFunctionArgs) => Promise<Response>;

const benchmark: Benchmark = {
  description: `admin pages: p50/p95 server time per page with ${VARIANTS} variants × 3 locations (${ROUNDS} rounds); preview total time`,
  async run() {
    const { server, database } = startBenchEnvironment();
    const { createSandbox, sandboxHandlers, SANDBOX_ADMIN_TOKEN } = await import("../sandbox/index");
    const { Session } = await import("@shopify/shopify-api");
    // What an entry point does first (docs/decisions/023): the app builds its pieces on first use.
    (await import("../app/composition.server")).compose();
    const { sessionStorage } = await import("../app/shopify.server");
    const { runInitialSync } = await import("../app/services/initial-sync.server");
    const { publishPolicy } = await import("../app/services/policy.server");
    const { savePolicyDraft } = await import("../app/models/policy-draft.server");
    const { startPreview } = await import("../app/services/policy-preview.server");
    const { getPolicyPreview } = await import("../app/models/policy-preview.server");
    const { jobQueue } = await import("../app/services/jobs.server");
    const { jobHandlers } = await import("../app/services/job-handlers.server");
    const { createWorker } = await import("../app/jobs/worker.server");
    const { ensureShopInstalled } = await import("../app/models/shop-installation.server");

    const worker = createWorker({ queue: jobQueue(), handlers: jobHandlers(), logger: { info() {}, warn() {}, error() {} } });
    const sandbox = createSandbox({
      shops: [SHOP],
      apiKey: "sandbox-api-key",
      apiSecret: "sandbox-api-secret",
      appUrl: BENCH_APP_URL,
      seed: { variants: VARIANTS },
      throttle: { bucketSize: 2000, restoreRate: 1000 },
      retryDelaysMs: [1, 1, 1],
      deliver: async () => new Response(null, { status: 200 }),
    });
    server.use(...sandboxHandlers(sandbox));
    sandbox.install(SHOP);
    await sessionStorage.storeSession(new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: SANDBOX_ADMIN_TOKEN, scope: "write_inventory" }));
    await ensureShopInstalled(SHOP);

    let started = performance.now();
    await runInitialSync(SHOP);
    const sku = sandbox.shop(SHOP).snapshot().variants[0]!.sku;
    const policy = {
      version: 1 as const,
      protection: [{ kind: "safety_stock" as const, units: 2 }],
      channels: [{ channel: "marketplace", tier: 2, allocationPercent: 50, pauseBelow: 3 }],
    };
    const published = await publishPolicy(SHOP, policy, { createdBy: "bench" });
    if (!published.ok) throw new Error(JSON.stringify(published.problems));
    await worker.runUntilIdle();
    process.stdout.write(`setup (initial sync + policy applied): ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

    // Preview of a draft over the whole catalog: the background job's total time.
    await savePolicyDraft(SHOP, { document: { ...policy, protection: [...policy.protection, { kind: "safety_stock", units: 5, sku }] }, basedOnVersion: 1, updatedBy: "bench" });
    started = performance.now();
    let cpuStarted = cpuMs();
    const preview = await startPreview(SHOP, { source: "draft" }, { createdBy: "bench", inlineUpTo: 0 });
    if (!preview.ok) throw new Error(JSON.stringify(preview.problems));
    for (;;) {
      await worker.runUntilIdle();
      const row = await getPolicyPreview(SHOP, preview.id);
      if (row?.status !== "running") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const previewWall = performance.now() - started;
    const previewCpu = cpuMs() - cpuStarted;
    const loadDuringPreview = load();
    process.stdout.write(`preview over ${preview.total} items (background job): ${ms(previewWall)} total, ${ms(previewCpu)} CPU, load ${loadDuringPreview}\n\n`);

    const route = async (name: string) => ((await import(`../app/routes/${name}.tsx`)) as { loader: Loader }).loader;
    const pages: [string, string, string][] = [
      ["Overview", "app._index", "/app"],
      ["Rules", "app.rules", "/app/rules"],
      ["Preview (finished)", "app.preview", `/app/preview?id=${preview.id}`],
      ["Preview + SKU drill-down", "app.preview", `/app/preview?id=${preview.id}&sku=${encodeURIComponent(sku)}`],
      ["Catalog search", "app.catalog-search", "/app/catalog-search?kind=sku&q=SKU-1"],
      ["Inventory", "app.inventory", "/app/inventory"],
      ["Inventory search", "app.inventory", "/app/inventory?q=SKU-9"],
      ["Activity", "app.activity", "/app/activity"],
      ["Channels", "app.channels", "/app/channels"],
      ["Holds", "app.holds", "/app/holds"],
      ["Settings", "app.settings", "/app/settings"],
      ["Policy", "app.policy", "/app/policy"],
      ["Sync", "app.sync", "/app/sync"],
      ["Webhook deliveries", "app.webhooks", "/app/webhooks"],
      ["CSV import", "app.rules_.import", "/app/rules/import"],
    ];
    const rows: (string | number)[][] = [["page", "p50 ms", "p95 ms", "CPU p50 ms", "CPU p95 ms", "load avg (1 min)"]];
    const results: { page: string; p50: number; p95: number; cpuP50: number; cpuP95: number; load: number }[] = [];
    for (const [label, name, url] of pages) {
      const loader = await route(name);
      const times: number[] = [];
      const cpu: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const request = new Request(new URL(url, BENCH_APP_URL), { headers: { Authorization: `Bearer ${sandbox.mintSessionToken(SHOP)}` } });
        const t0 = performance.now();
        cpuStarted = cpuMs();
        const response = await loader({ request, params: {}, context: {} }).catch((thrown: unknown) => {
          if (thrown instanceof Response) return thrown;
          throw thrown;
        });
        await response.text();
        times.push(performance.now() - t0);
        cpu.push(cpuMs() - cpuStarted);
        if (response.status !== 200) throw new Error(`${label} answered ${response.status}`);
      }
      const figures = { page: label, p50: percentile(times, 50), p95: percentile(times, 95), cpuP50: percentile(cpu, 50), cpuP95: percentile(cpu, 95), load: os.loadavg()[0]! };
      results.push(figures);
      rows.push([label, figures.p50.toFixed(1), figures.p95.toFixed(1), figures.cpuP50.toFixed(1), figures.cpuP95.toFixed(1), figures.load.toFixed(1)]);
      process.stdout.write(`${label.padEnd(28)} ${ms(figures.p50).padStart(10)} ${ms(figures.p95).padStart(10)}  CPU ${ms(figures.cpuP50)} / ${ms(figures.cpuP95)}\n`);
    }
    const rss = process.memoryUsage().rss / 2 ** 20;
    process.stdout.write(`\n${textTable(rows)}\npeak RSS: ${rss.toFixed(0)} MB\n`);
    writeResults("pages", { variants: VARIANTS, rounds: ROUNDS, preview: { items: preview.total, wallMs: previewWall, cpuMs: previewCpu, load: loadDuringPreview }, pages: results, rssMb: rss });
    const over = results.filter((row) => row.p95 > 300).map((row) => row.page);
    updateReadme(
      "pages",
      [
        `### Admin pages (run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, **${VARIANTS.toLocaleString("en-US")} variants** × 3 locations, ${ROUNDS} rounds a page, ${machine()}, load average ${load()} at the end)`,
        "",
        "Server time of each page's loader as the embedded app calls it (session token and the library's authentication included), wall and this process's CPU time; the machine is shared, so wall time includes waiting for a core.",
        "",
        markdownTable(rows),
        "",
        `Preview's background job over ${preview.total.toLocaleString("en-US")} items (both plans of the whole catalog, run on the queue's worker): ${(previewWall / 1000).toFixed(1)} s wall, ${(previewCpu / 1000).toFixed(1)} s CPU (load ${loadDuringPreview}). Peak RSS ${rss.toFixed(0)} MB.`,
        "",
        over.length === 0 ? "Every page is under the 300 ms p95 target." : `Over the 300 ms p95 target: ${over.join(", ")}.`,
      ].join("\n"),
    );
    server.close();
    // BENCH_KEEP_DATABASE=1 keeps the synced catalog for looking into a slow page.
    if (process.env.BENCH_KEEP_DATABASE) process.stdout.write(`database kept: ${database.url}\n`);
    else database.remove();
  },
};

export default benchmark;
