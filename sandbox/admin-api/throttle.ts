/**
 * Shopify's leaky bucket for the GraphQL Admin API, per app+shop, driven by the injected
 * clock (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits). Points refill
 * continuously at `restoreRate`/s up to `bucketSize`. `currentlyAvailable` is reported after
 * this request's actual cost was taken off (SHOPIFY-CONFORMANCE §1: 1987 after a cost of 13).
 */
import type { Clock, ThrottleOptions } from "../contract.js";

export const DEFAULT_THROTTLE: ThrottleOptions = { bucketSize: 1000, restoreRate: 100 };
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
