/**
 * Issue 22: during Admin API errors the admin only said "running 4". The Sync page and the Overview
 * now show "Shopify is failing" with the failed attempts by kind over the last minutes. The counts
 * expected here are the faults this test injected (503s served by its own handler, requests the
 * emulator left hanging), not figures from the code under test.
 *
 * The banner used to stay red for the whole 15-minute window after Shopify answered again; now the
 * first answered call after the last failure turns it to "Shopify recovered at …" (amber), in every
 * process (the state is in the database they share, docs/decisions/030).
 */
import { http, HttpResponse } from "msw";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { afterAll, describe, expect, it } from "vitest";
import { ShopifyFailingBanner } from "~/components/shopify-failing-banner";
import { loader as overviewLoader } from "~/routes/app._index";
import { loader as syncLoader } from "~/routes/app.sync";
import prisma, { createPrismaClient, databaseUrlOf } from "~/db.server";
import { recordShopifyAnswered, recordShopifyFailure } from "~/models/shopify-failures.server";
import { publishPolicy } from "~/services/policy.server";
import { shopifyFailingView } from "~/services/shopify-health.server";
import { callLoader } from "./support/admin-routes";
import { policyDocument, type ModelPolicy } from "./model/reference-model";
import { driftFromModel } from "./model/shop-drift";
import { reportFigure } from "./support/chaos-figures";
import { installedWithPolicy, setSandboxFaults, TEST_MODEL_POLICY } from "./support/scenarios";
import { waitFor } from "./support/wait-for";
import { mswServer } from "./setup/msw";

process.env.SHOPIFY_REQUEST_TIMEOUT_MS = "300";

describe("the admin while Shopify is failing", () => {
  it("shows the failed Admin API attempts by kind and count, and none before", async () => {
    const shop = "failing-admin.myshopify.com";
    const harness = await installedWithPolicy(shop);
    expect((await callLoader(harness, syncLoader, "/app/sync", shop)).data.shopifyFailing).toBeNull();

    // Two 503s, then one request never answered; Shopify answers normally after that.
    const SERVER_ERRORS = 2;
    let served = 0;
    mswServer.use(
      http.post(`https://${shop}/admin/api/2026-10/graphql.json`, () => {
        if (served >= SERVER_ERRORS) return undefined;
        served++;
        return HttpResponse.json({ errors: "Service Unavailable" }, { status: 503 });
      }),
    );
    await setSandboxFaults(harness, shop, { hangRequests: 1 });
    const stricter: ModelPolicy = { ...TEST_MODEL_POLICY, forSku: { sku: "RING-6", units: 3 } };
    expect(await publishPolicy(shop, policyDocument(stricter), { createdBy: "test" })).toMatchObject({ ok: true });
    await harness.settle();
    expect(served).toBe(SERVER_ERRORS);
    expect(driftFromModel(harness.sandbox.shop(shop).snapshot(), stricter)).toEqual([]);

    const expected = { server_error: SERVER_ERRORS, timeout: 1 };
    const page = await waitFor(
      async () => {
        const answer = await callLoader(harness, syncLoader, "/app/sync", shop);
        const kinds = Object.fromEntries((answer.data.shopifyFailing?.kinds ?? []).map((kind: { kind: string; count: number }) => [kind.kind, kind.count]));
        const counted = kinds.server_error === expected.server_error && kinds.timeout === expected.timeout;
        return counted && answer.data.shopifyFailing.recoveredAt ? answer : null;
      },
      { what: "the Sync page counting the injected failures and Shopify's recovery" },
    );
    expect(page.data.shopifyFailing.total).toBe(SERVER_ERRORS + 1);
    expect(page.data.shopifyFailing.kinds.find((kind: { kind: string }) => kind.kind === "server_error").lastStatus).toBe(503);

    const html = renderToStaticMarkup(createElement(AppProvider, { i18n: en }, createElement(ShopifyFailingBanner, { failing: page.data.shopifyFailing })));
    const kindsShown = (page.data.shopifyFailing.kinds as { kind: string; count: number }[]).map((kind) => `${kind.kind} ×${kind.count}`).join(", ");
    reportFigure("admin-5xx", `banner ${html.includes("Shopify recovered at") ? "\"Shopify recovered\"" : "missing"}: ${kindsShown} (${page.data.shopifyFailing.total} in 15 min)`);
    // The retries were answered (the shop has no drift): the page says Shopify recovered, in amber,
    // and still shows what failed; it no longer says Shopify is failing.
    expect(html).not.toContain("Shopify is failing");
    expect(html).toContain("Shopify recovered at");
    expect(html).toContain("Shopify server errors (5xx): 2");
    expect(html).toContain("Requests not answered in time: 1");
    expect(html).toMatch(/3 Admin API requests failed between .+ E[SD]T and .+ E[SD]T; Shopify answers again/);

    const overview = await callLoader(harness, overviewLoader, "/app", shop);
    expect(overview.data.shopifyFailing.total).toBe(SERVER_ERRORS + 1);
    // With no failures in the window the banner renders nothing.
    expect(renderToStaticMarkup(createElement(AppProvider, { i18n: en }, createElement(ShopifyFailingBanner, { failing: null })))).not.toContain("Shopify is failing");
  }, 30_000);
});

