/**
 * Shopify's leaky bucket for the GraphQL Admin API, one per app (API client) and shop, driven by
 * the injected clock (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits: "GraphQL Admin
 * API rate limits are based on the combination of the app and store. Calls from one app don't
 * affect the rate limits of another app, even on the same store."). Points refill continuously at
 * `restoreRate`/s up to `bucketSize`. `currentlyAvailable` is reported after this request's actual
 * cost was taken off (docs/decisions/016 §1: 1987 after a cost of 13).
 */
import type { Clock, ThrottleOptions } from "../contract.js";

/**
 * The store's plan sets every app's bucket on it ("Each combination of app and store is given a
 * bucket size and restore rate based on the store's plan", same page).
 * - Restore rates: the page's table, Standard 100, Advanced 200, Plus 1,000, Enterprise (Commerce
 *   Components) 2,000 points/s.
 * - Bucket size: the page gives none. Every recorded real response (a dev store, docs/decisions/016
 *   §1, ≈12.9k cost blocks) shows `maximumAvailable: 2000` with `restoreRate: 100`, so Standard is
 *   2,000. For the other plans nothing is recorded; we keep 2,000 too (stricter than the larger
 *   buckets third-party guides quote) until a capture says otherwise.
 */
export const PLAN_THROTTLES = {
  standard: { bucketSize: 2000, restoreRate: 100 },
  advanced: { bucketSize: 2000, restoreRate: 200 },
  plus: { bucketSize: 2000, restoreRate: 1000 },
  enterprise: { bucketSize: 2000, restoreRate: 2000 },
} as const satisfies Record<string, ThrottleOptions>;

export type ShopPlan = keyof typeof PLAN_THROTTLES;
export const SHOP_PLANS = Object.keys(PLAN_THROTTLES) as ShopPlan[];

export function isShopPlan(value: unknown): value is ShopPlan {
  return typeof value === "string" && (SHOP_PLANS as string[]).includes(value);
}

/** A dev store is on the Standard limits (the recorded responses above). */
export const DEFAULT_PLAN: ShopPlan = "standard";

/**
 * Buyers' checkouts, POS sales and the sandbox's own control endpoints are not Admin API calls
 * of any installed app, so they meet no app's bucket (rate-limits page above). Their internal
 * client gets a bucket nothing can empty, so a load generator through `/sandbox/orders` is never
 * throttled and never touches an app's points.
 */
export const UNMETERED_THROTTLE: ThrottleOptions = { bucketSize: 1_000_000_000, restoreRate: 1_000_000_000 };

/** A single query may not request more than 1,000 points (shopify.dev/docs/api/usage/limits). */
export const SINGLE_QUERY_MAX_COST = 1000;

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  private available: number;
  private lastMs: number;

  constructor(
    private readonly options: ThrottleOptions,
    private readonly clock: Clock,
  ) {
    this.available = options.bucketSize;
    this.lastMs = clock.now().getTime();
  }

  private refill(): void {
    const nowMs = this.clock.now().getTime();
    const elapsed = Math.max(0, nowMs - this.lastMs) / 1000;
    this.lastMs = Math.max(this.lastMs, nowMs);
    this.available = Math.min(this.options.bucketSize, this.available + elapsed * this.options.restoreRate);
  }

  /** True when a request of this requested cost may run now. */
  canAfford(requested: number): boolean {
    this.refill();
    return requested <= this.available;
  }

  spend(actual: number): void {
    this.refill();
    this.available = Math.max(0, this.available - actual);
  }

  /** Points available now, unrounded (the cost log's before/after). */
  level(): number {
    this.refill();
    return this.available;
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.options.bucketSize,
      // Shopify reports whole points (e.g. 1987.0)
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.options.restoreRate,
    };
  }
}
