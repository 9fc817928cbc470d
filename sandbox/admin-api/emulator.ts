/** `ShopEmulator` (contract) over the sandbox state and the Admin GraphQL executor. */
import { randomBytes } from "node:crypto";
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
import { decodeGraph, encodeGraph, fillMissingFields } from "../shop/persistence.js";
import { deployAppFunctions } from "./mutations/validations.js";
import { deployAppFlowExtensions } from "./mutations/flow.js";
import { seedState, type SeedOption } from "../shop/seed.js";
import { createEmptyState, snapshotState, type ShopState } from "../shop/state.js";
import type { ApiContext } from "./context.js";
import { CostLog, type CostLogEntry, type LoggedLevel, type RequestLog } from "./cost-log.js";
import { runGraphQL } from "./execute.js";
import { IdempotencyStore } from "./mutations/idempotency.js";
import { gatewayErrorBody, TransientFaultInjector, type TransientFaults, type TransientRecord } from "./transient-faults.js";
import { orderCreate } from "./mutations/orders.js";
import { advanceBulkOperations, setBulkObjectsPerSecond } from "./resolvers/bulk.js";
import { resolvers } from "./resolvers/index.js";
import { ALL_SCOPES, expandScopes } from "./scopes.js";
import { SHOPIFY_NON_EXPIRING_REJECTED_FROM } from "../auth/token-policy.js";
import { LeakyBucket, PLAN_THROTTLES, DEFAULT_PLAN, type ShopPlan, type ThrottleStatus } from "./throttle.js";

export interface ShopEmulatorOptions {
  /** default `safestock-sandbox.myshopify.com` */
  domain?: string;
  /** shop name, default "Safestock Sandbox" */
  name?: string;
  /** default: the system clock */
  clock?: Clock;
  /** The store's plan, which sets every app's bucket (./throttle.ts); default "standard". */
  plan?: ShopPlan;
  /** Overrides the plan's bucket for every app on this shop (tests, benchmarks). */
  throttle?: Partial<ThrottleOptions>;
  /** The installed app (Safestock) whose tokens `grantAccessToken` issues; default `sandbox-api-key` */
  apiClientId?: string;
  /** default "default"; ignored when `restore` is given */
  seed?: SeedOption;
  /**
   * Where every resource counter starts (decimal text, e.g. "9007199254740993": ids beyond 2^53,
   * sandbox/shop/ids.ts); default: ids below 2^53 as real shops have. Ignored when `restore` is given.
   */
  idBase?: string;
  /**
   * The shop's time zone (`Shop.ianaTimezone`, an IANA name: "Europe/Paris"); default
   * "America/New_York". Ignored when `restore` is given.
   */
  timeZone?: string;
  /** A previous run's `exportState()`: the shop continues from there instead of a new seed. */
  restore?: unknown;
  /**
   * From this instant (shop clock) the installed app's non-expiring tokens get 401 (default
   * 2027-01-01, sandbox/auth/token-policy.ts); null: never.
   */
  rejectNonExpiringFrom?: Date | null;
  /**
   * How fast a bulk query reads the shop, in objects (JSONL lines) per second; default
   * `DEFAULT_BULK_OBJECTS_PER_SECOND` (./resolvers/bulk.ts, with the recorded real figures).
   */
  bulkObjectsPerSecond?: number;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Shopify's 401 body for an unknown token; also for an expired or no longer accepted one: "401
 * Unauthorized: The necessary authentication credentials are not present in the request or are
 * incorrect" (shopify.dev/docs/api/usage/response-codes) — Shopify documents no other body for them.
 */
export const INVALID_TOKEN_BODY = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };

export interface RegisterApiClientOptions {
  /** The app's API client id (its `$app` namespace, its orders' default sourceName). */
  apiClientId: string;
  /** Granted access scopes, e.g. ["read_products", "write_orders"]. */
  scopes: string[];
  /** Default: a fresh `shpat_…` token. */
  accessToken?: string;
  /** Default: the shop's plan (every app on a store gets the plan's bucket). */
  throttle?: Partial<ThrottleOptions>;
}

