/**
 * The marketplace connector as the flash sale sees it. A connector keeps its own copy of the number
 * it lists per variant, refreshed every R seconds; between refreshes it lowers the copy only for its
 * own sales, and it creates its orders through the Admin API with DECREMENT_IGNORING_POLICY
 * (docs/decisions/012 "Sales channels"), which drives `available` below zero rather than refusing.
 *
 * `MarketplaceConnector` is the seam the scenario calls; `sandboxMarketplaceConnector` adapts the
 * emulator's connector stand-in (sandbox/connector/): its own app on the shop (API client
 * `marketplace-connector`, its own token, scopes and rate-limit bucket), reading through the Admin
 * API what a real connector can read: Safestock's merchant-owned `safestock.channels`
 * (docs/decisions/017-readable-channel-numbers.md), the naive app's `naive.channels`, or the
 * variant's `inventoryQuantity` for "no app".
 */
import { createMarketplaceConnector, type ConnectorShop, type ListingSource } from "../../sandbox/connector/index";

export interface MarketplaceConnector {
  /** Units the marketplace shows for a variant right now (its copy). */
  listed(variantId: string): number;
  /** A buyer on the marketplace asks for `quantity`: ordered (the order's id) when listed, refused otherwise. */
  buy(variantId: string, quantity: number): Promise<{ outcome: "ordered"; orderId: string } | { outcome: "refused" | "failed" }>;
  /** Reads the listing once, then every R s until `stop`. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SandboxConnectorOptions {
  shop: ConnectorShop;
  /** Variant id → SKU of every variant the marketplace lists (the connector works by SKU). */
  skuOf: ReadonlyMap<string, string>;
  refreshSeconds: number;
  source: ListingSource;
}

export function sandboxMarketplaceConnector(options: SandboxConnectorOptions): MarketplaceConnector {
  const connector = createMarketplaceConnector({
    shop: options.shop,
    skus: [...options.skuOf.values()],
    source: options.source,
    refreshEverySeconds: options.refreshSeconds,
    // Buyers come from the bench's traffic (buy), not from the connector's own Poisson process.
    ordersPerMinute: 0,
    // Oversells are measured from the shop's order events; no extra read per order.
    measureOversold: false,
    // A sale the marketplace already made is retried through THROTTLED, as a real connector does.
    throttleRetries: 50,
    seed: 1,
  });
  const skuOf = (variantId: string) => {
    const sku = options.skuOf.get(variantId);
    if (sku === undefined) throw new Error(`the marketplace does not list ${variantId}`);
    return sku;
  };
  return {
    listed: (variantId) => connector.listings()[skuOf(variantId)] ?? 0,
    async buy(variantId, quantity) {
      const result = await connector.buy(skuOf(variantId), quantity);
      return result.outcome === "ordered" ? { outcome: "ordered", orderId: result.orderId } : { outcome: result.outcome };
    },
    async start() {
      await connector.advanceTo(0);
      connector.start(100);
    },
    stop: () => connector.stop(),
  };
}
