/**
 * Safestock as the flash sale meets it: its own process, deployed the default way (one app process
 * serving the webhook routes with the worker inside it, SQLite and the embedded queue:
 * app/composition.server.ts), talking to the emulated shops over HTTP
 * (sandbox/app-preload.mjs sends `*.myshopify.com` to SAFESTOCK_SANDBOX_ORIGIN). The emulator, the
 * buyers and the bench's measurements stay in the bench's process, so what this process spends is
 * the app's alone: before (2026-11-30) app, emulator and four shops of buyers shared one event loop,
 * and every webhook waited behind the buyers' work (ack p99 25 s in the four-shop run).
 *
 * Routes: `POST /webhooks/<topic>` (the app's route modules, as `npm run start` serves them) and a
 * control surface for the bench: install a shop, run its initial sync, publish a policy, whether the
 * queue is drained, the refresh-window cover, and the process's own figures (CPU, peak RSS,
 * event-loop delay, time spent answering each webhook).
 *
 *   node --import tsx --import ./sandbox/app-preload.mjs bench/flash/app-process.ts
 * Prints `{"port":…}` when it listens.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), "../..");

export interface AppProcessStats {
  cpuSeconds: number;
  peakRssMb: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  answerP50Ms: number;
  answerP99Ms: number;
  answered: number;
}

export interface AppProcess {
  url: string;
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
  get<T = unknown>(path: string): Promise<T>;
  /** Starts the figures over (CPU, loop delay, route times, query counts): the sale starts. */
  reset(): Promise<void>;
  /** The deployment's figures since `reset`: the web process's, plus the worker process's CPU and peak RSS. */
  stats(): Promise<AppProcessStats & { queries?: Record<string, { count: number; ms: number }> }>;
  stop(): Promise<void>;
}

/**
 * Starts the app's process on `databaseUrl` (migrated) against the emulator at `sandboxOrigin`.
 * `env` adds to the app's environment (RECOMPUTE_WINDOW_MS, …).
 */
