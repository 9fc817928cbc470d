/**
 * Webhooks as they reach an app during a busy sale: the sandbox dispatcher signs and emits every
 * delivery at once; this bench-side network holds each one for its own random delay (most within a
 * second, a tail of several seconds and a few of tens of seconds, like Shopify's queueing under load),
 * duplicates 5% of them (a new X-Shopify-Webhook-Id, the same X-Shopify-Event-Id, as Shopify's
 * redeliveries look), and therefore reorders them. The dispatcher's own `delayMs` knob is one fixed
 * delay on a serial lane, which would throttle the whole feed; a per-delivery delay lives here instead
 * of in sandbox/webhooks. Non-2xx answers are retried after a second (Shopify retries much later; a
 * failure is counted either way).
 */
import { randomUUID } from "node:crypto";
import { createPrng } from "../../sandbox/prng";

export interface DeliveryRecord {
  shop: string;
  topic: string;
  triggeredAt: number;
  /** Time from the delivery leaving the network to the app's answer (the acknowledgement), ms. */
  ackMs: number;
  status: number;
  duplicate: boolean;
}

export interface WebhookNetworkOptions {
  seed: number;
  duplicateShare: number;
  /** The receiving end per shop (an app route, the naive sync, or nothing). */
  receiverFor(shop: string): ((request: Request) => Promise<Response>) | null;
}

/** Seconds of delay: 80% within 1 s, 15% 1–5 s, 5% 5–30 s. */
export function deliveryDelayMs(random: () => number): number {
  const u = random();
  if (u < 0.8) return 50 + random() * 950;
  if (u < 0.95) return 1_000 + random() * 4_000;
  return 5_000 + random() * 25_000;
}

export function createWebhookNetwork(options: WebhookNetworkOptions) {
  const random = createPrng(options.seed);
  const records: DeliveryRecord[] = [];
  const pending = new Set<Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let failures = 0;
  let closed = false;
  let dropped = 0;
  /** Deliveries waiting out their delay (not yet at the app). */
  let held = 0;

  const send = async (request: Request, duplicate: boolean, attempt = 1): Promise<void> => {
    if (closed) return;
    const shop = request.headers.get("X-Shopify-Shop-Domain") ?? "";
    const receiver = options.receiverFor(shop);
    if (!receiver) return;
    const started = performance.now();
    const response = await receiver(request.clone());
    const ackMs = performance.now() - started;
    await response.arrayBuffer().catch(() => undefined);
    records.push({
      shop,
      topic: request.headers.get("X-Shopify-Topic") ?? "",
      triggeredAt: Date.parse(request.headers.get("X-Shopify-Triggered-At") ?? ""),
      ackMs,
      status: response.status,
      duplicate,
    });
    if (response.status >= 300) {
      failures++;
      if (attempt < 4) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await send(request, duplicate, attempt + 1);
      }
    }
  };

  const schedule = (request: Request, duplicate: boolean) => {
    const delay = deliveryDelayMs(random);
    held++;
    const done = new Promise<void>((resolve) => setTimeout(resolve, delay))
      .then(() => {
        held--;
        if (closed) return;
        const sending = send(request, duplicate);
        inFlight.add(sending);
        return sending.finally(() => inFlight.delete(sending));
      })
      .catch((error: unknown) => {
        failures++;
        process.stderr.write(`bench network: delivery failed: ${String(error)}\n`);
      });
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };

  return {
    records,
    get failures() {
      return failures;
    },
    /** The dispatcher's `deliver`: accepted at once (Shopify's side), delivered later. */
    deliver: async (request: Request): Promise<Response> => {
      if (!options.receiverFor(request.headers.get("X-Shopify-Shop-Domain") ?? "")) return new Response(null, { status: 200 });
      const body = await request.text();
      const copy = (webhookId: string) =>
        new Request(request.url, { method: "POST", headers: { ...Object.fromEntries(request.headers), "X-Shopify-Webhook-Id": webhookId }, body });
      schedule(copy(request.headers.get("X-Shopify-Webhook-Id") ?? randomUUID()), false);
      if (random() < options.duplicateShare) schedule(copy(randomUUID()), true);
      return new Response(null, { status: 200 });
    },
    get dropped() {
      return dropped;
    },
    /** Resolves when every delivery scheduled so far has been answered. */
    async drain() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    /**
     * The end of a run: deliveries still held are dropped (counted in `dropped`) and no retry is sent;
     * resolves when the deliveries already at the app have been answered. After this no webhook reaches
     * the app, so no job is enqueued for a shop about to be torn down.
     */
    async close() {
      if (!closed) dropped = held;
      closed = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
