/**
 * One flash-sale run: the same stock and the same traffic on several sandbox shops at once, each
 * served by a different app (Safestock with a policy, the naive sync, or no app), in real time.
 * Returns per-shop figures; printing and files are the caller's.
 */
import http from "node:http";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Policy } from "../../app/domain/index";
import { cartValidationsGenerateRun } from "../../extensions/safestock-cart-validation/src/index";
import { SANDBOX_ADMIN_TOKEN } from "../../sandbox/contract";
import { createSandbox, type Sandbox } from "../../sandbox/index";
import { startSandboxServer } from "../../sandbox/http/server";
import type { DeliveryProfile } from "../../sandbox/webhooks/delivery";
import type { ShopState } from "../../sandbox/shop/state";
import type { SandboxShopEmulator } from "../../sandbox/shop/index";
import { BENCH_API_KEY, BENCH_API_SECRET, BENCH_APP_URL, migratedDatabase, percentile, type ApiCall, type createApiMeter } from "../support/app";
import { startAppProcess, type AppProcess } from "./app-process";
import { sandboxMarketplaceConnector, type MarketplaceConnector } from "./connector";
import { createNaiveSync, NAIVE_METAFIELD } from "./naive-sync";
import { createWebhookNetwork, type Acknowledged } from "./network";
import { createOversoldTrace } from "./oversold-trace";
import type { BuyerChannel, OrderIntent } from "./traffic";
import type { ListingSource } from "../../sandbox/connector/index";

export type AppUnderTest = { kind: "safestock"; policy: Policy } | { kind: "naive"; buffer: number } | { kind: "none" };

export interface ShopUnderTest {
  /** Short label in tables ("safestock", "naive", "no app", …). */
  label: string;
  app: AppUnderTest;
  /**
   * The merchant's flat safety stock per level in this shop's policy (units no channel may sell):
   * the part of "withheld" that any app obeying that rule without overselling withholds too.
   */
  flatSafetyUnits?: number;
}

export interface StockPlan {
  /** Units at the warehouse (fulfils online orders) and at each of the two stores, per SKU index. */
  warehouse(sku: number): number;
  store(sku: number): number;
}

export interface FlashSaleRunOptions {
  name: string;
  refreshSeconds: number;
  shops: ShopUnderTest[];
  traffic: OrderIntent[];
  durationMs: number;
  stock: StockPlan;
  skus: number;
  /** Standard plan: bucket 2,000, restore 100/s (sandbox/admin-api/throttle.ts presets on h/emu-limits). */
  throttle: { bucketSize: number; restoreRate: number };
  /** Counts every Admin API call of every app, per shop. */
  metering: ReturnType<typeof createApiMeter>;
  /** How long to wait after the sale for late webhooks and the queue (ms). */
  settleMs: number;
  /** How the shops deliver webhooks (the emulator's default profile, seeded: sandbox/webhooks/delivery.ts). */
  delivery: DeliveryProfile;
  /** Fraction of the apps' writes that fail transiently (0 = none; APP_MUTATIONS). */
  transientErrorRate: number;
}

export interface ChannelFigures {
  ordered: number;
  refused: number;
  oversoldOrders: number;
  oversoldUnits: number;
}

export interface ShopFigures {
  /** The run the shop was in (shops of one run share the machine and the traffic's timing). */
  run: string;
  label: string;
  app: AppUnderTest["kind"];
  refreshSeconds: number;
  ordersPlaced: number;
  ordersRefused: number;
  cancelled: number;
  /** Units below zero (available + safety_stock < 0) summed over levels when the run ends. */
  oversoldUnits: number;
  oversoldOrders: number;
  perChannel: Record<BuyerChannel, ChannelFigures>;
  /** Units buyers asked for and were refused while the shop still holds them unsold at the end. */
  salesWithheld: number;
  /** Of `salesWithheld`, what is above the shop's flat safety stock at each level (ShopUnderTest.flatSafetyUnits). */
  salesWithheldBeyondFlat: number;
  ackP50Ms: number;
  ackP99Ms: number;
  deliveries: number;
  deliveryFailures: number;
  propagationP50Ms: number;
  propagationP99Ms: number;
  propagated: number;
  requests: number;
  costPoints: number;
  requestsPerOrder: number;
  costPerOrder: number;
  lowerBoundRequests: number;
  lowerBoundCost: number;
  costOverLowerBound: number;
  /** Cost over the older, lower bound: each second's read charged as one item's. */
  costOverMinimalLowerBound: number;
  throttled: number;
  stale: number;
  /** Mean units in Shopify's safety_stock over the sale (Safestock's protection, the naive buffer). */
  meanSafetyStockUnits: number;
  /** Mean units the marketplace listed (the connector's copy, summed over SKUs), sampled every second. */
  meanMarketplaceListed: number;
  /** Mean units Safestock's refresh-window rule kept off the marketplace (its explanation lines, summed over SKUs). */
  meanRefreshCover: number;
  /** The shop's Safestock process (bench/flash/app-process.ts, one per shop): peak RSS; NaN for the naive sync, which runs in the bench's process. */
  peakRssMb: number;
  /** CPU time of the shop's Safestock process from the sale's start until its last order. */
  appCpuSeconds: number;
  /** Time the shop's Safestock process took from a webhook request reaching its route to the answer (ms). */
  appAnswerP50Ms: number;
  appAnswerP99Ms: number;
  /** Event-loop delay p99 in Safestock's process during the sale (ms). */
  appLoopDelayP99Ms: number;
  /** CPU time of the bench's process (the emulated shops, buyers, connector, network, naive sync) over the same span, and the machine's 1-minute load then. */
  shopSideCpuSeconds: number;
  shopSideLoopDelayP99Ms: number;
  loadAverage: number;
}

type Levels = { warehouse: Gid; stores: [Gid, Gid] };
type Gid = string;

/** Safestock publishes in the merchant-owned namespace (docs/decisions/017-readable-channel-numbers.md). */
const SAFESTOCK_NAMESPACE = (_apiKey: string) => "safestock";

const CANCEL = `mutation BenchCancel($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, restock: true, refund: false) { orderCancelUserErrors { code message } } }`;
const ID_PATTERN = /gid:\/\/shopify\/(?:InventoryItem|ProductVariant)\/\d+/g;

const orderIdOf = (result: { body: unknown }) => (result.body as { data?: { orderCreate?: { order?: { id: string } | null } } }).data?.orderCreate?.order?.id ?? null;

const orderKey = (shop: string, orderId: Gid) => `${shop}|${orderId}`;
/** FLASH_DEBUG_LEVELS=1 prints every level that is below zero or does not reconcile. */
const DEBUG_LEVELS = process.env.FLASH_DEBUG_LEVELS === "1";

/**
 * FLASH_DEBUG_WITHHELD=1 prints where the withheld units are, per SKU and level: what buyers were
 * refused there (by channel), what was still free at the end and in which of Shopify's quantities,
 * and, for Safestock, which rule the plan last held the `safety_stock` units for.
 */
