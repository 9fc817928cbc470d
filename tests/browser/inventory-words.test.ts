/**
 * What the Inventory page says about items that do not sell like a plain item, in a real browser
 * against the realistic seed (sandbox/shop/README.md):
 * - the Summer Set (SET-SUMMER) is a fixed bundle of 1 SHIRT-M and 2 TOTE-NAT with no stock of its
 *   own (docs/decisions/034): its row must not read "On hand 0" (sold out); it sells what its
 *   components allow. With no rules, Point of Sale draws on all three locations: SHIRT-M
 *   42 + 6 + 3 = 51 sets, TOTE-NAT ⌊(120 + 10 + 8) ÷ 2⌋ = 69, so 51 is the most it can sell;
 * - the Ceramic Mug is published on Online Store and Point of Sale only: its Marketplace and
 *   Wholesale rows say "Not published" instead of a number.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import { browserAvailability, goTo as goToInApp, openEmbeddedAdmin, screenshot, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

describe.skipIf(!availability.available)("inventory: bundles and channels a product is not on", () => {
  let admin: EmbeddedAdmin | undefined;
  let page: Page;
  let app: FrameLocator;

  const goTo = (path: string) => goToInApp(page, path);

  beforeAll(async () => {
    admin = await openEmbeddedAdmin({ seed: "realistic" });
    ({ page, app } = admin);
    await app.getByText("Synced", { exact: true }).waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await admin?.close();
  });

  it("a bundle's row says its stock comes from its components and shows the sets it can sell, not On hand 0", async () => {
    await goTo("/app/inventory?q=SET-SUMMER");
    const row = app.getByRole("row", { name: /Summer Set/ });
    await row.waitFor({ timeout: 30_000 });
    const cells = (await row.getByRole("cell").allInnerTexts()).map((text) => text.trim());
    // Selection, Item, SKU, On hand, Protected, Available to sell, Days of supply.
    expect(cells.slice(2, 6)).toEqual(["SET-SUMMER", "Bundle: from components", "—", "51"]);
    await screenshot(page, "inventory-bundle-row");
  });

  it("a channel the product is not published on says so instead of showing a number", async () => {
    await goTo("/app/inventory?q=MUG-WHT");
    const card = app.getByRole("region", { name: /MUG-WHT/ });
    await card.waitFor({ timeout: 30_000 });
    const channelRow = (name: string) => card.getByRole("row", { name: new RegExp(`^${name}`) });
    await channelRow("Marketplace").waitFor();
    expect(await channelRow("Marketplace").innerText()).toMatch(/Not published/);
    expect(await channelRow("Wholesale").innerText()).toMatch(/Not published/);
    expect(await channelRow("Online Store").innerText()).not.toMatch(/Not published/);
    await screenshot(page, "inventory-not-published");
  });
});