export interface ApiClientCredentials {
  apiClientId: string;
  accessToken: string;
  scopes: string[];
}

interface TokenGrant {
  apiClientId: string;
  /** Granted scopes, or ALL_SCOPES for the sandbox's own admin token before any install. */
  scopes: string[] | typeof ALL_SCOPES;
  /** An expiring offline token's end (ISO); absent: a non-expiring token. */
  expiresAt?: string;
}

interface ApiClientRecord {
  apiClientId: string;
  /** Set when the client was registered with its own bucket; otherwise the shop's. */
  throttle?: Partial<ThrottleOptions>;
}

/** What `exportState()` returns and `restore` takes (JSON-able). */
interface ExportedShop {
  state: unknown;
  tokens: [string, TokenGrant][];
  apiClients: ApiClientRecord[];
  /** Revocations of the installed app's access so far (refresh tokens issued before one are dead). */
  revocations?: number;
}

export type ShopChange = "tokens" | "state";

export interface SandboxShopEmulator extends ShopEmulator {
  /** The live state (tests and the sandbox's own tooling only; mutate through GraphQL). */
  readonly state: ShopState;
  /** The installed app's API client id (whose tokens `grantAccessToken` issues). */
  readonly apiClientId: string;
  /** Grant a token to an app: by default the installed app (Safestock). */
  grantAccessToken(token: string, scopes: string[], apiClientId?: string): void;
  grantExpiringAccessToken(token: string, scopes: string[], expiresAt: Date): void;
  accessRevocations(): number;
  retireNonExpiringToken(token: string): boolean;
  /** Uninstall: revokes every token of the app (default the installed app); other apps keep theirs. */
  revokeAccessTokens(apiClientId?: string): void;
  /** Granted scopes per token (undefined: unknown token; ["*"]: the pre-install admin token). */
  scopesOf(token: string): string[] | undefined;
  /** Which app a token belongs to. */
  apiClientOf(token: string): string | undefined;
  /**
   * Another app on this shop (a marketplace connector, a load generator, a benchmark): its own
   * token, scopes and leaky bucket, as Shopify gives every app its own.
   */
  registerApiClient(options: RegisterApiClientOptions): ApiClientCredentials;
  /** An app's bucket right now (default the installed app), without spending points. */
  throttleStatus(apiClientId?: string): ThrottleStatus;
  /** Every Admin API request so far, in the order the shop ran them (./cost-log.ts). */
  costLog(filter?: { apiClientId?: string; since?: number }): CostLogEntry[];
  /** Fault knob `transientErrorRate` and its companions (./transient-faults.ts); reseeds the draws. */
  setTransientFaults(faults: TransientFaults): void;
  /** The transient fault settings and every fault drawn so far. */
  transientFaults(): TransientFaults & { transientLog: TransientRecord[] };
  /**
   * Called after anything that changes what `exportState` returns: "tokens" (a grant, a revoke, a
   * new app: worth saving at once, the app stores its token right away) or "state" (a mutation ran).
   */
  onChange(listener: (change: ShopChange) => void): () => void;
  /** The whole shop (state, tokens, apps) as JSON-able data, for `restore` on the next run. */
  exportState(): unknown;
  /** A buyer completes Shopify's own checkout (no app token, no app's bucket). */
  completeCheckout(input: CheckoutCompletionInput): Promise<CheckoutCompletionResult>;
}

function restoredShop(data: unknown, fresh: ShopState): { state: ShopState; tokens: [string, TokenGrant][]; apiClients: ApiClientRecord[]; revocations: number } {
  const exported = data as Partial<ExportedShop> | null;
  if (!exported || typeof exported !== "object" || !exported.state || !Array.isArray(exported.tokens)) {
    throw new Error("restore: not an exported sandbox shop");
  }
  const state = fillMissingFields(decodeGraph(exported.state as never) as ShopState, fresh);
  return { state, tokens: exported.tokens, apiClients: exported.apiClients ?? [], revocations: exported.revocations ?? 0 };
}