const DEBUG_WITHHELD = process.env.FLASH_DEBUG_WITHHELD === "1";

interface AppExplained {
  levels: { inventoryItemId: string; locationId: string; protected: number; explain: { rule: string; units: number; reason: string }[] }[];
  channels: { inventoryItemId: string; available: number; paused: boolean; explain: { rule: string; units: number; reason: string }[]; reserveHistory: { units: number; publishedAtMs: number }[] }[];
}

const idTail = (gid: string) => gid.split("/").pop() ?? gid;

function printWithheld(
  label: string,
  f: { refusedUnits: Map<string, number>; refusedByChannel: Map<string, Record<string, number>>; marketplaceRefusals: { sku: number; quantity: number; listed: number; atMs: number }[] },
  state: ShopState,
  variants: readonly { variantId: Gid; itemId: Gid }[],
  { warehouse, stores }: Levels,
  app: AppExplained | undefined,
) {
  const totals = new Map<string, number>();
  const add = (cause: string, units: number) => units > 0 && totals.set(cause, (totals.get(cause) ?? 0) + units);
  const out: string[] = [];
  variants.forEach(({ itemId }, sku) => {
    for (const location of [warehouse, ...stores]) {
      const refused = f.refusedUnits.get(`${itemId}|${location}`) ?? 0;
      if (refused === 0) continue;
      const level = (state.levelsByItem.get(itemId) ?? []).find((l) => l.locationId === location);
      const available = Math.max(0, level?.quantities.available ?? 0);
      const safety = Math.max(0, level?.quantities.safety_stock ?? 0);
      const withheld = Math.min(refused, available + safety);
      if (withheld === 0) continue;
      // The plan's reasons for the safety_stock units (Safestock); the naive sync's buffer otherwise.
      const planned = app?.levels.find((l) => idTail(l.inventoryItemId) === idTail(itemId) && idTail(l.locationId) === idTail(location));
      const byRule = new Map<string, number>();
      for (const line of planned?.explain ?? []) if (line.units > 0) byRule.set(line.rule, (byRule.get(line.rule) ?? 0) + line.units);
      // Withheld units are charged to what held them, in this order: units left in `available`
      // (nobody allowed to buy them came), then the protection rules as planned, the fence last.
      let left = withheld;
      const charge = (cause: string, units: number) => {
        const taken = Math.min(left, Math.max(0, units));
        add(cause, taken);
        left -= taken;
      };
      charge("available (unsold)", available);
      for (const [rule, units] of [...byRule].filter(([rule]) => rule !== "ring_fence")) charge(rule, units);
      charge("ring_fence", byRule.get("ring_fence") ?? 0);
      charge("safety_stock not explained", left);
      const place = location === warehouse ? "W" : `S${stores.indexOf(location)}`;
      const channel = app?.channels.find((c) => idTail(c.inventoryItemId) === idTail(itemId));
      const fenceReason = planned?.explain.find((l) => l.rule === "ring_fence")?.reason ?? "";
      out.push(
        `  sku ${String(sku).padStart(2)} ${place}: withheld ${withheld} of refused ${refused} (${Object.entries(f.refusedByChannel.get(`${itemId}|${location}`) ?? {}).map(([c, u]) => `${c} ${u}`).join(", ")}); ` +
          `end available ${available} safety_stock ${safety} [${[...byRule].map(([r, u]) => `${r} ${u}`).join(", ")}]` +
          (location === warehouse && channel ? `; marketplace ${channel.paused ? "paused" : channel.available}${fenceReason ? ` (${fenceReason})` : ""}` : ""),
      );
    }
  });
  const mkt = f.marketplaceRefusals;
  process.stdout.write(
    `${label}: withheld by cause: ${[...totals].map(([c, u]) => `${c} ${u}`).join("; ") || "none"}\n` +
      `${label}: marketplace refusals ${mkt.length} (${mkt.reduce((s, r) => s + r.quantity, 0)} units): listing 0 ${mkt.filter((r) => r.listed === 0).length}, listing below the quantity ${mkt.filter((r) => r.listed > 0).length}\n` +
      out.join("\n") +
      "\n",
  );
}

const stateOf = (sandbox: Sandbox, shop: string) => (sandbox.shop(shop) as unknown as { state: ShopState }).state;

function safestockChannels(state: ShopState, apiKey: string, variantId: Gid): Record<string, { available: number; paused: boolean }> | null {
  const record = state.metafieldIndex.get(`${variantId}|${SAFESTOCK_NAMESPACE(apiKey)}|channels`);
  if (!record) return null;
  return (JSON.parse(record.value) as { channels: Record<string, { available: number; paused: boolean }> }).channels;
}

/** The shop's sellable units of one item at a set of locations: available + safety_stock (units physically there and not promised). */
const mean = (samples: readonly number[]) => (samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : 0);

function freeUnits(state: ShopState, itemId: Gid, locations: readonly Gid[]): number {
  let free = 0;
  for (const level of state.levelsByItem.get(itemId) ?? []) {
    if (locations.includes(level.locationId)) free += Math.max(0, level.quantities.available + level.quantities.safety_stock);
  }
  return free;
}

/**
 * Propagation: a change (an order or a cancel at time T) is propagated when the app has read the
 * item after T and then written it (a protection move or the channel metafield). A read that is
 * followed by no write means nothing needed writing: those changes are counted, not timed.
 */
function createPropagationTracker() {
  const pending = new Map<Gid, number[]>();
  const read = new Map<Gid, number[]>();
  const readsInFlight = new Map<Gid, number>();
  const latencies: number[] = [];
  let settledWithoutWrite = 0;
  return {
    latencies,
    get settledWithoutWrite() {
      return settledWithoutWrite;
    },
    change(item: Gid, at: number) {
      const list = pending.get(item) ?? [];
      list.push(at);
      pending.set(item, list);
    },
    readStarted(item: Gid, at: number) {
      if ((readsInFlight.get(item) ?? 0) === 0) {
        settledWithoutWrite += read.get(item)?.length ?? 0;
        read.set(item, []);
      }
      readsInFlight.set(item, (readsInFlight.get(item) ?? 0) + 1);
      const waiting = pending.get(item) ?? [];
      const seen = waiting.filter((t) => t <= at);
      pending.set(item, waiting.filter((t) => t > at));
      read.set(item, [...(read.get(item) ?? []), ...seen]);
    },
    readAnswered(item: Gid) {
      readsInFlight.set(item, Math.max(0, (readsInFlight.get(item) ?? 0) - 1));
    },
    written(item: Gid, at: number) {
      for (const t of read.get(item) ?? []) latencies.push(at - t);
      read.set(item, []);
    },
  };
}

