/**
 * Expiring offline access tokens as the sandbox answers them. Each case follows:
 * - shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens and
 *   shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh (60-minute access
 *   token, 90-day refresh token, `expiring=1` on token exchange);
 * - shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens (the previous
 *   refresh token can be retried until its replacement is first used, at most 30 days);
 * - shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens
 *   (non-expiring tokens rejected from 2027-01-01);
 * - shopify.dev/docs/api/usage/response-codes (401 for missing or incorrect credentials);
 * - shopify.dev/changelog/more-resilient-token-exchanges-when-migrating-tokens-without-a-user-session
 *   (migrating a non-expiring token without a user session; retrying it returns the same pair).
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_ADMIN_TOKEN, SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SHOP_DOMAIN } from "../contract.js";
import { createSandbox } from "../index.js";
import { createManualClock } from "../shop/clock.js";
import { ID_TOKEN_TYPE, OFFLINE_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE } from "./token-exchange.js";

const SHOP = SANDBOX_SHOP_DOMAIN;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SHOP_QUERY = "{ shop { name } }";
// Shopify's 401 body (recorded; the same for any token it does not accept).
const UNAUTHORIZED = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };

function setup(start = "2026-12-06T10:00:00.000Z") {
  const clock = createManualClock(start);
  const sandbox = createSandbox({ apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, appUrl: "https://safestock.test", clock, appToml: { scopes: ["read_products"], subscriptions: [] } });
  sandbox.install(SHOP);
  const tokenRequest = async (params: Record<string, string>) => {
    const response = await sandbox.handle(
      new Request(`https://${SHOP}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ client_id: SANDBOX_API_KEY, client_secret: SANDBOX_API_SECRET, ...params }),
      }),
    );
    return { status: response.status, type: response.type, body: response.type === "error" ? null : ((await response.json()) as Record<string, unknown>) };
  };
  const exchange = (expiring: "0" | "1") =>
    tokenRequest({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: sandbox.mintSessionToken(SHOP),
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: OFFLINE_TOKEN_TYPE,
      expiring,
    });
  const refresh = (refreshToken: string) => tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken });
  // What @shopify/shopify-api 15 migrateToExpiringToken sends (lib/auth/oauth/migrate-to-expiring-token).
  const migrate = (nonExpiringToken: string) =>
    tokenRequest({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: nonExpiringToken,
      subject_token_type: OFFLINE_TOKEN_TYPE,
      requested_token_type: OFFLINE_TOKEN_TYPE,
      expiring: "1",
    });
  const adminStatus = async (accessToken: string) => {
    const response = await sandbox.handle(
      new Request(`https://${SHOP}/admin/api/2026-10/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": accessToken },
        body: JSON.stringify({ query: SHOP_QUERY }),
      }),
    );
    return { status: response.status, body: (await response.json()) as unknown };
  };
  return { clock, sandbox, exchange, refresh, migrate, adminStatus };
}

describe("expiring offline tokens (sandbox token endpoint)", () => {
  it("token exchange with expiring=1 issues a 60-minute access token and a 90-day refresh token; expiring=0 a bare token", async () => {
    const { exchange } = setup();
    const expiring = await exchange("1");
    expect(expiring.status).toBe(200);
    expect(expiring.body).toMatchObject({ expires_in: 3600, refresh_token_expires_in: 90 * 24 * 3600, scope: "read_products" });
    expect(expiring.body!.access_token).toMatch(/^shpat_/);
    expect(expiring.body!.refresh_token).toMatch(/^shprt_/);

    const bare = await exchange("0");
    expect(bare.status).toBe(200);
    expect(Object.keys(bare.body!).sort()).toEqual(["access_token", "scope"]);
  });

  it("an expiring access token works for 60 minutes, then the Admin API answers 401", async () => {
    const { clock, exchange, adminStatus } = setup();
    const token = String((await exchange("1")).body!.access_token);
    clock.advance(HOUR_MS - 1000);
    expect((await adminStatus(token)).status).toBe(200);
    clock.advance(1000);
    expect(await adminStatus(token)).toEqual({ status: 401, body: UNAUTHORIZED });
  });

  it("a refresh rotates the pair; the previous refresh token stays usable until the replacement is used, then answers invalid_grant", async () => {
    const { exchange, refresh, adminStatus } = setup();
    const first = (await exchange("1")).body!;
    const second = await refresh(String(first.refresh_token));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ expires_in: 3600, refresh_token_expires_in: 90 * 24 * 3600 });
    expect(second.body!.refresh_token).not.toBe(first.refresh_token);
    expect((await adminStatus(String(second.body!.access_token))).status).toBe(200);

    // The answer could have been lost: the same (previous) token is accepted again.
    const retried = await refresh(String(first.refresh_token));
    expect(retried.status).toBe(200);
    // Using the latest replacement retires the previous token.
    expect((await refresh(String(retried.body!.refresh_token))).status).toBe(200);
    expect(await refresh(String(first.refresh_token))).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("the previous refresh token can be retried for 30 days after its first use, not longer", async () => {
    const { clock, exchange, refresh } = setup();
    const first = String((await exchange("1")).body!.refresh_token);
    expect((await refresh(first)).status).toBe(200);
    clock.advance(30 * DAY_MS);
    expect((await refresh(first)).status).toBe(200);
    clock.advance(1000);
    expect(await refresh(first)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("an unknown, expired (90 days) or revoked refresh token answers 400 invalid_grant", async () => {
    const { clock, sandbox, exchange, refresh } = setup();
    expect(await refresh("shprt_unknown")).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const old = String((await exchange("1")).body!.refresh_token);
    clock.advance(90 * DAY_MS);
    expect(await refresh(old)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const live = String((await exchange("1")).body!.refresh_token);
    sandbox.uninstall(SHOP);
    expect(await refresh(live)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("from 2027-01-01 the app's non-expiring tokens get 401 and are no longer issued; expiring ones and other apps' tokens keep working", async () => {
    const { sandbox, exchange, adminStatus } = setup("2026-12-31T23:50:00.000Z");
    const bare = String((await exchange("0")).body!.access_token);
    const otherApp = sandbox.registerApiClient({ apiClientId: "merchant-custom-app", scopes: ["read_products"] }, SHOP).accessToken;
    expect((await adminStatus(SANDBOX_ADMIN_TOKEN)).status).toBe(200);
    expect((await adminStatus(bare)).status).toBe(200);

    sandbox.setClock("2027-01-01T00:00:00.000Z");
    const expiring = String((await exchange("1")).body!.access_token);
    expect(await adminStatus(SANDBOX_ADMIN_TOKEN)).toEqual({ status: 401, body: UNAUTHORIZED });
    expect(await adminStatus(bare)).toEqual({ status: 401, body: UNAUTHORIZED });
    expect((await adminStatus(expiring)).status).toBe(200);
    expect((await adminStatus(otherApp)).status).toBe(200);
    expect(await exchange("0")).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });

  it("a dropped refresh answer was still processed: the log shows it and the same refresh token recovers", async () => {
    const { sandbox, exchange, refresh, adminStatus } = setup();
    const first = String((await exchange("1")).body!.refresh_token);
    sandbox.tokenEndpoint.setFaults({ dropRefreshResponses: 1 });
    const lost = await refresh(first);
    expect(lost.type).toBe("error");
    const recovered = await refresh(first);
    expect(recovered.status).toBe(200);
    expect((await adminStatus(String(recovered.body!.access_token))).status).toBe(200);

    const state = (await (await sandbox.handle(new Request(`http://127.0.0.1/sandbox/tokens?shop=${SHOP}`))).json()) as {
      refreshes: number;
      exchanges: number;
      log: { outcome: string; retry: boolean; dropped: boolean; presented: string }[];
    };
    expect(state.refreshes).toBe(2);
    expect(state.exchanges).toBe(1);
    expect(state.log.map(({ outcome, retry, dropped }) => ({ outcome, retry, dropped }))).toEqual([
      { outcome: "issued", retry: false, dropped: true },
      { outcome: "issued", retry: true, dropped: false },
    ]);
    // Refresh tokens are credentials: the log names them by fingerprint only.
    expect(JSON.stringify(state)).not.toContain(first);
  });

  it("refresh tokens and expiries survive a restart (exportState → restore), revocations too", async () => {
    const { sandbox, exchange } = setup();
    const live = (await exchange("1")).body!;
    const restarted = createSandbox({ apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, appUrl: "https://safestock.test", clock: sandbox.clock, appToml: { scopes: ["read_products"], subscriptions: [] }, restore: JSON.parse(JSON.stringify(sandbox.exportState())) });
    const refreshed = await restarted.handle(
      new Request(`https://${SHOP}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ client_id: SANDBOX_API_KEY, client_secret: SANDBOX_API_SECRET, grant_type: "refresh_token", refresh_token: live.refresh_token }),
      }),
    );
    expect(refreshed.status).toBe(200);

    sandbox.uninstall(SHOP);
    const afterUninstall = createSandbox({ apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, appUrl: "https://safestock.test", clock: sandbox.clock, appToml: { scopes: ["read_products"], subscriptions: [] }, restore: JSON.parse(JSON.stringify(sandbox.exportState())) });
    const refused = await afterUninstall.handle(
      new Request(`https://${SHOP}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ client_id: SANDBOX_API_KEY, client_secret: SANDBOX_API_SECRET, grant_type: "refresh_token", refresh_token: live.refresh_token }),
      }),
    );
    expect(refused.status).toBe(400);
  });

  it("a non-expiring token is exchanged for an expiring pair without a user session; a retry returns the same pair until it is refreshed", async () => {
    const { exchange, migrate, refresh, adminStatus } = setup();
    const bare = String((await exchange("0")).body!.access_token);
    const migrated = await migrate(bare);
    expect(migrated.status).toBe(200);
    expect(migrated.body).toMatchObject({ expires_in: 3600, refresh_token_expires_in: 90 * 24 * 3600 });
    expect(await adminStatus(bare)).toEqual({ status: 401, body: UNAUTHORIZED });
    expect((await adminStatus(String(migrated.body!.access_token))).status).toBe(200);

    const retried = await migrate(bare);
    expect(retried.body).toMatchObject({ access_token: migrated.body!.access_token, refresh_token: migrated.body!.refresh_token });
    expect((await refresh(String(migrated.body!.refresh_token))).status).toBe(200);
    expect(await migrate(bare)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("migration is refused for an unknown token, the sandbox admin token and, after 2027-01-01, any non-expiring token", async () => {
    const { sandbox, exchange, migrate } = setup("2026-12-31T23:00:00.000Z");
    expect(await migrate("shpat_unknown")).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    expect(await migrate(SANDBOX_ADMIN_TOKEN)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    const bare = String((await exchange("0")).body!.access_token);
    sandbox.setClock("2027-01-01T00:00:00.000Z");
    expect(await migrate(bare)).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("POST /sandbox/clock moves the shops' clock and /sandbox/faults takes the refresh fault", async () => {
    const { sandbox } = setup();
    const post = (path: string, body: unknown) =>
      sandbox.handle(new Request(`http://127.0.0.1${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }));
    expect(await (await post("/sandbox/clock", { now: "2027-01-02T00:00:00.000Z" })).json()).toEqual({ now: "2027-01-02T00:00:00.000Z" });
    expect(sandbox.shop(SHOP).clock.now().toISOString()).toBe("2027-01-02T00:00:00.000Z");
    expect(await (await post("/sandbox/faults", { dropRefreshResponses: 2 })).json()).toMatchObject({ dropRefreshResponses: 2 });
  });
});
