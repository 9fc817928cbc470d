/**
 * How the dispatcher schedules first attempts: as Shopify does ("shopify", the default) or one at a
 * time in publish order ("ordered", for deterministic unit tests that ask for it explicitly).
 *
 * Shopify's documented delivery behaviour (sandbox/shop/README.md "Webhook delivery" lists each source):
 * - no ordering guarantee, within or across topics: apps order by X-Shopify-Triggered-At / `updated_at`
 *   (shopify.dev/docs/apps/build/webhooks, "About webhooks"; SHOPIFY-FACTS.md "Webhooks");
 * - at-least-once: the same event can arrive more than once, each copy with the same X-Shopify-Event-Id
 *   and its own X-Shopify-Webhook-Id (shopify.dev/docs/apps/build/webhooks/ignore-duplicates);
 * - deliveries are concurrent: several in flight at once for one shop (SHOPIFY-FACTS.md "Webhooks");
 * - near-real-time, usually within a second, but late by seconds to minutes under load, and rarely up to
 *   a day (SHOPIFY-FACTS.md "Webhooks"). The emulator keeps the tail bounded by `maxDelayMs` so that tests
 *   finish; the real tail of minutes is what reconciliation is for.
 *
 * All randomness comes from one seeded PRNG (`seed`, printed when the sandbox starts) drawn in publish
 * order, so a failing run's delays and duplicates can be replayed with SANDBOX_DELIVERY_SEED.
 */
import type { Prng } from "../prng.js";

export type DeliveryMode = "shopify" | "ordered";

export interface DeliveryProfile {
  mode: DeliveryMode;
  /** PRNG seed for delays and duplicates. */
  seed: number;
  /** Upper bound of a first attempt's delay (real ms). Shopify's own tail reaches minutes. */
  maxDelayMs: number;
  /** Median delay of the body of the distribution (real ms). */
  medianDelayMs: number;
  /** Fraction of deliveries that land in the slow tail (seconds, up to `maxDelayMs`). */
  tailRate: number;
  /** Fraction of deliveries that Shopify sends a second time (same event id, new webhook id). */
  duplicateRate: number;
  /** Most deliveries in flight at once per shop (Shopify publishes no figure; several is what apps see). */
  maxInFlightPerShop: number;
}

export const DEFAULT_DELIVERY_PROFILE: Omit<DeliveryProfile, "seed"> = {
  mode: "shopify",
  maxDelayMs: 1_500,
  medianDelayMs: 60,
  tailRate: 0.05,
  duplicateRate: 0.03,
  maxInFlightPerShop: 8,
};

/** An ordered profile: one delivery at a time, in publish order, never twice (unit tests only). */
export const ORDERED_DELIVERY: DeliveryProfile = { ...DEFAULT_DELIVERY_PROFILE, mode: "ordered", seed: 1 };

const nonNegative = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return n;
};

/**
 * The profile from the environment: SANDBOX_DELIVERY (shopify | ordered), SANDBOX_DELIVERY_SEED,
 * SANDBOX_DELIVERY_MAX_DELAY_MS, SANDBOX_DELIVERY_DUPLICATE_RATE. Without a seed one is drawn.
 */
export function deliveryProfileFromEnv(env: Record<string, string | undefined> = process.env): DeliveryProfile {
  const mode = env.SANDBOX_DELIVERY ?? "shopify";
  if (mode !== "shopify" && mode !== "ordered") throw new Error(`SANDBOX_DELIVERY must be "shopify" or "ordered", got ${JSON.stringify(mode)}`);
  const seed = nonNegative("SANDBOX_DELIVERY_SEED", env.SANDBOX_DELIVERY_SEED) ?? Math.floor(Math.random() * 2 ** 31);
  const profile: DeliveryProfile = { ...DEFAULT_DELIVERY_PROFILE, mode, seed: Math.floor(seed) };
  const maxDelayMs = nonNegative("SANDBOX_DELIVERY_MAX_DELAY_MS", env.SANDBOX_DELIVERY_MAX_DELAY_MS);
  if (maxDelayMs !== undefined) profile.maxDelayMs = maxDelayMs;
  const duplicateRate = nonNegative("SANDBOX_DELIVERY_DUPLICATE_RATE", env.SANDBOX_DELIVERY_DUPLICATE_RATE);
  if (duplicateRate !== undefined) profile.duplicateRate = Math.min(1, duplicateRate);
  return profile;
}

/** One line for logs: what a failing run needs to be replayed. */
export function describeDeliveryProfile(p: DeliveryProfile): string {
  if (p.mode === "ordered") return "webhook deliveries: ordered (one at a time, publish order, never twice; SANDBOX_DELIVERY=ordered)";
  return (
    `webhook deliveries as Shopify makes them: up to ${p.maxInFlightPerShop} in flight per shop, delays median ${p.medianDelayMs} ms ` +
    `with ${Math.round(p.tailRate * 100)}% up to ${p.maxDelayMs} ms, ${Math.round(p.duplicateRate * 100)}% duplicated; ` +
    `seed ${p.seed} (replay with SANDBOX_DELIVERY_SEED=${p.seed})`
  );
}

/**
 * A first attempt's delay: a log-normal body around `medianDelayMs` (most deliveries well under a
 * second), and with probability `tailRate` a uniform draw from 1 s (or `maxDelayMs` when smaller) up to
 * `maxDelayMs`. Always within [0, maxDelayMs].
 */
export function drawDeliveryDelayMs(p: DeliveryProfile, rand: Prng): number {
  if (p.maxDelayMs <= 0) return 0;
  if (rand() < p.tailRate) {
    const low = Math.min(1_000, p.maxDelayMs / 2);
    return Math.round(low + rand() * (p.maxDelayMs - low));
  }
  // Box–Muller normal, sigma 1: ~84% under e × median, ~98% under e² × median.
  const u1 = Math.max(rand(), 1e-12);
  const u2 = rand();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.min(p.maxDelayMs, Math.round(p.medianDelayMs * Math.exp(z)));
}
