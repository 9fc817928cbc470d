/**
 * WebhookDispatcher: Shopify-style signed, at-least-once webhook deliveries with fault knobs.
 *
 * Semantics (shopify.dev/docs/apps/build/webhooks, docs/decisions/012 "Webhooks"):
 * - One *event* (X-Shopify-Event-Id) fans out to one *delivery* per matching subscription
 *   ("If you have more than one subscription for the same topic, then you'll receive several
 *   webhooks for the same event (one per subscription)": shopify.dev/docs/apps/build/webhooks/ignore-duplicates).
 * - A delivery has one X-Shopify-Webhook-Id; its retries keep that id and the *original* payload
 *   ("delivered with the original payload from the time they were triggered":
 *   shopify.dev/changelog/updates-to-webhook-retry-mechanism).
 * - A duplicate delivery (fault `duplicate`) gets a new X-Shopify-Webhook-Id but the same
 *   X-Shopify-Event-Id, which is the header Shopify tells apps to dedupe on
 *   (shopify.dev/docs/apps/build/webhooks/ignore-duplicates).
 * - Non-2xx, network errors and timeouts are retried: 8 retries over ~4 h with exponential
 *   backoff (changelog above). The exact Shopify schedule is not published; the default below
 *   is 1,2,4,...,128 min (~4.25 h). Tests pass a compressed `retryDelaysMs`.
 * - No ordering guarantee, concurrency, lateness and duplicates by default (./delivery.ts, the
 *   "shopify" profile): each delivery waits a delay drawn from a seeded distribution, then goes out
 *   with up to `maxInFlightPerShop` others of its shop, so a newer event often arrives first; a few
 *   deliveries are sent twice with the same X-Shopify-Event-Id. The "ordered" profile (explicit:
 *   SANDBOX_DELIVERY=ordered or `delivery: ORDERED_DELIVERY`) keeps one delivery in flight, in publish
 *   order, never twice, for deterministic unit tests. The fault knobs add to either profile:
 *   messages published in the same macrotask form a *batch*, which `reorder` shuffles.
 */
import { randomUUID } from "node:crypto";
import { SANDBOX_API_VERSION } from "../contract.js";
import { createPrng, seededShuffle, type Prng } from "../prng.js";
import { describeDeliveryProfile, deliveryProfileFromEnv, drawDeliveryDelayMs, type DeliveryProfile } from "./delivery.js";
import { includeFields } from "./include-fields.js";
import { webhookBodyText } from "./payloads.js";
import { signWebhookBody } from "./sign.js";

/** Default retry delays: 8 retries, exponential, ~4 h in total. */
export const SHOPIFY_RETRY_DELAYS_MS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128].map((m) => m * 60_000);

export interface WebhookMessage {
  shop: string;
  topic: string;
  payload: unknown;
  /** ISO time of the change -> X-Shopify-Triggered-At. */
  triggeredAt: string;
  /** Defaults to a fresh UUID. */
  eventId?: string;
}

export interface WebhookSubscription {
  topic: string;
  /** Absolute https/http URL. pubsub:// and arn: uris are recorded as undeliverable. */
  uri: string;
  /** Only deliver this shop's events; undefined = every shop. */
  shop?: string;
  /** The subscription's `include_fields`: only these fields are delivered (./include-fields.ts). */
  includeFields?: string[];
}

export interface WebhookFaults {
  /** Deliver each delivery this many times in total (>=1), each copy with a new webhook id. */
  duplicate?: number;
  /** Wait this long (real ms) before each first attempt. */
  delayMs?: number;
  /** Shuffle every batch deterministically. */
  reorder?: boolean;
  /** Fraction [0,1] of deliveries silently lost (never attempted, no retry). */
  drop?: number;
  /** PRNG seed for reorder/drop (default 1). Setting faults reseeds the PRNG. */
  seed?: number;
  /** Restrict faults to these topics (default: all). */
  topics?: string[];
}

export interface DeliveryAttempt {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  uri: string;
  /** 1 = first attempt. */
  attempt: number;
  outcome: "delivered" | "failed" | "dropped" | "undeliverable";
  status?: number;
  error?: string;
  /** Real wall-clock ms of the attempt. */
  at: number;
  /** True when this was the last attempt of a failed delivery (retries exhausted). */
  gaveUp?: boolean;
  /** Copy index when the event was sent more than once (0 = original). */
  copy: number;
  /** The event's place in publish order (0 = first published), to count out-of-order arrivals. */
  seq: number;
  /** X-Shopify-Triggered-At of the event. */
  triggeredAt: string;
}