/**
 * Buyers' orders (checkout, POS, the connector's own app) never spend Safestock's points on Shopify
 * (docs/decisions/012 "Rate limits": one bucket per app and shop). Until the emulator keeps a bucket per
 * API client (h/emu-limits), the bench's buyers share the shop's bucket with the app under test, so a
 * THROTTLED answer to a buyer is waited out here rather than counted as a refused sale.
 */
async function untilNotThrottled<T extends { body: unknown }>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const result = await send();
    if (attempt >= 100 || !JSON.stringify((result.body as { errors?: unknown }).errors ?? "").includes("THROTTLED")) return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Deliveries reach an app over at most 64 kept-alive connections per app. A fresh connection per
 * delivery overflowed the app's accept queue (511) in the sale's opening burst: the kernel dropped
 * the SYNs and the client resent them after 1, 3 and 7 s, which read as 7-s acknowledgements while
 * the app answered every request it saw within 250 ms (2026-11-30, FLASH_DEBUG_ACK=1).
 */
const APP_DEPLOYMENT = process.env.FLASH_APP === "single" ? "single" : "web+worker";

const deliveryAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Time each delivery waited for one of the 64 connections (FLASH_DEBUG_ACK=1 prints it). */
const socketWaits: number[] = [];
/**
 * Posts a delivery and measures its acknowledgement at the socket, as Shopify's side sees it: from
 * the request being handed to the kernel (`finish`: headers and body flushed) to the first byte of
 * the answer (the status line parsed: `response`). Waiting for one of the 64 connections is
 * counted apart (`socketWaits`), and the bench's own body reads are not in it.
 */