export async function startAppProcess(options: {
  databaseUrl: string;
  sandboxOrigin: string;
  apiKey: string;
  apiSecret: string;
  appUrl: string;
  env?: Record<string, string>;
  /**
   * The worker in its own process (`npm run worker`, app/jobs/worker-cli.ts, polling the SQLite
   * queue every `workerPollMs`) instead of inside the web process: the deployment docs/scale-out.md
   * describes, in which a worker's batch never delays a webhook's acknowledgement.
   */
  separateWorker?: { pollMs: number };
}): Promise<AppProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: options.databaseUrl,
    SHOPIFY_API_KEY: options.apiKey,
    SHOPIFY_API_SECRET: options.apiSecret,
    SHOPIFY_APP_URL: options.appUrl,
    SAFESTOCK_SANDBOX_ORIGIN: options.sandboxOrigin,
    ...options.env,
  };
  delete env.VITEST;
  if (options.separateWorker) env.BENCH_WEB_ONLY = "1";
  // FLASH_APP_CPU_PROF=<dir> writes a V8 CPU profile of the app's process there when it exits.
  const profile = process.env.FLASH_APP_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.FLASH_APP_CPU_PROF}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, "--import", "tsx", "--import", path.join(root, "sandbox/app-preload.mjs"), self], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const killChild = () => child.kill("SIGKILL");
  process.once("exit", killChild);
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = "";
    child.once("exit", (code) => reject(new Error(`the app process exited (${code}) before listening`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((l) => l.startsWith("{\"port\""));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const worker = options.separateWorker
    ? spawn(process.execPath, [...profile, "--import", "tsx", "--import", path.join(root, "sandbox/app-preload.mjs"), "--import", path.join(root, "bench/flash/query-stats.ts"), path.join(root, "app/jobs/worker-cli.ts")], {
        cwd: root,
        env: { ...env, WORKER_POLL_INTERVAL_MS: String(options.separateWorker.pollMs), BENCH_PRINT_QUERY_STATS_ON_EXIT: "1" },
        stdio: ["ignore", "ignore", "inherit"],
      })
    : null;
  const killWorker = () => worker?.kill("SIGKILL");
  process.once("exit", killWorker);
  let workerCpuAtReset = 0;
  const answer = async <T>(response: Response, what: string) => {
    if (!response.ok) throw new Error(`app process ${what}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const post = async <T>(p: string, body?: unknown) =>
    answer<T>(await fetch(url + p, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}) }), p);
  const get = async <T>(p: string) => answer<T>(await fetch(url + p), p);
  return {
    url,
    post,
    get,
    async reset() {
      if (worker?.pid) workerCpuAtReset = processUsage(worker.pid).cpuSeconds;
      await post("/bench/reset");
    },
    async stats() {
      const web = await get<AppProcessStats & { queries?: Record<string, { count: number; ms: number }> }>("/bench/stats");
      if (!worker?.pid) return web;
      // The worker process's own figures, from the kernel (it serves no HTTP).
      const usage = processUsage(worker.pid);
      return { ...web, cpuSeconds: web.cpuSeconds + usage.cpuSeconds - workerCpuAtReset, peakRssMb: web.peakRssMb + usage.peakRssMb };
    },
    async stop() {
      if (worker) {
        const workerExited = new Promise((resolve) => worker.once("exit", resolve));
        worker.kill("SIGTERM");
        await Promise.race([workerExited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        worker.kill("SIGKILL");
        process.removeListener("exit", killWorker);
      }
      await fetch(url + "/bench/stop", { method: "POST" }).catch(() => undefined);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      child.kill("SIGKILL");
      process.removeListener("exit", killChild);
    },
  };
}

/** CPU time and peak RSS of a child process, from /proc (Linux; the bench's machine). */
function processUsage(pid: number): { cpuSeconds: number; peakRssMb: number } {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name: utime, stime in clock ticks (100 a second).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { cpuSeconds: ticks / 100, peakRssMb: hwm ? Number(hwm[1]) / 1024 : NaN };
  } catch {
    return { cpuSeconds: NaN, peakRssMb: NaN };
  }
}

async function main() {
  const { queryStats } = await import("./query-stats");

  // What an entry point does first (docs/decisions/023): the app builds its pieces on first use.
  (await import("../../app/composition.server")).compose();
  const { jobQueue } = await import("../../app/services/jobs.server");
  const { jobHandlers } = await import("../../app/services/job-handlers.server");
  const { createWorker } = await import("../../app/jobs/worker.server");
  const { runInitialSync } = await import("../../app/services/initial-sync.server");
  const { publishPolicy } = await import("../../app/services/policy.server");
  const { default: prisma } = await import("../../app/db.server");
  const { startSandboxServer } = await import("../../sandbox/http/server");
  const { deliverToAppRoute, installSafestock, peakRssMb, percentile } = await import("../support/app");

  const worker = createWorker({
    queue: jobQueue(),
    handlers: jobHandlers(),
    logger: { info() {}, warn() {}, error: (message, meta) => process.stderr.write(`worker: ${message} ${JSON.stringify(meta)}\n`) },
  });
  // BENCH_WEB_ONLY=1: the worker runs in its own process (startAppProcess's `separateWorker`).
  if (process.env.BENCH_WEB_ONLY !== "1") worker.start();

  let loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  /** Time from the request reaching the route to its answer, per webhook (ms), since the last reset. */
  let answerMs: number[] = [];
  let cpuAtReset = process.cpuUsage();

  const json = async <T>(request: Request) => (await request.json()) as T;

  async function control(path: string, request: Request): Promise<Response> {
    switch (path) {
      case "/bench/install": {
        const { shop } = await json<{ shop: string }>(request);
        // The emulator side of the install (webhook subscriptions) is the bench's; this is the app's.
        await installSafestock({ install() {} }, shop);
        return Response.json({ ok: true });
      }
      case "/bench/initial-sync": {
        const { shop } = await json<{ shop: string }>(request);
        await runInitialSync(shop);
        return Response.json({ ok: true });
      }
      case "/bench/policy": {
        const { shop, policy } = await json<{ shop: string; policy: Parameters<typeof publishPolicy>[1] }>(request);
        const published = await publishPolicy(shop, policy, { createdBy: "bench" });
        return Response.json(published.ok ? { ok: true } : { ok: false, problems: published.problems });
      }
      case "/bench/drained":
        return Response.json({ drained: await jobQueue().drained() });
      case "/bench/cover": {
        const shop = new URL(request.url).searchParams.get("shop") ?? "";
        const rows = await prisma.channelState.findMany({ where: { shop, channel: "marketplace" }, select: { explain: true } });
        let cover = 0;
        for (const row of rows) for (const line of JSON.parse(row.explain) as { rule: string; units: number }[]) if (line.rule === "refresh_window") cover += line.units;
        return Response.json({ cover });
      }
      case "/bench/explain": {
        // FLASH_DEBUG_WITHHELD=1: what the plan last withheld per level and what the marketplace got per item.
        const shop = new URL(request.url).searchParams.get("shop") ?? "";
        const levels = await prisma.levelState.findMany({ where: { shop }, select: { inventoryItemId: true, locationId: true, protected: true, explain: true } });
        const channels = await prisma.channelState.findMany({ where: { shop, channel: "marketplace" }, select: { inventoryItemId: true, available: true, paused: true, explain: true, reserveHistory: true } });
        const parse = (text: string) => JSON.parse(text) as unknown;
        return Response.json({
          levels: levels.map((row) => ({ ...row, explain: parse(row.explain) })),
          channels: channels.map((row) => ({ ...row, explain: parse(row.explain), reserveHistory: parse(row.reserveHistory) })),
        });
      }
      case "/bench/reset":
        loopDelay.disable();
        loopDelay = monitorEventLoopDelay({ resolution: 10 });
        loopDelay.enable();
        answerMs = [];
        queryStats.clear();
        cpuAtReset = process.cpuUsage();
        return Response.json({ ok: true });
      case "/bench/stats": {
        const cpu = process.cpuUsage(cpuAtReset);
        return Response.json({
          cpuSeconds: (cpu.user + cpu.system) / 1e6,
          peakRssMb: peakRssMb(),
          loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
          loopDelayMaxMs: loopDelay.max / 1e6,
          answerP50Ms: percentile(answerMs, 50),
          answerP99Ms: percentile(answerMs, 99),
          answered: answerMs.length,
          queries: Object.fromEntries([...queryStats].sort((a, b) => b[1].ms - a[1].ms)),
        });
      }
      case "/bench/stop":
        await worker.stop();
        return Response.json({ ok: true });
      default:
        return new Response("Not found", { status: 404 });
    }
  }

  const server = await startSandboxServer({
    sandbox: {
      async handle(request) {
        const path = new URL(request.url).pathname;
        if (path.startsWith("/bench/")) return control(path, request);
        if (!path.startsWith("/webhooks/") || request.method !== "POST") return new Response("Not found", { status: 404 });
        const started = performance.now();
        const response = await deliverToAppRoute(request);
        answerMs.push(performance.now() - started);
        return response;
      },
    },
    port: 0,
  });
  process.stdout.write(JSON.stringify({ port: server.port }) + "\n");
  process.on("SIGTERM", () => process.exit(0));
}

if (process.argv[1] === self) await main();
