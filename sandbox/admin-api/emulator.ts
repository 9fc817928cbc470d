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
  type CheckoutCompletionInput,
  type CheckoutCompletionResult,
  type ShopStateSnapshot,
  type ThrottleOptions,
} from "../contract.js";
import { seedState, type SeedOption } from "../shop/seed.js";
import { createEmptyState, snapshotState, type ShopState } from "../shop/state.js";
import type { ApiContext } from "./context.js";
import { runGraphQL } from "./execute.js";
import { IdempotencyStore } from "./mutations/idempotency.js";
import { orderCreate } from "./mutations/orders.js";
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

/** Another app on the shop (same shape as the per-app registration on h/emu-limits). */
export interface RegisterApiClientOptions {
  /** The app's API client id (its `$app` namespace, its orders' default sourceName). */
  apiClientId: string;
  scopes: string[];
  /** Default: a fresh `shpat_…`-like token derived from the client id. */
  accessToken?: string;
}

export interface ApiClientCredentials {
  apiClientId: string;
  accessToken: string;
  scopes: string[];
}

export interface SandboxShopEmulator extends ShopEmulator {
  /** The live state (tests and the sandbox's own tooling only; mutate through GraphQL). */
  readonly state: ShopState;
  /** Granted scopes per token (the admin token has none recorded: it may do everything). */
  scopesOf(token: string): string[] | undefined;
  /** Grant a token to an app: by default the installed app (Safestock). */
  grantAccessToken(token: string, scopes: string[], apiClientId?: string): void;
  /**
   * Another app on this shop (a marketplace connector): its own token and API client id, so its
   * `$app` namespace and default order sourceName are its own. Minimal: every app still shares the
   * shop's one bucket here; per-app buckets come with h/emu-limits.
   */
  registerApiClient(options: RegisterApiClientOptions): ApiClientCredentials;
  completeCheckout(input: CheckoutCompletionInput): Promise<CheckoutCompletionResult>;
}

export function createShopEmulator(options: ShopEmulatorOptions = {}): SandboxShopEmulator {
  const clock = options.clock ?? systemClock;
  const domain = options.domain ?? SANDBOX_SHOP_DOMAIN;
  const now = () => clock.now().toISOString();
  const state = createEmptyState(domain, options.name ?? "Safestock Sandbox", now());
  seedState(state, options.seed ?? "default", now());
  const bucket = new LeakyBucket({ ...DEFAULT_THROTTLE, ...options.throttle }, clock);
  const appClientId = options.apiClientId ?? SANDBOX_API_KEY;
  const tokens = new Map<string, { scopes: string[]; apiClientId: string }>();
  // The sandbox's own admin token works from the start (tests, `npm run sandbox`) and, like every
  // token, stops working once the app is uninstalled (revokeAccessTokens → 401).
  tokens.set(SANDBOX_ADMIN_TOKEN, { scopes: [], apiClientId: appClientId });
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
    apiClientId: appClientId,
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
      const grant = accessToken ? tokens.get(accessToken) : undefined;
      if (!grant) {
        return { status: 401, body: INVALID_TOKEN_BODY as unknown as GraphQLResult["body"] };
      }
      const run = queue.then(() => runGraphQL(body, { ...ctx, apiClientId: grant.apiClientId }, bucket));
      queue = run.catch(() => undefined);
      return run;
    },
    grantAccessToken(token: string, scopes: string[], apiClientId = appClientId): void {
      tokens.set(token, { scopes: [...scopes], apiClientId });
    },
    revokeAccessTokens(): void {
      tokens.clear();
    },
    scopesOf(token: string) {
      return tokens.get(token)?.scopes;
    },
    registerApiClient({ apiClientId, scopes, accessToken }: RegisterApiClientOptions): ApiClientCredentials {
      const token = accessToken ?? `shpat_${apiClientId.replace(/[^a-z0-9]/gi, "").toLowerCase()}_${tokens.size}`;
      tokens.set(token, { scopes: [...scopes], apiClientId });
      return { apiClientId, accessToken: token, scopes: [...scopes] };
    },
    async completeCheckout(input: CheckoutCompletionInput): Promise<CheckoutCompletionResult> {
      // Shopify's own checkout, not an app: no token, no bucket, serialised with the API's writes.
      // The Online Store claims stock obeying each variant's inventory policy (sourceName "web").
      const run = queue.then(() => {
        const result = orderCreate(
          { ...ctx, apiClientId: "web" },
          {
            order: { lineItems: input.lines, sourceName: "web", financialStatus: "PAID", ...(input.email ? { email: input.email } : {}) },
            options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
          },
          { checkoutToken: input.checkoutToken, cartToken: input.cartToken },
        );
        const order = result.order ? { id: result.order.id, legacyResourceId: String(result.order.legacyId), name: result.order.name } : null;
        return { order, userErrors: result.userErrors.map(({ field, message }) => ({ field, message })) };
      });
      queue = run.catch(() => undefined);
      return run;
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
