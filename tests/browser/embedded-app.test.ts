/**
 * The embedded app in a real browser, inside the sandbox admin, against the emulated shop:
 * Overview after the initial sync → an invalid policy shows every problem → a valid policy
 * becomes the version in force → Inventory explains the protected units.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import { browserAvailability, openEmbeddedAdmin, screenshot, waitForHydration, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

/** Several problems at once: the page must list every one, not just the first. */
const INVALID_POLICY = {
  version: 1,
  protection: [
    { kind: "safety_stock", units: -1 },
    { kind: "safety_stock", units: 2, location: "Mars" },
    { kind: "display", units: 1, location: "Soho store", sku: "NOPE-1" },
    { kind: "safety_stock", unit: 3, sku: "RING-7" },
  ],
  channels: [{ channel: "fax", tier: 1 }],
};

/** RING-7 has 8 / 3 / 1 on hand at Warehouse / Soho store / Brooklyn store (sandbox/shop/README.md). */
const VALID_POLICY = {
  version: 1,
  protection: [
    { kind: "safety_stock", units: 1 },
    { kind: "safety_stock", units: 2, location: "Warehouse", sku: "RING-7" },
    { kind: "display", units: 2, location: "Soho store", sku: "RING-7" },
  ],
  channels: [
    { channel: "online_store", tier: 1, networkMinimum: 1 },
    { channel: "point_of_sale", tier: 1 },
    { channel: "marketplace", tier: 2, allocationPercent: 50 },
    { channel: "wholesale", tier: 3, fixedUnits: 5, reserveForHigherTiersBelow: 10 },
  ],
};

describe.skipIf(!availability.available)("Safestock embedded in the sandbox admin", () => {
  let admin: EmbeddedAdmin | undefined;
  let page: Page;
  let app: FrameLocator;

  beforeAll(async () => {
    admin = await openEmbeddedAdmin();
    ({ page, app } = admin);
  });

  afterAll(async () => {
    await admin?.close();
  });

  it("shows the Overview once the initial sync is done", async () => {
    await expect.poll(() => app.getByText("Synced", { exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => app.getByText("Set up your first policy").isVisible()).toBe(true);
    await expect.poll(() => app.getByText(/Checked \d+ levels/).isVisible()).toBe(true);
    // Merchant words only: no internal document paths, and no refresh-token date that reads as an end of access.
    const overview = await app.locator("body").innerText();
    expect(overview).toContain("Store access: expiring token, renewed automatically every hour.");
    expect(overview).not.toMatch(/docs\/decisions|renewed until/);
    await screenshot(page, "overview");
  });

  it("lists every problem of an invalid policy and keeps the text", async () => {
    await app.getByRole("link", { name: "Import a policy" }).click();
    await app.getByRole("heading", { name: "Import policy" }).waitFor();
    await waitForHydration(page);
    const text = JSON.stringify(INVALID_POLICY, null, 2);
    await app.getByLabel("Policy JSON").fill(text);
    await app.getByRole("button", { name: "Publish policy" }).click();

    const banner = app.locator(".Polaris-Banner").filter({ hasText: "The policy was not published" });
    await banner.waitFor();
    const listed = await banner.innerText();
    for (const path of ["protection[0].units", "protection[1].location", "protection[2].sku", "protection[3]", "channels[0].channel"]) {
      expect(listed, `the banner lists ${path}`).toContain(path);
    }
    expect(await app.getByLabel("Policy JSON").inputValue()).toBe(text);
    await screenshot(page, "policy-invalid");
  });

  it("publishes a valid policy and shows it as the version in force", async () => {
    await app.getByLabel("Policy JSON").fill(JSON.stringify(VALID_POLICY, null, 2));
    await app.getByLabel("Note (optional)").fill("Browser test floors");
    await app.getByRole("button", { name: "Publish policy" }).click();

    await app.getByRole("heading", { name: /^Version \d+ in force$/ }).waitFor();
    await expect.poll(() => app.locator("[data-sandbox-toast]").filter({ hasText: /Policy v\d+ published/ }).count()).toBeGreaterThan(0);
    expect(await app.getByText("The policy was not published").count()).toBe(0);
    const rules = await app.getByRole("table").first().innerText();
    expect(rules).toContain("Display / sample");
    expect(rules).toContain("SKU RING-7 at Soho store");
    expect(await app.getByLabel("Policy JSON").inputValue()).toBe("");
    await screenshot(page, "policy-published");
  });

  it("explains the protected units on the Inventory page", async () => {
    // The policy page sits under Diagnostics; the Overview is the app's home in the navigation.
    await app.getByRole("link", { name: "Diagnostics" }).first().click();
    await app.getByRole("heading", { name: "Diagnostics" }).first().waitFor();
    await app.getByRole("link", { name: "Overview" }).first().click();
    await app.getByRole("link", { name: "See every item with its reasons" }).click();
    await app.getByLabel("Search by SKU, product or variant title").waitFor();
    await waitForHydration(page);
    await app.getByLabel("Search by SKU, product or variant title").fill("RING-7");
    await app.getByRole("button", { name: "Search", exact: true }).click();

    const card = app.getByRole("region", { name: "RING-7 Gold Ring / 7", exact: true });
    // The page polls while the policy's reconciliation runs; the reasons appear when it is done.
    await expect
      .poll(() => card.getByText("2 on display at Soho store").isVisible(), { timeout: 30_000 })
      .toBe(true)
      .catch(async (error: unknown) => {
        await screenshot(page, "inventory-failed");
        throw error;
      });
    const text = await card.innerText();
    expect(text).toMatch(/Warehouse\s+8\s+2\s+6/);
    expect(text).toContain("2 safety stock for SKU RING-7 at Warehouse");
    expect(text).toContain("Online Store");
    await screenshot(page, "inventory");
  });

  it("shows the policy change in Activity and a report on Sync", async () => {
    await app.getByRole("link", { name: "Activity for RING-7" }).click();
    await app.getByLabel("Filter by SKU").waitFor();
    await expect.poll(() => app.getByText(/2 safety stock for SKU RING-7 at Warehouse/).first().isVisible()).toBe(true);
    await screenshot(page, "activity");

    await app.getByRole("link", { name: "Overview" }).first().click();
    await app.getByRole("link", { name: "Sync and queue health" }).click();
    await app.getByRole("button", { name: "Reconcile now" }).waitFor();
    await expect.poll(() => app.getByText("policy", { exact: true }).first().isVisible()).toBe(true);
    await screenshot(page, "sync");
  });
});
