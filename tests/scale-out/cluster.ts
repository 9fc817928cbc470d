/**
 * A Safestock cluster on this machine for the cluster test and the scale-out bench
 * (docs/scale-out.md): web processes (tests/scale-out/web-process.ts), worker processes
 * (`app/jobs/worker-cli.ts`, what `npm run worker` runs), one fresh PostgreSQL database, one Redis
 * key prefix, and the emulated shop in its own process (tests/scale-out/emulator-process.ts).
 * Every app process reaches the emulated shop through sandbox/app-preload.mjs, as under
 * `npm run sandbox`.
 *
 * Processes are started as `node --import tsx <file>` rather than through npm or the tsx CLI:
 * both of those are a parent that spawns the real process, so `kill -9` of the pid we hold would
 * leave the worker running as an orphan instead of killing it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import pg from "pg";
import { deployPostgresMigrations, dropPostgresDatabase, ensurePostgresDatabase } from "../../prisma/postgres/deploy";
import type { CostLogEntry } from "../../sandbox/admin-api/cost-log";
import { SANDBOX_ADMIN_TOKEN, SANDBOX_API_KEY, SANDBOX_API_SECRET, type ShopStateSnapshot } from "../../sandbox/index";
import type { EmulatorProcessOptions } from "./emulator-process";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const POSTGRES_ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * Whether a test needing PostgreSQL and Redis runs here. In CI (`CI` set, as .ci/run does) their
 * absence fails the run: a skipped cluster test would pass CI having proved nothing. Elsewhere the
 * file is skipped with a printed notice (README § Tests says what `npm test` needs).
 */
export async function clusterServicesPresent(testFile: string): Promise<boolean> {
  const unavailable = await clusterUnavailable();
  if (unavailable === null) return true;
  const notice = `${testFile}: PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) are needed (${unavailable})`;
  if (process.env.CI) throw new Error(`${notice}; CI must provide them`);
  console.warn(`${notice}: skipped outside CI`);
  return false;
}

/** Why the cluster cannot run here, or null when PostgreSQL and Redis both answer. */
export async function clusterUnavailable(): Promise<string | null> {
  const problems: string[] = [];
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    problems.push(`PostgreSQL at ${POSTGRES_ADMIN_URL}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const { createRedis } = await import("~/jobs/redis.server");
  const redis = createRedis(REDIS_URL);
  redis.on("error", () => undefined);
  try {
    await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in 2 s")), 2_000))]);
  } catch (error) {
    problems.push(`Redis at ${REDIS_URL}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    redis.disconnect();
  }
  return problems.length > 0 ? problems.join("; ") : null;
}

export interface ClusterOptions {
  web: number;
  workers: number;
  shop: string;
  variants: number;
  maxAvailable: number;
  throttle: { bucketSize: number; restoreRate: number };
  policy: unknown;
  /** One delivery in this many is delivered again to another web process (0: never). */
  redeliverEvery: number;
  /** Network time added before each Admin API answer, ms. */
  adminLatencyMs?: number;
  /** Extra environment for worker processes (concurrency, lease length, poll interval). */
  workerEnv?: Record<string, string>;
  /** Extra environment for the emulator process (e.g. SANDBOX_TOKEN_TTL_S). */
  emulatorEnv?: Record<string, string>;
  /** Seed with the expiring token a token exchange gets instead of the sandbox's fixed admin token. */
  expiringToken?: boolean;
}

export interface NetworkStats {
  sent: number;
  accepted: number;
  failed: number;
  pending: number;
  firstSentAt: number;
  lastAcceptedAt: number;
}

interface Child {
  name: string;
  process: ChildProcess;
  output: string[];
}

