/**
 * A marketplace connector stand-in: a sales channel that is its own app on the shop (own API
 * client id, own access token), the way Marketplace Connect, Sellbrite or Linnworks are. Every
 * `refreshEverySeconds` it reads, through the Admin API, the quantity it lists per SKU; between
 * refreshes marketplace buyers buy against that listing; each sale becomes an `orderCreate` with
 * `inventoryBehaviour: DECREMENT_IGNORING_POLICY` — connectors record what the marketplace already
 * sold, so Shopify drives `available` below zero rather than refusing
 * (docs/decisions/012 "Sales channels"; docs/decisions/016 §9).
 *
 * What it lists (`source`):
 * - `{ kind: "shopify-available" }` — the "no app" baseline: the variant's `inventoryQuantity`
 *   (Shopify's `available` summed over every active location, stores included, docs/decisions/016 §8);
 * - `{ kind: "metafield", namespace, key?, channel }` — a per-channel ATS published in a variant
 *   metafield (`{"channels":{"<channel>":{"available":n,"paused":b}}}`, Safestock's format). Safestock
 *   publishes it in the merchant-owned `safestock` namespace, which every app reads
 *   (docs/decisions/017-readable-channel-numbers.md). Read as the connector app, a reserved namespace
 *   of another app (`app--<safestockClientId>--safestock`, where Safestock published before) is
 *   invisible (../admin-api/resolvers/metafields.ts): it lists 0 and counts `sourceMissing`.
 *
 * Deterministic: time is virtual (`advanceTo(ms)` runs every refresh and buyer arrival due by then,
 * in order); buyers arrive as a Poisson process from a seeded PRNG (../prng.ts). `start()` drives
 * the same schedule from wall time for `npm run sandbox -- --orders`. Buyers can also come from
 * outside (`buy(sku, units)`, with `ordersPerMinute: 0`): the flash-sale bench replays its own
 * traffic through the connector.
 *
 *   const c = createMarketplaceConnector({ shop, skus: ["RING-6"], refreshEverySeconds: 60, ordersPerMinute: 2, seed: 7 });
 *   await c.advanceTo(10 * 60_000);
 *   c.stats()  // { ordersPlaced, unitsOrdered, unitsOversold, missedSales, refreshes, … }
 */
import type { GraphQLRequestBody, GraphQLResult } from "../contract.js";
import { createPrng, type Prng } from "../prng.js";

/** What the connector needs from a shop: the Admin API, and a way to become an app on it. */
export interface ConnectorShop {
  graphql(body: GraphQLRequestBody, accessToken: string | null): Promise<GraphQLResult>;
  registerApiClient?(options: { apiClientId: string; scopes: string[]; accessToken?: string }): { apiClientId: string; accessToken: string };
}

export type ListingSource =
  | { kind: "shopify-available" }
  | { kind: "metafield"; namespace: string; key?: string; channel: string };

export interface MarketplaceConnectorOptions {
  shop: ConnectorShop;
  /** Its own credentials; default: registered on `shop` as API client `marketplace-connector`. */
  credentials?: { apiClientId: string; accessToken: string };
  source?: ListingSource;
  skus: string[];
  /** R: how often the listing is re-read (default 60 s). */
  refreshEverySeconds?: number;
  /** Marketplace demand across all SKUs (orders per minute, default 1). */
  ordersPerMinute?: number;
  /** Units per order (default 1). */
  unitsPerOrder?: number;
  /** Order `sourceName` (default "marketplace", the channel handle Safestock's policy uses). */
  sourceName?: string;
  seed?: number;
  /** Called for each order (CLI logging). */
  onOrder?: (order: PlacedOrder) => void;
  /**
   * Read `available` at online locations before each order to count `unitsOversold` (default true).
   * It costs the connector a query per order; the bench measures oversells from the shop instead.
   */
  measureOversold?: boolean;
  /**
   * How many times a THROTTLED answer is retried after a wait (default 0: counted as failed). A
   * real connector backs off and retries rather than dropping a marketplace order it already sold
   * (https://shopify.dev/docs/api/usage/rate-limits).
   */
  throttleRetries?: number;
}

export type BuyOutcome = { outcome: "ordered"; orderId: string; order: PlacedOrder } | { outcome: "refused" } | { outcome: "failed"; order: PlacedOrder };

export interface PlacedOrder {
  atMs: number;
  sku: string;
  units: number;
  /** Units Shopify did not have available at locations that fill online orders when it was placed. */
  oversold: number;
  name: string | null;
  userErrors: unknown[];
}

