/**
 * Every admin page at 1280 px, after a policy with a velocity buffer and a pausing channel and a
 * few orders: nothing overflows to the right, no raw floats are shown ("0.3 s", "2 a day", never
 * "0.000666…"), and every paused channel says why. Screenshots of every page are written as
 * artifacts (tests/browser/screenshots/polish-*.png).
 *
 * RING-7 has 8 / 3 / 1 on hand at Warehouse / Soho store / Brooklyn store (sandbox/shop/README.md):
 * with 2 units of safety stock everywhere the marketplace pool (Warehouse only) is 6, under its
 * pause threshold of 10, so the marketplace is paused for RING-7.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import { SANDBOX_SHOP_DOMAIN } from "../../sandbox";
import type { SandboxStack } from "../../sandbox/stack";
import { browserAvailability, goTo as goToInApp, openEmbeddedAdmin, screenshot, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

const POLICY = {
  version: 1,
  protection: [
    { kind: "safety_stock", units: 2 },
    { kind: "velocity_buffer", riskFactor: 2, maxUnits: 5 },
  ],
  channels: [
    { channel: "online_store", tier: 1 },
    { channel: "point_of_sale", tier: 1 },
    { channel: "marketplace", tier: 2, allocationPercent: 50, pauseBelow: 10 },
    { channel: "wholesale", tier: 3, fixedUnits: 5, reserveForHigherTiersBelow: 10 },
  ],
};

const PAGES: [string, string][] = [
  ["overview", "/app"],
  ["rules", "/app/rules"],
  ["policy", "/app/policy"],
  ["channels", "/app/channels"],
  ["holds", "/app/holds"],
  ["settings", "/app/settings"],
  ["inventory", "/app/inventory"],
  ["activity", "/app/activity"],
  ["sync", "/app/sync"],
  ["webhooks", "/app/webhooks"],
  ["csv-import", "/app/rules/import"],
];

describe.skipIf(!availability.available)("polish at 1280 px", () => {
  let admin: EmbeddedAdmin | undefined;
  let stack: SandboxStack;
  let page: Page;
  let app: FrameLocator;

  const goTo = (path: string) => goToInApp(page, path);

  beforeAll(async () => {
    admin = await openEmbeddedAdmin();
    ({ stack, page, app } = admin);
    // Tall enough for the longest page: the app scrolls inside its iframe, which a page screenshot does not follow.
    await page.setViewportSize({ width: 1280, height: 2400 });
  });

  afterAll(async () => {
    await admin?.close();
  });

  it("publishes a policy and takes a few orders", async () => {
    await expect.poll(() => app.getByText("Synced", { exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    await goTo("/app/policy");
    await app.getByLabel("Policy JSON").fill(JSON.stringify(POLICY));
    await app.getByRole("button", { name: "Publish policy" }).click();
    await app.getByRole("heading", { name: "Version 1 in force" }).waitFor({ timeout: 30_000 });
    const state = stack.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot();
    const ring = state.variants.find((variant) => variant.sku === "RING-7")!;
    for (const sourceName of ["web", "web", "pos"]) {
      const response = await fetch(`${stack.sandboxUrl}/sandbox/orders`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ lineItems: [{ variantId: ring.id, quantity: 1 }], sourceName }),
      });
      expect(response.status).toBeLessThan(300);
    }
  });

  for (const [name, path] of PAGES) {
    it(`${name}: fits 1280 px, human numbers, a screenshot`, async () => {
      await goTo(path);
      await app.locator("h1").first().waitFor();
      const frame = page.frame({ name: "app-iframe" })!;
      const layout = await frame.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        // Polaris tables scroll sideways inside their card instead of overflowing the page.
        tablesScrolling: [...document.querySelectorAll(".Polaris-IndexTable__ScrollContainer, .Polaris-DataTable__ScrollContainer")].filter((table) => table.scrollWidth > table.clientWidth + 1).length,
        text: document.body.innerText,
      }));
      expect(layout.scrollWidth, `${name} overflows to the right`).toBeLessThanOrEqual(layout.clientWidth + 1);
      expect(layout.tablesScrolling, `${name} has a table wider than its card`).toBe(0);
      // A raw float: four or more decimals ("0.000666666", "1.3333").
      expect(layout.text.match(/\d+\.\d{4,}/g) ?? [], `${name} shows raw floats`).toEqual([]);
      expect(layout.text).not.toMatch(/\bNaN\b|\bundefined\b|\[object Object\]/);
      await screenshot(page, `polish-${name}`);
    });
  }

  it("every paused channel says why, on Inventory and the Overview", async () => {
    await goTo("/app/inventory?q=RING-7");
    const card = app.getByRole("region", { name: "RING-7 Gold Ring / 7", exact: true });
    await card.waitFor({ timeout: 30_000 });
    const text = await card.innerText();
    expect(text).toMatch(/marketplace/);
    expect(text).toMatch(/6 left is under the threshold of 10|under the threshold of 10/);
    await goTo("/app");
    const overview = await app.locator("body").innerText();
    // Per-variant lines ("paused: 6 left is under the threshold of 10") said of many, and the same
    // words for variants paused with nothing left (no line of their own). The count is of variants.
    expect(overview).toMatch(/marketplace: \d+ variants? — paused: fewer than 10 left/);
  });
});
