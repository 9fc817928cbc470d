import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN, SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SHOP_DOMAIN } from "../contract.js";
import { ID_TOKEN_TYPE, OFFLINE_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE } from "../auth/index.js";
import { composeSandbox } from "../http/compose.js";
import { createRunningClock } from "../shop/clock.js";
import { createFakeShop, type FakeShop } from "../webhooks/testing/fake-shop.js";
import { sandboxHandlers } from "./index.js";

const OTHER = "other-shop.myshopify.com";
const fakes = new Map<string, FakeShop>();
const sandbox = composeSandbox({
  shops: [SANDBOX_SHOP_DOMAIN, OTHER],
  apiKey: SANDBOX_API_KEY,
  apiSecret: SANDBOX_API_SECRET,
  appUrl: "https://safestock.test",
  deliver: async () => new Response(null, { status: 200 }),
  // The shops' clock is pinned before 2027-01-01: this test uses the app's non-expiring token, which Shopify refuses from then on (sandbox/shop/clock.ts).
  clock: createRunningClock(),
  createShop: ({ domain }) => {
    const f = createFakeShop(domain);
    fakes.set(domain, f);
    return f;
  },
});
const server = setupServer(
  ...sandboxHandlers(sandbox),
  // Anything else the test touches must not silently hit the network.
  http.all("*", () => HttpResponse.json({ unhandled: true }, { status: 599 })),
);

beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  sandbox.install(OTHER);
});
afterAll(() => {
  server.close();
  sandbox.close();
});

describe("sandboxHandlers (msw)", () => {
  it("intercepts Admin GraphQL for any *.myshopify.com and routes by shop", async () => {
    const res = await fetch(`https://${OTHER}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": SANDBOX_ADMIN_TOKEN },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { shop: { myshopifyDomain: OTHER } } });
    expect(fakes.get(OTHER)!.requests).toHaveLength(1);
    expect(fakes.get(SANDBOX_SHOP_DOMAIN)!.requests).toHaveLength(0);

    // Default shop not installed: 401 from the emulator, not a network error.
    const denied = await fetch(`https://${SANDBOX_SHOP_DOMAIN}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": SANDBOX_ADMIN_TOKEN },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(denied.status).toBe(401);
  });

  it("intercepts the OAuth access-token endpoint", async () => {
    sandbox.install(SANDBOX_SHOP_DOMAIN);
    const res = await fetch(`https://${SANDBOX_SHOP_DOMAIN}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        client_id: SANDBOX_API_KEY,
        client_secret: SANDBOX_API_SECRET,
        grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
        subject_token: sandbox.mintSessionToken(SANDBOX_SHOP_DOMAIN),
        subject_token_type: ID_TOKEN_TYPE,
        requested_token_type: OFFLINE_TOKEN_TYPE,
        expiring: "0",
      }),
    });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    expect(fakes.get(SANDBOX_SHOP_DOMAIN)!.tokens.has(access_token)).toBe(true);
  });

  it("does not intercept other hosts or API versions", async () => {
    expect((await fetch("https://example.com/admin/api/2026-10/graphql.json", { method: "POST" })).status).toBe(599);
    expect((await fetch(`https://${OTHER}/admin/api/2025-01/graphql.json`, { method: "POST" })).status).toBe(599);
  });
});
