import "@shopify/shopify-api/adapters/node";
import { ApiVersion, HttpResponseError, LogSeverity, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SHOP_DOMAIN } from "../contract.js";
import { createRunningClock } from "../shop/clock.js";
import { createFakeShop } from "../webhooks/testing/fake-shop.js";
import { createAccessTokenEndpoint, mintSessionToken, OFFLINE_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE, ID_TOKEN_TYPE } from "./index.js";

const SCOPES = ["read_inventory", "write_inventory"];
const pinned = createRunningClock();
const PINNED = { nowMs: () => pinned.now().getTime(), sessionTokenNowMs: () => Date.now() };

function setup(libSecret = SANDBOX_API_SECRET) {
  const shop = createFakeShop(SANDBOX_SHOP_DOMAIN);
  // Non-expiring exchanges are refused from 2027-01-01: the endpoint's clock is pinned before
  // (sandbox/shop/clock.ts); session tokens are minted and checked on the real clock.
  const endpoint = createAccessTokenEndpoint({ apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, scopes: SCOPES, ...PINNED });
  const sent: { url: string; body: Record<string, string> }[] = [];
  const fetchToShop = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    sent.push({ url: request.url, body: JSON.parse(await request.clone().text()) });
    return endpoint(request, shop);
  };
  const shopify = shopifyApi({
    apiKey: SANDBOX_API_KEY,
    apiSecretKey: libSecret,
    hostName: "safestock.test",
    apiVersion: ApiVersion.October26,
    isEmbeddedApp: true,
    scopes: SCOPES,
    logger: { level: LogSeverity.Error },
  });
  return { shop, shopify, sent, fetchToShop };
}

/**
 * Run `fn` with the library's fetch routed to the emulated shop's endpoint. (The node adapter
 * captures globalThis.fetch at import; sandbox/msw does the same routing for the app.)
 */
async function withFetch<T>(f: typeof fetch, fn: () => Promise<T>): Promise<T> {
  setAbstractFetchFunc(f as never);
  try {
    return await fn();
  } finally {
    setAbstractFetchFunc(globalThis.fetch);
  }
}

const mint = (overrides = {}) =>
  mintSessionToken({ shop: SANDBOX_SHOP_DOMAIN, apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, userId: 42, ...overrides });

describe("session tokens", () => {
  it("are accepted by shopify.session.decodeSessionToken with Shopify's claims", async () => {
    const { shopify } = setup();
    const payload = await shopify.session.decodeSessionToken(mint());
    expect(payload).toMatchObject({
      iss: `https://${SANDBOX_SHOP_DOMAIN}/admin`,
      dest: `https://${SANDBOX_SHOP_DOMAIN}`,
      aud: SANDBOX_API_KEY,
      sub: "42",
    });
    expect(payload.exp - payload.iat).toBe(60);
    expect(payload.jti).toBeTruthy();
    expect(payload.sid).toBeTruthy();
  });

  it("are rejected by the library when signed with another secret, expired or for another app", async () => {
    const { shopify } = setup();
    await expect(shopify.session.decodeSessionToken(mint({ apiSecret: "other" }))).rejects.toThrow();
    await expect(shopify.session.decodeSessionToken(mint({ nowMs: Date.now() - 5 * 60_000 }))).rejects.toThrow();
    await expect(shopify.session.decodeSessionToken(mint({ apiKey: "other-app" }))).rejects.toThrow(/API key/);
  });
});