describe("Shopify's recovery, seen by every process", () => {
  // A second database client on the same database stands for the worker process (as in
  // tests/shared-process-state.test.ts); the page reads through the app's own client.
  const worker = createPrismaClient(databaseUrlOf(prisma));
  afterAll(() => worker.$disconnect());
  const shop = "recovering-admin.myshopify.com";
  const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 11, 6, 10, minute, second));
  const failure = { shop, kind: "server_error", status: 503, operation: "SafestockApplyLevels" };
  const banner = (view: Awaited<ReturnType<typeof shopifyFailingView>>) =>
    renderToStaticMarkup(createElement(AppProvider, { i18n: en }, createElement(ShopifyFailingBanner, { failing: view })));

  it("turns from failing to recovered at the first answered call after the last failure, and back on a new failure", async () => {
    // 10:01 and 10:03: two 503s recorded by the worker. Nothing answered since: failing.
    await recordShopifyFailure(failure, at(1), worker);
    await recordShopifyFailure(failure, at(3), worker);
    const failing = await shopifyFailingView(shop, at(4));
    expect(failing?.recoveredAt).toBeNull();
    expect(banner(failing)).toContain("Shopify is failing");

    // 10:04: the web process's next call is answered. At 10:05, well inside the 15-minute window:
    // recovered, with the two failures still shown.
    await recordShopifyAnswered(shop, at(4), prisma);
    const recovered = banner(await shopifyFailingView(shop, at(5)));
    expect(recovered).not.toContain("Shopify is failing");
    expect(recovered).toContain("Shopify recovered at Dec 6, 2026, 10:04 AM UTC");
    expect(recovered).toContain("2 Admin API requests failed between Dec 6, 2026, 10:01 AM UTC and Dec 6, 2026, 10:03 AM UTC");
    expect(recovered).toContain("Shopify server errors (5xx): 2");

    // A failure that happened before the recovery but whose report arrives after it does not undo it.
    await recordShopifyFailure(failure, at(3, 30), worker);
    expect(banner(await shopifyFailingView(shop, at(5)))).toContain("Shopify recovered at Dec 6, 2026, 10:04 AM UTC");

    // 10:06: a new failure: failing again until the next answered call.
    await recordShopifyFailure(failure, at(6), worker);
    expect(banner(await shopifyFailingView(shop, at(7)))).toContain("Shopify is failing");
    await recordShopifyAnswered(shop, at(7, 30), worker);
    expect(banner(await shopifyFailingView(shop, at(8)))).toContain("Shopify recovered at Dec 6, 2026, 10:07 AM UTC");

    // 15 minutes after the last failure the window is empty: no banner.
    expect(await shopifyFailingView(shop, at(22))).toBeNull();
  });
});

describe("failures reported by two processes at once", () => {
  it("counts every one: none is lost to SQLite's busy snapshot", async () => {
    // The web process and the worker share the database file; while Shopify fails for both,
    // each records its failures as they come (the flash-sale bench logged "could not record an
    // Admin API failure … SQLITE_BUSY_SNAPSHOT" before the records were started over).
    const shop = "failing-together.myshopify.com";
    const worker = createPrismaClient(databaseUrlOf(prisma));
    try {
      const at = new Date("2026-12-06T11:00:30Z");
      const failure = { shop, kind: "server_error", status: 503, operation: "SafestockItemLevels" };
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => recordShopifyFailure(failure, at, i % 2 === 0 ? prisma : worker)),
      );
      expect(results.filter((result) => result.status === "rejected")).toEqual([]);
      // 40 failures were reported, by hand: all in one minute, one kind.
      const failing = await shopifyFailingView(shop, new Date("2026-12-06T11:01:00Z"));
      const shown = renderToStaticMarkup(createElement(AppProvider, { i18n: en }, createElement(ShopifyFailingBanner, { failing })));
      expect(shown).toContain("Shopify server errors (5xx): 40");
    } finally {
      await worker.$disconnect();
    }
  });
});
