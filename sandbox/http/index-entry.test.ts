/** sandbox/index.ts over the real emulator (sandbox/shop + sandbox/admin-api). */
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { describe, expect, it } from "vitest";
import { createSandbox, SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../index.js";

const shopify = shopifyApi({
  apiKey: SANDBOX_API_KEY,
  apiSecretKey: SANDBOX_API_SECRET,
  hostName: "safestock.test",
  apiVersion: ApiVersion.October26,
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error },
});

describe("createSandbox (real emulator)", () => {
  it("a simulated order reaches the app as signed orders/create + inventory_levels/update webhooks", async () => {
    const received: { request: Request; body: string }[] = [];
    const sandbox = createSandbox({
      apiKey: SANDBOX_API_KEY,
      apiSecret: SANDBOX_API_SECRET,
      appUrl: "https://safestock.test",
      retryDelaysMs: [1],
      deliver: async (request) => {
        received.push({ request, body: await request.text() });
        return new Response(null, { status: 200 });
      },
    });
    try {
      expect(sandboxHandlers(sandbox)).toHaveLength(3);
      sandbox.install();
      const snapshot = sandbox.shop().snapshot();
      const level = snapshot.inventoryLevels.find((l) => l.quantities.available >= 2)!;
      const variant = snapshot.variants.find((v) => v.inventoryItemId === level.inventoryItemId)!;
      const res = await sandbox.handle(
        new Request("http://127.0.0.1/sandbox/orders", {
          method: "POST",
          body: JSON.stringify({ lineItems: [{ variantId: variant.id, quantity: 1 }] }),
        }),
      );
      const body = (await res.json()) as { data?: { orderCreate?: { order?: { id: string }; userErrors: unknown[] } } };
      expect(res.status).toBe(200);
      expect(body.data?.orderCreate?.userErrors).toEqual([]);
      const orderId = body.data!.orderCreate!.order!.id;
      await sandbox.dispatcher.drain();

      const topics = received.map((r) => r.request.headers.get("x-shopify-topic"));
      expect(topics).toContain("orders/create");
      expect(topics).toContain("inventory_levels/update");
      const order = received.find((r) => r.request.headers.get("x-shopify-topic") === "orders/create")!;
      expect(JSON.parse(order.body)).toMatchObject({ admin_graphql_api_id: orderId });
      for (const r of received) {
        const result = await shopify.webhooks.validate({
          rawBody: r.body,
          rawRequest: { method: "POST", url: new URL(r.request.url).pathname, headers: Object.fromEntries(r.request.headers) } as never,
        });
        expect(result.valid).toBe(true);
      }
    } finally {
      sandbox.close();
    }
  });

  it("token exchange against the real emulator yields a token its GraphQL accepts", async () => {
    const sandbox = createSandbox({ apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, appUrl: "https://safestock.test" });
    setAbstractFetchFunc(((input: RequestInfo | URL, init?: RequestInit) => sandbox.handle(new Request(input, init))) as never);
    // Shopify exchanges session tokens only of shops the app is installed on (docs/decisions/048).
    sandbox.install(SANDBOX_SHOP_DOMAIN);
    try {
      const { session } = await shopify.auth.tokenExchange({
        shop: SANDBOX_SHOP_DOMAIN,
        sessionToken: sandbox.mintSessionToken(),
        requestedTokenType: RequestedTokenType.OfflineAccessToken,
        // An expiring token, as the app asks for (docs/decisions/021): a non-expiring one is refused
        // from 2027-01-01, so this test would depend on the real date.
        expiring: true,
      });
      const res = await sandbox.handle(
        new Request(`https://${SANDBOX_SHOP_DOMAIN}/admin/api/2026-10/graphql.json`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": session.accessToken! },
          body: JSON.stringify({ query: "{ shop { myshopifyDomain } }" }),
        }),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ data: { shop: { myshopifyDomain: SANDBOX_SHOP_DOMAIN } } });
      const denied = await sandbox.handle(
        new Request(`https://${SANDBOX_SHOP_DOMAIN}/admin/api/2026-10/graphql.json`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": "shpat_forged" },
          body: JSON.stringify({ query: "{ shop { myshopifyDomain } }" }),
        }),
      );
      expect(denied.status).toBe(401);
    } finally {
      setAbstractFetchFunc(globalThis.fetch);
      sandbox.close();
    }
  });
});
