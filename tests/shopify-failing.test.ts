/**
 * Issue 22: during Admin API errors the admin only said "running 4". The Sync page and the Overview
 * now show "Shopify is failing" with the failed attempts by kind over the last minutes. The counts
 * expected here are the faults this test injected (503s served by its own handler, requests the
 * emulator left hanging), not figures from the code under test.
 */
import { http, HttpResponse } from "msw";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { describe, expect, it } from "vitest";
import { ShopifyFailingBanner } from "~/components/shopify-failing-banner";
import { loader as overviewLoader } from "~/routes/app._index";
import { loader as syncLoader } from "~/routes/app.sync";
import { publishPolicy } from "~/services/policy.server";
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
        return kinds.server_error === expected.server_error && kinds.timeout === expected.timeout ? answer : null;
      },
      { what: "the Sync page counting the injected failures" },
    );
    expect(page.data.shopifyFailing.total).toBe(SERVER_ERRORS + 1);
    expect(page.data.shopifyFailing.kinds.find((kind: { kind: string }) => kind.kind === "server_error").lastStatus).toBe(503);

    const html = renderToStaticMarkup(createElement(AppProvider, { i18n: en }, createElement(ShopifyFailingBanner, { failing: page.data.shopifyFailing })));
    const kindsShown = (page.data.shopifyFailing.kinds as { kind: string; count: number }[]).map((kind) => `${kind.kind} ×${kind.count}`).join(", ");
    reportFigure("admin-5xx", `banner ${html.includes("Shopify is failing") ? "\"Shopify is failing\"" : "missing"}: ${kindsShown} (${page.data.shopifyFailing.total} in 15 min)`);
    expect(html).toContain("Shopify is failing");
    expect(html).toContain("Shopify server errors (5xx): 2");
    expect(html).toContain("Requests not answered in time: 1");
    expect(html).toContain("3 Admin API requests failed in the last 15 minutes");

    const overview = await callLoader(harness, overviewLoader, "/app", shop);
    expect(overview.data.shopifyFailing.total).toBe(SERVER_ERRORS + 1);
    // With no failures in the window the banner renders nothing.
    expect(renderToStaticMarkup(createElement(AppProvider, { i18n: en }, createElement(ShopifyFailingBanner, { failing: null })))).not.toContain("Shopify is failing");
  }, 30_000);
});
