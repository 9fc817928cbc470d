import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN, SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SHOP_DOMAIN } from "../contract.js";
import { createFakeShop, type FakeShop } from "../webhooks/testing/fake-shop.js";
import { deliveryProfileFromEnv, ORDERED_DELIVERY } from "../webhooks/index.js";
import { composeSandbox, type Sandbox } from "./compose.js";

const APP_URL = "https://safestock.test";
const OTHER = "other-shop.myshopify.com";

const shopify = shopifyApi({
  apiKey: SANDBOX_API_KEY,
  apiSecretKey: SANDBOX_API_SECRET,
  hostName: "safestock.test",
  apiVersion: ApiVersion.October26,
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error },
});

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

function make(extra: Partial<Parameters<typeof composeSandbox>[0]> = {}) {
  const received: { request: Request; body: string }[] = [];
  const fakes = new Map<string, FakeShop>();
  sandbox = composeSandbox({
    shops: [SANDBOX_SHOP_DOMAIN, OTHER],
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    appUrl: APP_URL,
    retryDelaysMs: [1, 1],
    // These tests count deliveries exactly, so they ask for ordered delivery; Shopify's default is
    // tested in ../webhooks/delivery.test.ts and below.
    delivery: ORDERED_DELIVERY,
    createShop: ({ domain }) => {
      const f = createFakeShop(domain);
      fakes.set(domain, f);
      return f;
    },
    deliver: async (request) => {
      received.push({ request, body: await request.text() });
      return new Response(null, { status: 200 });
    },
    ...extra,
  });
  return { sandbox, received, fakes };
}

const gql = (host: string, token: string | null, query = "{ shop { name } }", version = "2026-10") =>
  new Request(`http://127.0.0.1:9/admin/api/${version}/graphql.json`, {
    method: "POST",
    headers: { host, "content-type": "application/json", ...(token ? { "x-shopify-access-token": token } : {}) },
    body: JSON.stringify({ query }),
  });

const validate = (r: { request: Request; body: string }) =>
  shopify.webhooks.validate({
    rawBody: r.body,
    rawRequest: { method: "POST", url: new URL(r.request.url).pathname, headers: Object.fromEntries(r.request.headers) } as never,
  });

