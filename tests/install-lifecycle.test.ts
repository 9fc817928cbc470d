/**
 * The install lifecycle as a merchant and an App Review tester exercise it, through the emulated
 * admin and Shopify's token endpoint: first open after a Shopify-managed install, a database that
 * lost the shop, session tokens that are expired or not the app's, uninstall then reinstall, and
 * Shopify refusing to give a token.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loader as appLoader } from "~/routes/app";
import { loader as overviewLoader } from "~/routes/app._index";
import { env } from "~/env.server";
import { loadDashboard } from "~/services/dashboard.server";
import { onShopAuthenticated } from "~/services/installation.server";
import { createShopifyApp } from "~/shopify.server";
import { publishPolicy } from "~/services/policy.server";
import { mintSessionToken } from "../sandbox";
import { driftFromModel } from "./model/shop-drift";
import { mswServer } from "./setup/msw";
import { startHarness, type Harness } from "./support/harness";
import { receiveStock, TEST_MODEL_POLICY, TEST_POLICY } from "./support/scenarios";

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
/** App Bridge's retry signal: shopify-app-remix `RETRY_INVALID_SESSION_HEADER`. */
const RETRY_HEADER = "x-shopify-retry-invalid-session-request";

/** Admin API requests Shopify answered 401 (a dead token used). */
const unauthorized: string[] = [];
mswServer.events.on("response:mocked", ({ request, response }) => {
  if (response.status === 401 && request.url.includes("/graphql.json")) unauthorized.push(request.url);
});
afterEach(() => {
  unauthorized.length = 0;
});

type Loader = (args: LoaderFunctionArgs) => Promise<Response>;

