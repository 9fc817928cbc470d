import { z } from "zod";

/**
 * Every environment variable the app reads, checked once, when first asked (epic-stack style): a
 * missing or malformed value fails fast with every problem listed instead of surfacing later as a
 * confusing 500. Nothing else in app/ reads `process.env` (docs/decisions/023-composition-root.md);
 * documented in `.env.example` and the README's configuration table.
 */

/** A count or duration that must be a whole number ≥ `min` when set. */
const wholeNumber = (min: number) => z.coerce.number().int().min(min);
/** Unset and "" both mean "the default" (a blank line in .env is not a value). */
const blankAsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalNumber = (min: number) => z.preprocess(blankAsUnset, wholeNumber(min).optional());

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (the app's client id)"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required (the app's client secret)"),
  SHOPIFY_APP_URL: z.string().url("SHOPIFY_APP_URL must be the app's public URL"),
  SCOPES: z
    .string()
    .default(
      "write_inventory,read_locations,write_products,read_orders,write_publications,write_validations",
    ),
  DATABASE_URL: z.string().default("file:./prisma/dev.sqlite"),
  /** PostgreSQL only: connections in the pool of each process. */
  DATABASE_POOL_SIZE: z.preprocess(blankAsUnset, wholeNumber(1).default(10)),
  /**
   * SQLite: how long a statement waits for another connection's write lock before failing. The
   * wait blocks the process's event loop (better-sqlite3 is synchronous), so it is short: a webhook
   * answers 503 with Retry-After instead of every request freezing (issue 22). The storage port retries a
   * busy statement 6 times (app/models/storage/sqlite-busy.server.ts), so an ack gives up after about 1 s.
   */
  DATABASE_BUSY_TIMEOUT_MS: z.preprocess(blankAsUnset, wholeNumber(0).default(150)),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  /**
   * Where the embedded page loads App Bridge from. Unset in production (Shopify's CDN); the
   * sandbox points it at its local stand-in because no machine here reaches the CDN.
   */
  SAFESTOCK_APP_BRIDGE_URL: z.string().url().optional(),
  /**
   * Under `npm run sandbox` the emulated admin embeds the app from this origin instead of
   * admin.shopify.com (app/entry.server.tsx adds it to frame-ancestors). Unset in production.
   */
  SAFESTOCK_SANDBOX_ORIGIN: z.preprocess(blankAsUnset, z.string().url().optional()),
  /** `external`: a separate `npm run worker` does the queue's work; the web process runs none. */
  SAFESTOCK_WORKER: z.preprocess(blankAsUnset, z.enum(["embedded", "external"]).default("embedded")),
  /**
   * A webhook delivery older than this (by X-Shopify-Triggered-At or its payload's own change
   * time) is recorded but not acted on. Shopify retries for 4 hours and is rarely up to a day
   * late (docs/decisions/012 "Webhooks"); 26 h lets every genuine late delivery through and
   * stops a replay of an old capture. Reconciliation covers what a stale delivery would have said.
   */
  WEBHOOK_FRESHNESS_HOURS: z.coerce.number().positive().default(26),
  /**
   * How long a processed webhook delivery keeps its stored body (already trimmed to the fields the
   * pipeline reads, app/shopify/webhook-fields.ts): long enough to look at a delivery that just went
   * wrong, short enough that order ids do not pile up. The row itself (topic, times, status) stays.
   * README "Privacy".
   */
  WEBHOOK_BODY_RETENTION_HOURS: z.preprocess(blankAsUnset, z.coerce.number().min(0).default(1)),
  /** `embedded` (the `Job` table, SQLite only) or `bullmq` (Redis at REDIS_URL), docs/scale-out.md. */
  QUEUE: z.preprocess(blankAsUnset, z.enum(["embedded", "bullmq"]).default("embedded")),
  QUEUE_PREFIX: z.preprocess(blankAsUnset, z.string().default("safestock")),
  /** BullMQ: how soon a crashed worker's job is found (seen stalled on two sweeps); unset = BullMQ's 30 s. */
  QUEUE_STALLED_INTERVAL_MS: optionalNumber(1),
  REDIS_URL: z.preprocess(blankAsUnset, z.string().default("redis://127.0.0.1:6379")),
  /** Unset: 1000 ms, and 0 under NODE_ENV=test (see `recomputeWindowMs`). */
  RECOMPUTE_WINDOW_MS: optionalNumber(0),
  /** Unset: 200 ms, and 0 under NODE_ENV=test (see `webhookWindowMs`). */
  WEBHOOK_WINDOW_MS: optionalNumber(0),
  /** Refresh an expiring offline token when less than this is left (docs/decisions/021); the library's own margin is 5 minutes. */
  TOKEN_REFRESH_AHEAD_S: z.preprocess(blankAsUnset, z.coerce.number().min(0).default(300)),
  /**
   * Every Admin API request and token refresh is aborted after this long (issue 22: a request
   * never answered kept its job "running", its lease renewed, for ever); the job is retried.
   */
  SHOPIFY_REQUEST_TIMEOUT_MS: z.preprocess(blankAsUnset, wholeNumber(1).default(30_000)),
  /** A bulk operation's JSONL result download is aborted after this long (files reach hundreds of MB). */
  SHOPIFY_DOWNLOAD_TIMEOUT_MS: z.preprocess(blankAsUnset, wholeNumber(1).default(600_000)),
  WORKER_CONCURRENCY: z.preprocess(blankAsUnset, wholeNumber(1).default(4)),
  WORKER_POLL_INTERVAL_MS: z.preprocess(blankAsUnset, wholeNumber(1).default(1_000)),
  WORKER_VISIBILITY_TIMEOUT_MS: z.preprocess(blankAsUnset, wholeNumber(1).default(60_000)),
}).superRefine((config, context) => {
  if (config.SHOPIFY_API_SECRET === PUBLISHED_SANDBOX_SECRET && !isSandboxProfile(config)) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["SHOPIFY_API_SECRET"],
      message:
        "is the sandbox's published secret, which anyone can sign webhooks and session tokens with; outside the sandbox set the app's own client secret (Partner Dashboard → the app → Client credentials)",
    });
  }
});

