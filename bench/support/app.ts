/**
 * The real Safestock pipeline in this process, against sandbox shops reached through msw (the same
 * wiring as tests/support/harness.ts, without vitest): a migrated SQLite file, the app's env, msw
 * patching fetch before the Shopify adapter captures it (docs/decisions/013), and an Admin API meter that
 * counts every request the app (or a bench-side app) sends, per shop.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { setupServer, type SetupServer } from "msw/node";

export const BENCH_API_KEY = "sandbox-api-key";
export const BENCH_API_SECRET = "sandbox-api-secret";
export const BENCH_APP_URL = "https://safestock.bench";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A fresh SQLite file with every migration applied (what `npm run setup` does, without Prisma's CLI). */
export function migratedDatabase() {
  const dir = mkdtempSync(path.join(tmpdir(), "safestock-bench-"));
  const file = path.join(dir, "bench.sqlite");
  const db = new Database(file);
  const migrations = path.join(root, "prisma/migrations");
  for (const name of readdirSync(migrations).filter((entry) => /^\d+_/.test(entry)).sort()) {
    db.exec(readFileSync(path.join(migrations, name, "migration.sql"), "utf8"));
  }
  db.close();
  return { url: `file:${file}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One Admin API call as seen on the wire. */
export interface ApiCall {
  shop: string;
  operation: string;
  /** Request start and response, performance.now() ms. */
  startedAt: number;
  answeredAt: number;
  cost: number;
  /** Error codes found in the answer (THROTTLED, CHANGE_FROM_QUANTITY_STALE, …). */
  codes: string[];
  mutation: boolean;
  /**
   * A query that reads stock (levels or quantities): what a plan can be made from. A read of the
   * channel metafield alone (a write's read-back) is not one, so it is not a lower bound's read.
   */
  readsStock: boolean;
  /** The request's variables as JSON text (ids are looked up in it). */
  variables: string;
}

const WATCHED_CODES = ["STALE_OBJECT", "CHANGE_FROM_QUANTITY_STALE", "THROTTLED", "INVALID_COMPARE_DIGEST", "IDEMPOTENCY_CONCURRENT_REQUEST"];

export interface ApiMeter {
  /** Called when a request starts (before the shop answers) and when its answer is back. */
  onStart(listener: (call: Omit<ApiCall, "answeredAt" | "cost" | "codes">) => void): void;
  onAnswer(listener: (call: ApiCall) => void): void;
  readonly calls: ApiCall[];
}

/**
 * Sets the app's environment, starts msw and imports the app modules (in that order: the Shopify
 * adapter captures fetch on import). Returns the server and a per-shop meter of Admin API calls.
 */
/**
 * A fresh migrated database, the app's environment pointing at it, and msw listening. Call it
 * before importing any app module: msw must patch fetch before the Shopify adapter captures it
 * (docs/decisions/013), and the app reads its environment at import.
 */
export function startBenchEnvironment(env: Record<string, string> = {}): { server: SetupServer; database: { url: string; remove(): void } } {
  const database = migratedDatabase();
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    SHOPIFY_API_KEY: BENCH_API_KEY,
    SHOPIFY_API_SECRET: BENCH_API_SECRET,
    SHOPIFY_APP_URL: BENCH_APP_URL,
    ...env,
  });
  const server = setupServer();
  server.listen({ onUnhandledRequest: "bypass" });
  return { server, database };
}

/**
 * Counts Admin API calls as they pass: `started` when a request reaches the shop, `answered` with
 * its response. Fed by msw's events for apps in this process and by the emulator's HTTP server for
 * an app in its own process (bench/flash/app-process.ts).
 */
export function createApiMeter() {
  const startListeners: ((call: Omit<ApiCall, "answeredAt" | "cost" | "codes">) => void)[] = [];
  const answerListeners: ((call: ApiCall) => void)[] = [];
  const calls: ApiCall[] = [];
  const pending = new Map<string, Omit<ApiCall, "answeredAt" | "cost" | "codes">>();
  const meter: ApiMeter = {
    onStart: (listener) => startListeners.push(listener),
    onAnswer: (listener) => answerListeners.push(listener),
    calls,
  };
  return {
    meter,
    /** A request to `shop`'s Admin GraphQL endpoint, before the shop answers. */
    async started(requestId: string, request: Request, shop: string) {
      const startedAt = performance.now();
      const body = (await request.clone().json().catch(() => ({}))) as { query?: string; variables?: unknown };
      const match = /(query|mutation)\s+(\w+)/.exec(body.query ?? "");
      const mutation = match?.[1] === "mutation";
      const readsStock = !mutation && /\b(inventoryLevels?|quantities|inventoryQuantity)\b/.test(body.query ?? "");
      const call = { shop, operation: match?.[2] ?? "anonymous", mutation, readsStock, startedAt, variables: JSON.stringify(body.variables ?? {}) };
      pending.set(requestId, call);
      for (const listener of startListeners) listener(call);
    },
    async answered(requestId: string, response: Response) {
      const call = pending.get(requestId);
      if (!call) return;
      pending.delete(requestId);
      const answeredAt = performance.now();
      const text = await response.clone().text();
      const codes = WATCHED_CODES.filter((code) => text.includes(code));
      const parsed = JSON.parse(text) as { extensions?: { cost?: { actualQueryCost?: number } } } | null;
      const done: ApiCall = { ...call, answeredAt, cost: parsed?.extensions?.cost?.actualQueryCost ?? 0, codes };
      calls.push(done);
      for (const listener of answerListeners) listener(done);
    },
  };
}

export async function startBenchApp(): Promise<{ server: SetupServer; meter: ApiMeter; database: { url: string; remove(): void }; metering: ReturnType<typeof createApiMeter> }> {
  // A started worker, as in production: recomputes coalesce over the production window.
  const { server, database } = startBenchEnvironment({ RECOMPUTE_WINDOW_MS: process.env.RECOMPUTE_WINDOW_MS ?? "1000" });
  const metering = createApiMeter();
  server.events.on("request:start", async ({ request, requestId }) => {
    // Only calls to a shop: a handler that forwards them elsewhere (catalog-scale's proxy to the
    // emulator's process) makes a second, unmocked request that never gets "response:mocked", and
    // tracking it would keep its variables for the whole run.
    if (!request.url.includes("graphql.json") || !new URL(request.url).hostname.endsWith(".myshopify.com")) return;
    await metering.started(requestId, request, new URL(request.url).hostname);
  });
  server.events.on("response:mocked", async ({ response, requestId }) => {
    await metering.answered(requestId, response);
  });
  return { server, database, meter: metering.meter, metering };
}

type RouteModule = { action: (args: { request: Request; params: object; context: object }) => Promise<Response> };
const routeModules = new Map<string, RouteModule>();

/** Delivers a webhook request into `app/routes/webhooks.<topic>.tsx` as Remix would route it. */
export async function deliverToAppRoute(request: Request): Promise<Response> {
  const topic = new URL(request.url).pathname.replace(/^\/webhooks\//, "").split("/").join(".");
  let route = routeModules.get(topic);
  if (!route) {
    // Imported once per topic, as Remix's build does: under tsx a repeated `import()` of a loaded
    // module still runs the loader's resolve hook across threads (~1 ms of CPU per delivery).
    route = (await import(`../../app/routes/webhooks.${topic}.tsx`)) as RouteModule;
    routeModules.set(topic, route);
  }
  return route.action({ request, params: {}, context: {} }).catch((thrown: unknown) => (thrown instanceof Response ? thrown : new Response(String(thrown), { status: 500 })));
}

/** Installs Safestock on a sandbox shop the way the bench needs it: token, webhooks, offline session, install row. */
export async function installSafestock(sandbox: { install(shop: string): unknown }, shop: string) {
  // What an entry point does first (docs/decisions/023): the app builds its pieces on first use.
  (await import("../../app/composition.server")).compose();
  const { ensureShopInstalled } = await import("../../app/models/shop-installation.server");
  sandbox.install(shop);
  await storeExchangedOfflineSession(shop);
  await ensureShopInstalled(shop);
}

/**
 * The offline session token exchange stores (the bench skips the embedded page): a real exchange
 * with the emulator for an expiring token, as the app asks for (docs/decisions/021-expiring-offline-tokens.md),
 * through whatever sends `*.myshopify.com` to the emulator in this process (msw or the preload).
 * From 2027-01-01 the emulator, like Shopify, refuses the app's non-expiring tokens: a bench on the
 * sandbox's fixed admin token would stop running on that date.
 */
export async function storeExchangedOfflineSession(shop: string) {
  const { mintSessionToken } = await import("../../sandbox/auth/session-token");
  const { Session } = await import("@shopify/shopify-api");
  const { sessionStorage } = await import("../../app/shopify.server");
  const apiKey = process.env.SHOPIFY_API_KEY!;
  const apiSecret = process.env.SHOPIFY_API_SECRET!;
  const response = await fetch(`https://${shop}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      client_id: apiKey,
      client_secret: apiSecret,
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: mintSessionToken({ shop, apiKey, apiSecret }),
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      expiring: "1",
    }),
  });
  const pair = (await response.json()) as { access_token?: string; scope?: string; expires_in?: number; refresh_token?: string; refresh_token_expires_in?: number };
  if (!response.ok || !pair.access_token || pair.expires_in === undefined || !pair.refresh_token || pair.refresh_token_expires_in === undefined) {
    throw new Error(`token exchange for ${shop} answered ${response.status}: ${JSON.stringify(pair)}`);
  }
  const receivedAt = Date.now();
  await sessionStorage.storeSession(
    new Session({
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      accessToken: pair.access_token,
      scope: pair.scope,
      expires: new Date(receivedAt + pair.expires_in * 1000),
      refreshToken: pair.refresh_token,
      refreshTokenExpires: new Date(receivedAt + pair.refresh_token_expires_in * 1000),
    }),
  );
}

export const peakRssMb = () => {
  // resourceUsage().maxRSS is in kilobytes: the process's high-water mark, not the current RSS.
  return process.resourceUsage().maxRSS / 1024;
};

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