export interface Cluster {
  shop: string;
  emulatorUrl: string;
  webUrls: string[];
  databaseUrl: string;
  redisPrefix: string;
  /** Running workers (a killed one is removed). */
  readonly workers: ChildProcess[];
  startWorker(): ChildProcess;
  /** SIGKILL: no handler runs, the job in flight keeps its lease until it expires. */
  killWorker(worker: ChildProcess): Promise<void>;
  /** Brings the database to installed + synced + `policy` published (reconciliation queued). */
  seed(): Promise<void>;
  state(): Promise<ShopStateSnapshot>;
  costLog(options?: { apiClientId?: string; since?: number }): Promise<CostLogEntry[]>;
  network(): Promise<NetworkStats>;
  /**
   * An order through the emulator's storefront client (no app's bucket). `ignorePolicy`: a
   * marketplace connector's order, `DECREMENT_IGNORING_POLICY`, which may take units Shopify
   * holds in `safety_stock` (available goes negative), so the app has to lower the protection.
   */
  placeOrder(lineItems: { variantId: string; quantity: number }[], options?: { ignorePolicy?: boolean }): Promise<{ ok: boolean; body: unknown }>;
  /** Jobs BullMQ holds in its active lists, jobs still to run (waiting, delayed, parked) and dead jobs. */
  queueCounts(): Promise<{ active: { queue: string; id: string }[]; pending: number; dead: number }>;
  /** BullMQ's record of a job: `stc` counts the times it was found stalled (its worker died), `finishedOn` is set when it completed or failed. */
  jobRecord(job: { queue: string; id: string }): Promise<Record<string, string>>;
  /** The pid of the process holding a job's lock (lease tokens start with it), or null. */
  lockHolder(job: { queue: string; id: string }): Promise<number | null>;
  /** Milliseconds left on a job's lock (BullMQ's `<job>:lock` key; -2 when it has none). */
  lockTtl(job: { queue: string; id: string }): Promise<number>;
  /** Output of every process so far (for a failure message). */
  logs(lines?: number): string;
  stop(): Promise<void>;
}

function nodeArgs(file: string, preload: boolean): string[] {
  return ["--import", "tsx", ...(preload ? ["--import", path.join(root, "sandbox/app-preload.mjs")] : []), path.join(root, file)];
}

function spawnChild(name: string, args: string[], env: NodeJS.ProcessEnv, children: Child[]): Child {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const entry: Child = { name, process: child, output: [] };
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) entry.output.push(`[${name}] ${line}`);
    if (entry.output.length > 400) entry.output.splice(0, entry.output.length - 400);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  children.push(entry);
  return entry;
}

/** Waits for the `{"port":…}` line a process prints when it listens. */
function portOf(child: Child): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /\{"port":(\d+)\}/.exec(buffer);
      if (match) {
        child.process.stdout!.off("data", onData);
        resolve(Number(match[1]));
      }
    };
    child.process.stdout!.on("data", onData);
    child.process.once("exit", (code) => reject(new Error(`${child.name} exited (${code}) before listening:\n${child.output.slice(-30).join("\n")}`)));
  });
}