describe("sandbox composition", () => {
  it("routes Admin GraphQL by Host header, with the installed token", async () => {
    const { sandbox, fakes } = make();
    expect((await sandbox.handle(gql(SANDBOX_SHOP_DOMAIN, SANDBOX_ADMIN_TOKEN))).status).toBe(401);
    const installed = sandbox.install();
    expect(installed).toMatchObject({ shop: SANDBOX_SHOP_DOMAIN, accessToken: SANDBOX_ADMIN_TOKEN });
    expect(installed.scopes).toContain("write_inventory"); // from shopify.app.toml

    const res = await sandbox.handle(gql(SANDBOX_SHOP_DOMAIN, SANDBOX_ADMIN_TOKEN));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-shopify-api-version")).toBe("2026-10");
    expect(await res.json()).toEqual({ data: { shop: { name: SANDBOX_SHOP_DOMAIN, myshopifyDomain: SANDBOX_SHOP_DOMAIN } } });
    // Not installed on the other shop; 127.0.0.1 means the default shop.
    expect((await sandbox.handle(gql(OTHER, SANDBOX_ADMIN_TOKEN))).status).toBe(401);
    expect((await sandbox.handle(gql("127.0.0.1:9", SANDBOX_ADMIN_TOKEN))).status).toBe(200);
    expect(fakes.get(SANDBOX_SHOP_DOMAIN)!.requests).toHaveLength(3);
    expect((await sandbox.handle(gql("nope.myshopify.com", SANDBOX_ADMIN_TOKEN))).status).toBe(404);
    expect((await sandbox.handle(gql(SANDBOX_SHOP_DOMAIN, SANDBOX_ADMIN_TOKEN, "{ shop { name } }", "2024-01"))).status).toBe(404);
  });

  it("install subscribes shopify.app.toml's webhooks at appUrl + uri; emulator events are delivered signed", async () => {
    const { sandbox, received, fakes } = make();
    const { subscriptions } = sandbox.install();
    // With its include_fields: the emulator trims each delivery as Shopify does (../webhooks/include-fields.ts).
    expect(subscriptions).toContainEqual({ topic: "orders/create", uri: `${APP_URL}/webhooks/orders/create`, includeFields: expect.arrayContaining(["id", "line_items.variant_id"]) });
    expect(subscriptions).toContainEqual({ topic: "shop/redact", uri: `${APP_URL}/webhooks/shop/redact` });

    const res = await sandbox.handle(
      new Request("http://127.0.0.1:9/sandbox/orders", {
        method: "POST",
        body: JSON.stringify({ lineItems: [{ variantId: "gid://shopify/ProductVariant/1", quantity: 2 }], sourceName: "pos" }),
      }),
    );
    expect(res.status).toBe(200);
    const call = fakes.get(SANDBOX_SHOP_DOMAIN)!.requests.at(-1)!;
    expect(call.body.query).toContain("orderCreate(order: $order, options: $options)");
    expect(call.body.variables).toMatchObject({
      order: { lineItems: [{ variantId: "gid://shopify/ProductVariant/1", quantity: 2 }], sourceName: "pos" },
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    });

    await sandbox.dispatcher.drain();
    expect(received).toHaveLength(1);
    expect(received[0]!.request.url).toBe(`${APP_URL}/webhooks/orders/create`);
    expect(await validate(received[0]!)).toMatchObject({ valid: true, topic: "ORDERS_CREATE", domain: SANDBOX_SHOP_DOMAIN });

    // Events of a shop that is not installed go nowhere.
    fakes.get(OTHER)!.emit({ type: "app.uninstalled", at: "t" });
    await sandbox.dispatcher.drain();
    expect(received).toHaveLength(1);
  });

  it("uninstall revokes tokens, sends app/uninstalled, then drops the shop's topic subscriptions", async () => {
    const { sandbox, received, fakes } = make();
    sandbox.install();
    sandbox.uninstall();
    expect(fakes.get(SANDBOX_SHOP_DOMAIN)!.tokens.size).toBe(0);
    await sandbox.dispatcher.drain();
    expect(received.map((r) => r.request.headers.get("x-shopify-topic"))).toEqual(["app/uninstalled"]);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ myshopify_domain: SANDBOX_SHOP_DOMAIN });
    // Only the app-level compliance topics remain: shop/redact comes after uninstall.
    expect(sandbox.dispatcher.subscriptions().map((s) => s.topic).sort()).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
  });

  it("delivers as Shopify does unless told otherwise, and GET /sandbox/webhooks/delivery says how (mode, seed)", async () => {
    const { sandbox } = make({ delivery: { ...deliveryProfileFromEnv({ SANDBOX_DELIVERY_SEED: "9" }) } });
    const profile = await (await sandbox.handle(new Request("http://127.0.0.1:9/sandbox/webhooks/delivery"))).json();
    expect(profile).toMatchObject({ mode: "shopify", seed: 9 });
    sandbox.close();
    const defaulted = composeSandbox({ apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, appUrl: APP_URL, createShop: ({ domain }) => createFakeShop(domain) });
    expect(defaulted.dispatcher.delivery().mode).toBe(process.env.SANDBOX_DELIVERY ?? "shopify");
    defaulted.close();
  });

  it("control endpoints: compliance trigger, faults, drain, log", async () => {
    const { sandbox, received } = make();
    sandbox.install();
    const post = (path: string, body: unknown) =>
      sandbox.handle(new Request(`http://127.0.0.1:9${path}`, { method: "POST", body: JSON.stringify(body) }));
    expect((await post("/sandbox/webhooks/trigger", { topic: "orders/create" })).status).toBe(400);
    expect((await post("/sandbox/faults", { duplicate: 2 })).status).toBe(200);
    const trig = await post("/sandbox/webhooks/trigger", { topic: "customers/data_request", customer: { id: 5, email: "x@y.z" }, orderIds: [1] });
    const { eventId } = (await trig.json()) as { eventId: string };
    expect((await (await post("/sandbox/webhooks/drain", {})).json())).toEqual({ attempts: 2 });
    expect(received).toHaveLength(2);
    expect(received.every((r) => r.request.headers.get("x-shopify-event-id") === eventId)).toBe(true);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ shop_domain: SANDBOX_SHOP_DOMAIN, orders_requested: [1], data_request: { id: 1 } });
    const log = await (await sandbox.handle(new Request("http://127.0.0.1:9/sandbox/webhooks/log"))).json();
    expect(log).toHaveLength(2);
    expect((await sandbox.handle(new Request(`http://127.0.0.1:9/sandbox/state?shop=${OTHER}`))).status).toBe(200);
    expect((await sandbox.handle(new Request("http://127.0.0.1:9/sandbox/state?shop=x.myshopify.com"))).status).toBe(404);
  });

  it("session-token endpoint: CORS for the app origin, token accepted by the library", async () => {
    const { sandbox } = make();
    const res = await sandbox.handle(
      new Request(`http://127.0.0.1:9/sandbox/session-token?shop=${OTHER}`, { headers: { origin: APP_URL } }),
    );
    expect(res.headers.get("access-control-allow-origin")).toBe(APP_URL);
    const { token } = (await res.json()) as { token: string };
    expect(await shopify.session.decodeSessionToken(token)).toMatchObject({ dest: `https://${OTHER}` });
    const preflight = await sandbox.handle(new Request("http://127.0.0.1:9/sandbox/session-token", { method: "OPTIONS", headers: { origin: APP_URL } }));
    expect(preflight.status).toBe(204);
  });

  it("the library's token exchange against sandbox.handle grants a working token", async () => {
    const { sandbox } = make();
    setAbstractFetchFunc(((input: RequestInfo | URL, init?: RequestInit) => sandbox.handle(new Request(input, init))) as never);
    const exchange = () => shopify.auth.tokenExchange({ shop: OTHER, sessionToken: sandbox.mintSessionToken(OTHER), requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true });
    const refused = { response: { code: 400, body: { error: "invalid_subject_token", error_description: "Token exchange cannot be performed due to an invalid subject token." } } };
    try {
      // The app is not installed on OTHER yet: a valid session token of the shop gets no token.
      await expect(exchange()).rejects.toMatchObject(refused);
      sandbox.install(OTHER);
      const { session } = await shopify.auth.tokenExchange({
        shop: OTHER,
        sessionToken: sandbox.mintSessionToken(OTHER),
        requestedTokenType: RequestedTokenType.OfflineAccessToken,
        // An expiring token, as the app asks for (docs/decisions/021): a non-expiring one is refused
        // from 2027-01-01, so this test would depend on the real date.
        expiring: true,
      });
      const res = await sandbox.handle(gql(OTHER, session.accessToken!));
      expect(res.status).toBe(200);
      // A token minted for the other shop is refused.
      await expect(
        shopify.auth.tokenExchange({ shop: OTHER, sessionToken: sandbox.mintSessionToken(SANDBOX_SHOP_DOMAIN), requestedTokenType: RequestedTokenType.OfflineAccessToken }),
      ).rejects.toMatchObject({ response: { code: 400, body: { error: "invalid_subject_token" } } });
      // Uninstalled: the token stops working and a fresh session token is exchanged for nothing.
      sandbox.uninstall(OTHER);
      expect((await sandbox.handle(gql(OTHER, session.accessToken!))).status).toBe(401);
      await expect(exchange()).rejects.toMatchObject(refused);
      // Opening the app from the admin installs it again (Shopify-managed installation).
      expect((await sandbox.handle(new Request(`http://127.0.0.1:9/admin/apps/safestock?shop=${OTHER}`))).status).toBe(200);
      expect((await exchange()).session.accessToken).toMatch(/^shpat_/);
    } finally {
      setAbstractFetchFunc(globalThis.fetch);
    }
  });

  it("admin page frames the app with shop, host, embedded and a valid id_token; serves the App Bridge stand-in", async () => {
    const { sandbox } = make();
    const res = await sandbox.handle(new Request(`http://127.0.0.1:9/admin/apps/safestock/settings?shop=${OTHER}`));
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('data-testid="shop-name">other-shop</span>');
    const src = /<iframe[^>]+src="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
    const url = new URL(src);
    expect(url.origin + url.pathname).toBe(`${APP_URL}/app/settings`);
    expect(url.searchParams.get("shop")).toBe(OTHER);
    expect(url.searchParams.get("embedded")).toBe("1");
    expect(Buffer.from(url.searchParams.get("host")!, "base64").toString()).toBe(`${OTHER}/admin`);
    expect(await shopify.session.decodeSessionToken(url.searchParams.get("id_token")!)).toMatchObject({ dest: `https://${OTHER}` });

    const js = await (await sandbox.handle(new Request("http://127.0.0.1:4567/app-bridge.js"))).text();
    expect(js).toContain('"http://127.0.0.1:4567"');
    expect(js).toContain("/sandbox/session-token?shop=");
    expect(() => new Function(js)).not.toThrow(); // parses as JS
  });
});
