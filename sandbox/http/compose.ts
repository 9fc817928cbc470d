/**
 * The sandbox: emulated shops + webhook dispatcher + OAuth endpoint + admin page, behind one
 * `handle(request: Request): Promise<Response>` (served by ./server.ts over node:http, or by
 * ../msw for in-process tests). `sandbox/index.ts` binds the real `createShopEmulator`; tests
 * can pass any `createShop`.
 *
 * Routes (`handle`):
 *   POST /admin/api/2026-10/graphql.json      Admin GraphQL (X-Shopify-Access-Token)
 *   POST /admin/oauth/access_token            token exchange / refresh
 *   GET  /admin, /admin/apps/<handle>[/...]   admin frame with the embedded app iframe
 *   GET  /app-bridge.js                       App Bridge stand-in
 *   GET  /sandbox/session-token?shop=         {token} fresh session token (CORS for the app origin)
 *   GET  /sandbox/state?shop=                 shop snapshot
 *   POST /sandbox/install|uninstall           {shop?}
 *   POST /sandbox/orders                      {shop?, lineItems:[{variantId, quantity}], sourceName?, email?, options?}
 *   POST /sandbox/webhooks/trigger            {topic: customers/data_request|customers/redact|shop/redact, shop?, customer?, orderIds?}
 *   GET|POST /sandbox/faults                  dispatcher faults, and `dropRefreshResponses: n` (the next n
 *                                             token refreshes are processed, their answers lost), and
 *                                             `hangRequests: n` (the next n Admin API, token or bulk file
 *                                             requests are never answered), and
 *                                             `transientErrorRate` (+ transientKinds, transientAppliedShare,
 *                                             transientTimeoutMs, transientSeed): mutations fail transiently
 *                                             (../admin-api/transient-faults.ts)
 *   GET  /sandbox/tokens?shop=                {refreshes, exchanges, unauthorized, log}: every grant_type=refresh_token
 *                                             request of the shop (refresh tokens by fingerprint only),
 *                                             and how many Admin API requests got 401
 *   GET|POST /sandbox/clock                   {now}: the shops' clock; POST {now: ISO} moves it (time keeps
 *                                             running from there), e.g. past 2027-01-01
 *   POST /sandbox/webhooks/drain              await deliveries (retries fast-forwarded)
 *   GET  /sandbox/webhooks/log                delivery attempts (each with its event's publish `seq`)
 *   GET  /sandbox/webhooks/delivery           the delivery profile: mode, seed, max delay, duplicate rate
 *   GET  /sandbox/cost-log?apiClient=&since=  every Admin API request per app: costs, bucket before/after,
 *                                             THROTTLED, idempotency keys and what was applied (admin-api/cost-log.ts)
 *   GET  /sandbox/bulk/<id>.jsonl             a bulk operation's JSONL result (BulkOperation.url)
 *   GET  /sandbox/flow/triggers?shop=         Shopify Flow triggers the shop received (flowTriggerReceive), oldest first
 *   POST /sandbox/flow/actions                {handle, properties, signature?: valid|bad|none, actionRunId?, shop?}: Flow runs
 *                                             one of the app's actions: a signed POST to its runtime_url ({status, body} of the app)
 *   GET  /sandbox/flow/workflows?shop=        the merchant's workflows that start with the app's triggers
 *   POST /sandbox/flow/workflows              {trigger, signature?: valid|bad|none, shop?}: the merchant enables a workflow that
 *                                             starts with the trigger; Flow sends the app the signed lifecycle callback first and
 *                                             enables it only on a 2xx within 5 s (409 {problems, callback} otherwise)
 *   POST /sandbox/flow/workflows/disable      {workflowId, shop?}: the merchant disables it (callback sent, never refused)
 *   POST /sandbox/checkout                    {lines:[{variantId, quantity}], step?, attributes?, placeOrder?}: runs the
 *                                             cart-validation Function (extensions/safestock-cart-validation)
 * The shop is the `<shop>.myshopify.com` of the URL or Host header, else `?shop=` / body `shop`,
 * else the first shop (requests to 127.0.0.1 / localhost).
 *
 * Who pays for what (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits: "Calls from one app
 * don't affect the rate limits of another app, even on the same store"): the installed app
 * (Safestock) has its own bucket per shop; `registerApiClient` gives any other app (a marketplace
 * connector, a load generator) its own token, scopes and bucket; the storefront checkout, POS sales
 * and the `/sandbox/*` controls place orders through an internal client that is no app and meets
 * no app's bucket.
 */
