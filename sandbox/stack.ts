/**
 * The whole local stack behind `npm run sandbox` and the browser tests: the emulated shop over
 * HTTP, the built app under remix-serve (its Shopify traffic redirected to the emulated shop by
 * sandbox/app-preload.mjs), the app installed into the shop and opened once as Shopify admin
 * would (token exchange → initial sync).
 *
 *   const stack = await startSandboxStack({ port: 3000, sandboxPort: 3001, databaseUrl: "file:./prisma/dev.sqlite" });
 *   // … open `${stack.sandboxUrl}/admin` …
 *   await stack.stop();
 *
 * Migrating and building are separate (`migrateDatabase`, `buildApp`) because the browser tests
 * build once for every test file and migrate their own temporary database.
 *
 * The emulated shop lives on beside the app's database (`<sqlite file>.sandbox-shop.json`, see
 * sandbox/shop/persistence.ts): the app keeps its offline token and synced catalog in SQLite, so a
 * second `npm run sandbox` on the same database must meet the same shop, as it would on Shopify.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isShopPlan, SHOP_PLANS, type ShopPlan } from "./admin-api/throttle.js";
import { buildInputsDigest, buildIsCurrent, removeBuildStamp, writeBuildStamp } from "./build-stamp.js";
import { tokenPolicyFromEnv } from "./auth/token-policy.js";
import { parseIdBase } from "./shop/ids.js";
import { createDebouncedSaver, readPersistedSandbox, writePersistedSandbox } from "./shop/persistence.js";
import {
  createSandbox,
  embeddedAppUrl,
  SANDBOX_API_KEY,
  SANDBOX_API_SECRET,
  SANDBOX_SHOP_DOMAIN,
  startSandboxServer,
  type InstallResult,
  type Sandbox,
  type SeedOption,
} from "./index.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => path.join(repoRoot, "node_modules", ".bin", name);

/** A step of the stack failed; the message is what the CLI prints after "✖ ". */
export class StackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackError";
  }
}

export interface SandboxStackOptions {
  port: number;
  sandboxPort: number;
  databaseUrl: string;
  /** Progress lines ("Starting the emulated shop …"); default: none. */
  log?: (message: string) => void;
  /**
   * Where the app process writes its output: "inherit" (the CLI's terminal) or "pipe" (kept, the
   * last lines are attached to an error when the app fails to start — tests stay quiet).
   */
  appOutput?: "inherit" | "pipe";
  /** Extra environment for the app process. */
  env?: Record<string, string | undefined>;
  /** The store plan (every app's bucket); default "standard". */
  plan?: ShopPlan;
  /**
   * Where the shop is kept between runs: default `shopStateFile(databaseUrl)`; null keeps it in
   * memory only (browser tests on throwaway databases).
   */
  shopFile?: string | null;
  /** Ignore a kept shop and seed a new one (it replaces the kept one on the next save). */
  reset?: boolean;
  /** What a new shop is seeded with (sandbox/shop/seed.ts); a kept shop is restored as it was. */
  seed?: SeedOption;
  /** Where a new shop's id counters start (decimal text; beyond 2^53 to catch numeric parses, sandbox/shop/ids.ts). */
  idBase?: string;
  /** A new shop's time zone (`Shop.ianaTimezone`, an IANA name); default America/New_York. */
  timeZone?: string;
  /** Objects a bulk query reads per second (sandbox/admin-api/resolvers/bulk.ts; default there). */
  bulkObjectsPerSecond?: number;
}

export interface SandboxStack {
  appUrl: string;
  sandboxUrl: string;
  sandbox: Sandbox;
  install: InstallResult;
  /** Where the shop is kept, and whether this run restored it. */
  shopFile: string | null;
  restored: boolean;
  /** The app's output so far when `appOutput` is "pipe". */
  appLog(): string;
  stop(): Promise<void>;
}

/**
 * How long before expiry the app refreshes its offline token, when nobody said: a third of a
 * shortened token's life (SANDBOX_TOKEN_TTL_S), at most the app's own 300 s. The app's default
 * (300 s, for Shopify's 60-minute tokens) would find a 20-s token stale as soon as it is issued
 * and refresh it before every call (535 refreshes in a run's first 2 minutes, sandbox/shop/README.md
 * "Expiring tokens in `npm run sandbox`"); a margin of a second (3-s tokens) let requests slowed on
 * a busy machine arrive after expiry (two 401s in tests/sandbox-cli.test.ts's first version).
 */
