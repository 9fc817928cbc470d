import { z } from "zod";

/**
 * Environment, checked once at start-up (epic-stack style): a missing or malformed value
 * fails fast with every problem listed instead of surfacing later as a confusing 500.
 * Documented in `.env.example`.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (the app's client id)"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required (the app's client secret)"),
  SHOPIFY_APP_URL: z.string().url("SHOPIFY_APP_URL must be the app's public URL"),
  SCOPES: z
    .string()
    .default(
      "read_inventory,write_inventory,read_locations,read_products,write_products,read_orders,read_publications,write_publications",
    ),
  DATABASE_URL: z.string().default("file:./prisma/dev.sqlite"),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  /**
   * Where the embedded page loads App Bridge from. Unset in production (Shopify's CDN); the
   * sandbox points it at its local stand-in because no machine here reaches the CDN.
   */
  SAFESTOCK_APP_BRIDGE_URL: z.string().url().optional(),
  /**
   * A webhook delivery older than this (by X-Shopify-Triggered-At or its payload's own change
   * time) is recorded but not acted on. Shopify retries for 4 hours and is rarely up to a day
   * late (docs/decisions/012 "Webhooks"); 26 h lets every genuine late delivery through and
   * stops a replay of an old capture. Reconciliation covers what a stale delivery would have said.
   */
  WEBHOOK_FRESHNESS_HOURS: z.coerce.number().positive().default(26),
});

export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${problems.join("\n")}\nSee .env.example.`);
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
