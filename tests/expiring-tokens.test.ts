/**
 * Expiring offline access tokens through the whole app (docs/decisions/021-expiring-offline-tokens.md).
 * What each case follows:
 * - shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh: the access token
 *   expires (60 min; 3 s here, SANDBOX_TOKEN_TTL_S), the app refreshes a few minutes (1 s here)
 *   before, storing the new pair;
 * - shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens: a lost
 *   refresh answer is recovered with the previous refresh token;
 * - shared/SHOPIFY-FACTS.md "Access tokens": one refresh per shop at a time, everyone else reads
 *   the stored result; a dead refresh token answers invalid_grant;
 * - shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens:
 *   from 2027-01-01 non-expiring tokens are rejected; they cycle when the merchant opens the app, or
 *   by token exchange without a user session for merchants who do not.
 */
import { afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { jobQueue } from "~/services/jobs.server";
import { loadDashboard } from "~/services/dashboard.server";
import { publishPolicy } from "~/services/policy.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import { createConfiguredTokenSource } from "~/composition.server";
import { offlineTokenKind } from "~/models/offline-session.server";
import { offlineTokenSource, useOfflineTokenSource } from "~/shopify/offline-token.server";
import { SANDBOX_ADMIN_TOKEN } from "../sandbox";
import type { RefreshLogEntry } from "../sandbox/auth";
import { mswServer } from "./setup/msw";
import { driftFromModel } from "./model/shop-drift";
import { exchangeOfflineToken, startHarness, storeNonExpiringOfflineSession, type Harness } from "./support/harness";
import { receiveStock, TEST_MODEL_POLICY, TEST_POLICY } from "./support/scenarios";

const TTL_S = 3;
const AHEAD_S = 1;
// Read when the process's token source is first made (below, before any Admin API call).
process.env.TOKEN_REFRESH_AHEAD_S = String(AHEAD_S);

const SHOP_QUERY = "query ShopName { shop { name } }";

/** Every 401 the emulated Admin API answers during the test (none must reach a job). */
const unauthorized: string[] = [];
mswServer.events.on("response:mocked", ({ request, response }) => {
  if (response.status === 401 && request.url.includes("/graphql.json")) unauthorized.push(request.url);
});
afterEach(() => {
  unauthorized.length = 0;
  useOfflineTokenSource(undefined);
});

function start(shop: string): Harness {
  return startHarness({ shops: [shop], tokens: { accessTokenTtlS: TTL_S } });
}

const refreshLog = (harness: Harness, shop: string): RefreshLogEntry[] => harness.sandbox.tokenEndpoint.refreshLog(shop);
const issuedRefreshes = (harness: Harness, shop: string) => refreshLog(harness, shop).filter((entry) => entry.outcome === "issued").length;

async function storedSession(shop: string) {
  return prisma.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
}

/** Waits (polling, no fixed sleep) until the stored token has less than the refresh margin left. */
async function untilStale(shop: string) {
  const source = offlineTokenSource();
  for (;;) {
    const { accessToken, expires } = await storedSession(shop);
    if (source.isStale({ accessToken, expires })) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const jobsByStatus = async (shop: string) => (await jobQueue().stats(shop)).byStatus;

function expectPolicyApplied(harness: Harness, shop: string) {
  expect(driftFromModel(harness.sandbox.shop(shop).snapshot(), TEST_MODEL_POLICY)).toEqual([]);
}

// Each case waits for real token lifetimes (3 s) to pass; a loaded machine stretches the rest.
describe("expiring offline tokens", { timeout: 60_000 }, () => {
  it("the pipeline keeps working through several expiries: refreshed ahead, no 401, one refresh per expiry", async () => {
    const shop = "expiring-pipeline.myshopify.com";
    const harness = start(shop);
    await harness.install(shop);
    await harness.settle();
    expect(await offlineTokenKind(shop)).toMatchObject({ kind: "expiring" });
    expect(await publishPolicy(shop, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const startedAt = Date.now();

    // Stock keeps arriving while at least four tokens expire; each receipt is recomputed and written.
    let units = 0;
    const refreshesBefore = issuedRefreshes(harness, shop);
    while (issuedRefreshes(harness, shop) < refreshesBefore + 4) {
      await receiveStock(harness, shop, "RING-7", "Warehouse", ++units);
      await harness.settle();
    }
    const elapsedS = (Date.now() - startedAt) / 1000;

    expect(unauthorized).toEqual([]);
    const jobs = await jobsByStatus(shop);
    expect(jobs.dead ?? 0).toBe(0);
    expect(jobs.waiting ?? 0).toBe(0);
    expect((await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } })).accessLostAt).toBeNull();
    expectPolicyApplied(harness, shop);
    // One refresh per token lifetime at most (a token is refreshed when AHEAD_S is left), and every
    // refresh token was redeemed once: nobody refreshed a token someone else had already refreshed.
    const log = refreshLog(harness, shop);
    expect(log.every((entry) => entry.outcome === "issued" && !entry.retry)).toBe(true);
    expect(new Set(log.map((entry) => entry.presented)).size).toBe(log.length);
    const sinceStart = log.filter((entry) => Date.parse(entry.at) >= startedAt);
    expect(sinceStart.length).toBeLessThanOrEqual(Math.ceil(elapsedS / (TTL_S - AHEAD_S)) + 1);
  });

  it("many refreshers of one shop at once (separate processes' token sources, parallel clients) make exactly one refresh", async () => {
    const shop = "expiring-concurrent.myshopify.com";
    const harness = start(shop);
    await harness.install(shop);
    await harness.settle();

    // Six "processes", each with its own token source (own in-process memory, own lease holder
    // name), all finding the token about to expire at the same moment.
    await untilStale(shop);
    const before = issuedRefreshes(harness, shop);
    const processes = Array.from({ length: 6 }, (_, i) => createConfiguredTokenSource({ holder: `process-${i}`, refreshAheadMs: AHEAD_S * 1000 }));
    const tokens = await Promise.all(processes.map((source) => source.accessToken(shop)));
    expect(issuedRefreshes(harness, shop)).toBe(before + 1);
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
    expect(tokens[0]!.accessToken).toBe((await storedSession(shop)).accessToken);

    // And parallel clients of one process, as concurrent jobs make them.
    await untilStale(shop);
    const clients = await Promise.all(Array.from({ length: 6 }, () => adminClientForShop(shop)));
    const answers = await Promise.all(clients.map((client) => client.request<{ shop: { name: string } }>("ShopName", SHOP_QUERY)));
    expect(answers.every((answer) => typeof answer.data.shop.name === "string")).toBe(true);
    expect(issuedRefreshes(harness, shop)).toBe(before + 2);
    expect(unauthorized).toEqual([]);
    expect(await prisma.tokenRefreshLease.count()).toBe(0);
  });

  it("a refresh whose answer is lost is recovered with the previous refresh token", async () => {
    const shop = "expiring-lost-answer.myshopify.com";
    const harness = start(shop);
    await harness.install(shop);
    await harness.settle();
    await untilStale(shop);
    const presentedFirst = (await storedSession(shop)).refreshToken!;
    const earlier = refreshLog(harness, shop).length;
    harness.sandbox.tokenEndpoint.setFaults({ dropRefreshResponses: 1 });
    const client = await adminClientForShop(shop);
    expect((await client.request<{ shop: { name: string } }>("ShopName", SHOP_QUERY)).data.shop.name).toBeTruthy();

    const log = refreshLog(harness, shop).slice(earlier);
    expect(log.map(({ outcome, retry, dropped }) => ({ outcome, retry, dropped }))).toEqual([
      { outcome: "issued", retry: false, dropped: true },
      { outcome: "issued", retry: true, dropped: false },
    ]);
    expect(log[0]!.presented).toBe(log[1]!.presented);
    const stored = await storedSession(shop);
    expect(stored.refreshToken).not.toBe(presentedFirst);
    // The stored replacement works; using it retires the token that was retried.
    await untilStale(shop);
    await adminClientForShop(shop);
    expect(refreshLog(harness, shop).at(-1)).toMatchObject({ outcome: "issued", retry: false });
    expect(unauthorized).toEqual([]);
    expect((await loadDashboard(shop)).access).toBeNull();
  });

  it("a refused refresh token (invalid_grant) parks the shop's jobs; the next admin load exchanges a token and runs them", async () => {
    const shop = "expiring-invalid-grant.myshopify.com";
    const harness = start(shop);
    await harness.install(shop);
    await harness.settle();
    const emulator = harness.sandbox.shop(shop);
    // Shopify ends the app's access (tokens and refresh tokens); the sandbox admin token is
    // granted again so that the test's back office keeps trading.
    emulator.revokeAccessTokens();
    emulator.grantAccessToken(SANDBOX_ADMIN_TOKEN, []);

    await untilStale(shop);
    expect(await publishPolicy(shop, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();

    const lost = await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } });
    expect(lost.accessLostAt).not.toBeNull();
    expect(lost.accessLostReason).toMatch(/invalid_grant/);
    expect(refreshLog(harness, shop).at(-1)).toMatchObject({ outcome: "invalid_grant" });
    const waiting = await jobsByStatus(shop);
    expect(waiting.waiting).toBeGreaterThanOrEqual(1);
    expect(waiting.dead ?? 0).toBe(0);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect((await loadDashboard(shop)).access).toMatchObject({ state: "lost" });

    await harness.openApp(shop);
    await harness.settle();
    const after = await jobsByStatus(shop);
    expect(after.waiting ?? 0).toBe(0);
    expect(after.dead ?? 0).toBe(0);
    expect((await loadDashboard(shop)).access).toMatchObject({ state: "restored" });
    expectPolicyApplied(harness, shop);
  });

  it("a shop on a non-expiring token keeps working after 2027-01-01 once the admin is opened", async () => {
    const shop = "non-expiring.myshopify.com";
    const harness = start(shop);
    await harness.install(shop);
    await harness.settle();
    // Installed before the app asked for expiring tokens: the session holds a non-expiring one.
    await storeNonExpiringOfflineSession(shop);
    expect(await offlineTokenKind(shop)).toEqual({ kind: "non-expiring" });

    // New Year: Shopify rejects the non-expiring token; the receipt's work waits.
    harness.sandbox.setClock("2027-01-02T09:00:00.000Z");
    expect(await publishPolicy(shop, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect((await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } })).accessLostReason).toMatch(/non-expiring/);
    expect((await jobsByStatus(shop)).dead ?? 0).toBe(0);

    // The merchant opens Safestock: token exchange with expiring=1, the work runs.
    await harness.openApp(shop);
    await harness.settle();
    expect(await offlineTokenKind(shop)).toMatchObject({ kind: "expiring" });
    const jobs = await jobsByStatus(shop);
    expect(jobs.waiting ?? 0).toBe(0);
    expect(jobs.dead ?? 0).toBe(0);
    expectPolicyApplied(harness, shop);
  });

  it("a shop whose merchant never opens the app is moved off its non-expiring token by the first Admin API call, and keeps working after 2027-01-01", async () => {
    const shop = "non-expiring-unattended.myshopify.com";
    const harness = start(shop);
    await harness.install(shop);
    await harness.settle();
    // The token an install before `expiringOfflineAccessTokens` got: token exchange with expiring=0.
    const nonExpiring = (await exchangeOfflineToken(harness.sandbox, shop, { expiring: false })).access_token;
    await prisma.session.update({ where: { id: `offline_${shop}` }, data: { accessToken: nonExpiring, expires: null, refreshToken: null, refreshTokenExpires: null } });
    expect(await offlineTokenKind(shop)).toEqual({ kind: "non-expiring" });
    const exchangesBefore = harness.sandbox.tokenEndpoint.exchanges(shop);

    // A background job's first Admin API call exchanges it (no admin load, no session token).
    await (await adminClientForShop(shop)).request("ShopName", SHOP_QUERY);
    expect(harness.sandbox.tokenEndpoint.exchanges(shop)).toBe(exchangesBefore + 1);
    expect(await offlineTokenKind(shop)).toMatchObject({ kind: "expiring" });
    expect(unauthorized).toEqual([]);

    // The jump ages the current access token by 26 days in Shopify's eyes: its 401 is cured by a
    // refresh, and no job notices.
    harness.sandbox.setClock("2027-01-02T09:00:00.000Z");
    expect(await publishPolicy(shop, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect((await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } })).accessLostAt).toBeNull();
    expect((await jobsByStatus(shop)).dead ?? 0).toBe(0);
    expectPolicyApplied(harness, shop);
  });

  it("a non-expiring token is replaced by an expiring one on the next admin load, before anything fails", async () => {
    const shop = "non-expiring-cycled.myshopify.com";
    const harness = start(shop);
    await harness.install(shop);
    await harness.settle();
    await storeNonExpiringOfflineSession(shop);
    const exchangesBefore = harness.sandbox.tokenEndpoint.exchanges(shop);

    await harness.openApp(shop);
    expect(harness.sandbox.tokenEndpoint.exchanges(shop)).toBe(exchangesBefore + 1);
    const stored = await storedSession(shop);
    expect(stored.accessToken).not.toBe(SANDBOX_ADMIN_TOKEN);
    expect(stored.refreshToken).toBeTruthy();
    expect(await offlineTokenKind(shop)).toMatchObject({ kind: "expiring" });

    harness.sandbox.setClock("2027-01-02T09:00:00.000Z");
    expect(await publishPolicy(shop, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect((await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } })).accessLostAt).toBeNull();
    expectPolicyApplied(harness, shop);
  });
});
