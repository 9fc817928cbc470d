import { env } from "~/env.server";
import { observeShopifyDate } from "./clock-skew.server";
import { RequestTimeoutError, withDeadline } from "./deadline.server";

/**
 * Safestock's Admin GraphQL client: one per (shop, access token), sharing a per-shop
 * leaky-bucket estimate so that concurrent jobs for one shop pace themselves.
 *
 * Why not `admin.graphql` from the library: we need `extensions.cost.throttleStatus` on every
 * response to pace ourselves (https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits),
 * the `X-Request-Id` for the audit log, and typed handling of THROTTLED without the library's
 * exceptions. The request itself is the one the library sends: POST
 * `https://{shop}/admin/api/{version}/graphql.json` with `X-Shopify-Access-Token`.
 *
 * Failure policy: THROTTLED is never surfaced (we wait for the bucket and retry); 429, 5xx and
 * network errors retry with exponential backoff; a request not answered within
 * `SHOPIFY_REQUEST_TIMEOUT_MS` throws at once (`timedOut`, status 0) so that its job is retried
 * under a new lease rather than holding this one for several timeouts; 401/403 and GraphQL errors other than
 * THROTTLED throw `AdminApiError` (a bug in our query or a revoked token). Business failures
 * come back as `userErrors` in `data` and are the caller's to check.
 */

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
  path?: (string | number)[];
}

export interface TransportResponse {
  status: number;
  body: { data?: unknown; errors?: GraphQLErrorShape[] | string; extensions?: { cost?: CostExtension } } | null;
  requestId: string | null;
}

export type AdminTransport = (request: {
  shop: string;
  accessToken: string;
  apiVersion: string;
  query: string;
  variables: Record<string, unknown>;
}) => Promise<TransportResponse>;

/**
 * The real transport: `fetch` at call time (so msw and the sandbox redirect can intercept), the
 * request and its body bounded by `SHOPIFY_REQUEST_TIMEOUT_MS` (./deadline.server.ts).
 */