import { sendFlowAction, type FlowActionInput, type FlowActionSent } from "../flow/actions.js";
import { disableFlowWorkflow, enableFlowWorkflow, type FlowLifecycleTarget, type FlowWorkflowChange, type FlowWorkflowInput } from "../flow/lifecycle.js";
import type { ShopState } from "../shop/state.js";
import { flowExtensions } from "../admin-api/mutations/flow.js";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  SANDBOX_ADMIN_TOKEN,
  SANDBOX_API_VERSION,
  SANDBOX_SHOP_DOMAIN,
  type Clock,
  type GraphQLRequestBody,
  type ShopEmulator,
  type ThrottleOptions,
  type ShopStateSnapshot,
} from "../contract.js";
import { adminPageHtml, appBridgeScript } from "../admin/index.js";
import type { ApiClientCredentials, RegisterApiClientOptions, ShopChange } from "../admin-api/emulator.js";
import type { CostLogEntry } from "../admin-api/cost-log.js";
import type { TransientFaults } from "../admin-api/transient-faults.js";
import { UNMETERED_THROTTLE, type ShopPlan } from "../admin-api/throttle.js";
import { bulkResultFile } from "../admin-api/resolvers/bulk.js";
import { handleCheckoutRequest } from "../checkout/index.js";
import {
  createAccessTokenEndpoint,
  mintSessionToken,
  tokenPolicyFromEnv,
  type AccessTokenEndpoint,
  type RefreshGrant,
  type MintSessionTokenOptions,
  type TokenFaults,
  type TokenPolicy,
} from "../auth/index.js";
import { systemClock } from "../admin-api/emulator.js";
import {
  COMPLIANCE_TOPICS,
  createWebhookDispatcher,
  parseAppToml,
  publishCompliance,
  publishEmulatorEvent,
  topicSubscriptions,
  type AppToml,
  type ComplianceRequest,
  type TopicSubscription,
  type DeliveryProfile,
  type WebhookDispatcher,
  type WebhookFaults,
} from "../webhooks/index.js";

export interface ShopFactoryOptions {
  domain: string;
  clock?: Clock;
  plan?: ShopPlan;
  throttle?: Partial<ThrottleOptions>;
  apiClientId?: string;
  seed?: unknown;
  /** Where every id counter starts (decimal text; sandbox/shop/ids.ts). */
  idBase?: string;
  /** The shop's time zone, an IANA name (`Shop.ianaTimezone`). */
  timeZone?: string;
  /** This shop's part of a previous run's `exportState()`. */
  restore?: unknown;
  /** From this instant the installed app's non-expiring tokens get 401 (null: never). */
  rejectNonExpiringFrom?: Date | null;
  /** How fast a bulk query reads the shop, objects a second (sandbox/admin-api/resolvers/bulk.ts). */
  bulkObjectsPerSecond?: number;
}

/** What the real emulator adds to the contract's `ShopEmulator` (test doubles may lack it). */
interface ExtendedShop extends ShopEmulator {
  /** The live state (the sandbox's own tooling: Flow's workflows live on the shop). */
  readonly state: ShopState;
  registerApiClient(options: RegisterApiClientOptions): ApiClientCredentials;
  onChange(listener: (change: ShopChange) => void): () => void;
  exportState(): unknown;
  costLog(filter?: { apiClientId?: string; since?: number }): CostLogEntry[];
  /** Optional: test doubles of the shop may have no transient faults. */
  setTransientFaults?(faults: TransientFaults): void;
  transientFaults?(): TransientFaults;
}

const isExtendedShop = (shop: ShopEmulator): shop is ExtendedShop =>
  typeof (shop as Partial<ExtendedShop>).registerApiClient === "function" && typeof (shop as Partial<ExtendedShop>).exportState === "function";

export type ShopFactory = (options: ShopFactoryOptions) => ShopEmulator;

export interface SandboxOptions {
  /** Shop domains (default [SANDBOX_SHOP_DOMAIN]); the first is the default shop. */
  shops?: string[];
  apiKey: string;
  apiSecret: string;
  /** The app's base URL: iframe src and webhook subscription base. */
  appUrl: string;
  clock?: Clock;
  /** The store plan of every shop (sets each app's bucket; default "standard"). */
  plan?: ShopPlan;
  /** Overrides the plan's bucket for every app (tests, benchmarks). */
  throttle?: Partial<ThrottleOptions>;
  /** Passed to each emulator. */
  seed?: unknown;
  /** Passed to each emulator: where its id counters start, e.g. "9007199254740993" (ids beyond 2^53). */
  idBase?: string;
  /** Passed to each emulator: the shop's time zone, an IANA name (`Shop.ianaTimezone`). */
  timeZone?: string;
  /** Passed to each emulator: objects a bulk query reads per second (default in sandbox/admin-api/resolvers/bulk.ts). */
  bulkObjectsPerSecond?: number;
  /** A previous run's `exportState()`: shops found in it continue from there (no new seed). */
  restore?: Record<string, unknown>;
  /** Granted scopes (default: shopify.app.toml [access_scopes]). */
  scopes?: string[];
  /** Webhook transport (default global fetch). */
  deliver?: (request: Request) => Promise<Response>;
  /** Parsed toml, or a path to it (default: the repository's shopify.app.toml). */
  appToml?: AppToml | string;
  /** Override the toml subscriptions: (topic, absolute uri). */
  subscriptions?: TopicSubscription[];
  retryDelaysMs?: readonly number[];
  webhookTimeoutMs?: number;
  faults?: WebhookFaults;
  /** How webhooks are delivered (default from the environment: as Shopify does; sandbox/webhooks/delivery.ts). */
  delivery?: DeliveryProfile;
  /** Install every shop on creation (default false). */
  autoInstall?: boolean;
  /**
   * Offline tokens' lifetimes and the end of non-expiring ones (sandbox/auth/token-policy.ts);
   * default Shopify's, as adjusted by SANDBOX_TOKEN_TTL_S / SANDBOX_REJECT_NON_EXPIRING_FROM.
   */
  tokens?: Partial<TokenPolicy>;
}

