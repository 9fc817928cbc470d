/** `ShopEmulator` (contract) over the sandbox state and the Admin GraphQL executor. */
import {
  SANDBOX_ADMIN_TOKEN,
  SANDBOX_API_KEY,
  SANDBOX_SHOP_DOMAIN,
  type Clock,
  type EmulatorEvent,
  type GraphQLRequestBody,
  type GraphQLResult,
  type ShopEmulator,
  type ShopStateSnapshot,
  type ThrottleOptions,
} from "../contract.js";
import { seedState, type SeedOption } from "../shop/seed.js";
import { createEmptyState, snapshotState, type ShopState } from "../shop/state.js";
import type { ApiContext } from "./context.js";
import { runGraphQL } from "./execute.js";
import { IdempotencyStore } from "./mutations/idempotency.js";
import { DEFAULT_THROTTLE, LeakyBucket } from "./throttle.js";

export interface ShopEmulatorOptions {
  /** default `safestock-sandbox.myshopify.com` */
  domain?: string;
  /** shop name, default "Safestock Sandbox" */
  name?: string;
  /** default: the system clock */
  clock?: Clock;
  /** default bucket 1,000 points, restore 100/s */
  throttle?: Partial<ThrottleOptions>;
  /** for `$app` namespace resolution, default `sandbox-api-key` */
  apiClientId?: string;
  /** default "default" */
  seed?: SeedOption;
}

export const systemClock: Clock = { now: () => new Date() };

/** Shopify's 401 body for an unknown token. */
export const INVALID_TOKEN_BODY = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };

export interface SandboxShopEmulator extends ShopEmulator {
  /** The live state (tests and the sandbox's own tooling only; mutate through GraphQL). */
  readonly state: ShopState;
  /** Granted scopes per token (the admin token has none recorded: it may do everything). */
  scopesOf(token: string): string[] | undefined;
}

export function createShopEmulator(options: ShopEmulatorOptions = {}): SandboxShopEmulator {
  const clock = options.clock ?? systemClock;
  const domain = options.domain ?? SANDBOX_SHOP_DOMAIN;
  const now = () => clock.now().toISOString();
  const state = createEmptyState(domain, options.name ?? "Safestock Sandbox", now());
  seedState(state, options.seed ?? "default", now());
  const bucket = new LeakyBucket({ ...DEFAULT_THROTTLE, ...options.throttle }, clock);
  const tokens = new Map<string, string[]>();
  // The sandbox's own admin token works from the start (tests, `npm run sandbox`) and, like every
  // token, stops working once the app is uninstalled (revokeAccessTokens → 401).
  tokens.set(SANDBOX_ADMIN_TOKEN, []);
  const listeners = new Set<(e: EmulatorEvent) => void>();
  const emit = (event: EmulatorEvent) => {
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch {
        // A failing listener must not break the shop (Shopify does not roll back on webhook failures).
      }
    }
  };
  const ctx: ApiContext = {
    state,
    clock,
    apiClientId: options.apiClientId ?? SANDBOX_API_KEY,
    idempotency: new IdempotencyStore(),
    emit,
    now,
  };
  // Requests run one at a time, as Shopify serialises a shop's writes; keeps events ordered.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    domain,
    clock,
    state,
    async graphql(body: GraphQLRequestBody, accessToken: string | null): Promise<GraphQLResult> {
      if (!accessToken || !tokens.has(accessToken)) {
        return { status: 401, body: INVALID_TOKEN_BODY as unknown as GraphQLResult["body"] };
      }
      const run = queue.then(() => runGraphQL(body, ctx, bucket));
      queue = run.catch(() => undefined);
      return run;
    },
    grantAccessToken(token: string, scopes: string[]): void {
      tokens.set(token, [...scopes]);
    },
    revokeAccessTokens(): void {
      tokens.clear();
    },
    scopesOf(token: string) {
      return tokens.get(token);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot(): ShopStateSnapshot {
      return snapshotState(state);
    },
  };
}