export interface WebhookDispatcherOptions {
  apiSecret: string;
  apiVersion?: string;
  deliver?: (request: Request) => Promise<Response>;
  /** Delay before retry n (index n-1); its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** A delivery without a response within this time counts as failed (default 5,000 ms, [unconfirmed]). */
  timeoutMs?: number;
  faults?: WebhookFaults;
  /** Id factory for webhook and event ids (default crypto.randomUUID). */
  newId?: () => string;
  /** How first attempts are scheduled (default: `deliveryProfileFromEnv()`, i.e. as Shopify does). */
  delivery?: DeliveryProfile;
  /** Where the profile line (with its seed) is printed once per seed (default console.info). */
  logProfile?: (line: string) => void;
}

export interface WebhookDispatcher {
  subscribe(sub: WebhookSubscription): void;
  /** Remove subscriptions matching the filter (all when omitted). */
  unsubscribe(filter?: Partial<WebhookSubscription>): void;
  subscriptions(): WebhookSubscription[];
  /** Queue one event; returns its X-Shopify-Event-Id. */
  publish(message: WebhookMessage): string;
  setFaults(faults: WebhookFaults): void;
  faults(): WebhookFaults;
  /** The delivery profile in force (mode, seed, bounds). */
  delivery(): DeliveryProfile;
  /**
   * Resolve when no delivery is queued, delayed, in flight (duplicates included) or waiting for a retry.
   * `fastForward`: retries fire now instead of at their schedule. `inDueOrder`: deliveries waiting
   * out their drawn delay are released now, one at a time in the order they fall due (each started
   * before the next is released), so they arrive in the order real time would give them, late ones
   * after earlier ones, without the drain waiting the delays out on the wall clock. Meant for a
   * caller that runs nothing else while it drains (tests/support/harness.ts `settle`): there,
   * waiting could change nothing the app sees but the duration.
   */
  drain(options?: { fastForward?: boolean; inDueOrder?: boolean }): Promise<void>;
  /** Fire all waiting retries now instead of at their scheduled time. */
  fastForward(): void;
  /** Every attempt so far, in attempt order. */
  readonly log: readonly DeliveryAttempt[];
  clearLog(): void;
  /** Stop timers; pending retries are abandoned. */
  close(): void;
}

/** A delivery waiting out its drawn delay: `due` on the wall clock, `order` in which it was delayed. */
interface DelayedDelivery {
  timer: ReturnType<typeof setTimeout>;
  resolve: () => void;
  due: number;
  order: number;
}

interface Delivery {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  uri: string;
  triggeredAt: string;
  body: string;
  hmac: string;
  copy: number;
  seq: number;
}

/** Seeds already printed in this process: one line per seed, not one per test harness. */
const printedSeeds = new Set<string>();