function postOverKeepAlive(url: string, headers: Headers, body: string): Promise<Acknowledged> {
  return new Promise((resolve, reject) => {
    const asked = performance.now();
    let sent = asked;
    const outgoing = http.request(url, { method: "POST", agent: deliveryAgent, headers: { ...Object.fromEntries(headers), "content-length": String(Buffer.byteLength(body)) } }, (incoming) => {
      const ackMs = performance.now() - sent;
      incoming.resume();
      incoming.on("end", () => resolve({ status: incoming.statusCode ?? 500, ackMs }));
      incoming.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.on("socket", () => socketWaits.push(performance.now() - asked));
    outgoing.on("finish", () => (sent = performance.now()));
    outgoing.end(body);
  });
}

/** The naive sync answers inside the bench's process: its acknowledgement is its handler's time. */
async function handledInProcess(handler: (request: Request) => Promise<Response>, request: Request): Promise<Acknowledged> {
  const started = performance.now();
  try {
    const response = await handler(request);
    return { status: response.status, ackMs: performance.now() - started };
  } catch {
    // An Admin API call that failed under the run's transient faults: a 500, retried by Shopify.
    return { status: 500, ackMs: performance.now() - started };
  }
}

/**
 * The mutations of the apps under test (Safestock's and the naive sync's writes) that fail
 * transiently at the run's `transientErrorRate` (sandbox/admin-api/transient-faults.ts,
 * docs/decisions/027-transient-write-failures.md). Buyers', the connector's and the bench's own
 * orders and cancels are other apps' calls and are left alone.
 */
const APP_MUTATIONS = ["inventoryMoveQuantities", "metafieldsSet", "publishablePublish", "publishableUnpublish"];

export async function runFlashSale(options: FlashSaleRunOptions): Promise<ShopFigures[]> {
  const meter = options.metering.meter;
  const domains = options.shops.map((s) => `${options.name}-${s.label}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-") + ".myshopify.com");
  const byDomain = new Map(options.shops.map((s, i) => [domains[i]!, s]));
  const naiveHandlers = new Map<string, (request: Request) => Promise<Response>>();
  let setupPhase = true;
  // Safestock runs in its own process per shop (bench/flash/app-process.ts), started below once the
  // shops exist: each shop under test is a merchant of its own, and one process serving three
  // shops' flash sales at once (100 orders/s) would measure this machine's cores, not the app.
  const apps = new Map<string, AppProcess>();
  const deliverToSafestock = async (request: Request): Promise<Acknowledged> => {
    const body = await request.text();
    const app = apps.get(request.headers.get("X-Shopify-Shop-Domain") ?? "");
    if (!app) return { status: 404, ackMs: 0 };
    return postOverKeepAlive(app.url + new URL(request.url).pathname, request.headers, body);
  };
  const network = createWebhookNetwork({
    receiverFor(shop) {
      const app = byDomain.get(shop)?.app;
      if (!app || app.kind === "none") return null;
      if (app.kind === "safestock") return deliverToSafestock;
      const naive = naiveHandlers.get(shop);
      return naive ? (request) => handledInProcess(naive, request) : null;
    },
  });
  // Deliveries as Shopify makes them (the emulator's default profile, docs/decisions/025), seeded so
  // every run and every shop of a run draws the same way; during set-up (initial sync, first
  // policy) they go to Safestock unrecorded.
  const sandbox = createSandbox({
    shops: domains,
    apiKey: "sandbox-api-key",
    apiSecret: "sandbox-api-secret",
    appUrl: "https://safestock.bench",
    seed: { variants: options.skus, variantsPerProduct: 4, seed: 7 },
    throttle: options.throttle,
    retryDelaysMs: [1_000, 2_000, 4_000],
    delivery: options.delivery,
    deliver: (request) => {
      if (setupPhase) {
        const shop = request.headers.get("X-Shopify-Shop-Domain") ?? "";
        const app = byDomain.get(shop)?.app;
        if (app?.kind === "safestock") return deliverToSafestock(request).then(({ status }) => new Response(null, { status }));
        return Promise.resolve(new Response(null, { status: 200 }));
      }
      return network.deliver(request);
    },
  });
  // Every Admin API call reaches the shops through `metered`: Safestock's over HTTP from its process,
  // the naive sync's (in this process) as a direct call.
  let requestSeq = 0;
  const metered = async (request: Request, shop: string): Promise<Response> => {
    const id = `request-${++requestSeq}`;
    const counted = new URL(request.url).pathname.endsWith("graphql.json");
    if (counted) await options.metering.started(id, request, shop);
    const response = await sandbox.handle(request);
    if (counted) await options.metering.answered(id, response);
    return response;
  };
  const shopServer = await startSandboxServer({ sandbox: { handle: (request) => metered(request, new URL(request.url).searchParams.get("shop") ?? "") }, port: 0 });
  const naiveFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    return metered(request, new URL(request.url).hostname);
  }) as typeof fetch;
  const placeOrder = (input: Parameters<Sandbox["placeOrder"]>[0], domain: string) => untilNotThrottled(() => sandbox.placeOrder(input, domain));

  // Identical stock on every shop, written straight into the emulator before any app is installed.
  const levelsOf = new Map<string, Levels>();
  const variantsOf = new Map<string, { variantId: Gid; itemId: Gid }[]>();
  for (const domain of domains) {
    const state = stateOf(sandbox, domain);
    const locations = [...state.locations.values()];
    const warehouse = locations.find((l) => l.fulfillsOnlineOrders)!.id;
    const stores = locations.filter((l) => !l.fulfillsOnlineOrders).map((l) => l.id) as [Gid, Gid];
    levelsOf.set(domain, { warehouse, stores });
    const variants = [...state.variants.values()].slice(0, options.skus);
    variantsOf.set(domain, variants.map((v) => ({ variantId: v.id, itemId: v.inventoryItemId })));
    // Every SKU of the sale is sold on every channel, the marketplace included, so each is listed
    // (published) there: a channel sells only what is published to it (SHOPIFY-FACTS.md "Sales
    // channels"), and Safestock fences only products on the fenced channel (decision 045). The
    // generic seed leaves every third product off the marketplace, as a real catalog does.
    for (const publication of state.publications.values()) {
      for (const variant of variants) publication.published[variant.productId] ??= new Date(0).toISOString();
    }
    variants.forEach((variant, sku) => {
      for (const level of state.levelsByItem.get(variant.inventoryItemId) ?? []) {
        const units = level.locationId === warehouse ? options.stock.warehouse(sku) : options.stock.store(sku);
        for (const name of Object.keys(level.quantities) as (keyof typeof level.quantities)[]) level.quantities[name] = 0;
        level.quantities.available = units;
        level.quantities.on_hand = units;
      }
    });
  }

  const databases: { remove(): void }[] = [];
  const startApp = async (domain: string) => {
    const database = migratedDatabase();
    databases.push(database);
    const app = await startAppProcess({
      databaseUrl: database.url,
      sandboxOrigin: shopServer.url,
      apiKey: BENCH_API_KEY,
      apiSecret: BENCH_API_SECRET,
      appUrl: BENCH_APP_URL,
      // The production coalescing window (app/services/jobs.server.ts); the worker wakes on enqueue.
      env: { RECOMPUTE_WINDOW_MS: process.env.RECOMPUTE_WINDOW_MS ?? "1000" },
      // FLASH_APP=web+worker (default): the web routes and `npm run worker` in two processes
      // (docs/scale-out.md), the worker polling every FLASH_WORKER_POLL_MS (100); FLASH_APP=single:
      // the worker inside the web process, as `npm run sandbox` runs it.
      ...(APP_DEPLOYMENT === "single" ? {} : { separateWorker: { pollMs: Number(process.env.FLASH_WORKER_POLL_MS ?? 100) } }),
    });
    apps.set(domain, app);
  };
  await Promise.all([...byDomain].filter(([, shop]) => shop.app.kind === "safestock").map(([domain]) => startApp(domain)));
  for (const [domain, shop] of byDomain) {
    if (shop.app.kind === "safestock") {
      sandbox.install(domain);
      const app = apps.get(domain)!;
      await app.post("/bench/install", { shop: domain });
      await app.post("/bench/initial-sync", { shop: domain });
      const published = await app.post<{ ok: boolean; problems?: unknown }>("/bench/policy", { shop: domain, policy: shop.app.policy });
      if (!published.ok) throw new Error(`${shop.label}: policy refused: ${JSON.stringify(published.problems)}`);
    } else if (shop.app.kind === "naive") {
      sandbox.install(domain);
      const handler = createNaiveSync({ shop: domain, accessToken: SANDBOX_ADMIN_TOKEN, buffer: shop.app.buffer, fetch: naiveFetch });
      naiveHandlers.set(domain, handler);
      // Its first pass: one synthetic webhook per level, as its install-time sync would do.
      const state = stateOf(sandbox, domain);
      for (const { itemId } of variantsOf.get(domain)!) {
        for (const level of state.levelsByItem.get(itemId) ?? []) {
          const body = JSON.stringify({ inventory_item_id: itemId.split("/").pop(), location_id: level.locationId.split("/").pop() });
          await handler(new Request("https://naive.bench/webhooks", { method: "POST", headers: { "X-Shopify-Topic": "inventory_levels/update" }, body }));
        }
      }
    }
  }
  const appDrained = async () => (await Promise.all([...apps.values()].map((app) => app.get<{ drained: boolean }>("/bench/drained")))).every((answer) => answer.drained);
  // Set-up is done when the shops have no webhook left to send and the app's queue stayed empty
  // for a moment (a recompute is due at the end of its coalescing window).
  for (let quiet = 0, round = 0; quiet < 3 && round < 600; round++) {
    await sandbox.dispatcher.drain({ fastForward: true });
    quiet = (await appDrained()) ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  setupPhase = false;
  // Writes Shopify asks the apps to retry, from the sale's start, on every shop alike (seeded per shop).
  if (options.transientErrorRate > 0) {
    domains.forEach((domain, index) =>
      (sandbox.shop(domain) as unknown as SandboxShopEmulator).setTransientFaults({ transientErrorRate: Object.fromEntries(APP_MUTATIONS.map((name) => [name, options.transientErrorRate])), transientSeed: 101 + index }),
    );
  }
  const callsBefore = meter.calls.length;

  // Measurement hooks.
  const saleStart = Date.now();
  const salePerfStart = performance.now();
  const trackers = new Map(domains.map((d) => [d, createPropagationTracker()]));
  const trace = createOversoldTrace(process.env.FLASH_DEBUG_OVERSOLD === "1", () => saleStart);
  const itemOfId = new Map<string, Map<Gid, Gid>>();
  for (const domain of domains) {
    const map = new Map<Gid, Gid>();
    for (const { variantId, itemId } of variantsOf.get(domain)!) {
      map.set(variantId, itemId);
      map.set(itemId, itemId);
    }
    itemOfId.set(domain, map);
  }
  const itemsIn = (call: { shop: string; variables: string }) => {
    const map = itemOfId.get(call.shop);
    if (!map) return [];
    return [...new Set((call.variables.match(ID_PATTERN) ?? []).map((id) => map.get(id)).filter((id): id is Gid => !!id))];
  };
  let measuring = true;
  meter.onStart((call) => {
    // Propagation counts from a plan's read: a read-back of the numbers alone is not one.
    if (!measuring || !call.readsStock) return;
    for (const item of itemsIn(call)) trackers.get(call.shop)?.readStarted(item, Date.now());
  });
  meter.onAnswer((call: ApiCall) => {
    if (!measuring) return;
    const tracker = trackers.get(call.shop);
    if (!tracker) return;
    for (const item of itemsIn(call)) {
      if (call.mutation) tracker.written(item, Date.now());
      else tracker.readAnswered(item);
    }
  });
  // Keyed by shop and order: every sandbox shop numbers its orders from the same base
  // (sandbox/shop/ids.ts, one counter per shop), so an order id alone names one order in each shop.
  // Keyed by id alone (before 2026-11-30 15:00 UTC), a later shop's oversold order with the same id
  // replaced an earlier shop's entry and any shop's cancel removed it: at R = 600 s "safestock" showed
  // 0 oversold orders for 172 oversold units while "safestock+cover", same traffic and same ids, kept them.
  const oversoldByOrder = new Map<string, { shop: string; channel: BuyerChannel; units: number }>();
  const channelOfSource: Record<string, BuyerChannel> = { web: "online_store", pos: "pos", marketplace: "marketplace", wholesale: "wholesale" };
  /** Per shop, the items changed in each second of the sale (the lower bound reads them once a second). */
  const changeSeconds = new Map(domains.map((d) => [d, new Map<number, Set<Gid>>()]));
  for (const domain of domains) {
    const emulator = sandbox.shop(domain);
    const state = stateOf(sandbox, domain);
    emulator.onEvent((event) => {
      if (event.type !== "order.created" && event.type !== "order.cancelled") return;
      const now = Date.now();
      const second = Math.floor((now - saleStart) / 1000);
      const changed = changeSeconds.get(domain)!.get(second) ?? new Set<Gid>();
      for (const line of event.order.lineItems) if (line.inventoryItemId) changed.add(line.inventoryItemId);
      changeSeconds.get(domain)!.set(second, changed);
      for (const line of event.order.lineItems) if (line.inventoryItemId) trackers.get(domain)!.change(line.inventoryItemId, now);
      if (event.type === "order.cancelled" && trace.enabled) for (const line of event.order.lineItems) if (line.inventoryItemId) trace.note(domain, line.inventoryItemId, `cancel of order ${event.order.id.split("/").pop()} (${event.order.sourceName} ${line.quantity})`);
      if (event.type !== "order.created") return;
      // Emitted before the units leave `available`: what the level could still give is known here.
      let short = 0;
      for (const line of event.order.lineItems) {
        const level = (state.levelsByItem.get(line.inventoryItemId ?? "") ?? []).find((l) => l.locationId === line.locationId);
        if (trace.enabled && line.inventoryItemId) {
          const variantId = variantsOf.get(domain)!.find((v) => v.itemId === line.inventoryItemId)?.variantId;
          const published = variantId ? JSON.stringify(safestockChannels(state, sandbox.apiKey, variantId)?.marketplace ?? null) : "?";
          const where = line.locationId === levelsOf.get(domain)!.warehouse ? "warehouse" : "store";
          trace.note(domain, line.inventoryItemId, `order ${event.order.id.split("/").pop()} ${event.order.sourceName} ${line.quantity} at ${where}, level before available ${level?.quantities.available} safety_stock ${level?.quantities.safety_stock}; published marketplace ${published}`);
        }
        if (!level || !line.inventoryClaimed) continue;
        const lineShort = Math.max(0, line.quantity - Math.max(0, level.quantities.available + level.quantities.safety_stock));
        if (lineShort > 0 && line.inventoryItemId) trace.oversold(domain, line.inventoryItemId, `order ${event.order.id.split("/").pop()} short ${lineShort}`);
        short += lineShort;
      }
      if (short > 0) oversoldByOrder.set(orderKey(domain, event.order.id), { shop: domain, channel: channelOfSource[event.order.sourceName] ?? "online_store", units: short });
    });
  }

  // The sale.
  const figures = new Map(
    domains.map((d) => [
      d,
      {
        placed: 0,
        refused: 0,
        cancelled: 0,
        perChannel: Object.fromEntries((["online_store", "pos", "marketplace", "wholesale"] as const).map((c) => [c, { ordered: 0, refused: 0, oversoldOrders: 0, oversoldUnits: 0 }])) as Record<BuyerChannel, ChannelFigures>,
        refusedUnits: new Map<string, number>(),
        /** FLASH_DEBUG_WITHHELD: refused units per level key and channel, and the marketplace's listing when it refused. */
        refusedByChannel: new Map<string, Record<string, number>>(),
        marketplaceRefusals: [] as { sku: number; quantity: number; listed: number; atMs: number }[],
        safetySamples: [] as number[],
        listedSamples: [] as number[],
        coverSamples: [] as number[],
      },
    ]),
  );
  const connectors = new Map<string, MarketplaceConnector>();
  for (const domain of domains) {
    const state = stateOf(sandbox, domain);
    const app = byDomain.get(domain)!.app;
    // What the connector lists: Safestock's marketplace number, the naive app's, or (no app)
    // Shopify's own `available` summed over locations, each read through the Admin API as its own app.
    const source: ListingSource =
      app.kind === "safestock"
        ? { kind: "metafield", namespace: SAFESTOCK_NAMESPACE(sandbox.apiKey), channel: "marketplace" }
        : app.kind === "naive"
          ? { kind: "metafield", namespace: NAIVE_METAFIELD.namespace, key: NAIVE_METAFIELD.key, channel: "marketplace" }
          : { kind: "shopify-available" };
    const skuOf = new Map(variantsOf.get(domain)!.map(({ variantId }) => [variantId, state.variants.get(variantId)!.sku]));
    const itemOfSku = new Map(variantsOf.get(domain)!.map(({ variantId, itemId }) => [state.variants.get(variantId)!.sku, itemId]));
    connectors.set(domain, sandboxMarketplaceConnector({ shop: trace.connectorShop(domain, sandbox.shop(domain), itemOfSku), skuOf, refreshSeconds: options.refreshSeconds, source }));
  }

  const execute = async (domain: string, intent: OrderIntent) => {
    const state = stateOf(sandbox, domain);
    const { variantId, itemId } = variantsOf.get(domain)![intent.sku]!;
    const { stores, warehouse } = levelsOf.get(domain)!;
    const f = figures.get(domain)!;
    let orderId: string | null = null;
    if (intent.channel === "online_store") {
      // Shopify's checkout runs Safestock's cart-validation Function, then orderCreate obeying `available`.
      const metafield = state.metafieldIndex.get(`${variantId}|${SAFESTOCK_NAMESPACE(sandbox.apiKey)}|channels`);
      const output = cartValidationsGenerateRun({
        buyerJourney: { step: "CHECKOUT_COMPLETION" },
        cart: { lines: [{ quantity: intent.quantity, merchandise: { id: variantId, sku: null, metafield: metafield ? { value: metafield.value } : null } }] },
      });
      if (!output.operations.some((op) => op.validationAdd.errors.length > 0)) orderId = orderIdOf(await placeOrder({ lineItems: [{ variantId, quantity: intent.quantity }], sourceName: "web" }, domain));
    } else if (intent.channel === "pos") {
      // The till sells from the store it stands in, obeying that store's `available`, fulfilled on the spot.
      orderId = orderIdOf(
        await placeOrder({ lineItems: [{ variantId, quantity: intent.quantity }], sourceName: "pos", order: { fulfillment: { locationId: stores[intent.store] } } }, domain),
      );
    } else if (intent.channel === "wholesale") {
      // The B2B portal reads the wholesale number live (Safestock's channel ATS when there is one), then orders obeying `available`.
      const channel = safestockChannels(state, sandbox.apiKey, variantId)?.wholesale;
      if (!channel || (!channel.paused && channel.available >= intent.quantity)) orderId = orderIdOf(await placeOrder({ lineItems: [{ variantId, quantity: intent.quantity }], sourceName: "wholesale" }, domain));
    } else {
      const copy = connectors.get(domain)!.listed(variantId);
      const bought = await connectors.get(domain)!.buy(variantId, intent.quantity);
      trace.note(domain, itemId, `marketplace buyer ${intent.quantity} (copy ${copy} before): ${bought.outcome}`);
      if (bought.outcome === "ordered") orderId = bought.orderId;
    }
    if (!orderId) {
      f.refused++;
      f.perChannel[intent.channel].refused++;
      const key = `${itemId}|${intent.channel === "pos" ? stores[intent.store] : warehouse}`;
      f.refusedUnits.set(key, (f.refusedUnits.get(key) ?? 0) + intent.quantity);
      const byChannel = f.refusedByChannel.get(key) ?? {};
      byChannel[intent.channel] = (byChannel[intent.channel] ?? 0) + intent.quantity;
      f.refusedByChannel.set(key, byChannel);
      if (intent.channel === "marketplace") f.marketplaceRefusals.push({ sku: intent.sku, quantity: intent.quantity, listed: connectors.get(domain)!.listed(variantId), atMs: intent.atMs });
      return;
    }
    f.placed++;
    f.perChannel[intent.channel].ordered++;
    if (intent.cancelAfterMs !== null) {
      const id = orderId;
      const cancel = new Promise<void>((resolve) => setTimeout(resolve, intent.cancelAfterMs!)).then(async () => {
        await untilNotThrottled(() => sandbox.shop(domain).graphql({ query: CANCEL, variables: { id } }, `sandbox-internal-${domain}`));
        f.cancelled++;
        oversoldByOrder.delete(orderKey(domain, id));
      });
      pendingWork.add(cancel);
      void cancel.finally(() => pendingWork.delete(cancel));
    }
  };

  const pendingWork = new Set<Promise<void>>();
  await Promise.all([...apps.values()].map((app) => app.reset()));
  await Promise.all([...connectors.values()].map((connector) => connector.start()));
  const sampler = setInterval(() => {
    for (const domain of domains) {
      const state = stateOf(sandbox, domain);
      let units = 0;
      for (const { itemId } of variantsOf.get(domain)!) for (const level of state.levelsByItem.get(itemId) ?? []) units += level.quantities.safety_stock;
      const f = figures.get(domain)!;
      f.safetySamples.push(units);
      const connector = connectors.get(domain)!;
      f.listedSamples.push(variantsOf.get(domain)!.reduce((sum, { variantId }) => sum + connector.listed(variantId), 0));
      if (byDomain.get(domain)!.app.kind !== "safestock") continue;
      // A sample lost to a reset connection (a loaded machine) is a missing sample, not a failed run:
      // unhandled, its rejection ended the whole bench (2026-12-06, load ≈ 20).
      void apps
        .get(domain)!
        .get<{ cover: number }>(`/bench/cover?shop=${domain}`)
        .then(({ cover }) => f.coverSamples.push(cover))
        .catch(() => undefined);
    }
  }, 1_000);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuAtStart = process.cpuUsage();
  const t0 = performance.now();
  for (const intent of options.traffic) {
    const wait = intent.atMs - (performance.now() - t0);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (const domain of domains) {
      const work = execute(domain, intent).catch((error: unknown) => {
        process.stderr.write(`order ${intent.index} on ${domain}: ${String(error)}\n`);
      });
      pendingWork.add(work);
      void work.finally(() => pendingWork.delete(work));
    }
  }
  const remaining = options.durationMs - (performance.now() - t0);
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  await Promise.all([...connectors.values()].map((connector) => connector.stop()));
  while (pendingWork.size > 0) await Promise.allSettled([...pendingWork]);
  clearInterval(sampler);
  loopDelay.disable();
  const saleCpu = process.cpuUsage(cpuAtStart);
  const [loadAverage] = os.loadavg();
  const statsOfApps = async () => new Map(await Promise.all([...apps].map(async ([domain, app]) => [domain, await app.stats()] as const)));
  const appsDuringSale = await statsOfApps();
  process.stdout.write(
    `event loop delay during the sale: bench (shops, buyers) p50 ${(loopDelay.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms` +
      [...appsDuringSale].map(([domain, stats]) => `; Safestock for ${domain}: loop p99 ${stats.loopDelayP99Ms.toFixed(0)} ms, max ${stats.loopDelayMaxMs.toFixed(0)} ms, CPU ${stats.cpuSeconds.toFixed(1)} s`).join("") +
      "\n",
  );

  // Late webhooks (the tail is tens of seconds) and the queue.
  const settleUntil = performance.now() + options.settleMs;
  await Promise.race([sandbox.dispatcher.drain(), new Promise((resolve) => setTimeout(resolve, options.settleMs))]);
  while (performance.now() < settleUntil && !(await appDrained())) await new Promise((resolve) => setTimeout(resolve, 200));
  // Teardown order: no more webhooks (a late delivery would enqueue a job), then the worker (it
  // finishes the jobs it holds), then the shops' jobs are purged and the sandbox closed. With the
  // network still open after the settle timeout, late deliveries enqueued recompute jobs for shops
  // already torn down; the next run's worker took them and they died on 404 (r600-safestock,
  // 2026-11-30 full run, during flat15).
  await network.close();
  if (network.dropped > 0) process.stdout.write(`webhooks the shops still sent after the settle time ran out (dropped): ${network.dropped}\n`);
  const appsAtEnd = await statsOfApps();
  for (const [domain, stats] of appsAtEnd) {
    if (!stats.queries || Object.keys(stats.queries).length === 0) continue;
    process.stdout.write(`Safestock's Prisma operations for ${domain} since the sale started (count, total ms):\n`);
    for (const [operation, { count, ms }] of Object.entries(stats.queries).slice(0, 25)) process.stdout.write(`  ${operation.padEnd(40)} ${String(count).padStart(6)} ${ms.toFixed(0).padStart(7)}\n`);
  }
  const explained = DEBUG_WITHHELD ? new Map(await Promise.all([...apps].map(async ([domain, app]) => [domain, await app.get<AppExplained>(`/bench/explain?shop=${domain}`)] as const))) : new Map<string, AppExplained>();
  await Promise.all([...apps.values()].map((app) => app.stop()));
  measuring = false;

  const calls = meter.calls.slice(callsBefore);
  const results: ShopFigures[] = [];
  for (const domain of domains) {
    const shop = byDomain.get(domain)!;
    const state = stateOf(sandbox, domain);
    const f = figures.get(domain)!;
    const { warehouse, stores } = levelsOf.get(domain)!;
    let oversoldUnits = 0;
    for (const { itemId } of variantsOf.get(domain)!) {
      for (const level of state.levelsByItem.get(itemId) ?? []) oversoldUnits += Math.max(0, -(level.quantities.available + level.quantities.safety_stock));
    }
    // Reconciliation, per level: available + safety_stock must equal the start minus what orders
    // claimed there (cancelled orders: only what was fulfilled before the cancel; the rest was
    // restocked). Apps only move units between available and safety_stock, so any drift is a bug in
    // an app or in the emulator, not a sale; it is printed, never hidden in the oversold figures.
    const start = (locationId: Gid, sku: number) => (locationId === warehouse ? options.stock.warehouse(sku) : options.stock.store(sku));
    let drift = 0;
    variantsOf.get(domain)!.forEach(({ itemId }, sku) => {
      for (const level of state.levelsByItem.get(itemId) ?? []) {
        let claimed = 0;
        for (const order of state.orders.values()) {
          for (const fo of order.fulfillmentOrders ?? []) {
            if (fo.locationId !== level.locationId) continue;
            for (const line of fo.lineItems) {
              if (!line.claimed || line.inventoryItemId !== itemId) continue;
              const orderLine = order.lineItems.find((l) => l.id === line.lineItemId);
              claimed += order.cancelledAt ? (orderLine?.fulfilledQuantity ?? 0) : line.totalQuantity;
            }
          }
        }
        const { available, safety_stock, committed, on_hand } = level.quantities;
        const expected = start(level.locationId, sku) - claimed;
        drift += Math.abs(available + safety_stock - expected);
        if (DEBUG_LEVELS && (available + safety_stock !== expected || available + safety_stock < 0)) {
          const place = level.locationId === warehouse ? "warehouse" : `store ${stores.indexOf(level.locationId)}`;
          process.stdout.write(`level ${domain} sku ${sku} ${place}: available ${available} safety_stock ${safety_stock} committed ${committed} on_hand ${on_hand}; start ${start(level.locationId, sku)} − claimed ${claimed} = ${expected}\n`);
        }
      }
    });
    if (drift !== 0) process.stderr.write(`flash sale: ${domain}: levels drift ${drift} units from start − claimed (FLASH_DEBUG_LEVELS=1 lists them)\n`);
    for (const entry of oversoldByOrder.values()) {
      if (entry.shop !== domain) continue;
      f.perChannel[entry.channel].oversoldOrders++;
      f.perChannel[entry.channel].oversoldUnits += entry.units;
    }
    let salesWithheld = 0;
    let salesWithheldBeyondFlat = 0;
    for (const [key, units] of f.refusedUnits) {
      const [itemId, location] = key.split("|") as [Gid, Gid];
      const free = freeUnits(state, itemId, location === warehouse ? [warehouse] : [location]);
      salesWithheld += Math.min(units, free);
      // The flat safety stock is one level's rule; online buyers draw on the warehouse's level only.
      salesWithheldBeyondFlat += Math.min(units, Math.max(0, free - (shop.flatSafetyUnits ?? 0)));
    }
    if (DEBUG_WITHHELD) printWithheld(shop.label, f, state, variantsOf.get(domain)!, levelsOf.get(domain)!, explained.get(domain));
    const acks = network.records.filter((r) => r.shop === domain).map((r) => r.ackMs);
    if (process.env.FLASH_DEBUG_ACK === "1") {
      const slow = network.records.filter((r) => r.shop === domain).sort((x, y) => y.ackMs - x.ackMs).slice(0, 15);
      process.stdout.write(`${shop.label}: slowest acks: ${slow.map((r) => `${Math.round(r.ackMs)} ms ${r.topic} at +${Math.round((r.triggeredAt - saleStart) / 1000)} s`).join("; ")}\n`);
      for (const q of [50, 90, 95, 98, 99]) process.stdout.write(` p${q} ${Math.round(percentile(acks, q))}`);
      process.stdout.write(`; waits for a socket p50 ${Math.round(percentile(socketWaits, 50))} p90 ${Math.round(percentile(socketWaits, 90))} p99 ${Math.round(percentile(socketWaits, 99))}`);
      process.stdout.write("\n");
    }
    if (process.env.FLASH_DEBUG_COST === "1") {
      const byOperation = new Map<string, { requests: number; cost: number }>();
      for (const c of calls) if (c.shop === domain) byOperation.set(c.operation, { requests: (byOperation.get(c.operation)?.requests ?? 0) + 1, cost: (byOperation.get(c.operation)?.cost ?? 0) + c.cost });
      process.stdout.write(`${shop.label}: Admin API by operation: ${[...byOperation].map(([op, { requests, cost }]) => `${op} ${requests} req ${cost} pts`).join("; ")}\n`);
    }
    if (process.env.FLASH_DEBUG_RUNS === "1") printRequestTimeline(shop.label, calls.filter((c) => c.shop === domain), salePerfStart, changeSeconds.get(domain)!, itemsIn);
    if (process.env.FLASH_DEBUG_MOVES === "1") printWrites(shop.label, calls.filter((c) => c.shop === domain), salePerfStart);
    trace.print(domain, shop.label, calls.filter((c) => c.shop === domain), salePerfStart, (itemId) => variantsOf.get(domain)!.filter((v) => v.itemId === itemId).flatMap((v) => [v.itemId, v.variantId]));
    const topics = new Map<string, number>();
    for (const r of network.records) if (r.shop === domain) topics.set(r.topic, (topics.get(r.topic) ?? 0) + 1);
    if (acks.length > 0) process.stdout.write(`${shop.label}: ${acks.length} webhook deliveries (${[...topics].map(([t, n]) => `${t} ${n}`).join(", ")}) for ${f.placed} orders\n`);
    const tracker = trackers.get(domain)!;
    const shopCalls = calls.filter((c) => c.shop === domain);
    const costPoints = shopCalls.reduce((sum, c) => sum + c.cost, 0);
    // Reads that the bound may charge are stock reads (what a plan is made from); a write's
    // read-back of the channel numbers alone (2 points, docs/decisions/043) plans nothing.
    const minCost = (mutation: boolean) => Math.min(...shopCalls.filter((c) => (mutation ? c.mutation : c.readsStock) && c.cost > 0).map((c) => c.cost));
    const windows = changeSeconds.get(domain)!.size;
    // Lower bound: every second with a change, one read of the items changed in it and one write.
    // A read is charged per item (Shopify's cost grows with the nodes asked for), at the cheapest
    // cost per item the app's own reads achieved; the write at its cheapest mutation. Before
    // 2026-11-30 17:00 UTC each second's read was charged as the app's cheapest read of any size
    // (one item): `costOverMinimalLowerBound` keeps that figure.
    const readsPerItem = shopCalls.filter((c) => c.readsStock && c.cost > 0).map((c) => c.cost / Math.max(1, itemsIn(c).length));
    const readCostPerItem = readsPerItem.length > 0 ? Math.min(...readsPerItem) : 0;
    let changedItemSeconds = 0;
    for (const items of changeSeconds.get(domain)!.values()) changedItemSeconds += items.size;
    const measured = shop.app.kind !== "none" && shopCalls.length > 0;
    if (process.env.FLASH_DEBUG_COST === "1" && measured) {
      const reads = shopCalls.filter((c) => !c.mutation && c.cost > 0).map((c) => `${c.operation}:${itemsIn(c).length}/${c.cost}`);
      const byShape = new Map<string, number>();
      for (const r of reads) byShape.set(r, (byShape.get(r) ?? 0) + 1);
      process.stdout.write(
        `${shop.label}: lower bound from ${windows} change-seconds (${changedItemSeconds} item-seconds) × (read ${readCostPerItem.toFixed(2)} a changed item + write ${minCost(true)}); ` +
          `reads (operation:items/points × count) ${[...byShape].sort((x, y) => y[1] - x[1]).map(([shape, n]) => `${shape}×${n}`).join(" ")}\n`,
      );
    }
    const lowerBoundCost = measured ? changedItemSeconds * readCostPerItem + windows * minCost(true) : 0;
    const minimalLowerBound = measured ? windows * (minCost(false) + minCost(true)) : 0;
    results.push({
      run: options.name,
      label: shop.label,
      app: shop.app.kind,
      refreshSeconds: options.refreshSeconds,
      ordersPlaced: f.placed,
      ordersRefused: f.refused,
      cancelled: f.cancelled,
      oversoldUnits,
      oversoldOrders: Object.values(f.perChannel).reduce((sum, c) => sum + c.oversoldOrders, 0),
      perChannel: f.perChannel,
      salesWithheld,
      salesWithheldBeyondFlat,
      ackP50Ms: percentile(acks, 50),
      ackP99Ms: percentile(acks, 99),
      deliveries: acks.length,
      deliveryFailures: network.records.filter((r) => r.shop === domain && r.status >= 300).length,
      propagationP50Ms: percentile(tracker.latencies, 50),
      propagationP99Ms: percentile(tracker.latencies, 99),
      propagated: tracker.latencies.length,
      requests: shopCalls.length,
      costPoints,
      requestsPerOrder: shopCalls.length / Math.max(1, f.placed),
      costPerOrder: costPoints / Math.max(1, f.placed),
      lowerBoundRequests: shop.app.kind === "none" ? 0 : windows * 2,
      lowerBoundCost,
      costOverLowerBound: lowerBoundCost > 0 ? costPoints / lowerBoundCost : NaN,
      costOverMinimalLowerBound: minimalLowerBound > 0 ? costPoints / minimalLowerBound : NaN,
      throttled: shopCalls.filter((c) => c.codes.includes("THROTTLED")).length,
      stale: shopCalls.filter((c) => c.codes.some((code) => code.includes("STALE") || code === "INVALID_COMPARE_DIGEST")).length,
      meanSafetyStockUnits: mean(f.safetySamples),
      meanMarketplaceListed: mean(f.listedSamples),
      meanRefreshCover: mean(f.coverSamples),
      peakRssMb: appsAtEnd.get(domain)?.peakRssMb ?? NaN,
      appCpuSeconds: appsDuringSale.get(domain)?.cpuSeconds ?? NaN,
      appAnswerP50Ms: appsAtEnd.get(domain)?.answerP50Ms ?? NaN,
      appAnswerP99Ms: appsAtEnd.get(domain)?.answerP99Ms ?? NaN,
      appLoopDelayP99Ms: appsDuringSale.get(domain)?.loopDelayP99Ms ?? NaN,
      shopSideCpuSeconds: (saleCpu.user + saleCpu.system) / 1e6,
      shopSideLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loadAverage: loadAverage!,
    });
  }
  sandbox.close();
  await shopServer.close();
  for (const database of databases) database.remove();
  return results;
}

/**
 * FLASH_DEBUG_MOVES=1: every write of levels or channel numbers the app sent, with its moves (item,
 * location, from name@quantity read → to name@quantity read, units) and the numbers it published,
 * to see why a run moves (docs/decisions/041).
 */
function printWrites(label: string, calls: readonly ApiCall[], perfStart: number) {
  const short = (id: unknown) => String(id).split("/").pop();
  for (const call of calls) {
    if (!call.mutation || !/MoveQuantities|ApplyLevels|SetChannelAts/.test(call.operation)) continue;
    const variables = JSON.parse(call.variables) as {
      input?: { changes?: { inventoryItemId: string; quantity: number; from: { locationId: string; name: string; changeFromQuantity: number }; to: { name: string; changeFromQuantity: number } }[] };
      metafields?: { ownerId: string; value: string }[];
    };
    const moves = (variables.input?.changes ?? []).map(
      (c) => `${short(c.inventoryItemId)}@${short(c.from.locationId)} ${c.from.name}=${c.from.changeFromQuantity}→${c.to.name}=${c.to.changeFromQuantity} ${c.quantity}`,
    );
    const numbers = (variables.metafields ?? []).map((m) => {
      const channels = (JSON.parse(m.value) as { channels?: Record<string, { available: number; paused: boolean }> }).channels ?? {};
      return `${short(m.ownerId)}{${Object.entries(channels).map(([handle, ats]) => `${handle.slice(0, 3)}:${ats.available}${ats.paused ? "p" : ""}`).join(",")}}`;
    });
    const second = Math.floor((call.startedAt - perfStart) / 1000);
    process.stdout.write(`${label} +${second}s ${call.operation.replace(/^Safestock/, "")}${call.codes.length > 0 ? ` ${call.codes.join(",")}` : ""}: moves [${moves.join("; ")}] numbers [${numbers.join(" ")}]\n`);
  }
}

/**
 * FLASH_DEBUG_RUNS=1: per second of the sale, the items that changed in it and the app's requests
 * started in it (operation, items named, codes), to see how many runs each change-second costs.
 */
function printRequestTimeline(label: string, calls: readonly ApiCall[], perfStart: number, changed: ReadonlyMap<number, ReadonlySet<Gid>>, itemsIn: (call: ApiCall) => Gid[]) {
  const bySecond = new Map<number, ApiCall[]>();
  for (const call of calls) {
    const second = Math.floor((call.startedAt - perfStart) / 1000);
    bySecond.set(second, [...(bySecond.get(second) ?? []), call]);
  }
  const seconds = [...new Set([...bySecond.keys(), ...changed.keys()])].sort((a, b) => a - b);
  let reads = 0;
  for (const second of seconds) {
    const line = (bySecond.get(second) ?? []).map((c) => `${c.operation.replace(/^Safestock/, "")}(${itemsIn(c).length}${itemsIn(c).length <= 3 ? ` ${itemsIn(c).map((id) => id.split("/").pop()).join(",")}` : ""}${c.codes.length > 0 ? ` ${c.codes.join(",")}` : ""})`);
    reads += (bySecond.get(second) ?? []).filter((c) => !c.mutation).length;
    process.stdout.write(`${label} +${second}s changed ${changed.get(second)?.size ?? 0}: ${line.join(" ")}\n`);
  }
  process.stdout.write(`${label}: ${reads} reads over ${changed.size} change-seconds\n`);
}