export function createShopEmulator(options: ShopEmulatorOptions = {}): SandboxShopEmulator {
  const clock = options.clock ?? systemClock;
  const domain = options.domain ?? SANDBOX_SHOP_DOMAIN;
  const now = () => clock.now().toISOString();
  const appClientId = options.apiClientId ?? SANDBOX_API_KEY;
  const shopThrottle: ThrottleOptions = { ...PLAN_THROTTLES[options.plan ?? DEFAULT_PLAN], ...options.throttle };

  const fresh = createEmptyState(domain, options.name ?? "Safestock Sandbox", now(), options.idBase, options.timeZone);
  const tokens = new Map<string, TokenGrant>();
  const apiClients = new Map<string, ApiClientRecord>();
  let state: ShopState;
  let revocations = 0;
  if (options.restore !== undefined) {
    const restored = restoredShop(options.restore, fresh);
    state = restored.state;
    for (const [token, grant] of restored.tokens) tokens.set(token, grant);
    for (const client of restored.apiClients) apiClients.set(client.apiClientId, client);
    revocations = restored.revocations;
  } else {
    state = fresh;
    seedState(state, options.seed ?? "default", now());
    // The sandbox's own admin token works from the start with every scope (tests, tooling): a
    // sandbox convenience, not a Shopify behaviour. Installing the app grants it the app's scopes;
    // like every token it stops working once the app is uninstalled (revokeAccessTokens → 401).
    tokens.set(SANDBOX_ADMIN_TOKEN, { apiClientId: appClientId, scopes: ALL_SCOPES });
  }

  // The installed app's deployed Functions (a restored shop gets them again: they come with the app).
  deployAppFunctions(state, appClientId);
  deployAppFlowExtensions(state, appClientId);

  if (options.bulkObjectsPerSecond !== undefined) setBulkObjectsPerSecond(state, options.bulkObjectsPerSecond);
  // A bulk query reads the shop over time: before anything runs, every running one reads what
  // it would have read by now, so it sees exactly the changes made before each object's turn.
  const catchUpBulkReads = () => advanceBulkOperations(state, clock.now(), resolvers);

  // One bucket per app on this shop, created on the app's first call (full, as a new bucket is).
  const buckets = new Map<string, LeakyBucket>();
  const bucketOf = (apiClientId: string): LeakyBucket => {
    let bucket = buckets.get(apiClientId);
    if (!bucket) {
      bucket = new LeakyBucket({ ...shopThrottle, ...apiClients.get(apiClientId)?.throttle }, clock);
      buckets.set(apiClientId, bucket);
    }
    return bucket;
  };

  const listeners = new Set<(e: EmulatorEvent) => void>();
  const changeListeners = new Set<(change: ShopChange) => void>();
  const changed = (change: ShopChange) => {
    for (const l of [...changeListeners]) l(change);
  };
  const emit = (event: EmulatorEvent) => {
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch {
        // A failing listener must not break the shop (Shopify does not roll back on webhook failures).
      }
    }
  };
  const idempotency = new IdempotencyStore();
  const costLog = new CostLog();
  const transientFaults = new TransientFaultInjector();
  // Requests run one at a time, as Shopify serialises a shop's writes; keeps events ordered.
  let queue: Promise<unknown> = Promise.resolve();

  const grant = (token: string, scopes: string[] | typeof ALL_SCOPES, apiClientId: string, expiresAt?: Date) => {
    tokens.set(token, { apiClientId, scopes: scopes === ALL_SCOPES ? ALL_SCOPES : [...scopes], ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) });
    changed("tokens");
  };
  const rejectNonExpiringFrom = options.rejectNonExpiringFrom === undefined ? new Date(SHOPIFY_NON_EXPIRING_REJECTED_FROM) : options.rejectNonExpiringFrom;
  /**
   * Whether Shopify accepts a token now: an expiring one until its end
   * (shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens);
   * the installed (public) app's non-expiring ones only before 2027-01-01. Other apps stand for
   * custom or merchant-created apps, which the rule does not cover (migrate-to-expiring-offline-access-tokens).
   */
  const accepted = (g: TokenGrant): boolean => {
    const at = clock.now().getTime();
    if (g.expiresAt !== undefined) return at < new Date(g.expiresAt).getTime();
    return g.apiClientId !== appClientId || rejectNonExpiringFrom === null || at < rejectNonExpiringFrom.getTime();
  };

  return {
    domain,
    clock,
    apiClientId: appClientId,
    get state() {
      return state;
    },
    async graphql(body: GraphQLRequestBody, accessToken: string | null): Promise<GraphQLResult> {
      const tokenGrant = accessToken ? tokens.get(accessToken) : undefined;
      if (!tokenGrant || !accepted(tokenGrant)) {
        return { status: 401, body: INVALID_TOKEN_BODY as unknown as GraphQLResult["body"] };
      }
      const ctx: ApiContext = {
        state,
        clock,
        apiClientId: tokenGrant.apiClientId,
        scopes: tokenGrant.scopes === ALL_SCOPES ? ALL_SCOPES : expandScopes(tokenGrant.scopes),
        idempotency,
        emit,
        now,
      };
      const run = queue.then(async () => {
        await catchUpBulkReads();
        const bucket = bucketOf(tokenGrant.apiClientId);
        const bucketBefore = bucket.level();
        const requestLog: RequestLog = { idempotent: [], metafieldOwners: [] };
        const levels = new Map<string, LoggedLevel>();
        const logged: ApiContext = {
          ...ctx,
          requestLog,
          emit(event) {
            if (event.type === "inventory_level.updated") {
              levels.set(event.level.id, { inventoryItemId: event.level.inventoryItemId, locationId: event.level.locationId, quantities: { ...event.level.quantities } });
            }
            emit(event);
          },
        };
        // Transient faults (./transient-faults.ts): a "try again" userError from the resolver, or a
        // gateway error / lost answer before or after the mutation ran.
        const fault = transientFaults.decide(body?.query, body?.operationName, (body?.variables ?? {}) as Record<string, unknown>);
        let transient: TransientRecord | undefined;
        if (fault && "code" in fault) {
          logged.transientUserError = { field: fault.field, code: fault.code };
          transient = { field: fault.field, idempotencyKey: fault.idempotencyKey, kind: fault.kind, code: fault.code };
        } else if (fault) {
          transient = { field: fault.field, idempotencyKey: fault.idempotencyKey, kind: fault.kind, applied: fault.applied };
          if (fault.appliedRootFields !== undefined) logged.rootFieldsBeforeLoss = { limit: fault.appliedRootFields, ran: 0 };
        }
        const ran = !fault || "code" in fault || fault.applied;
        let result: GraphQLResult = ran ? await runGraphQL(body, logged, bucket, () => changed("state")) : { status: 200, body: {} };
        if (fault && "applied" in fault) {
          result = fault.kind === "timeout" ? { status: 0, body: {}, lostAfterMs: fault.timeoutMs } : { status: fault.kind === "http_502" ? 502 : 503, body: gatewayErrorBody(fault.kind === "http_502" ? 502 : 503) };
        }
        const cost = (result.body.extensions as { cost?: { requestedQueryCost?: number | null; actualQueryCost?: number | null } } | undefined)?.cost;
        const operation = typeof body?.query === "string" ? /\b(query|mutation)\s+(\w+)/.exec(body.query) : null;
        const { maximumAvailable, restoreRate } = bucket.status();
        costLog.add({
          at: now(),
          apiClientId: tokenGrant.apiClientId,
          operation: body?.operationName ?? operation?.[2] ?? null,
          mutation: typeof body?.query === "string" && /^\s*mutation\b/.test(body.query),
          requestedQueryCost: cost?.requestedQueryCost ?? null,
          actualQueryCost: cost?.actualQueryCost ?? null,
          bucketBefore,
          bucketAfter: bucket.level(),
          maximumAvailable,
          restoreRate,
          throttled: (Array.isArray(result.body.errors) ? result.body.errors : []).some((e) => (e as { extensions?: { code?: string } }).extensions?.code === "THROTTLED"),
          idempotent: requestLog.idempotent,
          levels: [...levels.values()],
          metafieldOwners: requestLog.metafieldOwners ?? [],
          ...(transient ? { transient } : {}),
        });
        return result;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    grantAccessToken(token: string, scopes: string[], apiClientId = appClientId): void {
      grant(token, scopes, apiClientId);
    },
    grantExpiringAccessToken(token: string, scopes: string[], expiresAt: Date): void {
      grant(token, scopes, appClientId, expiresAt);
    },
    revokeAccessTokens(apiClientId = appClientId): void {
      for (const [token, g] of tokens) if (g.apiClientId === apiClientId) tokens.delete(token);
      if (apiClientId === appClientId) revocations++;
      changed("tokens");
    },
    accessRevocations: () => revocations,
    retireNonExpiringToken(token: string): boolean {
      const g = tokens.get(token);
      // The sandbox's own admin token is a tooling convenience, not a token Shopify issued: it is
      // never migrated, so tests and benchmarks that share it keep it.
      if (token === SANDBOX_ADMIN_TOKEN || !g || g.apiClientId !== appClientId || g.expiresAt !== undefined || !accepted(g)) return false;
      tokens.delete(token);
      changed("tokens");
      return true;
    },
    scopesOf(token: string) {
      const g = tokens.get(token);
      if (!g) return undefined;
      return g.scopes === ALL_SCOPES ? [ALL_SCOPES] : [...g.scopes];
    },
    apiClientOf(token: string) {
      return tokens.get(token)?.apiClientId;
    },
    registerApiClient(client: RegisterApiClientOptions): ApiClientCredentials {
      if (client.apiClientId === appClientId) throw new Error(`${appClientId} is the installed app; use grantAccessToken for its tokens`);
      const record: ApiClientRecord = { apiClientId: client.apiClientId };
      if (client.throttle) record.throttle = { ...client.throttle };
      apiClients.set(client.apiClientId, record);
      buckets.delete(client.apiClientId);
      const accessToken = client.accessToken ?? `shpat_${randomBytes(16).toString("hex")}`;
      grant(accessToken, client.scopes, client.apiClientId);
      return { apiClientId: client.apiClientId, accessToken, scopes: [...client.scopes] };
    },
    async completeCheckout(input: CheckoutCompletionInput): Promise<CheckoutCompletionResult> {
      // Shopify's own checkout, not an app: no token, no app's bucket, serialised with the API's
      // writes. The Online Store claims stock obeying each variant's inventory policy ("web").
      const run = queue.then(async () => {
        await catchUpBulkReads();
        const result = orderCreate(
          { state, clock, apiClientId: "web", scopes: ALL_SCOPES, idempotency, emit, now },
          {
            order: { lineItems: input.lines, sourceName: "web", financialStatus: "PAID", ...(input.email ? { email: input.email } : {}) },
            options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
          },
          { checkoutToken: input.checkoutToken, cartToken: input.cartToken, attributes: input.attributes ?? [] },
        );
        changed("state");
        const order = result.order ? { id: result.order.id, legacyResourceId: String(result.order.legacyId), name: result.order.name } : null;
        return { order, userErrors: result.userErrors.map(({ field, message }) => ({ field, message })) };
      });
      queue = run.catch(() => undefined);
      return run;
    },
    throttleStatus(apiClientId = appClientId) {
      return bucketOf(apiClientId).status();
    },
    setTransientFaults(faults: TransientFaults) {
      transientFaults.set(faults);
    },
    transientFaults: () => ({ ...transientFaults.get(), transientLog: [...transientFaults.log] }),
    costLog(filter) {
      return costLog.list(filter);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    snapshot(): ShopStateSnapshot {
      return snapshotState(state);
    },
    exportState(): ExportedShop {
      return {
        state: encodeGraph(state),
        tokens: [...tokens].map(([t, g]) => [t, structuredClone(g)]),
        apiClients: [...apiClients.values()].map((c) => structuredClone(c)),
        revocations,
      };
    },
  };
}