describe("token exchange", () => {
  it("answers the library's offline token exchange and grants the token on the emulator", async () => {
    const { shop, shopify, sent, fetchToShop } = setup();
    const sessionToken = mint();
    const { session } = await withFetch(fetchToShop as typeof fetch, () =>
      shopify.auth.tokenExchange({ shop: SANDBOX_SHOP_DOMAIN, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken }),
    );
    expect(sent[0]).toEqual({
      url: `https://${SANDBOX_SHOP_DOMAIN}/admin/oauth/access_token`,
      body: {
        client_id: SANDBOX_API_KEY,
        client_secret: SANDBOX_API_SECRET,
        grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
        subject_token: sessionToken,
        subject_token_type: ID_TOKEN_TYPE,
        requested_token_type: OFFLINE_TOKEN_TYPE,
        expiring: "0",
      },
    });
    expect(session).toMatchObject({ id: `offline_${SANDBOX_SHOP_DOMAIN}`, isOnline: false, scope: SCOPES.join(",") });
    expect(session.expires).toBeUndefined();
    expect(shop.tokens.get(session.accessToken!)).toEqual(SCOPES);
    const gql = await shop.graphql({ query: "{ shop { name } }" }, session.accessToken!);
    expect(gql.status).toBe(200);
  });

  it("issues online tokens with associated_user and expiry", async () => {
    const { shopify, fetchToShop } = setup();
    const { session } = await withFetch(fetchToShop as typeof fetch, () =>
      shopify.auth.tokenExchange({ shop: SANDBOX_SHOP_DOMAIN, sessionToken: mint(), requestedTokenType: RequestedTokenType.OnlineAccessToken }),
    );
    expect(session.isOnline).toBe(true);
    expect(session.id).toBe(`${SANDBOX_SHOP_DOMAIN}_42`);
    expect(session.onlineAccessInfo?.associated_user.id).toBe(42);
    expect(session.onlineAccessInfo?.associated_user_scope).toBe(SCOPES.join(","));
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now() + 3600_000);
  });

  // Rotation: shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens.
  it("expiring offline tokens come with a refresh token the library can redeem, retired once its replacement is used", async () => {
    const { shop, shopify, fetchToShop } = setup();
    const first = await withFetch(fetchToShop as typeof fetch, () =>
      shopify.auth.tokenExchange({ shop: SANDBOX_SHOP_DOMAIN, sessionToken: mint(), requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true }),
    );
    expect(first.session.refreshToken).toMatch(/^shprt_/);
    expect(first.session.expires!.getTime()).toBeGreaterThan(Date.now());
    const refreshed = await withFetch(fetchToShop as typeof fetch, () =>
      shopify.auth.refreshToken({ shop: SANDBOX_SHOP_DOMAIN, refreshToken: first.session.refreshToken! }),
    );
    expect(refreshed.session.accessToken).not.toBe(first.session.accessToken);
    expect(shop.tokens.has(refreshed.session.accessToken!)).toBe(true);
    await withFetch(fetchToShop as typeof fetch, () => shopify.auth.refreshToken({ shop: SANDBOX_SHOP_DOMAIN, refreshToken: refreshed.session.refreshToken! }));
    await expect(
      withFetch(fetchToShop as typeof fetch, () => shopify.auth.refreshToken({ shop: SANDBOX_SHOP_DOMAIN, refreshToken: first.session.refreshToken! })),
    ).rejects.toThrow(HttpResponseError);
  });

  it("rejects a subject token for another shop with 400 invalid_subject_token", async () => {
    const { shop, shopify, fetchToShop } = setup();
    const other = mint({ shop: "other-shop.myshopify.com" });
    const error = await withFetch(fetchToShop as typeof fetch, () =>
      shopify.auth.tokenExchange({ shop: SANDBOX_SHOP_DOMAIN, sessionToken: other, requestedTokenType: RequestedTokenType.OfflineAccessToken }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpResponseError);
    expect((error as HttpResponseError).response).toMatchObject({ code: 400, body: { error: "invalid_subject_token" } });
    expect(shop.tokens.size).toBe(0);
  });

  it("rejects forged, expired and mis-typed requests sent directly", async () => {
    const { shop } = setup();
    const endpoint = createAccessTokenEndpoint({ apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, scopes: SCOPES, ...PINNED });
    const post = (body: Record<string, string>, form = false) =>
      endpoint(
        new Request(`https://${SANDBOX_SHOP_DOMAIN}/admin/oauth/access_token`, {
          method: "POST",
          headers: { "Content-Type": form ? "application/x-www-form-urlencoded" : "application/json" },
          body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
        }),
        shop,
      );
    const good = {
      client_id: SANDBOX_API_KEY,
      client_secret: SANDBOX_API_SECRET,
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: mint(),
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: OFFLINE_TOKEN_TYPE,
    };
    const cases: [Record<string, string>, number, string][] = [
      [{ ...good, subject_token: mint({ apiSecret: "forged" }) }, 400, "invalid_subject_token"],
      [{ ...good, subject_token: mint({ nowMs: Date.now() - 120_000 }) }, 400, "invalid_subject_token"],
      [{ ...good, subject_token: mint({ apiKey: "other-app" }) }, 400, "invalid_subject_token"],
      [{ ...good, subject_token: "not-a-jwt" }, 400, "invalid_subject_token"],
      [{ ...good, client_secret: "wrong" }, 400, "invalid_client"],
      [{ ...good, client_id: "unknown" }, 400, "invalid_request"],
      [{ ...good, grant_type: "authorization_code" }, 400, "unsupported_grant_type"],
      [{ ...good, subject_token_type: "urn:ietf:params:oauth:token-type:access_token" }, 400, "invalid_request"],
      [{ ...good, requested_token_type: "urn:x" }, 400, "invalid_request"],
    ];
    for (const [body, status, error] of cases) {
      const res = await post(body);
      const answer = (await res.json()) as { error: string; error_description: string };
      expect({ status: res.status, error: answer.error }).toEqual({ status, error });
      // Shopify's recorded wording names no reason (kinngh/shopify-node-express-mongodb-app#135).
      if (error === "invalid_subject_token") expect(answer.error_description).toBe("Token exchange cannot be performed due to an invalid subject token.");
    }
    expect(shop.tokens.size).toBe(0);
    // Form-encoded bodies are accepted too.
    const ok = await post(good, true);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ scope: SCOPES.join(",") });
    expect(shop.tokens.size).toBe(1);
  });
});
