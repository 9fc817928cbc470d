/**
 * The marketplace connector as the flash sale sees it. A connector keeps its own copy of the number
 * it lists per variant, refreshed every R seconds; between refreshes it lowers the copy only for its
 * own sales, and it creates its orders through the Admin API with DECREMENT_IGNORING_POLICY
 * (docs/decisions/012 "Sales channels"), which drives `available` below zero rather than refusing.
 *
 * `MarketplaceConnector` is the seam: the scenario only calls this interface, so the emulator's
 * connector stand-in (sandbox/connector/, issue 9's dependency) can be plugged in through an
 * adapter with the same shape. `createBenchConnector` is the bench's own stand-in until then.
 */
export interface MarketplaceConnector {
  /** Units the marketplace shows for a variant right now (its copy). */
  listed(variantId: string): number;
  /** A buyer on the marketplace asks for `quantity`: ordered (the order's id) when listed, refused otherwise. */
  buy(variantId: string, quantity: number): Promise<{ outcome: "ordered"; orderId: string } | { outcome: "refused" | "failed" }>;
  start(): void;
  stop(): void;
}

export interface BenchConnectorOptions {
  variantIds: readonly string[];
  refreshMs: number;
  /** What the connector reads from the shop at each refresh (Safestock's channel number, the naive app's, or raw available). */
  readListing(variantId: string): number;
  /** orderCreate with DECREMENT_IGNORING_POLICY, sourceName marketplace; the order's id, or null when Shopify refused it. */
  placeOrder(variantId: string, quantity: number): Promise<string | null>;
}

export function createBenchConnector(options: BenchConnectorOptions): MarketplaceConnector {
  const copy = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  const refresh = () => {
    for (const id of options.variantIds) copy.set(id, Math.max(0, options.readListing(id)));
  };
  return {
    listed: (variantId) => copy.get(variantId) ?? 0,
    async buy(variantId, quantity) {
      const listed = copy.get(variantId) ?? 0;
      if (listed < quantity) return { outcome: "refused" };
      copy.set(variantId, listed - quantity);
      const orderId = await options.placeOrder(variantId, quantity);
      return orderId ? { outcome: "ordered", orderId } : { outcome: "failed" };
    },
    start() {
      refresh();
      timer = setInterval(refresh, options.refreshMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
