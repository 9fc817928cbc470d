/**
 * Rate limits per app and shop, plan presets and scopes per token.
 *
 * Expected figures come from Shopify's pages, not from the emulator:
 * - shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits: "Calls from one app don't affect
 *   the rate limits of another app, even on the same store"; restore rates Standard 100,
 *   Advanced 200, Plus 1000, Enterprise 2000 points/s.
 * - docs/decisions/016 §1: recorded responses show maximumAvailable 2000, restoreRate 100.
 * - shopify.dev/changelog/new-error-messages-for-graphql-operations-without-necessary-access-scopes
 *   and a recorded answer (pageUpdate): "Access denied for <field> field. Required access: …",
 *   extensions { code ACCESS_DENIED, documentation, requiredAccess }, the field's path, `null` data.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN, SANDBOX_API_KEY, SANDBOX_API_SECRET } from "../contract.js";
import { createSandbox, type Sandbox } from "../index.js";
import { createManualClock } from "../shop/clock.js";
import { createShopEmulator, type SandboxShopEmulator } from "./emulator.js";
import { resolvers } from "./resolvers/index.js";
import { REQUIRED_SCOPES, SCOPE_FREE_ROOTS } from "./scopes.js";

type Body = { data?: any; errors?: any[]; extensions?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP_NAME = `{ shop { name } }`;
const ORDER_CREATE = `mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) { order { id } userErrors { message } } }`;

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

function installedSandbox() {
  const clock = createManualClock();
  sandbox = createSandbox({
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    appUrl: "https://safestock.test",
    clock,
    deliver: async () => new Response(null, { status: 200 }),
  });
  const install = sandbox.install();
  const s = sandbox;
  const post = async (path: string, body: unknown, token?: string): Promise<Body> => {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (token) headers["X-Shopify-Access-Token"] = token;
    const res = await s.handle(new Request(`https://safestock-sandbox.myshopify.com${path}`, { method: "POST", headers, body: JSON.stringify(body) }));
    return (await res.json()) as Body;
  };
  const gql = (token: string, query: string, variables?: Record<string, unknown>) => post("/admin/api/2026-10/graphql.json", { query, variables }, token);
  const variantId = s.shop().snapshot().variants[0]!.id;
  return { sandbox: s, clock, install, post, gql, variantId, shop: s.shop() as SandboxShopEmulator };
}

describe("one leaky bucket per app and shop (shopify.dev GraphQL Admin API rate limits)", () => {
  it("a load generator's orders — its own API client, the checkout, POS and /sandbox/orders — leave Safestock's bucket untouched", async () => {
    const t = installedSandbox();
    // The clock stands still: no bucket refills, so any point spent would show.
    const first = await t.gql(t.install.accessToken, SHOP_NAME);
    const safestockAfterFirst = first.extensions.cost.throttleStatus;
    expect(safestockAfterFirst.maximumAvailable).toBe(2000);
    expect(safestockAfterFirst.restoreRate).toBe(100);
    expect(safestockAfterFirst.currentlyAvailable).toBe(2000 - first.extensions.cost.actualQueryCost);

    // 1. Another app on the same store, creating orders until its own bucket runs dry.
    const loadGenerator = t.sandbox.registerApiClient({ apiClientId: "load-generator", scopes: ["write_orders", "read_products"] });
    let created = 0;
    let throttled: Body | undefined;
    for (let i = 0; i < 2000 && !throttled; i++) {
      const res = await t.gql(loadGenerator.accessToken, ORDER_CREATE, {
        order: { lineItems: [{ variantId: t.variantId, quantity: 1 }], sourceName: "marketplace" },
        options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
      });
      if (res.errors?.[0]?.extensions?.code === "THROTTLED") throttled = res;
      else if (res.data?.orderCreate?.order) created++;
    }
    expect(created).toBeGreaterThan(10);
    expect(throttled?.extensions.cost.throttleStatus.maximumAvailable).toBe(2000);
    expect(throttled?.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(throttled?.extensions.cost.requestedQueryCost);

    // 2. Buyers and the sandbox's controls: /sandbox/orders (web and POS) and the checkout.
    for (let i = 0; i < 30; i++) {
      const placed = await t.post("/sandbox/orders", { lineItems: [{ variantId: t.variantId, quantity: 1 }], sourceName: i % 2 ? "pos" : "web", options: { inventoryBehaviour: "BYPASS" } });
      expect(placed.data.orderCreate.order).not.toBeNull();
    }
    const checkout = await t.post("/sandbox/checkout", { lines: [{ variantId: t.sandbox.shop().snapshot().variants[1]!.id, quantity: 1 }], placeOrder: true });
    expect(checkout).toMatchObject({ placed: true });

    // Safestock's bucket is exactly where its own call left it.
    expect(t.shop.throttleStatus()).toEqual(safestockAfterFirst);
    const second = await t.gql(t.install.accessToken, SHOP_NAME);
    expect(second.extensions.cost.throttleStatus.currentlyAvailable).toBe(safestockAfterFirst.currentlyAvailable - second.extensions.cost.actualQueryCost);
    // ... while the load generator is still out of points.
    expect(t.shop.throttleStatus("load-generator").currentlyAvailable).toBeLessThan(throttled?.extensions.cost.requestedQueryCost);
  });

  it("tokens of the same app share its bucket; another app's bucket is its own", async () => {
    const t = installedSandbox();
    t.shop.grantAccessToken("shpua_online", ["read_products"]); // an online token of Safestock
    const connector = t.sandbox.registerApiClient({ apiClientId: "connector", scopes: ["read_products"] });
    const query = `{ products(first: 5) { nodes { id } } }`;
    const a = await t.gql(t.install.accessToken, query);
    const b = await t.gql("shpua_online", query);
    const c = await t.gql(connector.accessToken, query);
    const costA = a.extensions.cost.actualQueryCost;
    expect(b.extensions.cost.throttleStatus.currentlyAvailable).toBe(2000 - costA - b.extensions.cost.actualQueryCost);
    expect(c.extensions.cost.throttleStatus.currentlyAvailable).toBe(2000 - c.extensions.cost.actualQueryCost);
  });

  it("plan presets: the doc's restore rates, the recorded 2,000-point bucket, refilled by the clock", async () => {
    const restoreRates = { standard: 100, advanced: 200, plus: 1000, enterprise: 2000 } as const;
    for (const [plan, restoreRate] of Object.entries(restoreRates)) {
      const clock = createManualClock();
      const shop = createShopEmulator({ clock, plan: plan as keyof typeof restoreRates });
      const res = (await shop.graphql({ query: `{ products(first: 50) { nodes { id title } } }` }, SANDBOX_ADMIN_TOKEN)).body as Body;
      const spent = res.extensions.cost.actualQueryCost as number;
      expect(res.extensions.cost.throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: 2000 - spent, restoreRate });
      clock.advance(10); // 10 ms
      expect(shop.throttleStatus().currentlyAvailable).toBe(Math.floor(Math.min(2000, 2000 - spent + restoreRate * 0.01)));
      clock.advance(60_000);
      expect(shop.throttleStatus().currentlyAvailable).toBe(2000);
    }
  });

  it("uninstalling Safestock revokes its tokens only", async () => {
    const t = installedSandbox();
    const connector = t.sandbox.registerApiClient({ apiClientId: "connector", scopes: ["read_products"] });
    t.sandbox.uninstall();
    expect((await t.sandbox.handle(new Request("https://safestock-sandbox.myshopify.com/admin/api/2026-10/graphql.json", { method: "POST", headers: { "X-Shopify-Access-Token": t.install.accessToken, "Content-Type": "application/json" }, body: JSON.stringify({ query: SHOP_NAME }) }))).status).toBe(401);
    expect((await t.gql(connector.accessToken, SHOP_NAME)).data).toEqual({ shop: { name: "Safestock Sandbox" } });
  });
});

describe("scopes per token: ACCESS_DENIED as Shopify answers", () => {
  it("a root the token has no scope for is null with a top-level ACCESS_DENIED at its path; the rest is answered", async () => {
    const t = installedSandbox();
    const reader = t.sandbox.registerApiClient({ apiClientId: "reader", scopes: ["read_products"] });
    const locationId = t.sandbox.shop().snapshot().locations[0]!.id;
    const query = `{ products(first: 1) { nodes { id } } location(id: "${locationId}") { id } }`;
    const res = await t.gql(reader.accessToken, query);
    expect(res.data.products.nodes).toHaveLength(1);
    expect(res.data.location).toBeNull();
    expect(res.errors).toEqual([
      {
        message: "Access denied for location field. Required access: `read_locations` access scope.",
        locations: [{ line: 1, column: query.indexOf("location(") + 1 }],
        path: ["location"],
        extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess: "`read_locations` access scope." },
      },
    ]);
    // `locations` is non-null (LocationConnection!): GraphQL's null propagation nulls `data`.
    const nonNull = await t.gql(reader.accessToken, `{ locations(first: 1) { nodes { id } } }`);
    expect(nonNull.data).toBeNull();
    expect(nonNull.errors?.[0]).toMatchObject({ path: ["locations"], extensions: { code: "ACCESS_DENIED" } });
  });

  it("a mutation without its write scope does nothing; write_x grants read_x", async () => {
    const t = installedSandbox();
    // Safestock's toml grants no write_orders.
    const ordersBefore = t.sandbox.shop().snapshot().orders.length;
    const res = await t.gql(t.install.accessToken, ORDER_CREATE, { order: { lineItems: [{ variantId: t.variantId, quantity: 1 }] } });
    expect(res.data).toEqual({ orderCreate: null });
    expect(res.errors?.[0]).toMatchObject({
      message: "Access denied for orderCreate field. Required access: `write_orders` access scope.",
      path: ["orderCreate"],
      extensions: { code: "ACCESS_DENIED", requiredAccess: "`write_orders` access scope." },
    });
    expect(t.sandbox.shop().snapshot().orders).toHaveLength(ordersBefore);

    const writer = t.sandbox.registerApiClient({ apiClientId: "writer", scopes: ["write_inventory"] });
    const read = await t.gql(writer.accessToken, `{ inventoryItems(first: 1) { nodes { id } } }`);
    expect(read.errors).toBeUndefined();
    expect(read.data.inventoryItems.nodes).toHaveLength(1);
  });

  it("node(id:) needs the scope of the id's type; metafieldsSet needs the owner's write scope", async () => {
    const t = installedSandbox();
    const orderReader = t.sandbox.registerApiClient({ apiClientId: "order-reader", scopes: ["read_orders"] });
    const node = await t.gql(orderReader.accessToken, `query($id: ID!) { node(id: $id) { id } }`, { id: t.variantId });
    expect(node.data).toEqual({ node: null });
    expect(node.errors?.[0]).toMatchObject({ path: ["node"], extensions: { code: "ACCESS_DENIED", requiredAccess: "`read_products` access scope." } });

    const set = await t.gql(orderReader.accessToken, `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { message } } }`, {
      m: [{ ownerId: t.variantId, namespace: "$app:x", key: "k", type: "single_line_text_field", value: "v" }],
    });
    expect(set.data).toEqual({ metafieldsSet: null });
    expect(set.errors?.[0]).toMatchObject({ extensions: { code: "ACCESS_DENIED", requiredAccess: "`write_products` access scope." } });
    expect(t.sandbox.shop().snapshot().metafields.filter((m) => m.namespace === "app--order-reader--x")).toEqual([]);
  });

  it("the scope table covers every emulated root", () => {
    const roots = [...Object.keys(resolvers.QueryRoot ?? {}).map((f) => `QueryRoot.${f}`), ...Object.keys(resolvers.Mutation ?? {}).map((f) => `Mutation.${f}`)];
    const uncovered = roots.filter((r) => !(r in REQUIRED_SCOPES) && !SCOPE_FREE_ROOTS.has(r));
    expect(uncovered).toEqual([]);
  });
});