/** What the app answered: a loader's response, or the response it threw (redirects, 401s, error pages). */
async function answer(loader: Loader, request: Request): Promise<Response> {
  try {
    return await loader({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** The merchant clicks Safestock in the emulated Shopify admin: the page Shopify serves frames the app at this URL (with `id_token`). */
async function openFromAdmin(harness: Harness, shop: string): Promise<string> {
  const page = await harness.sandbox.handle(new Request(`https://${shop}/admin/apps/safestock`));
  expect(page.status).toBe(200);
  return /<iframe[^>]+src="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, "&");
}

const documentRequest = (url: string) => new Request(url, { headers: { "User-Agent": BROWSER_UA } });
/** App Bridge's `fetch` from the open page: the session token in the Authorization header. */
const fetchRequest = (harness: Harness, shop: string, token: string) =>
  new Request(`${harness.sandbox.appUrl}/app?shop=${shop}&embedded=1`, { headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${token}` } });

const offlineSession = (shop: string) => prisma.session.findUnique({ where: { id: `offline_${shop}` } });

describe("install lifecycle", { timeout: 60_000 }, () => {
  it("first open after a managed install, and again after the database lost the shop: token exchange for an expiring token, the page loads, the first sync runs", async () => {
    const shop = "first-open.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    // Shopify installs the app when the merchant opens it (managed installation); the app hears of
    // the shop only from the session token on that first load.
    const url = await openFromAdmin(harness, shop);
    const overview = await answer(overviewLoader, documentRequest(url));
    expect(overview.status).toBe(200);
    expect(await overview.json()).toMatchObject({ shop, token: { kind: "expiring" } });
    const session = await offlineSession(shop);
    expect(session?.refreshToken).toMatch(/^shprt_/);
    await harness.settle();
    expect(await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } })).toMatchObject({ status: "active", initialSync: "done" });

    // The app's database is lost (restored empty): the next open exchanges a fresh token again.
    await prisma.session.deleteMany({ where: { shop } });
    await prisma.shopInstallation.deleteMany({ where: { shop } });
    const again = await answer(overviewLoader, documentRequest(await openFromAdmin(harness, shop)));
    expect(again.status).toBe(200);
    expect((await offlineSession(shop))?.accessToken).not.toBe(session!.accessToken);
    await harness.settle();
    expect(await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } })).toMatchObject({ status: "active", initialSync: "done" });
    expect(unauthorized).toEqual([]);
  });

  it("a session token that is expired, signed with another secret or for another app gets App Bridge's retry (401 + header) or the bounce page, never a 500", async () => {
    const shop = "bad-session-token.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    await harness.install(shop);
    const key = process.env.SHOPIFY_API_KEY!;
    const tokens = {
      // Shopify's session tokens live a minute; this one ended an hour ago.
      expired: harness.sandbox.mintSessionToken(shop, { nowMs: Date.now() - 3_600_000 }),
      wrongSecret: mintSessionToken({ shop, apiKey: key, apiSecret: "not-the-app-secret" }),
      otherApp: harness.sandbox.mintSessionToken(shop, { overrides: { aud: "another-apps-client-id" } }),
    };
    for (const [what, token] of Object.entries(tokens)) {
      const fetched = await answer(overviewLoader, fetchRequest(harness, shop, token));
      expect({ what, status: fetched.status, retry: fetched.headers.get(RETRY_HEADER) }).toEqual({ what, status: 401, retry: "1" });
      // A document load (the frame itself) is sent to the bounce page, which asks App Bridge for a fresh token.
      const url = new URL(`${harness.sandbox.appUrl}/app`);
      url.search = new URLSearchParams({ shop, host: Buffer.from(`${shop}/admin`).toString("base64"), embedded: "1", id_token: token }).toString();
      const document = await answer(overviewLoader, documentRequest(url.toString()));
      expect({ what, status: document.status, location: document.headers.get("location")?.split("?")[0] }).toEqual({ what, status: 302, location: "/auth/session-token" });
    }
  });

  it("Shopify gives no token for a shop it does not serve: the merchant reads what happened and what to do (503), not a blank 500", async () => {
    const harness = startHarness({ shops: ["known.myshopify.com"] });
    // A session token the app's secret signed for a shop the emulated Shopify does not serve (its
    // token endpoint answers 404): the token is valid, the exchange fails with no invalid_subject_token.
    const shop = "closed-store.myshopify.com";
    const token = mintSessionToken({ shop, apiKey: process.env.SHOPIFY_API_KEY!, apiSecret: process.env.SHOPIFY_API_SECRET! });
    for (const loader of [appLoader, overviewLoader] as Loader[]) {
      const response = await answer(loader, fetchRequest(harness, shop, token));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("60");
      const text = await response.text();
      expect(text).toContain("Safestock could not connect to your store");
      expect(text).toContain("Open Safestock again from Apps in your Shopify admin");
    }
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
  });

  it("uninstall then reinstall: the old token is gone and never used again, a session token from before the reinstall gets nothing, the kept policy is applied by the first reconcile", async () => {
    const shop = "reinstall.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    await harness.install(shop);
    await harness.settle();
    expect(await publishPolicy(shop, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    const emulator = harness.sandbox.shop(shop);
    expect(driftFromModel(emulator.snapshot(), TEST_MODEL_POLICY)).toEqual([]);
    const oldToken = (await offlineSession(shop))!.accessToken;

    harness.sandbox.uninstall(shop);
    await harness.settle();
    expect(await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } })).toMatchObject({ status: "uninstalled" });
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    // Shopify sends shop/redact 48 h after the uninstall (shopify.dev/changelog/apps-now-need-to-use-gdpr-webhooks):
    // until then the merchant's rules stay.
    expect(await prisma.policyVersion.count({ where: { shop } })).toBe(1);

    // A page left open fetches with a session token: the app is not installed, so Shopify
    // exchanges it for nothing and the shop stays uninstalled (no token, no work).
    const stale = await answer(overviewLoader, fetchRequest(harness, shop, harness.sandbox.mintSessionToken(shop)));
    expect(stale.status).toBe(401);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect(await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } })).toMatchObject({ status: "uninstalled" });

    // Meanwhile stock arrives; Shopify's levels drift from the policy while Safestock is away.
    await receiveStock(harness, shop, "RING-7", "Warehouse", 4);
    await harness.settle();
    const unauthorizedBeforeReinstall = unauthorized.length;

    // The merchant installs Safestock again from the admin and opens it.
    const reinstalledAt = new Date();
    const page = await answer(overviewLoader, documentRequest(await openFromAdmin(harness, shop)));
    expect(page.status).toBe(200);
    const session = await offlineSession(shop);
    expect(session?.accessToken).toBeTruthy();
    expect(session!.accessToken).not.toBe(oldToken);
    await harness.settle();

    const installation = await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } });
    expect(installation).toMatchObject({ status: "active", initialSync: "done", accessLostAt: null });
    expect(installation.lastReconcileAt!.getTime()).toBeGreaterThanOrEqual(reinstalledAt.getTime());
    // A reinstall is a fresh start: no "access lost" nor "access restored" on the Overview.
    expect((await loadDashboard(shop)).access).toBeNull();
    // The kept policy is in force in Shopify again, the receipt included.
    expect(driftFromModel(emulator.snapshot(), TEST_MODEL_POLICY)).toEqual([]);
    // Nothing used the dead token after the reinstall.
    expect(unauthorized.length).toBe(unauthorizedBeforeReinstall);
  });

  it("an install step that fails on the first open (database busy) is run again on the next open, not skipped for good", async () => {
    const shop = "after-auth-fails.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    let attempts = 0;
    // The app's Shopify side as composed, with install steps whose first run fails.
    const shopify = createShopifyApp(env(), prisma, async (authenticated) => {
      attempts++;
      if (attempts === 1) throw new Error("SQLITE_BUSY: database is locked");
      await onShopAuthenticated(authenticated);
    });
    const open = async () => {
      try {
        await shopify.authenticate.admin(documentRequest(await openFromAdmin(harness, shop)));
        return 200;
      } catch (thrown) {
        if (thrown instanceof Response) return thrown.status;
        throw thrown;
      }
    };
    expect(await open()).toBe(503);
    // No session is left behind, so the next open exchanges a token and runs the install steps again.
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect(await open()).toBe(200);
    expect(attempts).toBe(2);
    await harness.settle();
    expect(await prisma.shopInstallation.findUniqueOrThrow({ where: { shop } })).toMatchObject({ status: "active", initialSync: "done" });
  });

  it("the refresh token ran out (90 days without a refresh): jobs stop calling Shopify, the Overview says access was lost, opening the app restores it", async () => {
    const shop = "refresh-expired.myshopify.com";
    const harness = startHarness({ shops: [shop] });
    await harness.install(shop);
    await harness.settle();
    expect(await publishPolicy(shop, TEST_POLICY, { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();

    // Shopify's clock 91 days on: the access token (60 min) and its refresh token (90 days) are
    // both dead (shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh).
    harness.sandbox.setClock(new Date(Date.now() + 91 * 24 * 3_600_000));
    await receiveStock(harness, shop, "RING-7", "Warehouse", 4);
    await harness.settle();
    const log = harness.sandbox.tokenEndpoint.refreshLog(shop);
    expect(log.at(-1)).toMatchObject({ outcome: "invalid_grant", reason: "expired" });
    const overview = await loadDashboard(shop);
    expect(overview.access).toMatchObject({ state: "lost", reason: expect.stringMatching(/invalid_grant/) });
    expect(await prisma.session.count({ where: { shop } })).toBe(0);

    // More work arrives: it waits without calling Shopify (no refresh tried, no dead token sent).
    const unauthorizedAtLoss = unauthorized.length;
    await receiveStock(harness, shop, "RING-7", "Warehouse", 2);
    await harness.settle();
    expect(harness.sandbox.tokenEndpoint.refreshLog(shop)).toHaveLength(log.length);
    expect(unauthorized.length).toBe(unauthorizedAtLoss);
    expect((await loadDashboard(shop)).access).toMatchObject({ state: "lost", waitingJobs: expect.any(Number) });

    // What the banner tells the merchant to do: open Safestock. The token exchange restores access.
    const page = await answer(overviewLoader, documentRequest(await openFromAdmin(harness, shop)));
    expect(page.status).toBe(200);
    await harness.settle();
    expect((await loadDashboard(shop)).access).toMatchObject({ state: "restored" });
    expect(driftFromModel(harness.sandbox.shop(shop).snapshot(), TEST_MODEL_POLICY)).toEqual([]);
  });
});