export interface InstallResult {
  shop: string;
  accessToken: string;
  scopes: string[];
  subscriptions: TopicSubscription[];
}

export interface Sandbox {
  readonly shops: string[];
  readonly apiKey: string;
  readonly appUrl: string;
  readonly scopes: string[];
  shop(domain?: string): ShopEmulator;
  readonly dispatcher: WebhookDispatcher;
  /** Every shop's clock (and the token endpoint's). */
  readonly clock: Clock;
  /** Moves the clock to `date`; it keeps running from there (tests: "it is now 2027-01-02"). */
  setClock(date: Date | string): void;
  /** Offline tokens' rules in force. */
  readonly tokenPolicy: TokenPolicy;
  /** The token endpoint: refresh log, exchange counts, refresh faults. */
  readonly tokenEndpoint: AccessTokenEndpoint;
  /** Grant SANDBOX_ADMIN_TOKEN (offline) and subscribe the toml's webhooks at appUrl + uri. */
  install(domain?: string): InstallResult;
  /** Revoke tokens, send app/uninstalled, drop the shop's subscriptions (compliance topics stay). */
  uninstall(domain?: string): void;
  mintSessionToken(domain?: string, options?: Partial<Omit<MintSessionTokenOptions, "shop" | "apiKey" | "apiSecret">>): string;
  /** Send a mandatory compliance webhook. Returns the event id. */
  triggerCompliance(request: ComplianceRequest, domain?: string): string;
  /**
   * Place an order through the emulator's own Admin GraphQL `orderCreate`, as the storefront / POS
   * would: through the sandbox's internal client, which spends no app's points.
   */
  placeOrder(input: PlaceOrderInput, domain?: string): Promise<{ status: number; body: unknown }>;
  /**
   * Another app on a shop (marketplace connector, load generator, benchmark): its own access token,
   * scopes and leaky bucket. Call it with `X-Shopify-Access-Token: <accessToken>` like any app.
   */
  registerApiClient(options: RegisterApiClientOptions, domain?: string): ApiClientCredentials;
  /** Every shop's state, tokens and apps (JSON-able), for `restore` on the next run. */
  exportState(): Record<string, unknown>;
  /** Called after any shop changed what `exportState` returns ("tokens" or "state"). */
  onChange(listener: (change: ShopChange) => void): () => void;
  /** Flow runs one of the app's actions (sandbox/flow/actions.ts): the app's answer, or why Flow would not send it. */
  sendFlowAction(input: FlowActionInput, domain?: string): Promise<FlowActionSent | { problems: string[] }>;
  /** The Flow triggers a shop received, oldest first (sandbox/admin-api/mutations/flow.ts). */
  flowTriggerRuns(domain?: string): NonNullable<ShopStateSnapshot["flowTriggerRuns"]>;
  /** The merchant enables a workflow that starts with a trigger; Flow asks the app first (sandbox/flow/lifecycle.ts). */
  enableFlowWorkflow(input: FlowWorkflowInput, domain?: string): Promise<FlowWorkflowChange>;
  /** The merchant disables a workflow; Flow tells the app. */
  disableFlowWorkflow(workflowId: string, domain?: string): Promise<FlowWorkflowChange>;
  handle(request: Request): Promise<Response>;
  close(): void;
}

export interface PlaceOrderInput {
  lineItems: { variantId: string; quantity: number }[];
  sourceName?: string;
  email?: string;
  /** Extra OrderCreateOrderInput fields. */
  order?: Record<string, unknown>;
  /** OrderCreateOptionsInput; default inventoryBehaviour DECREMENT_OBEYING_POLICY (orders commit stock). */
  options?: Record<string, unknown>;
}

const ORDER_CREATE = `mutation SandboxOrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id legacyResourceId name }
    userErrors { field message }
  }
}`;

/** The client behind the storefront checkout, POS sales and `/sandbox/orders`: not an installed app. */
export const INTERNAL_API_CLIENT_ID = "sandbox-storefront";
/** Scopes of the token the sandbox itself uses for simulated storefront orders. */
const INTERNAL_SCOPES = ["read_orders", "write_orders", "read_products", "read_inventory", "write_inventory", "read_locations"];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function loadToml(option: AppToml | string | undefined): AppToml {
  if (option && typeof option === "object") return option;
  const file = option ?? path.join(repoRoot, "shopify.app.toml");
  if (!existsSync(file)) return { scopes: [], subscriptions: [] };
  return parseAppToml(readFileSync(file, "utf8"));
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } });

const isShopDomain = (h: string | null | undefined): h is string => !!h && /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i.test(h);