export const fetchTransport: AdminTransport = ({ shop, accessToken, apiVersion, query, variables }) =>
  withDeadline(`Admin API request to ${shop}`, env().SHOPIFY_REQUEST_TIMEOUT_MS, async (signal) => {
    const sentAt = Date.now();
    const response = await fetch(`https://${shop}/admin/api/${apiVersion}/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Shopify-Access-Token": accessToken },
      body: JSON.stringify({ query, variables }),
      signal,
    });
    observeShopifyDate(response.headers.get("date"), sentAt, Date.now());
    const text = await response.text();
    let body: TransportResponse["body"] = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: response.status, body, requestId: response.headers.get("x-request-id") };
  });

/** What went wrong with one Admin API attempt, for the admin's "Shopify is failing" banner. */
export type AdminFailureKind = "timeout" | "network" | "server_error" | "rate_limited" | "throttled";
export interface AdminFailure {
  shop: string;
  operation: string;
  kind: AdminFailureKind;
  status: number;
}
let failureListener: ((failure: AdminFailure) => void) | null = null;
/** Installed by the composition root: every failed attempt is reported (a report never fails the request). */
export function onAdminApiFailure(listener: ((failure: AdminFailure) => void) | null) {
  failureListener = listener;
}
function reportFailure(failure: AdminFailure) {
  bestEffort(() => failureListener?.(failure));
}
function bestEffort(report: () => void) {
  try {
    report();
  } catch {
    // Reporting is best effort: the request's own outcome decides the job.
  }
}

let answeredListener: ((shop: string) => void) | null = null;
/**
 * Installed by the composition root: every attempt Shopify answered (HTTP 200, not throttled), so
 * the banner can say Shopify recovered as soon as it answers again. Best effort, like failures.
 */
export function onAdminApiAnswered(listener: ((shop: string) => void) | null) {
  answeredListener = listener;
}
function reportAnswered(shop: string) {
  bestEffort(() => answeredListener?.(shop));
}

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly details: { shop: string; operation: string; status: number; errors?: unknown; requestId: string | null; timedOut?: boolean; data?: unknown },
  ) {
    super(message);
    this.name = "AdminApiError";
  }
  /** 401/403: the token was revoked (uninstall) — retrying cannot help. */
  get unauthorized() {
    return this.details.status === 401 || this.details.status === 403;
  }
  /**
   * 401: Shopify no longer accepts the access token (revoked, or rotated elsewhere). Unlike a
   * 403 (a missing scope), a fresh token exchange on the merchant's next admin load fixes it.
   */
  get invalidToken() {
    return this.details.status === 401;
  }
  /** Shopify did not answer within `SHOPIFY_REQUEST_TIMEOUT_MS`; the write may or may not have been applied. */
  get timedOut() {
    return this.details.timedOut === true;
  }
  /**
   * The request may succeed if sent again: no answer (network error, timeout: status 0), 429, or
   * a 5xx (shopify.dev/docs/api/usage/response-codes: server-side errors). Shopify may have
   * applied a mutation whose answer was lost, so only a write that carries its idempotency key
   * (or whose effect is read back first) may be resent (app/services/write-retries.server.ts).
   */
  get transient() {
    const status = this.details.status;
    return status === 0 || status === 429 || status >= 500;
  }
}

export interface AdminResult<T> {
  data: T;
  cost: CostExtension | null;
  requestId: string | null;
}

export interface AdminClientOptions {
  shop: string;
  /**
   * The token, or a function asked right before each send, after any wait for the throttle
   * bucket: a token that expires while a request waits for the bucket is renewed before it is
   * sent rather than refused with a 401 (docs/decisions/021).
   */
  accessToken: string | (() => Promise<string>);
  apiVersion?: string;
  transport?: AdminTransport;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Retries for 429/5xx/network errors (THROTTLED waits are separate and bounded by maxThrottleWaits). */
  maxRetries?: number;
  maxThrottleWaits?: number;
  /** Shared bucket estimates; defaults to the process's store (see `useDefaultThrottleStore`). */
  buckets?: ThrottleStore;
}

/**
 * Where bucket estimates live: `BucketRegistry` in this process, or a store shared by every
 * worker process (app/shopify/redis-throttle-store.server.ts, docs/decisions/014).
 */
export interface ThrottleStore {
  reserve(shop: string, cost: number, at: number): number | Promise<number>;
  observe(shop: string, cost: CostExtension, at: number): void | Promise<void>;
  expectedCost(operation: string): number;
  rememberCost(operation: string, requested: number): void;
  /** Drops the shop's bucket estimate (shop/redact: nothing named after a redacted shop stays). */
  forget(shop: string): void | Promise<void>;
}

interface BucketEstimate {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
  observedAt: number;
}

export class BucketRegistry {
  private readonly estimates = new Map<string, BucketEstimate>();
  /** Last requested cost per operation name, to know how much to wait for before sending. */
  private readonly operationCosts = new Map<string, number>();

  observe(shop: string, cost: CostExtension, at: number) {
    this.estimates.set(shop, { ...cost.throttleStatus, observedAt: at });
  }
  rememberCost(operation: string, requested: number) {
    this.operationCosts.set(operation, requested);
  }
  forget(shop: string) {
    this.estimates.delete(shop);
  }
  expectedCost(operation: string): number {
    return this.operationCosts.get(operation) ?? 10;
  }
  /**
   * Books `cost` points for a request about to be sent and returns how long to wait first.
   * The booking is debited from our estimate at once, so concurrent jobs of one shop queue up
   * behind each other instead of all firing when the bucket refills (and all but one getting
   * THROTTLED). The next response's throttleStatus replaces the estimate with Shopify's truth.
   */
  reserve(shop: string, cost: number, at: number): number {
    const wait = this.waitFor(shop, cost, at);
    const estimate = this.estimates.get(shop);
    if (estimate) {
      const sendAt = at + wait;
      const available = Math.min(
        estimate.maximumAvailable,
        estimate.currentlyAvailable + ((sendAt - estimate.observedAt) / 1000) * estimate.restoreRate,
      );
      estimate.currentlyAvailable = available - Math.min(cost, estimate.maximumAvailable);
      estimate.observedAt = sendAt;
    }
    return wait;
  }

  /** Milliseconds to wait until `cost` points are available, from our last observation. */
  waitFor(shop: string, cost: number, at: number): number {
    const estimate = this.estimates.get(shop);
    if (!estimate) return 0;
    const need = Math.min(cost, estimate.maximumAvailable);
    const available = Math.min(
      estimate.maximumAvailable,
      estimate.currentlyAvailable + ((at - estimate.observedAt) / 1000) * estimate.restoreRate,
    );
    if (available >= need) return 0;
    return Math.ceil(((need - available) / estimate.restoreRate) * 1000);
  }
}

let defaultThrottleStore: ThrottleStore = new BucketRegistry();

/** Installs the store every client uses unless given one (the cluster profile installs Redis's). */
export function useDefaultThrottleStore(store: ThrottleStore) {
  defaultThrottleStore = store;
}

/** Forgets the shop's Admin API bucket in the process's store (with BullMQ, its Redis key). */
export async function forgetShopThrottle(shop: string): Promise<void> {
  await defaultThrottleStore.forget(shop);
}
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const ADMIN_API_VERSION = "2026-10";

export interface AdminClient {
  readonly shop: string;
  request<T>(operation: string, query: string, variables?: Record<string, unknown>): Promise<AdminResult<T>>;
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const {
    shop,
    accessToken,
    apiVersion = ADMIN_API_VERSION,
    transport = fetchTransport,
    sleep = defaultSleep,
    now = Date.now,
    random = Math.random,
    maxRetries = 5,
    maxThrottleWaits = 50,
    buckets = defaultThrottleStore,
  } = options;

  async function request<T>(operation: string, query: string, variables: Record<string, unknown> = {}) {
    let retries = 0;
    let throttleWaits = 0;
    for (;;) {
      const wait = await buckets.reserve(shop, buckets.expectedCost(operation), now());
      if (wait > 0) await sleep(wait);

      let response: TransportResponse;
      try {
        const token = typeof accessToken === "string" ? accessToken : await accessToken();
        response = await transport({ shop, accessToken: token, apiVersion, query, variables });
      } catch (error) {
        const timedOut = error instanceof RequestTimeoutError;
        reportFailure({ shop, operation, kind: timedOut ? "timeout" : "network", status: 0 });
        if (timedOut) {
          throw new AdminApiError(`${operation}: ${error.message}`, { shop, operation, status: 0, requestId: null, timedOut });
        }
        if (retries++ < maxRetries) {
          await sleep(backoff(retries, random));
          continue;
        }
        throw new AdminApiError(`Network error calling ${operation}: ${String(error)}`, {
          shop,
          operation,
          status: 0,
          requestId: null,
        });
      }

      const cost = response.body?.extensions?.cost ?? null;
      if (cost) {
        await buckets.observe(shop, cost, now());
        buckets.rememberCost(operation, cost.requestedQueryCost);
      }

      if (response.status === 429 || response.status >= 500) {
        reportFailure({ shop, operation, kind: response.status === 429 ? "rate_limited" : "server_error", status: response.status });
        if (retries++ < maxRetries) {
          await sleep(backoff(retries, random));
          continue;
        }
      }
      if (response.status !== 200 || !response.body) {
        throw new AdminApiError(`Shopify answered ${response.status} to ${operation}`, {
          shop,
          operation,
          status: response.status,
          errors: response.body?.errors,
          requestId: response.requestId,
        });
      }

      const errors = response.body.errors;
      const throttled = Array.isArray(errors) && errors.some((error) => error.extensions?.code === "THROTTLED");
      // Any other answer, even a query's own errors, shows Shopify serving this shop again.
      if (!throttled) reportAnswered(shop);
      if (Array.isArray(errors) && errors.length > 0) {
        if (throttled && throttleWaits++ < maxThrottleWaits) {
          // The loop books the cost again from the throttleStatus just observed, so it waits
          // exactly until the bucket holds this query's cost (rate-limits doc).
          if (!cost) await sleep(1000);
          continue;
        }
        if (throttled) reportFailure({ shop, operation, kind: "throttled", status: response.status });
        throw new AdminApiError(`${operation} failed: ${errors.map((error) => error.message).join("; ")}`, {
          shop,
          operation,
          status: response.status,
          errors,
          requestId: response.requestId,
          // A field error nulls that field only: the other root fields of a mutation still answer (SafestockApplyLevels).
          data: response.body.data,
        });
      }
      return { data: response.body.data as T, cost, requestId: response.requestId };
    }
  }

  return { shop, request };
}

/** Exponential backoff with full jitter (AWS architecture blog), capped at 30 s. */
function backoff(attempt: number, random: () => number): number {
  const ceiling = Math.min(30_000, 250 * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
