/**
 * The marketplace connector stand-in, against hand-computed outcomes from the default seed:
 * RING-6 has 12 at the Warehouse (the only location that fulfils online orders) and 2 at Soho.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN, SANDBOX_API_KEY } from "../contract.js";
import { createShopEmulator } from "../admin-api/emulator.js";
import { createManualClock } from "../shop/clock.js";
import { CONNECTOR_API_CLIENT_ID, createMarketplaceConnector } from "./index.js";

function setup() {
  const shop = createShopEmulator({ clock: createManualClock(), throttle: { bucketSize: 1_000_000, restoreRate: 1_000_000 } });
  const level = (sku: string, location: string) => {
    const variant = [...shop.state.variants.values()].find((v) => v.sku === sku)!;
    const loc = [...shop.state.locations.values()].find((l) => l.name === location)!;
    return shop.state.levels.get(`${variant.inventoryItemId}|${loc.id}`)!.quantities;
  };
  const variantId = (sku: string) => [...shop.state.variants.values()].find((v) => v.sku === sku)!.id;
  return { shop, level, variantId };
}

const SET_METAFIELD = `mutation($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { userErrors { field message } } }`;

describe("marketplace connector stand-in", () => {
  it("lists Shopify's raw available (stores included) and oversells through DECREMENT_IGNORING_POLICY", async () => {
    const { shop, level } = setup();
    const connector = createMarketplaceConnector({ shop, skus: ["RING-6"], refreshEverySeconds: 600, ordersPerMinute: 10, seed: 42 });
    // Just before the second refresh: the listing read at 0 s is all buyers see.
    await connector.advanceTo(599_999);
    expect(connector.stats()).toMatchObject({ refreshes: 1, ordersPlaced: 14, unitsOrdered: 14, unitsOversold: 2 });
    expect(connector.stats().missedSales).toBeGreaterThan(0);
    // Reference: inventoryQuantity = 12 + 2 + 0 = 14 listed; only the Warehouse fills online orders,
    // so its available goes 12 → −2 and the store's 2 units stay where they are.
    expect(level("RING-6", "Warehouse")).toMatchObject({ available: -2, committed: 14, on_hand: 12 });
    expect(level("RING-6", "Soho store")).toMatchObject({ available: 2, committed: 0 });
    const orders = [...shop.state.orders.values()];
    expect(new Set(orders.map((o) => o.sourceName))).toEqual(new Set(["marketplace"]));
    expect(orders.every((o) => o.inventoryBehaviour === "DECREMENT_IGNORING_POLICY")).toBe(true);
    expect(connector.listings()).toEqual({ "RING-6": 0 });
  });

  it("is deterministic for a seed", async () => {
    const run = async () => {
      const { shop } = setup();
      const c = createMarketplaceConnector({ shop, skus: ["RING-6", "NECK-16"], refreshEverySeconds: 30, ordersPerMinute: 3, seed: 9 });
      await c.advanceTo(20 * 60_000);
      return c.orders().map((o) => [o.atMs, o.sku, o.oversold]);
    };
    const a = await run();
    expect(a.length).toBeGreaterThan(10);
    expect(await run()).toEqual(a);
  });

  it("cannot read Safestock's app-owned namespace (another app's): lists 0 and reports the source missing", async () => {
    const { shop, variantId } = setup();
    const value = JSON.stringify({ channels: { marketplace: { available: 5, paused: false } } });
    await shop.graphql(
      { query: SET_METAFIELD, variables: { metafields: [{ ownerId: variantId("RING-6"), namespace: "$app:safestock", key: "channels", type: "json", value }] } },
      SANDBOX_ADMIN_TOKEN,
    );
    const connector = createMarketplaceConnector({
      shop,
      skus: ["RING-6"],
      source: { kind: "metafield", namespace: `app--${SANDBOX_API_KEY}--safestock`, channel: "marketplace" },
      refreshEverySeconds: 60,
      ordersPerMinute: 5,
      seed: 1,
    });
    expect(connector.apiClientId).toBe(CONNECTOR_API_CLIENT_ID);
    await connector.advanceTo(5 * 60_000);
    // Refreshes at 0, 1, …, 5 min.
    expect(connector.stats()).toMatchObject({ ordersPlaced: 0, refreshes: 6, sourceMissing: 6 });
    expect(connector.listings()).toEqual({ "RING-6": 0 });
  });

  it("lists a channel number published in a merchant-owned namespace and, listing within stock, oversells nothing", async () => {
    const { shop, variantId, level } = setup();
    const value = JSON.stringify({ channels: { marketplace: { available: 3, paused: false } } });
    await shop.graphql({ query: SET_METAFIELD, variables: { metafields: [{ ownerId: variantId("RING-6"), namespace: "safestock", key: "channels", type: "json", value }] } }, SANDBOX_ADMIN_TOKEN);
    const connector = createMarketplaceConnector({ shop, skus: ["RING-6"], source: { kind: "metafield", namespace: "safestock", channel: "marketplace" }, refreshEverySeconds: 600, ordersPerMinute: 10, seed: 3 });
    await connector.advanceTo(599_999);
    expect(connector.stats()).toMatchObject({ ordersPlaced: 3, unitsOversold: 0, sourceMissing: 0 });
    expect(level("RING-6", "Warehouse")).toMatchObject({ available: 9, committed: 3 });
  });

  it("sells to buyers from outside (buy) against its copy until the next read", async () => {
    const { shop, level } = setup();
    const value = JSON.stringify({ channels: { marketplace: { available: 5, paused: false } } });
    await shop.graphql({ query: SET_METAFIELD, variables: { metafields: [{ ownerId: [...shop.state.variants.values()].find((v) => v.sku === "RING-6")!.id, namespace: "safestock", key: "channels", type: "json", value }] } }, SANDBOX_ADMIN_TOKEN);
    const connector = createMarketplaceConnector({
      shop,
      skus: ["RING-6"],
      source: { kind: "metafield", namespace: "safestock", channel: "marketplace" },
      refreshEverySeconds: 15,
      ordersPerMinute: 0,
      measureOversold: false,
    });
    await connector.advanceTo(0); // the first read: 5 listed
    // 3 then 2 fit the copy of 5; the third buyer finds 0 (a missed sale) and nothing reaches Shopify.
    expect(await connector.buy("RING-6", 3)).toMatchObject({ outcome: "ordered", orderId: expect.stringMatching(/^gid:\/\/shopify\/Order\//) });
    expect(await connector.buy("RING-6", 2)).toMatchObject({ outcome: "ordered" });
    expect(await connector.buy("RING-6", 1)).toEqual({ outcome: "refused" });
    expect(connector.stats()).toMatchObject({ ordersPlaced: 2, unitsOrdered: 5, missedSales: 1, unitsOversold: 0 });
    // Warehouse 12 − 5 committed = 7; the copy still says 0 until the next read at 15 s.
    expect(level("RING-6", "Warehouse")).toMatchObject({ available: 7, committed: 5 });
    expect(connector.listings()).toEqual({ "RING-6": 0 });
  });
});