export function composeSandbox(options: SandboxOptions & { createShop: ShopFactory }): Sandbox {
  const domains = options.shops?.length ? [...options.shops] : [SANDBOX_SHOP_DOMAIN];
  const toml = loadToml(options.appToml);
  const scopes = options.scopes ?? toml.scopes;
  const appUrl = options.appUrl.replace(/\/+$/, "");
  const appOrigin = new URL(appUrl).origin;
  const subscriptions = options.subscriptions ?? topicSubscriptions(toml, appUrl);

  const dispatcherOptions: Parameters<typeof createWebhookDispatcher>[0] = { apiSecret: options.apiSecret, apiVersion: SANDBOX_API_VERSION };
  if (options.deliver) dispatcherOptions.deliver = options.deliver;
  if (options.retryDelaysMs) dispatcherOptions.retryDelaysMs = options.retryDelaysMs;
  if (options.webhookTimeoutMs !== undefined) dispatcherOptions.timeoutMs = options.webhookTimeoutMs;
  if (options.faults) dispatcherOptions.faults = options.faults;
  if (options.delivery) dispatcherOptions.delivery = options.delivery;
  const dispatcher = createWebhookDispatcher(dispatcherOptions);

  // One clock for every shop and the token endpoint, which tests may move (setClock).
  const baseClock = options.clock ?? systemClock;
  let clockOffsetMs = 0;
  const clock: Clock = { now: () => new Date(baseClock.now().getTime() + clockOffsetMs) };
  const tokenPolicy: TokenPolicy = { ...tokenPolicyFromEnv(), ...options.tokens };
  const tokenEndpoint = createAccessTokenEndpoint({
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    scopes,
    policy: tokenPolicy,
    nowMs: () => clock.now().getTime(),
    sessionTokenNowMs: () => baseClock.now().getTime(),
    installed: (domain) => installedShops.has(domain),
  });
  /** Shops the app is installed on: install adds, uninstall removes; token exchange asks. */
  const installedShops = new Set<string>();

  const emulators = new Map<string, ShopEmulator>();
  /** Admin API requests answered 401, per shop (GET /sandbox/tokens). */
  const unauthorizedCounts = new Map<string, number>();
  // Fault `hangRequests: n`: the next n requests to Shopify's side (Admin GraphQL, the token
  // endpoint, bulk result files) are never answered, as the fault proxy of issue 22 did. Not a
  // Shopify behaviour but a network's: the request stays open until the client gives up.
  let hangRequests = 0;
  const hang = (request: Request) => {
    if (hangRequests <= 0) return null;
    hangRequests--;
    return new Promise<Response>((_resolve, reject) => {
      request.signal.addEventListener("abort", () => reject(request.signal.reason ?? new Error("aborted")), { once: true });
    });
  };
  const unsubscribers: (() => void)[] = [];
  const internalTokens = new Map<string, string>();
  const uninstalledEmitted = new Set<string>();
  for (const domain of domains) {
    const factoryOptions: ShopFactoryOptions = { domain, apiClientId: options.apiKey, clock, rejectNonExpiringFrom: tokenPolicy.rejectNonExpiringFrom };
    if (options.plan) factoryOptions.plan = options.plan;
    if (options.throttle) factoryOptions.throttle = options.throttle;
    if (options.seed !== undefined) factoryOptions.seed = options.seed;
    if (options.idBase !== undefined) factoryOptions.idBase = options.idBase;
    if (options.timeZone !== undefined) factoryOptions.timeZone = options.timeZone;
    if (options.bulkObjectsPerSecond !== undefined) factoryOptions.bulkObjectsPerSecond = options.bulkObjectsPerSecond;
    if (options.restore?.[domain] !== undefined) factoryOptions.restore = options.restore[domain];
    const emulator = options.createShop(factoryOptions);
    const restoredRefreshTokens = (options.restore?.[domain] as { refreshTokens?: [string, RefreshGrant][] } | undefined)?.refreshTokens;
    if (restoredRefreshTokens) tokenEndpoint.restoreRefreshTokens(restoredRefreshTokens);
    emulators.set(domain, emulator);
    unsubscribers.push(
      emulator.onEvent((event) => {
        if (event.type === "app.uninstalled") uninstalledEmitted.add(domain);
        publishEmulatorEvent(dispatcher, domain, event);
      }),
    );
  }

  const shop = (domain?: string): ShopEmulator => {
    const d = domain ?? domains[0]!;
    const e = emulators.get(d);
    if (!e) throw new Error(`unknown sandbox shop ${d} (shops: ${domains.join(", ")})`);
    return e;
  };

  const extendedShop = (domain: string): ExtendedShop => {
    const e = shop(domain);
    if (!isExtendedShop(e)) throw new Error(`the shop ${domain} cannot register API clients (not the sandbox emulator)`);
    return e;
  };

  /** The shop's transient-fault knob, when the shop is the sandbox emulator (test doubles have none). */
  const asTransientShop = (domain: string): ExtendedShop | null => {
    const e = shop(domain);
    return isExtendedShop(e) ? e : null;
  };
  const transientFaultsOf = (domain: string) => asTransientShop(domain)?.transientFaults?.() ?? {};

  const internalToken = (domain: string) => {
    let t = internalTokens.get(domain);
    if (!t) {
      t = `sandbox-internal-${domain}`;
      const e = shop(domain);
      if (isExtendedShop(e)) e.registerApiClient({ apiClientId: INTERNAL_API_CLIENT_ID, scopes: INTERNAL_SCOPES, accessToken: t, throttle: UNMETERED_THROTTLE });
      else e.grantAccessToken(t, INTERNAL_SCOPES);
      internalTokens.set(domain, t);
    }
    return t;
  };

  const install = (domain = domains[0]!): InstallResult => {
    const e = shop(domain);
    installedShops.add(domain);
    e.grantAccessToken(SANDBOX_ADMIN_TOKEN, scopes);
    for (const s of subscriptions) dispatcher.subscribe({ ...s, shop: domain });
    return { shop: domain, accessToken: SANDBOX_ADMIN_TOKEN, scopes, subscriptions: subscriptions.map((s) => ({ ...s })) };
  };

  const uninstall = (domain = domains[0]!) => {
    const e = shop(domain);
    installedShops.delete(domain);
    uninstalledEmitted.delete(domain);
    e.revokeAccessTokens();
    internalTokens.delete(domain);
    if (!uninstalledEmitted.has(domain)) {
      publishEmulatorEvent(dispatcher, domain, { type: "app.uninstalled", at: e.clock.now().toISOString() });
    }
    // Resolved at publish time, so app/uninstalled still goes out. The compliance topics stay:
    // they are app-level, and shop/redact arrives 48 h *after* uninstall
    // (https://shopify.dev/docs/apps/build/privacy-law-compliance#shop-redact).
    for (const subscription of dispatcher.subscriptions()) {
      if (subscription.shop === domain && !(COMPLIANCE_TOPICS as readonly string[]).includes(subscription.topic)) {
        dispatcher.unsubscribe({ shop: domain, topic: subscription.topic });
      }
    }
  };

  const mint: Sandbox["mintSessionToken"] = (domain = domains[0]!, extra = {}) => {
    shop(domain);
    return mintSessionToken({ nowMs: baseClock.now().getTime(), ...extra, shop: domain, apiKey: options.apiKey, apiSecret: options.apiSecret });
  };

  const placeOrder: Sandbox["placeOrder"] = async (input, domain = domains[0]!) => {
    const order: Record<string, unknown> = {
      lineItems: input.lineItems,
      financialStatus: "PAID",
      ...(input.sourceName ? { sourceName: input.sourceName } : {}),
      ...(input.email ? { email: input.email } : {}),
      ...input.order,
    };
    const result = await shop(domain).graphql(
      { query: ORDER_CREATE, variables: { order, options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY", ...input.options } } },
      internalToken(domain),
    );
    return { status: result.status, body: result.body };
  };

  /** Where Flow sends the app's action runs and lifecycle callbacks for a shop. */
  const flowTarget = async (domain: string): Promise<FlowLifecycleTarget> => {
    const read = await shop(domain).graphql({ query: "{ shop { id } }", variables: {} }, internalToken(domain));
    const shopGid = (read.body as { data?: { shop?: { id?: string } } }).data?.shop?.id ?? "gid://shopify/Shop/0";
    return { appUrl, apiSecret: options.apiSecret, deliver: options.deliver ?? ((request: Request) => fetch(request)), shopDomain: domain, shopId: shopGid.split("/").pop()!, now: () => clock.now() };
  };
  const sendFlow: Sandbox["sendFlowAction"] = async (input, domain = domains[0]!) => sendFlowAction(await flowTarget(domain), flowExtensions().get(input.handle), input);
  const enableWorkflow: Sandbox["enableFlowWorkflow"] = async (input, domain = domains[0]!) =>
    enableFlowWorkflow(await flowTarget(domain), extendedShop(domain).state, flowExtensions(), input);
  const disableWorkflow: Sandbox["disableFlowWorkflow"] = async (workflowId, domain = domains[0]!) =>
    disableFlowWorkflow(await flowTarget(domain), extendedShop(domain).state, flowExtensions(), workflowId);
  const flowTriggerRuns: Sandbox["flowTriggerRuns"] = (domain = domains[0]!) => shop(domain).snapshot().flowTriggerRuns ?? [];

  const triggerCompliance: Sandbox["triggerCompliance"] = (request, domain = domains[0]!) =>
    publishCompliance(dispatcher, domain, request, shop(domain).clock.now().toISOString());

  /** The shop a request addresses, or null for an unknown *.myshopify.com. */
  const resolveShop = (request: Request, url: URL, bodyShop?: unknown): string | null => {
    const hostHeader = request.headers.get("host")?.replace(/:\d+$/, "");
    const candidate = isShopDomain(url.hostname)
      ? url.hostname
      : isShopDomain(hostHeader)
        ? hostHeader
        : (url.searchParams.get("shop") ?? (typeof bodyShop === "string" ? bodyShop : null));
    if (!candidate) return domains[0]!;
    return emulators.has(candidate) ? candidate : null;
  };

  const cors = (request: Request): Record<string, string> => {
    const origin = request.headers.get("origin");
    return {
      "Access-Control-Allow-Origin": origin === appOrigin ? origin : appOrigin,
      "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
      "Access-Control-Allow-Headers": "Content-Type, Authorization",
      Vary: "Origin",
    };
  };

  const readJson = async (request: Request): Promise<Record<string, unknown>> => {
    const text = await request.text();
    if (!text) return {};
    return JSON.parse(text) as Record<string, unknown>;
  };

  const notFoundShop = () => json(404, { errors: "Not Found" });

  function setClock(date: Date | string) {
    clockOffsetMs = new Date(date).getTime() - baseClock.now().getTime();
  }

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const p = url.pathname.replace(/\/+$/, "") || "/";
    const method = request.method.toUpperCase();

    const gql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(p);
    const hung = (gql || p === "/admin/oauth/access_token" || /^\/sandbox\/bulk\//.test(p)) && hang(request);
    if (hung) return hung;
    if (gql) {
      const domain = resolveShop(request, url);
      if (!domain) return notFoundShop();
      if (gql[1] !== SANDBOX_API_VERSION) {
        return json(404, { errors: `The sandbox only emulates Admin API ${SANDBOX_API_VERSION}, not ${gql[1]}` });
      }
      if (method !== "POST") return json(405, { errors: "Method Not Allowed" });
      let body: GraphQLRequestBody;
      try {
        body = (await readJson(request)) as unknown as GraphQLRequestBody;
      } catch {
        return json(400, { errors: { query: "Required parameter missing or invalid" } });
      }
      if (typeof body.query !== "string") return json(400, { errors: { query: "Required parameter missing or invalid" } });
      const result = await shop(domain).graphql(body, request.headers.get("x-shopify-access-token"));
      if (result.lostAfterMs !== undefined) {
        // Fault `transientErrorRate`, kind timeout: held, then no answer at all (the connection drops).
        await new Promise((resolve) => setTimeout(resolve, result.lostAfterMs));
        return Response.error();
      }
      if (result.status === 401) unauthorizedCounts.set(domain, (unauthorizedCounts.get(domain) ?? 0) + 1);
      // Shopify answers every API request with an X-Request-Id (the id support asks for); the
      // app keeps it in its audit log.
      // An origin server with a clock sends `Date` (RFC 9110 §6.6.1), from the shops' clock: moving it
      // (`POST /sandbox/clock`) is how a test skews Shopify's clock against the app's.
      return json(result.status, result.body, {
        "X-Shopify-API-Version": SANDBOX_API_VERSION,
        "X-Request-Id": `sandbox-${randomUUID()}`,
        Date: clock.now().toUTCString(),
      });
    }

    if (p === "/admin/oauth/access_token") {
      const domain = resolveShop(request, url);
      if (!domain) return notFoundShop();
      return tokenEndpoint(request, shop(domain));
    }

    if (method === "GET" && (p === "/admin" || /^\/admin\/apps\/[^/]+(\/.*)?$/.test(p))) {
      const domain = resolveShop(request, url);
      if (!domain) return notFoundShop();
      const appPath = /^\/admin\/apps\/[^/]+(\/.*)?$/.exec(p)?.[1] ?? "/app";
      // Shopify-managed installation: opening the app from the admin installs it first (the
      // merchant's consent stands in for the grant screen), then loads it with a session token
      // ("Shopify installs an app … without making any calls to the app", shopify.dev/docs/apps/build/authentication-authorization/app-installation).
      if (!installedShops.has(domain)) install(domain);
      const snapshot = shop(domain).snapshot();
      const pageOptions: Parameters<typeof adminPageHtml>[0] = {
        shop: domain,
        shopName: snapshot.name || domain,
        appUrl,
        appPath: appPath.startsWith("/app") ? appPath : `/app${appPath}`,
        idToken: mint(domain),
        apiKey: options.apiKey,
        shops: domains,
      };
      if (toml.handle) pageOptions.appHandle = toml.handle;
      return new Response(adminPageHtml(pageOptions), {
        headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
      });
    }

    if (method === "GET" && (p === "/app-bridge.js" || p === "/shopifycloud/app-bridge.js")) {
      const origin = url.searchParams.get("origin") ?? url.origin;
      return new Response(appBridgeScript(origin), {
        headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store", ...cors(request) },
      });
    }

    if (p === "/sandbox" || p.startsWith("/sandbox/")) {
      const headers = cors(request);
      if (method === "OPTIONS") return new Response(null, { status: 204, headers });
      let body: Record<string, unknown> = {};
      if (method === "POST") {
        try {
          body = await readJson(request);
        } catch {
          return json(400, { error: "invalid JSON body" }, headers);
        }
      }
      const domain = resolveShop(request, url, body.shop);
      if (!domain) return json(404, { error: "unknown shop" }, headers);
      const sub = p.slice("/sandbox".length) || "/";
      const key = `${method} ${sub}`;
      const bulk = method === "GET" ? /^\/bulk\/(\d+)\.jsonl$/.exec(sub) : null;
      if (bulk) {
        const file = bulkResultFile(shop(domain), bulk[1]!);
        if (file === null) return json(404, { error: "no such bulk operation result" }, headers);
        return new Response(file, { status: 200, headers: { "Content-Type": "application/jsonl; charset=utf-8", ...headers } });
      }
      switch (key) {
        case "GET /":
          return json(200, { shops: domains, appUrl, apiVersion: SANDBOX_API_VERSION, routes: ROUTES }, headers);
        case "GET /session-token":
          return json(200, { token: mint(domain, url.searchParams.get("user") ? { userId: url.searchParams.get("user")! } : {}) }, headers);
        case "GET /state":
          return json(200, shop(domain).snapshot(), headers);
        case "POST /install":
          return json(200, install(domain), headers);
        case "POST /uninstall":
          uninstall(domain);
          return json(200, { shop: domain, uninstalled: true }, headers);
        case "POST /orders": {
          const lineItems = body.lineItems as PlaceOrderInput["lineItems"] | undefined;
          if (!Array.isArray(lineItems) || lineItems.length === 0) return json(400, { error: "lineItems required" }, headers);
          const input: PlaceOrderInput = { lineItems };
          if (typeof body.sourceName === "string") input.sourceName = body.sourceName;
          if (typeof body.email === "string") input.email = body.email;
          if (body.order && typeof body.order === "object") input.order = body.order as Record<string, unknown>;
          if (body.options && typeof body.options === "object") input.options = body.options as Record<string, unknown>;
          const result = await placeOrder(input, domain);
          return json(result.status, result.body, headers);
        }
        case "POST /webhooks/trigger": {
          const topic = body.topic as string;
          if (!(COMPLIANCE_TOPICS as readonly string[]).includes(topic)) {
            return json(400, { error: `topic must be one of ${COMPLIANCE_TOPICS.join(", ")}` }, headers);
          }
          const req: ComplianceRequest = { topic: topic as ComplianceRequest["topic"] };
          if (body.customer && typeof body.customer === "object") req.customer = body.customer as ComplianceRequest["customer"] & object;
          if (Array.isArray(body.orderIds)) req.orderIds = body.orderIds as number[];
          if (typeof body.dataRequestId === "number") req.dataRequestId = body.dataRequestId;
          return json(200, { eventId: triggerCompliance(req, domain) }, headers);
        }
        case "GET /faults":
          return json(200, { ...dispatcher.faults(), ...tokenEndpoint.faults(), ...transientFaultsOf(domain), hangRequests }, headers);
        case "POST /faults": {
          const { dropRefreshResponses, hangRequests: hangNext, transientErrorRate, transientKinds, transientAppliedShare, transientTimeoutMs, transientSeed, ...webhookFaults } = body as WebhookFaults &
            TokenFaults &
            TransientFaults & { hangRequests?: number };
          const transient = { transientErrorRate, transientKinds, transientAppliedShare, transientTimeoutMs, transientSeed };
          const setsTransient = Object.values(transient).some((value) => value !== undefined);
          if (dropRefreshResponses !== undefined) tokenEndpoint.setFaults({ dropRefreshResponses });
          if (hangNext !== undefined) hangRequests = Math.max(0, Math.floor(Number(hangNext)) || 0);
          // Transient Admin API failures apply to every shop of the sandbox (../admin-api/transient-faults.ts).
          if (setsTransient) for (const each of domains) asTransientShop(each)?.setTransientFaults?.(transient);
          const setsOther = dropRefreshResponses !== undefined || hangNext !== undefined || setsTransient;
          if (Object.keys(webhookFaults).length > 0 || !setsOther) dispatcher.setFaults(webhookFaults as WebhookFaults);
          return json(200, { ...dispatcher.faults(), ...tokenEndpoint.faults(), ...transientFaultsOf(domain), hangRequests }, headers);
        }
        case "GET /tokens": {
          const log = tokenEndpoint.refreshLog(domain);
          const refreshes = log.filter((entry) => entry.outcome === "issued").length;
          const unauthorized = unauthorizedCounts.get(domain) ?? 0;
          return json(200, { shop: domain, refreshes, exchanges: tokenEndpoint.exchanges(domain), unauthorized, log }, headers);
        }
        case "GET /clock":
          return json(200, { now: clock.now().toISOString() }, headers);
        case "POST /clock": {
          const now = new Date(String(body.now));
          if (Number.isNaN(now.getTime())) return json(400, { error: "now must be a date" }, headers);
          setClock(now);
          return json(200, { now: clock.now().toISOString() }, headers);
        }
        case "POST /webhooks/drain":
          await dispatcher.drain({ fastForward: true });
          return json(200, { attempts: dispatcher.log.length }, headers);
        case "GET /webhooks/delivery":
          return json(200, dispatcher.delivery(), headers);
        case "GET /webhooks/log":
          return json(200, dispatcher.log, headers);
        case "GET /webhooks/subscriptions":
          return json(200, dispatcher.subscriptions(), headers);
        case "GET /cost-log": {
          const filter: { apiClientId?: string; since?: number } = { since: Number(url.searchParams.get("since") ?? 0) || 0 };
          const apiClient = url.searchParams.get("apiClient");
          if (apiClient) filter.apiClientId = apiClient;
          return json(200, extendedShop(domain).costLog(filter), headers);
        }
        case "GET /flow/triggers":
          return json(200, flowTriggerRuns(domain), headers);
        case "POST /flow/actions": {
          if (typeof body.handle !== "string" || typeof body.properties !== "object" || body.properties === null) return json(400, { error: "handle and properties required" }, headers);
          const input: FlowActionInput = { handle: body.handle, properties: body.properties as Record<string, unknown> };
          if (body.signature === "valid" || body.signature === "bad" || body.signature === "none") input.signature = body.signature;
          if (typeof body.actionRunId === "string") input.actionRunId = body.actionRunId;
          const sent = await sendFlow(input, domain);
          return json("problems" in sent ? 400 : 200, sent, headers);
        }
        case "GET /flow/workflows":
          return json(200, extendedShop(domain).state.flowWorkflows, headers);
        case "POST /flow/workflows": {
          if (typeof body.trigger !== "string") return json(400, { error: "trigger required (a trigger extension's handle)" }, headers);
          const input: FlowWorkflowInput = { trigger: body.trigger };
          if (body.signature === "valid" || body.signature === "bad" || body.signature === "none") input.signature = body.signature;
          const changed = await enableWorkflow(input, domain);
          return json(changed.ok ? 200 : 409, changed, headers);
        }
        case "POST /flow/workflows/disable": {
          if (typeof body.workflowId !== "string") return json(400, { error: "workflowId required" }, headers);
          const changed = await disableWorkflow(body.workflowId, domain);
          return json(changed.ok ? 200 : 404, changed, headers);
        }
        case "POST /checkout":
          // The storefront's checkout: runs Safestock's real cart-validation Function first.
          return handleCheckoutRequest(sandbox, request, { body, shop: domain, headers });
        default:
          return json(404, { error: `no sandbox route ${key}` }, headers);
      }
    }

    return json(404, { errors: "Not Found" });
  }

  const sandbox: Sandbox = {
    shops: domains,
    apiKey: options.apiKey,
    appUrl,
    scopes,
    shop,
    dispatcher,
    clock,
    setClock,
    tokenPolicy,
    tokenEndpoint,
    install,
    uninstall,
    mintSessionToken: mint,
    triggerCompliance,
    placeOrder,
    sendFlowAction: sendFlow,
    flowTriggerRuns,
    enableFlowWorkflow: enableWorkflow,
    disableFlowWorkflow: disableWorkflow,
    registerApiClient(clientOptions, domain = domains[0]!) {
      return extendedShop(domain).registerApiClient(clientOptions);
    },
    exportState() {
      const out: Record<string, unknown> = {};
      // The shop's refresh tokens travel with it: the app keeps using them after a restart.
      for (const domain of domains) out[domain] = { ...(extendedShop(domain).exportState() as object), refreshTokens: tokenEndpoint.exportRefreshTokens(domain) };
      return out;
    },
    onChange(listener) {
      const offs = domains.map((d) => {
        const e = shop(d);
        return isExtendedShop(e) ? e.onChange(listener) : () => undefined;
      });
      return () => offs.forEach((off) => off());
    },
    async handle(request) {
      try {
        return await route(request);
      } catch (error) {
        return json(500, { errors: error instanceof Error ? error.message : String(error) });
      }
    },
    close() {
      for (const u of unsubscribers) u();
      dispatcher.close();
    },
  };
  if (options.autoInstall) for (const d of domains) install(d);
  return sandbox;
}

const ROUTES = [
  "POST /admin/api/2026-10/graphql.json",
  "POST /admin/oauth/access_token",
  "GET /admin?shop=",
  "GET /admin/apps/<handle>",
  "GET /app-bridge.js",
  "GET /sandbox/session-token?shop=",
  "GET /sandbox/state?shop=",
  "POST /sandbox/install",
  "POST /sandbox/uninstall",
  "POST /sandbox/orders",
  "POST /sandbox/webhooks/trigger",
  "GET|POST /sandbox/faults",
  "GET /sandbox/tokens?shop=",
  "GET|POST /sandbox/clock",
  "POST /sandbox/webhooks/drain",
  "GET /sandbox/webhooks/log",
  "GET /sandbox/webhooks/delivery",
  "GET /sandbox/webhooks/subscriptions",
  "GET /sandbox/cost-log?apiClient=&since=",
  "GET /sandbox/bulk/<id>.jsonl",
  "POST /sandbox/checkout",
  "GET /sandbox/flow/triggers?shop=",
  "POST /sandbox/flow/actions",
  "GET /sandbox/flow/workflows?shop=",
  "POST /sandbox/flow/workflows",
  "POST /sandbox/flow/workflows/disable",
];