export interface ConnectorStats {
  refreshes: number;
  ordersPlaced: number;
  unitsOrdered: number;
  unitsOversold: number;
  /** Buyers who found the listing at 0. */
  missedSales: number;
  /** Refreshes where a SKU's source value could not be read (reserved namespace, nothing published). */
  sourceMissing: number;
  failedRequests: number;
}

export interface MarketplaceConnector {
  readonly apiClientId: string;
  /** Run everything due up to virtual time `ms` (from 0 at creation). */
  advanceTo(ms: number): Promise<void>;
  /** Re-read the listing now (also runs at 0 and every R). */
  refresh(): Promise<void>;
  /** What the marketplace shows right now, per SKU. */
  listings(): Record<string, number>;
  /**
   * A marketplace buyer asks for `units` of `sku` now: refused when the listing shows fewer (a
   * missed sale), otherwise the listing drops at once and the order is recorded in Shopify.
   */
  buy(sku: string, units: number): Promise<BuyOutcome>;
  stats(): ConnectorStats;
  orders(): PlacedOrder[];
  /** Drive the schedule from wall-clock time (every `tickMs`, default 250 ms). */
  start(tickMs?: number): void;
  stop(): Promise<void>;
}

export const CONNECTOR_API_CLIENT_ID = "marketplace-connector";
/** What a marketplace channel app asks for: catalog and stock reads, order writes. */
export const CONNECTOR_SCOPES = ["read_products", "read_inventory", "read_locations", "read_orders", "write_orders"];

const VARIANTS_BY_SKU = `query ConnectorVariants($query: String!, $first: Int!, $namespace: String!, $key: String!, $withMetafield: Boolean!) {
  productVariants(first: $first, query: $query) {
    nodes { id sku inventoryQuantity metafield(namespace: $namespace, key: $key) @include(if: $withMetafield) { value } }
  }
}`;

const ONLINE_AVAILABLE = `query ConnectorOnlineAvailable($id: ID!) {
  productVariant(id: $id) {
    inventoryItem { inventoryLevels(first: 50) { nodes { location { fulfillsOnlineOrders isActive } quantities(names: ["available"]) { quantity } } } }
  }
}`;

const ORDER_CREATE = `mutation ConnectorOrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) { order { id name } userErrors { field message } }
}`;

/** Exponential inter-arrival time (ms) for `perMinute` arrivals per minute. */
function nextArrivalMs(rand: Prng, perMinute: number): number {
  return (-Math.log(1 - rand()) / perMinute) * 60_000;
}