/**
 * The emulated shop's secret: published in the README, sandbox/contract.ts and every test, so a
 * deployment that keeps it accepts webhooks and session tokens forged by anyone (issue 22).
 */
const PUBLISHED_SANDBOX_SECRET = "sandbox-api-secret";

/**
 * Hosts Shopify can never deliver to: loopback and the reserved names of RFC 2606 / RFC 6761.
 * A production build serving one of them is a local profile (the cluster tests, benchmarks).
 */
const LOCAL_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|.+\.(localhost|invalid|test|example))$/i;

/**
 * Where the sandbox secret is allowed: development and tests, and a production build serving the
 * emulated admin (`npm run sandbox` sets SAFESTOCK_SANDBOX_ORIGIN) or a host no Shopify reaches.
 */
function isSandboxProfile(config: { NODE_ENV: string; SAFESTOCK_SANDBOX_ORIGIN?: string; SHOPIFY_APP_URL: string }): boolean {
  if (config.NODE_ENV !== "production" || config.SAFESTOCK_SANDBOX_ORIGIN) return true;
  return LOCAL_HOST.test(new URL(config.SHOPIFY_APP_URL).hostname);
}

export type Env = z.infer<typeof EnvSchema>;

/** Every variable's name, for the test that keeps `.env.example` and the README in step. */
export const ENV_VARIABLES = Object.keys(EnvSchema.innerType().shape) as (keyof Env)[];

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${problems.join("\n")}\nSee .env.example.`);
  }
  return result.data;
}

let cached: Env | undefined;
/** The process's configuration, parsed on the first call (never at import). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Windows of the queue's batching: the configured value, else 0 under tests (whose worker runs due jobs only), else the default. */
export function batchWindowMs(configured: number | undefined, config: Pick<Env, "NODE_ENV">, fallback: number): number {
  if (configured !== undefined) return configured;
  return config.NODE_ENV === "test" ? 0 : fallback;
}
