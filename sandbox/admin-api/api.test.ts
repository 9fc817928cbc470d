import { describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN } from "../contract.js";
import { testShop } from "./test-helpers.js";

describe("auth", () => {
  it("unknown or absent token → 401 with Shopify's body; the sandbox admin token and granted tokens work; revoke removes them all", async () => {
    const { shop } = testShop();
    const body = { query: "{ shop { name } }" };
    const expected = { status: 401, body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" } };
    expect(await shop.graphql(body, null)).toEqual(expected);
    expect(await shop.graphql(body, "nope")).toEqual(expected);
    shop.grantAccessToken("shpat_1", ["read_products"]);
    expect((await shop.graphql(body, "shpat_1")).status).toBe(200);
    shop.revokeAccessTokens();
    expect((await shop.graphql(body, "shpat_1")).status).toBe(401);
    // Uninstall revokes the sandbox's own admin token too, as Shopify revokes every token.
    expect((await shop.graphql(body, SANDBOX_ADMIN_TOKEN)).status).toBe(401);
    shop.grantAccessToken(SANDBOX_ADMIN_TOKEN, []);
    expect((await shop.graphql(body, SANDBOX_ADMIN_TOKEN)).body.data).toEqual({ shop: { name: "Safestock Sandbox" } });
  });
});

describe("validation and emulation errors", () => {
  it("an invalid query gets graphql-ruby style errors, no data and no cost", async () => {
    const t = testShop();
    const res = await t.gql(`mutation M { inventorySetQuantities(input: {name: "available", reason: "correction", quantities: []}) @idempotent(key: "k") { userErrors { code } } x: inventoryActivate(inventoryItemId: "gid://shopify/InventoryItem/1", locationId: "gid://shopify/Location/1") { userErrors { code } } }`);
    expect(res.data).toBeUndefined();
    expect(res.extensions).toBeUndefined();
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: "Field 'code' doesn't exist on type 'UserError'",
        path: ["mutation M", "inventoryActivate", "userErrors", "code"],
        extensions: { code: "undefinedField", typeName: "UserError", fieldName: "code" },
      }),
    ]);
    const unused = await t.gql(`query Q($x: ID!) { shop { id } }`, { x: "gid://shopify/Shop/1" });
    expect(unused.errors[0]).toMatchObject({ message: "Variable $x is declared by Q but not used", extensions: { code: "variableNotUsed" } });
  });

  it("a valid but unemulated field errors naming it (never a silent null)", async () => {
    const t = testShop();
    const res = await t.gql(`{ shop { name billingAddress { city } } }`);
    expect(res.errors[0]).toMatchObject({ message: "Field 'Shop.billingAddress' is not emulated by the Safestock sandbox", path: ["shop", "billingAddress"] });
    // Query.shop is non-null, so the error nulls the whole data (GraphQL null propagation)
    expect(res.data).toBeNull();
  });

  it("a null for a required nested variable field is INVALID_VARIABLE", async () => {
    const t = testShop();
    const res = await t.gql(`mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) @idempotent(key: "k") { userErrors { code } } }`, {
      input: { name: "available", reason: "correction", changes: [{ inventoryItemId: null, locationId: "gid://shopify/Location/1", delta: 1, changeFromQuantity: 0 }] },
    });
    expect(res.errors[0].message).toBe("Variable $input of type InventoryAdjustQuantitiesInput! was provided invalid value for changes.0.inventoryItemId (Expected value to not be null)");
  });
});