export function createMarketplaceConnector(options: MarketplaceConnectorOptions): MarketplaceConnector {
  const credentials =
    options.credentials ??
    options.shop.registerApiClient?.({ apiClientId: CONNECTOR_API_CLIENT_ID, scopes: CONNECTOR_SCOPES }) ??
    (() => {
      throw new Error("the connector needs credentials: this shop cannot register API clients");
    })();
  const source = options.source ?? { kind: "shopify-available" };
  const refreshMs = (options.refreshEverySeconds ?? 60) * 1000;
  const perMinute = options.ordersPerMinute ?? 1;
  const units = options.unitsPerOrder ?? 1;
  const rand = createPrng(options.seed ?? 1);
  const skus = [...options.skus];

  const variantIdBySku = new Map<string, string>();
  const listed = new Map<string, number>();
  const placed: PlacedOrder[] = [];
  const counters: ConnectorStats = { refreshes: 0, ordersPlaced: 0, unitsOrdered: 0, unitsOversold: 0, missedSales: 0, sourceMissing: 0, failedRequests: 0 };
  let nowMs = 0;
  let nextRefreshMs = 0;
  let nextOrderMs = perMinute > 0 ? nextArrivalMs(rand, perMinute) : Number.POSITIVE_INFINITY;
  let running: Promise<void> = Promise.resolve();

  const gql = async <T>(query: string, variables: Record<string, unknown>): Promise<T | null> => {
    let result = await options.shop.graphql({ query, variables }, credentials.accessToken);
    for (let attempt = 1; attempt <= (options.throttleRetries ?? 0) && isThrottled(result.body); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      result = await options.shop.graphql({ query, variables }, credentials.accessToken);
    }
    const body = result.body as { data?: T; errors?: unknown[] };
    if (result.status !== 200 || body.errors?.length || !body.data) {
      counters.failedRequests += 1;
      return null;
    }
    return body.data;
  };

  const refresh = async () => {
    counters.refreshes += 1;
    for (let i = 0; i < skus.length; i += 50) {
      const chunk = skus.slice(i, i + 50);
      const data = await gql<{ productVariants: { nodes: { id: string; sku: string; inventoryQuantity: number; metafield?: { value: string } | null }[] } }>(VARIANTS_BY_SKU, {
        query: chunk.map((sku) => `sku:${JSON.stringify(sku)}`).join(" OR "),
        first: chunk.length,
        namespace: source.kind === "metafield" ? source.namespace : "",
        key: source.kind === "metafield" ? (source.key ?? "channels") : "",
        withMetafield: source.kind === "metafield",
      });
      if (!data) continue; // keep the last listing, as a connector does when a sync fails
      for (const node of data.productVariants.nodes) {
        if (!chunk.includes(node.sku)) continue;
        variantIdBySku.set(node.sku, node.id);
        if (source.kind === "shopify-available") {
          listed.set(node.sku, Math.max(0, node.inventoryQuantity));
          continue;
        }
        const channel = readChannel(node.metafield?.value, source.channel);
        if (!channel) counters.sourceMissing += 1;
        listed.set(node.sku, channel && !channel.paused ? Math.max(0, channel.available) : 0);
      }
    }
  };

  /** Instrumentation (costs the connector's own API calls): `available` at online locations now. */
  const onlineAvailable = async (variantId: string): Promise<number | null> => {
    const data = await gql<{ productVariant: { inventoryItem: { inventoryLevels: { nodes: { location: { fulfillsOnlineOrders: boolean; isActive: boolean }; quantities: { quantity: number }[] }[] } } } | null }>(
      ONLINE_AVAILABLE,
      { id: variantId },
    );
    const levels = data?.productVariant?.inventoryItem.inventoryLevels.nodes;
    if (!levels) return null;
    return levels.filter((l) => l.location.fulfillsOnlineOrders && l.location.isActive).reduce((sum, l) => sum + Math.max(0, l.quantities[0]?.quantity ?? 0), 0);
  };

  const buy = async (sku: string, units: number): Promise<BuyOutcome> => {
    const variantId = variantIdBySku.get(sku);
    const showing = listed.get(sku) ?? 0;
    if (!variantId || showing < units) {
      counters.missedSales += 1;
      return { outcome: "refused" };
    }
    // The marketplace sold it: its own listing drops at once, Shopify hears of it through orderCreate.
    listed.set(sku, showing - units);
    const before = options.measureOversold === false ? null : await onlineAvailable(variantId);
    const data = await gql<{ orderCreate: { order: { id: string; name: string } | null; userErrors: unknown[] } }>(ORDER_CREATE, {
      order: { lineItems: [{ variantId, quantity: units }], sourceName: options.sourceName ?? "marketplace", financialStatus: "PAID" },
      options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
    });
    const order = data?.orderCreate.order ?? null;
    const oversold = order && before !== null ? Math.max(0, units - before) : 0;
    if (order) {
      counters.ordersPlaced += 1;
      counters.unitsOrdered += units;
      counters.unitsOversold += oversold;
    }
    const record: PlacedOrder = { atMs: nowMs, sku, units, oversold, name: order?.name ?? null, userErrors: data?.orderCreate.userErrors ?? [] };
    placed.push(record);
    options.onOrder?.(record);
    return order ? { outcome: "ordered", orderId: order.id, order: record } : { outcome: "failed", order: record };
  };

  const buyerArrives = async () => {
    await buy(skus[Math.floor(rand() * skus.length)]!, units);
  };

  const advanceTo = (ms: number) => {
    running = running.then(async () => {
      while (Math.min(nextRefreshMs, nextOrderMs) <= ms) {
        if (nextRefreshMs <= nextOrderMs) {
          nowMs = nextRefreshMs;
          nextRefreshMs += refreshMs;
          await refresh();
        } else {
          nowMs = nextOrderMs;
          nextOrderMs += nextArrivalMs(rand, perMinute);
          await buyerArrives();
        }
      }
      nowMs = Math.max(nowMs, ms);
    });
    return running;
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    apiClientId: credentials.apiClientId,
    advanceTo,
    refresh: () => (running = running.then(refresh)),
    listings: () => Object.fromEntries(listed),
    buy,
    stats: () => ({ ...counters }),
    orders: () => placed.map((o) => ({ ...o })),
    start(tickMs = 250) {
      if (timer) return;
      const startedAt = Date.now() - nowMs;
      timer = setInterval(() => void advanceTo(Date.now() - startedAt), tickMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

function isThrottled(body: unknown): boolean {
  return ((body as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).some((error) => error.extensions?.code === "THROTTLED");
}

function readChannel(value: string | undefined, channel: string): { available: number; paused: boolean } | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as { channels?: Record<string, { available?: unknown; paused?: unknown }> };
    const entry = parsed.channels?.[channel];
    if (!entry || typeof entry.available !== "number") return null;
    return { available: entry.available, paused: entry.paused === true };
  } catch {
    return null;
  }
}