export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const apiVersion = options.apiVersion ?? SANDBOX_API_VERSION;
  const deliver = options.deliver ?? ((r: Request) => fetch(r));
  const retryDelays = options.retryDelaysMs ?? SHOPIFY_RETRY_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const newId = options.newId ?? (() => randomUUID());
  const profile: DeliveryProfile = { ...(options.delivery ?? deliveryProfileFromEnv()) };
  const profileLine = describeDeliveryProfile(profile);
  if (!printedSeeds.has(profileLine)) {
    printedSeeds.add(profileLine);
    (options.logProfile ?? ((line: string) => console.info(`[sandbox] ${line}`)))(profileLine);
  }
  const deliveryRand: Prng = createPrng(profile.seed);
  let published = 0;

  let subs: WebhookSubscription[] = [];
  let faults: WebhookFaults = {};
  let rand: Prng = createPrng(1);
  const log: DeliveryAttempt[] = [];
  const inflight = new Set<Promise<unknown>>();
  const waits = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  /** Delivery delays: real time (a drain waits for late deliveries), unless a drain releases them in due order. */
  const delays = new Set<DelayedDelivery>();
  let delaysStarted = 0;
  /**
   * When the current flush began: the delays it sets start then, as Node times every timer set in
   * one turn of the event loop from the same instant (the loop's cached clock), not from Date.now().
   */
  let flushStartedAt = 0;
  /** Per shop: deliveries in flight and those waiting for a slot. */
  const slots = new Map<string, { active: number; queue: (() => void)[] }>();
  /** Messages of the current batch with the subscriptions they matched when published. */
  let batch: { message: WebhookMessage & { eventId: string }; targets: WebhookSubscription[]; seq: number }[] = [];
  let flushScheduled = false;
  let lane: Promise<void> = Promise.resolve();
  let closed = false;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => {});
    return p;
  };

  /** A cancellable / fast-forwardable timer. */
  const wait = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const entry = {
        timer: setTimeout(() => {
          waits.delete(entry);
          resolve();
        }, ms),
        resolve: () => {
          clearTimeout(entry.timer);
          waits.delete(entry);
          resolve();
        },
      };
      waits.add(entry);
    });

  const delay = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const entry = {
        due: flushStartedAt + ms,
        order: delaysStarted++,
        timer: setTimeout(() => {
          delays.delete(entry);
          resolve();
        }, ms),
        resolve: () => {
          clearTimeout(entry.timer);
          delays.delete(entry);
          resolve();
        },
      };
      delays.add(entry);
    });

  /** The delayed delivery that falls due first (timers of one due time fire in the order they were set). */
  const releaseNextDelay = async () => {
    let next: DelayedDelivery | undefined;
    for (const entry of delays) if (!next || entry.due < next.due || (entry.due === next.due && entry.order < next.order)) next = entry;
    next?.resolve();
    // Let it take its slot and start before the next one is released.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  const acquireSlot = async (shop: string): Promise<void> => {
    let s = slots.get(shop);
    if (!s) slots.set(shop, (s = { active: 0, queue: [] }));
    if (s.active < profile.maxInFlightPerShop) {
      s.active++;
      return;
    }
    await new Promise<void>((resolve) => s.queue.push(resolve));
  };
  const releaseSlot = (shop: string) => {
    const s = slots.get(shop)!;
    const next = s.queue.shift();
    if (next) next();
    else s.active--;
  };

  const setFaults = (f: WebhookFaults) => {
    faults = { ...f };
    rand = createPrng(f.seed ?? 1);
  };
  if (options.faults) setFaults(options.faults);

  const faultApplies = (topic: string) => !faults.topics || faults.topics.includes(topic);

  const record = (d: Delivery, attempt: number, rest: Omit<DeliveryAttempt, keyof Delivery | "attempt" | "at" | "copy" | "seq"> & Partial<DeliveryAttempt>) => {
    log.push({
      webhookId: d.webhookId,
      eventId: d.eventId,
      topic: d.topic,
      shop: d.shop,
      uri: d.uri,
      attempt,
      at: Date.now(),
      copy: d.copy,
      seq: d.seq,
      triggeredAt: d.triggeredAt,
      ...rest,
    });
  };

  const buildRequest = (d: Delivery): Request =>
    new Request(d.uri, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Shopify-Captain-Hook",
        "X-Shopify-Topic": d.topic,
        "X-Shopify-Hmac-Sha256": d.hmac,
        "X-Shopify-Shop-Domain": d.shop,
        "X-Shopify-API-Version": apiVersion,
        "X-Shopify-Webhook-Id": d.webhookId,
        "X-Shopify-Event-Id": d.eventId,
        "X-Shopify-Triggered-At": d.triggeredAt,
      },
      body: d.body,
    });

  const attempt = async (d: Delivery, n: number): Promise<void> => {
    if (closed) return;
    let status: number | undefined;
    let error: string | undefined;
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const res = await Promise.race([deliver(buildRequest(d)), timeout]);
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const ok = status !== undefined && status >= 200 && status < 300;
    const gaveUp = !ok && n > retryDelays.length;
    const entry: Partial<DeliveryAttempt> & { outcome: DeliveryAttempt["outcome"] } = { outcome: ok ? "delivered" : "failed" };
    if (status !== undefined) entry.status = status;
    if (error !== undefined) entry.error = error;
    if (gaveUp) entry.gaveUp = true;
    record(d, n, entry);
    if (!ok && !gaveUp && !closed) {
      const delay = retryDelays[n - 1] ?? 0;
      void track(wait(delay).then(() => attempt(d, n + 1)));
    }
  };

  const flush = () => {
    flushScheduled = false;
    flushStartedAt = Date.now();
    const messages = batch;
    batch = [];
    let deliveries: Delivery[] = [];
    for (const { message: m, targets, seq } of messages) {
      const whole = webhookBodyText(m.payload);
      for (const s of targets) {
        // Each subscription gets its own body (its include_fields), signed as delivered.
        const body = s.includeFields?.length ? webhookBodyText(includeFields(m.payload, s.includeFields)) : whole;
        const hmac = signWebhookBody(body, options.apiSecret);
        let copies = faultApplies(m.topic) ? Math.max(1, Math.floor(faults.duplicate ?? 1)) : 1;
        // At-least-once: Shopify sometimes sends one event twice, each copy with its own webhook id
        // and the same event id (shopify.dev/docs/apps/build/webhooks/ignore-duplicates).
        if (profile.mode === "shopify" && deliveryRand() < profile.duplicateRate) copies++;
        for (let copy = 0; copy < copies; copy++) {
          deliveries.push({ webhookId: newId(), eventId: m.eventId, topic: m.topic, shop: m.shop, uri: s.uri, triggeredAt: m.triggeredAt, body, hmac, copy, seq });
        }
      }
    }
    if (faults.reorder) {
      // Only the deliveries the fault applies to move; the others keep their slots.
      const idx = deliveries.map((d, i) => (faultApplies(d.topic) ? i : -1)).filter((i) => i >= 0);
      const moved = seededShuffle(
        idx.map((i) => deliveries[i]!),
        rand,
      );
      deliveries = deliveries.slice();
      idx.forEach((slot, k) => (deliveries[slot] = moved[k]!));
    }
    for (const d of deliveries) {
      if (faults.drop && faultApplies(d.topic) && rand() < faults.drop) {
        record(d, 1, { outcome: "dropped" });
        continue;
      }
      if (!/^https?:\/\//.test(d.uri)) {
        record(d, 1, { outcome: "undeliverable", error: `unsupported delivery uri ${d.uri}` });
        continue;
      }
      const faultDelay = faultApplies(d.topic) ? (faults.delayMs ?? 0) : 0;
      if (profile.mode === "ordered") {
        lane = lane.then(async () => {
          if (faultDelay > 0) await wait(faultDelay);
          await attempt(d, 1);
        });
        void track(lane);
        continue;
      }
      // Concurrent and late: each delivery waits its own drawn delay (real time; a drain waits for
      // it), then takes one of its shop's in-flight slots.
      const late = drawDeliveryDelayMs(profile, deliveryRand) + faultDelay;
      void track(
        delay(late).then(async () => {
          if (closed) return;
          await acquireSlot(d.shop);
          try {
            await attempt(d, 1);
          } finally {
            releaseSlot(d.shop);
          }
        }),
      );
    }
  };

  return {
    subscribe(sub) {
      if (!subs.some((s) => s.topic === sub.topic && s.uri === sub.uri && s.shop === sub.shop)) subs.push({ ...sub });
    },
    unsubscribe(filter = {}) {
      subs = subs.filter(
        (s) =>
          !(
            (filter.topic === undefined || s.topic === filter.topic) &&
            (filter.uri === undefined || s.uri === filter.uri) &&
            (filter.shop === undefined || s.shop === filter.shop)
          ),
      );
    },
    subscriptions: () => subs.map((s) => ({ ...s })),
    publish(message) {
      const eventId = message.eventId ?? newId();
      // Subscriptions are resolved when the event is triggered: "Retried webhooks will be delivered
      // to the subscription's address that was configured when the webhook was triggered"
      // (shopify.dev/changelog/updates-to-webhook-retry-mechanism).
      const targets = subs.filter((s) => s.topic === message.topic && (!s.shop || s.shop === message.shop));
      batch.push({ message: { ...message, eventId }, targets: targets.map((t) => ({ ...t })), seq: published++ });
      if (!flushScheduled) {
        flushScheduled = true;
        void track(
          new Promise<void>((resolve) =>
            setTimeout(() => {
              flush();
              resolve();
            }, 0),
          ),
        );
      }
      return eventId;
    },
    setFaults,
    faults: () => ({ ...faults }),
    delivery: () => ({ ...profile }),
    async drain(opts = {}) {
      while (inflight.size > 0) {
        if (opts.fastForward) for (const w of [...waits]) w.resolve();
        if (opts.inDueOrder && delays.size > 0) {
          await releaseNextDelay();
          continue;
        }
        await Promise.allSettled([...inflight]);
      }
    },
    fastForward() {
      for (const w of [...waits]) w.resolve();
    },
    get log() {
      return log;
    },
    clearLog() {
      log.length = 0;
    },
    close() {
      closed = true;
      for (const d of [...delays]) {
        clearTimeout(d.timer);
        delays.delete(d);
        d.resolve();
      }
      for (const w of [...waits]) {
        clearTimeout(w.timer);
        w.resolve();
      }
    },
  };
}