function refreshAheadFor(env: Record<string, string | undefined>): { TOKEN_REFRESH_AHEAD_S?: string } {
  if (env.TOKEN_REFRESH_AHEAD_S !== undefined && env.TOKEN_REFRESH_AHEAD_S.trim() !== "") return {};
  const { accessTokenTtlS } = tokenPolicyFromEnv(env);
  return { TOKEN_REFRESH_AHEAD_S: String(Math.min(300, Math.round((accessTokenTtlS / 3) * 10) / 10)) };
}

/** The app's environment, the same for the CLI and the tests. */
export function stackEnv(options: Pick<SandboxStackOptions, "port" | "sandboxPort" | "databaseUrl" | "env">) {
  const appUrl = `http://127.0.0.1:${options.port}`;
  const sandboxOrigin = `http://127.0.0.1:${options.sandboxPort}`;
  return {
    ...process.env,
    ...options.env,
    ...refreshAheadFor({ ...process.env, ...options.env }),
    NODE_ENV: "production" as const,
    PORT: String(options.port),
    HOST: "127.0.0.1",
    SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? SANDBOX_API_KEY,
    SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET ?? SANDBOX_API_SECRET,
    SHOPIFY_APP_URL: appUrl,
    DATABASE_URL: options.databaseUrl,
    SAFESTOCK_APP_BRIDGE_URL: `${sandboxOrigin}/app-bridge.js`,
    SAFESTOCK_SANDBOX_ORIGIN: sandboxOrigin,
    // The app exits with whoever started it (see app-preload.mjs), so a killed terminal or test
    // worker never leaves it holding the port.
    SAFESTOCK_SANDBOX_PARENT_PID: String(process.pid),
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${path.join(repoRoot, "sandbox", "app-preload.mjs")}`.trim(),
  };
}

function runTool(command: string, args: string[], label: string, env: NodeJS.ProcessEnv, quiet: boolean) {
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    env: { ...env, NODE_OPTIONS: process.env.NODE_OPTIONS ?? "" },
    stdio: quiet ? "pipe" : "inherit",
    encoding: "utf8",
  });
  if (result.status !== 0) {
    const output = quiet ? `\n${result.stdout ?? ""}${result.stderr ?? ""}` : "";
    throw new StackError(`${label} failed (exit ${result.status}).${output}`);
  }
}

/** `prisma migrate deploy` against `databaseUrl`. */
export function migrateDatabase(databaseUrl: string, { quiet = false } = {}) {
  runTool(bin("prisma"), ["migrate", "deploy", "--config", "prisma/prisma.config.ts"], "Migrating the SQLite database", { ...process.env, DATABASE_URL: databaseUrl }, quiet);
}

/**
 * `remix build` into build/ (what remix-serve runs), through ./remix-build.mjs, which lets
 * esbuild's service stop before the process exits (why: see that file). Vite's "CJS build of
 * Vite's Node API is deprecated" notice (loaded by @remix-run/dev, not used by the classic
 * compiler) is silenced with Vite's documented switch (vite.dev/guide/troubleshooting).
 * Skipped when build/ is already what the sources as they are now build to (./build-stamp.ts),
 * so one `npm test` builds once. Run it under `withAppBuildLock`.
 */
export function buildApp({ quiet = false, log = (_message: string) => {} } = {}): "built" | "up to date" {
  const inputs = buildInputsDigest(repoRoot);
  if (buildIsCurrent(repoRoot, inputs)) {
    log("The app's build is up to date (build/ was built from app/ and the build configuration as they are now)");
    return "up to date";
  }
  log("Building the app");
  removeBuildStamp(repoRoot);
  runTool(process.execPath, [path.join(repoRoot, "sandbox", "remix-build.mjs")], "Building the app", { ...process.env, NODE_ENV: "production", VITE_CJS_IGNORE_WARNING: "true" }, quiet);
  writeBuildStamp(repoRoot, inputs);
  return "built";
}

/**
 * Runs `work` (build the app, then start it until it answers) while no other process on this
 * checkout does the same: two `remix build`s into build/ at once, or a build while another
 * remix-serve is loading build/index.js, leave a half-written bundle (with several workers
 * `npm test` runs tests/sandbox-cli.test.ts and tests/production-server.test.ts in parallel: the
 * first to take the lock builds, the other finds the build up to date).
 * Once a remix-serve has loaded the bundle, a later build no longer concerns it. The lock is a
 * directory (mkdir is atomic) holding the owner's pid; a lock whose owner is gone is taken over.
 */
export async function withAppBuildLock<T>(work: () => Promise<T>, { timeoutMs = 600_000, lock = appBuildLockPath() } = {}): Promise<T> {
  const owner = path.join(lock, "pid");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(owner, "utf8"));
    } catch {
      // just taken (its pid not written yet) or just released
    }
    const orphaned = holder > 0 ? !processAlive(holder) : lockAgeMs(lock) > 30_000; // no pid written 30 s after mkdir: its owner died in between
    if (orphaned) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new StackError(`Another build of this checkout has held ${lock} for ${timeoutMs / 1000} s.`);
    else await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** One lock per checkout (its build/ directory), outside it so git never sees it. */
export function appBuildLockPath(): string {
  return path.join(tmpdir(), `safestock-build-${createHash("sha256").update(repoRoot).digest("hex").slice(0, 12)}.lock`);
}

function lockAgeMs(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The file that keeps the emulated shop for a SQLite `DATABASE_URL` (`file:./prisma/dev.sqlite` →
 * `<repo>/prisma/dev.sqlite.sandbox-shop.json`; relative paths resolve against the app's working
 * directory, the repository root). Null for a database that is not a SQLite file.
 */
export function shopStateFile(databaseUrl: string): string | null {
  const match = /^file:(.+?)(\?.*)?$/.exec(databaseUrl);
  if (!match || match[1] === ":memory:") return null;
  return `${path.resolve(repoRoot, match[1]!)}.sandbox-shop.json`;
}

/** `--bulk-rate` / SANDBOX_BULK_OBJECTS_PER_SECOND: objects a bulk query reads per second, checked. */
export function parseBulkRate(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0) throw new StackError(`--bulk-rate must be a positive number of objects a second, got "${value}".`);
  return rate;
}

/** `--plan` / SANDBOX_PLAN, checked. */
export function parsePlan(value: string | undefined): ShopPlan | undefined {
  if (value === undefined || value === "") return undefined;
  const plan = value.toLowerCase();
  if (!isShopPlan(plan)) throw new StackError(`Unknown plan "${value}": use one of ${SHOP_PLANS.join(", ")}.`);
  return plan;
}

/**
 * The seed `npm run sandbox` asks for: `--catalog realistic` (default: shared and blank SKUs,
 * continue-selling and untracked variants beside the default catalog) or `plain` (the catalog the
 * tests use), and `--variants N` for a generated catalog of N variants (above 1,000 the app reads
 * it with a bulk operation) of the same kind.
 */
export function parseSeed(values: { variants?: string; catalog?: string }): SeedOption {
  const catalog = values.catalog === undefined || values.catalog === "" ? "realistic" : values.catalog.toLowerCase();
  if (catalog !== "realistic" && catalog !== "plain") throw new StackError(`Unknown catalog "${values.catalog}": use realistic or plain.`);
  if (values.variants === undefined || values.variants === "") return catalog === "realistic" ? "realistic" : "default";
  const variants = Number(values.variants);
  if (!Number.isInteger(variants) || variants < 1) throw new StackError(`--variants must be a positive whole number, got "${values.variants}".`);
  return { variants, catalog };
}

function seedLabel(seed: SeedOption | undefined): string {
  if (seed === undefined || seed === "default") return "the default catalog";
  if (seed === "realistic") return "the realistic catalog (shared and blank SKUs, continue-selling and untracked variants)";
  if (seed === "empty") return "no products";
  return `${seed.variants} generated variants${seed.catalog === "realistic" ? " (realistic: shared and blank SKUs, continue-selling and untracked)" : ""}`;
}

/** `--id-base` / SANDBOX_ID_BASE, checked (e.g. 9007199254740993: every id beyond 2^53). */
export function parseIdBaseFlag(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  try {
    return String(parseIdBase(value));
  } catch (error) {
    throw new StackError(`--id-base: ${(error as Error).message}`);
  }
}

/** `--time-zone Europe/Paris`: an IANA zone name this runtime knows, as Shopify's `ianaTimezone` is one. */
export function parseTimeZoneFlag(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new StackError(`--time-zone: "${value}" is not an IANA time zone (e.g. America/New_York, Europe/Paris)`);
  }
}

async function waitForHealth(url: string, timeoutMs: number, child: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
}

/** Refuses to start over something else (another `npm run sandbox`?) answering on the port. */
export async function assertPortFree(url: string) {
  const answered = await fetch(url).then(
    () => true,
    () => false,
  );
  if (answered) {
    throw new StackError(`Something already answers on ${url}. Stop it (another \`npm run sandbox\`?) or set PORT / SANDBOX_PORT.`);
  }
}

