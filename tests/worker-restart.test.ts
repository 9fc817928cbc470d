/**
 * Recovery after a crash: `npm run worker` (the embedded queue on SQLite) killed with SIGKILL
 * while it applies a published policy, then started again on the same database. The restarted
 * worker takes back the dead worker's lease at once (app/jobs/sqlite/lease-holder.server.ts,
 * `leaseHolderIsGone`) instead of waiting out its visibility timeout (60 s), so the shop reaches
 * the policy within seconds of the restart.
 *
 * The emulated shop runs in this process, over HTTP for the worker (sandbox/app-preload.mjs sends
 * the worker's Shopify traffic to it, as `npm run sandbox` does) and through msw for the set-up.
 * Expected levels are hand-computed from the policy (docs/policy.md § 1: protected = min(units,
 * on_hand − committed − reserved − damaged − quality_control)).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { http, passthrough } from "msw";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ensureShopInstalled } from "~/models/shop-installation.server";
import { runInitialSync } from "~/services/initial-sync.server";
import { publishPolicy } from "~/services/policy.server";
import { createSandbox, sandboxHandlers, startSandboxServer, type SandboxServer } from "../sandbox";
import type { SandboxShopEmulator, ShopState } from "../sandbox/shop";
import { repoRoot, stackEnv } from "../sandbox/stack";
import { mswServer } from "./setup/msw";
import { storeOfflineSession } from "./support/harness";
import { reportFigure } from "./support/chaos-figures";
import { freePort, until } from "./support/processes";

const SHOP = "restart.myshopify.com";
const VARIANTS = 300;
const UNITS = 2;
const RESTART_CONVERGES_WITHIN_MS = 10_000;

/**
 * Levels whose safety stock is not the policy's, read from the shop's live state: a snapshot
 * clones the whole shop, and this runs every few milliseconds in the process that also answers
 * the worker's requests.
 */
function wrongLevels(state: ShopState): number {
  let wrong = 0;
  for (const { quantities: q } of state.levels.values()) {
    const base = Math.max(0, q.on_hand - q.committed - q.reserved - q.damaged - q.quality_control);
    if (q.safety_stock !== Math.min(UNITS, base)) wrong++;
  }
  return wrong;
}

interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the time the worker logged that it started. */
  started: Promise<number>;
  exited: Promise<void>;
}

function startWorker(env: NodeJS.ProcessEnv): WorkerProcess {
  // One node process (no tsx wrapper), so the pid killed is the worker's own.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "app/jobs/worker-cli.ts")], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let markStarted: (at: number) => void = () => undefined;
  const started = new Promise<number>((resolve) => (markStarted = resolve));
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
    if (output.includes("worker: started")) markStarted(Date.now());
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, output: () => output, started, exited };
}

describe("a worker killed mid-publish and restarted", () => {
  const workers: WorkerProcess[] = [];
  let server: SandboxServer | undefined;
  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
    await Promise.all(workers.map((worker) => worker.exited));
    await server?.close();
  }, 30_000);

  it(`reaches the policy within ${RESTART_CONVERGES_WITHIN_MS / 1000} s of its restart`, async () => {
    const sandbox = createSandbox({
      shops: [SHOP],
      apiKey: process.env.SHOPIFY_API_KEY!,
      apiSecret: process.env.SHOPIFY_API_SECRET!,
      appUrl: process.env.SHOPIFY_APP_URL!,
      seed: { variants: VARIANTS },
      plan: "plus",
      // No web process here: the writes' echo webhooks are acknowledged and dropped.
      deliver: async () => new Response(null, { status: 200 }),
    });
    mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()), ...sandboxHandlers(sandbox));
    const sandboxPort = await freePort();
    server = await startSandboxServer({ sandbox, port: sandboxPort });
    sandbox.install(SHOP);
    await storeOfflineSession(sandbox, SHOP);
    await ensureShopInstalled(SHOP);
    await runInitialSync(SHOP, { bulk: { sleep: async () => {} } });
    const { state } = sandbox.shop(SHOP) as SandboxShopEmulator;
    expect(wrongLevels(state)).toBeGreaterThan(VARIANTS);

    const env = { ...stackEnv({ port: 0, sandboxPort, databaseUrl: process.env.DATABASE_URL! }), WORKER_POLL_INTERVAL_MS: "200" };
    const first = startWorker(env);
    workers.push(first);
    await first.started;
    expect(await publishPolicy(SHOP, { version: 1, protection: [{ kind: "safety_stock", units: UNITS }] }, { createdBy: "test" })).toMatchObject({ ok: true });

    // Mid-publish: the worker holds the reconcile's lease and has written some levels, not all.
    const total = state.levels.size;
    const caught = await until(Date.now() + 120_000, async () => {
      const job = await prisma.job.findFirst({ where: { shop: SHOP, queue: "reconcile", status: "running" }, select: { leaseToken: true } });
      if (!job) return (await prisma.job.count({ where: { shop: SHOP, queue: "reconcile", status: "done" } })) > 0 ? "finished first" : null;
      const wrong = wrongLevels(state);
      return job.leaseToken?.startsWith(`${first.child.pid}@`) && wrong < total && wrong > 0 ? "mid-publish" : null;
    }, 20).catch((error: Error) => {
      throw new Error(`${error.message}\n--- worker ---\n${first.output().slice(-3000)}`);
    });
    first.child.kill("SIGKILL");
    expect(caught, "the reconcile finished before the worker could be killed").toBe("mid-publish");
    await first.exited;
    const wrongLevelsAtKill = wrongLevels(state);
    expect(wrongLevelsAtKill).toBeGreaterThan(0);

    const second = startWorker(env);
    workers.push(second);
    const restartedAt = await second.started;
    await until(restartedAt + RESTART_CONVERGES_WITHIN_MS, async () => (wrongLevels(state) === 0 ? true : null), 50).catch((error: Error) => {
      throw new Error(`${error.message}: ${wrongLevels(state)} levels still off the policy ${RESTART_CONVERGES_WITHIN_MS / 1000} s after the restart\n--- restarted worker ---\n${second.output().slice(-3000)}`);
    });
    const dead = await prisma.job.count({ where: { shop: SHOP, status: "dead" } });
    // No intended write applied twice: each idempotency key the shop applied, applied once.
    const appliedByKey = new Map<string, number>();
    for (const entry of (sandbox.shop(SHOP) as SandboxShopEmulator).costLog()) {
      for (const outcome of entry.idempotent) if (outcome.outcome === "applied") appliedByKey.set(outcome.idempotencyKey, (appliedByKey.get(outcome.idempotencyKey) ?? 0) + 1);
    }
    const appliedTwice = [...appliedByKey].filter(([, count]) => count > 1);
    reportFigure(
      "kill-9",
      `killed with ${total - wrongLevelsAtKill} of ${total} levels written; policy reached ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart; ${appliedTwice.length} of ${appliedByKey.size} idempotent writes applied twice; ${dead} dead job(s)`,
    );
    expect(appliedTwice).toEqual([]);
    expect(second.output()).toContain("took back jobs of a worker that is gone");
    expect(await prisma.job.count({ where: { shop: SHOP, status: "dead" } })).toBe(0);
  }, 300_000);
});