describe("cost and throttle", () => {
  it("reports requested/actual cost and the bucket after the actual cost", async () => {
    const t = testShop();
    const res = await t.gql(`{ products(first: 10) { edges { node { id title variants(first: 5) { nodes { sku } } } } pageInfo { hasNextPage } } }`);
    // Connection sizes as recorded (cost.ts header): size(10) = 4, size(5) = 3.
    // requested: 2 + 4 × (1 + (2 + 3 × 1)) = 26
    expect(res.extensions.cost.requestedQueryCost).toBe(26);
    // actual: 6 products came back, the dearest with 4 of 5 variants: 2 + ⌈3 × 4/5 × 1⌉ = 5;
    // 2 + ⌈4 × 6/10 × (1 + 5)⌉ = 2 + ⌈14.4⌉ = 17
    expect(res.extensions.cost.actualQueryCost).toBe(17);
    expect(res.extensions.cost.throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: 2000 - 17, restoreRate: 100 });
  });

  it("THROTTLED when the request costs more than is available; recovers as the clock advances", async () => {
    const t = testShop({ throttle: { bucketSize: 50, restoreRate: 10 }, seed: { variants: 30 } });
    // 2 + size(20) = 5 × (variant 1 + product 1 + inventoryItem 1 + its variant 1) = 22, full page so actual 22
    const q = `{ productVariants(first: 20) { nodes { id product { id } inventoryItem { id variant { id } } } } }`;
    expect((await t.gql(q)).extensions.cost.throttleStatus.currentlyAvailable).toBe(28);
    expect((await t.gql(q)).extensions.cost.throttleStatus.currentlyAvailable).toBe(6);
    const throttled = await t.gql(q);
    expect(throttled).toEqual({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: { cost: { requestedQueryCost: 22, actualQueryCost: null, throttleStatus: { maximumAvailable: 50, currentlyAvailable: 6, restoreRate: 10 } } },
    });
    t.clock.advance(1000);
    expect((await t.gql(q)).errors?.[0]?.extensions.code).toBe("THROTTLED"); // 16 < 22
    t.clock.advance(600);
    const ok = await t.gql(q);
    expect(ok.errors).toBeUndefined();
    expect(ok.extensions.cost.throttleStatus.currentlyAvailable).toBe(0);
  });

  it("a single query over 1,000 points → MAX_COST_EXCEEDED", async () => {
    const t = testShop();
    // size(250) = 11: 2 + 11 × (1 + 2 + 11 × (1 + 1 + 2 + 11 × (1 + 1))) = 2 + 11 × 289 = 3181
    const res = await t.gql(`{ products(first: 250) { nodes { variants(first: 250) { nodes { inventoryItem { inventoryLevels(first: 250) { nodes { location { id } } } } } } } } }`);
    expect(res.errors[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", cost: 3181, maxCost: 1000 });
    expect(res.errors[0].message).toMatch(/^Query cost is 3181, which exceeds the single query max cost limit \(1000\)/);
    expect(res.data).toBeUndefined();
  });
});

describe("reads", () => {
  it("pagination with cursors walks every variant exactly once (forward and backward)", async () => {
    const t = testShop({ seed: { variants: 53 } });
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res = await t.gql(
        `query($after: String) { productVariants(first: 10, after: $after) { edges { cursor node { sku } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
        { after },
      );
      const c = res.data.productVariants as { edges: { node: { sku: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      seen.push(...c.edges.map((e) => e.node.sku));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(53);
    expect(new Set(seen).size).toBe(53);
    const back = await t.gql(`{ productVariants(last: 3) { nodes { sku } pageInfo { hasPreviousPage hasNextPage } } }`);
    expect(back.data.productVariants.nodes.map((n: { sku: string }) => n.sku)).toEqual(seen.slice(-3));
    expect(back.data.productVariants.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: false });
  });

  it("query filters: sku, OR, id range, updated_at", async () => {
    const t = testShop();
    const sku = await t.gql(`{ productVariants(first: 10, query: "sku:RING-7 OR sku:MUG-BLU") { nodes { sku } } }`);
    expect(sku.data.productVariants.nodes.map((n: { sku: string }) => n.sku)).toEqual(["RING-7", "MUG-BLU"]);
    const { itemId } = t.variantBySku("SHIRT-M");
    const items = await t.gql(`{ inventoryItems(first: 5, query: "sku:SHIRT-M") { nodes { id } } }`);
    expect(items.data.inventoryItems.nodes).toEqual([{ id: itemId }]);
    const tagged = await t.gql(`{ products(first: 10, query: "tag:promo") { nodes { handle } } }`);
    expect(tagged.data.products.nodes.map((n: { handle: string }) => n.handle)).toEqual(["silver-necklace", "canvas-tote"]);
    t.clock.advance(60_000);
    const later = new Date(t.clock.now().getTime() - 1000).toISOString();
    await t.gql(`mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) @idempotent(key: "u") { userErrors { code } } }`, {
      input: { name: "available", reason: "correction", changes: [{ inventoryItemId: itemId, locationId: t.location("Warehouse"), delta: 1, changeFromQuantity: null }] },
    });
    const levels = await t.gql(`query($q: String) { location(id: "${t.location("Warehouse")}") { inventoryLevels(first: 50, query: $q) { nodes { item { sku } } } } }`, { q: `updated_at:>${later}` });
    expect(levels.data.location.inventoryLevels.nodes).toEqual([{ item: { sku: "SHIRT-M" } }]);
  });

  it("node/nodes, inventoryLevel(id), inventoryProperties, publications", async () => {
    const t = testShop();
    const { variantId, itemId } = t.variantBySku("RING-7");
    const wh = t.location("Warehouse");
    const lvl = t.shop.state.levels.get(`${itemId}|${wh}`)!;
    expect(lvl.id).toMatch(/^gid:\/\/shopify\/InventoryLevel\/\d+\?inventory_item_id=\d+$/);
    const res = await t.gql(
      `query($ids: [ID!]!, $lvl: ID!) {
        nodes(ids: $ids) { __typename ... on ProductVariant { sku } ... on Location { name } }
        inventoryLevel(id: $lvl) { quantities(names: ["on_hand", "available"]) { name quantity } }
        inventoryProperties { quantityNames { name belongsTo comprises } }
        publications(first: 10) { nodes { name catalog { title } channels(first: 1) { nodes { handle } } } }
      }`,
      { ids: [variantId, wh, "gid://shopify/Product/1"], lvl: lvl.id },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.nodes).toEqual([{ __typename: "ProductVariant", sku: "RING-7" }, { __typename: "Location", name: "Warehouse" }, null]);
    expect(res.data.inventoryLevel.quantities).toEqual([{ name: "on_hand", quantity: 8 }, { name: "available", quantity: 8 }]);
    expect(res.data.inventoryProperties.quantityNames.find((n: { name: string }) => n.name === "on_hand").comprises).toEqual(["available", "committed", "damaged", "quality_control", "reserved", "safety_stock"]);
    expect(res.data.publications.nodes.map((p: { channels: { nodes: { handle: string }[] } }) => p.channels.nodes[0]!.handle)).toEqual(["online_store", "pos", "marketplace", "wholesale"]);
  });

  it("snapshot() returns deep copies", () => {
    const { shop } = testShop();
    const snap = shop.snapshot();
    snap.inventoryLevels[0]!.quantities.available = 999;
    snap.products[0]!.tags.push("x");
    expect(shop.snapshot().inventoryLevels[0]!.quantities.available).not.toBe(999);
    expect(shop.snapshot().products[0]!.tags).not.toContain("x");
  });
});

describe("counts", () => {
  it("productVariantsCount counts past the 250-per-page cap and honours query:", async () => {
    const t = testShop({ seed: { variants: 300 } });
    const all = await t.gql(`{ productVariantsCount { count precision } }`);
    expect(all.data.productVariantsCount).toEqual({ count: 300, precision: "EXACT" });
    const sku = [...t.shop.state.variants.values()][0]!.sku;
    const one = await t.gql(`query($q: String) { productVariantsCount(query: $q) { count } }`, { q: `sku:${sku}` });
    expect(one.data.productVariantsCount.count).toBe(1);
  });
});

describe("the shop's time zone", () => {
  const ZONE_QUERY = "{ shop { ianaTimezone timezoneAbbreviation timezoneOffset timezoneOffsetMinutes } }";

  it("is America/New_York unless configured, on EST in winter and EDT in summer", async () => {
    const t = testShop();
    t.clock.set("2026-12-06T12:00:00Z");
    expect((await t.gql(ZONE_QUERY)).data.shop).toEqual({ ianaTimezone: "America/New_York", timezoneAbbreviation: "EST", timezoneOffset: "-0500", timezoneOffsetMinutes: -300 });
    t.clock.set("2026-07-01T12:00:00Z");
    expect((await t.gql(ZONE_QUERY)).data.shop).toEqual({ ianaTimezone: "America/New_York", timezoneAbbreviation: "EDT", timezoneOffset: "-0400", timezoneOffsetMinutes: -240 });
  });

  it("answers a configured zone with its own offset (Paris: UTC+1 in December)", async () => {
    const t = testShop({ timeZone: "Europe/Paris" });
    t.clock.set("2026-12-06T12:00:00Z");
    expect((await t.gql(ZONE_QUERY)).data.shop).toMatchObject({ ianaTimezone: "Europe/Paris", timezoneOffset: "+0100", timezoneOffsetMinutes: 60 });
  });
});