/**
 * Starts the emulated shop and the already built app on a migrated database, installs the app and
 * opens it once. `stop()` ends the app process and the shop server.
 */
export async function startSandboxStack(options: SandboxStackOptions): Promise<SandboxStack> {
  const log = options.log ?? (() => undefined);
  const env = stackEnv(options);
  const appUrl = env.SHOPIFY_APP_URL;
  const sandboxUrl = env.SAFESTOCK_SANDBOX_ORIGIN;

  const shopFile = options.shopFile === undefined ? shopStateFile(options.databaseUrl) : options.shopFile;
  let kept: ReturnType<typeof readPersistedSandbox> = null;
  if (shopFile && !options.reset) {
    try {
      kept = readPersistedSandbox(shopFile);
    } catch (error) {
      throw new StackError(`Could not read the kept shop ${shopFile} (${error instanceof Error ? error.message : String(error)}). Start with --reset to seed a new shop.`);
    }
  }
  const plan = options.plan ?? "standard";
  log(`Starting the emulated shop ${SANDBOX_SHOP_DOMAIN} on ${sandboxUrl} (${plan} plan)`);
  const sandbox = createSandbox({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecret: env.SHOPIFY_API_SECRET,
    appUrl,
    plan,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.idBase === undefined ? {} : { idBase: options.idBase }),
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
    ...(options.bulkObjectsPerSecond === undefined ? {} : { bulkObjectsPerSecond: options.bulkObjectsPerSecond }),
    ...(kept ? { restore: kept.shops } : {}),
  });
  if (kept) log(`Restored shop from ${shopFile} (saved ${kept.savedAt})`);
  else if (shopFile) log(`New shop seeded${options.reset ? " (--reset)" : ""} with ${seedLabel(options.seed)}; it is kept in ${shopFile}`);
  else log(`New shop seeded with ${seedLabel(options.seed)} (kept in memory only)`);
  const saver = shopFile
    ? createDebouncedSaver(() => writePersistedSandbox(shopFile, sandbox.exportState(), new Date().toISOString()))
    : null;
  if (saver) {
    sandbox.onChange((change) => {
      saver.schedule();
      // The app stores a token the moment it gets one; the shop must not forget it on a quick Ctrl+C.
      if (change === "tokens") saver.flush();
    });
  }
  const server = await startSandboxServer({ sandbox, port: options.sandboxPort });
  const install = sandbox.install();
  // Written at once, so even a run killed before its first change leaves the shop to restore.
  saver?.schedule();
  saver?.flush();

  log(`Starting Safestock on ${appUrl}`);
  const piped = options.appOutput === "pipe";
  const app = spawn(bin("remix-serve"), ["build/index.js"], { cwd: repoRoot, env, stdio: piped ? "pipe" : "inherit" });
  let output = "";
  if (piped) {
    const keep = (chunk: Buffer) => {
      // Only the tail matters for a failure report; keep memory flat over a long run.
      output = (output + chunk.toString("utf8")).slice(-20_000);
    };
    app.stdout?.on("data", keep);
    app.stderr?.on("data", keep);
  }

  // One stop for every caller: Ctrl+C reaches the CLI twice (the terminal's process group and
  // tsx relaying it), and the second caller must wait for the shop to be saved, not exit early.
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopOnce());
  const stopOnce = async () => {
    if (app.exitCode === null) {
      const exited = new Promise((resolve) => app.once("exit", resolve));
      app.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (app.exitCode === null) app.kill("SIGKILL");
    }
    // After the app stopped: its last calls may have changed the shop.
    saver?.flush();
    await server.close();
  };

  try {
    await waitForHealth(`${appUrl}/healthz`, 60_000, app);

    // Open the app once as Shopify admin would after install: the session token makes the app
    // run token exchange against the emulated shop and queue its initial sync.
    log("Installing Safestock into the shop (token exchange, initial sync)");
    const opened = await fetch(embeddedAppUrl({ appUrl, shop: SANDBOX_SHOP_DOMAIN, idToken: sandbox.mintSessionToken() }), {
      redirect: "manual",
      // The library refuses bots (isbot) with 410; this is the admin's browser opening the app.
      headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36" },
    });
    if (opened.status >= 400) console.warn(`  the app answered ${opened.status} when opened; see its log above`);
  } catch (error) {
    await stop();
    if (piped && error instanceof Error) error.message += `\n--- app output ---\n${output}`;
    throw error;
  }

  return { appUrl, sandboxUrl, sandbox, install, shopFile, restored: kept !== null, appLog: () => output, stop };
}
