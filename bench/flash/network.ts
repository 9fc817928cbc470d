/**
 * The receiving side of the flash sale's webhooks: the emulator's dispatcher delivers them as
 * Shopify does by default (docs/decisions/025-shopify-delivery-by-default.md,
 * sandbox/webhooks/delivery.ts: several in flight per shop, delays drawn from a seeded
 * distribution, 3% sent twice with the same X-Shopify-Event-Id, hence reordered; non-2xx answers
 * and timeouts retried), to Safestock and to the naive sync alike. This module routes each delivery
 * to the shop's app and records its acknowledgement as the sender sees it:
 * - Safestock (its own process): at the socket, from the request being handed to the kernel to
 *   the answer's first byte (the status line), `receiverFor` measures it (scenario.ts);
 * - the naive sync (in the bench's process): the time its handler takes.
 * Before 2026-12-06 the bench held each delivery itself (80% 50–1,000 ms, 15% 1–5 s, 5% 5–30 s,
 * 5% duplicated) and timed the whole round trip in the bench's event loop, body reads included.
 */

export interface DeliveryRecord {
  shop: string;
  topic: string;
  triggeredAt: number;
  /** Time from the delivery leaving the sender to the first byte of the app's answer (the acknowledgement), ms. */
  ackMs: number;
  status: number;
  /** Another delivery of an event already delivered (same X-Shopify-Event-Id). */
  duplicate: boolean;
}

/** What a receiver reports: the answer's status and how long the acknowledgement took. */
export interface Acknowledged {
  status: number;
  ackMs: number;
}

export interface WebhookNetworkOptions {
  /** The receiving end per shop (an app route, the naive sync, or nothing). */
  receiverFor(shop: string): ((request: Request) => Promise<Acknowledged>) | null;
}

export function createWebhookNetwork(options: WebhookNetworkOptions) {
  const records: DeliveryRecord[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const seenEvents = new Set<string>();
  let closed = false;
  let dropped = 0;

  return {
    records,
    /** The dispatcher's `deliver`: hands the delivery to the shop's app and answers with its status. */
    deliver: async (request: Request): Promise<Response> => {
      const shop = request.headers.get("X-Shopify-Shop-Domain") ?? "";
      const receiver = options.receiverFor(shop);
      if (!receiver) return new Response(null, { status: 200 });
      if (closed) {
        // The run is over: answered for the app (no retry), counted, never delivered.
        dropped++;
        return new Response(null, { status: 200 });
      }
      const eventKey = `${shop}|${request.headers.get("X-Shopify-Event-Id") ?? ""}`;
      const duplicate = seenEvents.has(eventKey);
      seenEvents.add(eventKey);
      const sending = receiver(request).then(({ status, ackMs }) => {
        records.push({
          shop,
          topic: request.headers.get("X-Shopify-Topic") ?? "",
          triggeredAt: Date.parse(request.headers.get("X-Shopify-Triggered-At") ?? ""),
          ackMs,
          status,
          duplicate,
        });
        return new Response(null, { status });
      });
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending)).catch(() => undefined);
      return sending;
    },
    get dropped() {
      return dropped;
    },
    /**
     * The end of a run: deliveries the dispatcher sends from now on are answered for the app and
     * dropped (counted); resolves when those already at an app have been answered. After this no
     * webhook reaches the app, so no job is enqueued for a shop about to be torn down.
     */
    async close() {
      closed = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