/** A short-lived Redis connection of the test's own (the cluster's processes have theirs). */
async function withRedis<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
  const { createRedis } = await import("~/jobs/redis.server");
  const redis = createRedis(REDIS_URL);
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const id = randomBytes(5).toString("hex");
  const databaseUrl = new URL(POSTGRES_ADMIN_URL);
  databaseUrl.pathname = `/safestock_cluster_${id}`;
  const redisPrefix = `safestock-cluster-${id}`;
  const children: Child[] = [];
  const workers: ChildProcess[] = [];
  let workerCount = 0;
  const killAll = () => children.forEach((c) => c.process.kill("SIGKILL"));
  process.once("exit", killAll);

  await ensurePostgresDatabase(databaseUrl.toString());
  await deployPostgresMigrations(databaseUrl.toString());

  const appEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl.toString(),
    DATABASE_POOL_SIZE: "4",
    QUEUE: "bullmq",
    QUEUE_PREFIX: redisPrefix,
    REDIS_URL,
    SHOPIFY_API_KEY: SANDBOX_API_KEY,
    SHOPIFY_API_SECRET: SANDBOX_API_SECRET,
    SHOPIFY_APP_URL: "http://safestock-cluster.invalid",
  };
  delete appEnv.TEST_PROFILE;
  delete appEnv.VITEST;

  const webs = Array.from({ length: options.web }, (_, i) => spawnChild(`web${i + 1}`, nodeArgs("tests/scale-out/web-process.ts", false), appEnv, children));
  const webUrls = (await Promise.all(webs.map(portOf))).map((port) => `http://127.0.0.1:${port}`);

  const emulatorOptions: EmulatorProcessOptions = {
    shop: options.shop,
    variants: options.variants,
    maxAvailable: options.maxAvailable,
    throttle: options.throttle,
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    webUrls,
    redeliverEvery: options.redeliverEvery,
    retryMs: 500,
    adminLatencyMs: options.adminLatencyMs ?? 0,
  };
  const emulator = spawnChild("emulator", [...nodeArgs("tests/scale-out/emulator-process.ts", false), JSON.stringify(emulatorOptions)], { ...process.env, ...options.emulatorEnv }, children);
  const emulatorUrl = `http://127.0.0.1:${await portOf(emulator)}`;
  const workerEnv = { ...appEnv, SAFESTOCK_SANDBOX_ORIGIN: emulatorUrl, ...options.workerEnv };

  const getJson = async <T>(path: string): Promise<T> => {
    const response = await fetch(emulatorUrl + path);
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  const cluster: Cluster = {
    shop: options.shop,
    emulatorUrl,
    webUrls,
    databaseUrl: databaseUrl.toString(),
    redisPrefix,
    workers,
    startWorker() {
      const child = spawnChild(`worker${++workerCount}`, nodeArgs("app/jobs/worker-cli.ts", true), workerEnv, children).process;
      workers.push(child);
      return child;
    },
    async killWorker(worker) {
      worker.kill("SIGKILL");
      await exited(worker);
      workers.splice(workers.indexOf(worker), 1);
    },
    async seed() {
      const seed = spawnChild("seed", [...nodeArgs("tests/scale-out/seed-process.ts", true), JSON.stringify({ shop: options.shop, accessToken: options.expiringToken ? "exchange" : SANDBOX_ADMIN_TOKEN, policy: options.policy })], workerEnv, children);
      const code = await new Promise<number | null>((resolve) => seed.process.once("exit", resolve));
      if (code !== 0) throw new Error(`seeding failed (${code}):\n${seed.output.slice(-40).join("\n")}`);
    },
    state: () => getJson<ShopStateSnapshot>(`/sandbox/state?shop=${options.shop}`),
    costLog: ({ apiClientId, since } = {}) =>
      getJson<CostLogEntry[]>(`/sandbox/cost-log?shop=${options.shop}&since=${since ?? 0}${apiClientId ? `&apiClient=${encodeURIComponent(apiClientId)}` : ""}`),
    network: () => getJson<NetworkStats>("/cluster/network"),
    async placeOrder(lineItems, { ignorePolicy = false } = {}) {
      const order = ignorePolicy
        ? { sourceName: "marketplace", options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } }
        : { sourceName: "web" };
      const response = await fetch(`${emulatorUrl}/sandbox/orders`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ shop: options.shop, lineItems, ...order }),
      });
      const body = (await response.json()) as { data?: { orderCreate?: { order?: unknown } } };
      return { ok: response.ok && !!body.data?.orderCreate?.order, body };
    },
    queueCounts: () =>
      withRedis(async (redis) => {
        const queues = await redis.smembers(`${redisPrefix}:queues`);
        const active: { queue: string; id: string }[] = [];
        let pending = await redis.llen(`${redisPrefix}:waiting:${options.shop}`);
        for (const queue of queues) {
          const key = (list: string) => `${redisPrefix}:${queue}:${list}`;
          for (const id of await redis.lrange(key("active"), 0, -1)) active.push({ queue, id });
          pending += (await redis.llen(key("wait"))) + (await redis.zcard(key("delayed"))) + (await redis.zcard(key("prioritized")));
        }
        const dead = await redis.zcard(`${redisPrefix}:dead:${options.shop}`);
        return { active, pending, dead };
      }),
    jobRecord: ({ queue, id }) => withRedis((redis) => redis.hgetall(`${redisPrefix}:${queue}:${id}`)),
    lockHolder: ({ queue, id }) =>
      withRedis(async (redis) => {
        const token = await redis.get(`${redisPrefix}:${queue}:${id}:lock`);
        const pid = Number(token?.split(":")[0]);
        return Number.isInteger(pid) && pid > 0 ? pid : null;
      }),
    lockTtl: ({ queue, id }) => withRedis((redis) => redis.pttl(`${redisPrefix}:${queue}:${id}:lock`)),
    logs(lines = 60) {
      return children.flatMap((c) => c.output.slice(-lines)).join("\n");
    },
    async stop() {
      // Workers first, gracefully (SIGTERM: jobs in flight finish), then everything else.
      await Promise.all(workers.map(async (worker) => {
        worker.kill("SIGTERM");
        const timer = setTimeout(() => worker.kill("SIGKILL"), 10_000);
        await exited(worker);
        clearTimeout(timer);
      }));
      killAll();
      await Promise.all(children.map((c) => exited(c.process)));
      process.off("exit", killAll);
      const { createRedis } = await import("~/jobs/redis.server");
      const redis = createRedis(REDIS_URL);
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${redisPrefix}:*`, "COUNT", 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
      await redis.quit();
      await dropPostgresDatabase(databaseUrl.toString());
    },
  };
  for (let i = 0; i < options.workers; i++) cluster.startWorker();
  return cluster;
}

/** Polls `check` until it answers (a cluster's state changes across processes); on time-out the error carries the cluster's last log lines. */
export async function until<T>(what: string, cluster: Cluster, check: () => Promise<T | null | undefined | false>, limitMs: number): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${limitMs / 1000} s\n${cluster.logs(25)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
