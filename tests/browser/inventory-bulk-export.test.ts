/**
 * The Inventory page's bulk edit and CSV export in a real browser, inside the sandbox admin,
 * against the emulated shop (docs/decisions/036): select two necklaces (one with the mouse, one
 * with the keyboard), set a safety stock for both, see a bad number refused in the dialog, land
 * in the rules draft, preview, publish, and read the new safety stock in the emulated shop; then
 * export the CSV and find the published numbers in it.
 *
 * Expected figures come from the sandbox seed (sandbox/shop/README.md): NECK-16 has 20 on hand at
 * Warehouse, NECK-18 15, nothing committed; a 3-unit safety stock there leaves 17 and 12.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import type { SandboxStack } from "../../sandbox/stack";
import { browserAvailability, goTo as goToInApp, openEmbeddedAdmin, screenshot, type EmbeddedAdmin } from "./support/browser";
import { safetyStockAt } from "./support/shop-state";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

describe.skipIf(!availability.available)("inventory: bulk edit → preview → publish, and the CSV export", () => {
  let admin: EmbeddedAdmin | undefined;
  let stack: SandboxStack;
  let page: Page;
  let app: FrameLocator;

  const goTo = (path: string) => goToInApp(page, path);

  const safetyStock = (sku: string, locationName: string) => safetyStockAt(stack, sku, locationName);

  beforeAll(async () => {
    admin = await openEmbeddedAdmin();
    ({ stack, page, app } = admin);
  });

  afterAll(async () => {
    await admin?.close();
  });

  it("sets a safety stock for the selected items in the draft, refusing a bad number in the dialog", async () => {
    await expect.poll(() => app.getByText("Synced", { exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    await goTo("/app/inventory?q=NECK");
    const neck16 = app.getByRole("checkbox", { name: /NECK-16/ });
    await neck16.waitFor({ timeout: 30_000 });
    // No sales recorded yet: days of supply says so instead of an endless number.
    expect(await app.getByText("No recent sales").count()).toBe(3);

    await neck16.check();
    // Keyboard: the next row's checkbox is reached and ticked without the mouse.
    const neck18 = app.getByRole("checkbox", { name: /NECK-18/ });
    await neck18.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => neck18.isChecked()).toBe(true);
    expect(await app.getByRole("checkbox", { name: /NECK-20/ }).isChecked()).toBe(false);

    await app.getByRole("button", { name: "Set safety stock" }).click();
    const dialog = app.getByRole("dialog");
    await dialog.getByRole("heading", { name: "Set safety stock for 2 items" }).waitFor();
    await dialog.getByLabel("Location").selectOption("Warehouse");
    await dialog.getByLabel("Units").fill("-1");
    await dialog.getByRole("button", { name: "Add to draft" }).click();
    await dialog.getByText("NECK-16: Units must not be negative, got -1").waitFor({ timeout: 15_000 });
    expect(await dialog.getByText("NECK-18: Units must not be negative, got -1").isVisible()).toBe(true);
    await screenshot(page, "inventory-bulk-refused");

    await dialog.getByLabel("Units").fill("3");
    await page.keyboard.press("Enter");
    await app.getByText("Exceptions for 2 SKUs set in your draft from Inventory").waitFor({ timeout: 15_000 });
    // Nothing reached Shopify: the draft waits for Preview → Publish.
    expect(safetyStock("NECK-16", "Warehouse")).toBe(0);
    await screenshot(page, "inventory-bulk-draft");
  });

  it("previews and publishes the draft: the emulated shop holds the new safety stock", async () => {
    await app.getByRole("button", { name: "Preview changes" }).first().click();
    await app.getByRole("heading", { name: "Preview: your draft" }).waitFor({ timeout: 30_000 });
    expect(await app.locator("body").innerText()).toMatch(/Units into protection\s+6/);
    await app.getByRole("button", { name: "Publish", exact: true }).click();
    await app.getByText("Version 1 published").waitFor({ timeout: 30_000 });
    await expect.poll(() => safetyStock("NECK-16", "Warehouse"), { timeout: 30_000 }).toBe(3);
    expect(safetyStock("NECK-18", "Warehouse")).toBe(3);
    expect(safetyStock("NECK-20", "Warehouse")).toBe(0);
    expect(safetyStock("NECK-16", "Soho store")).toBe(0);
  });

  it("downloads the CSV export with the published numbers", async () => {
    await goTo("/app/inventory?q=NECK-16");
    const card = app.getByRole("region", { name: "NECK-16 Silver Necklace / 16 in", exact: true });
    await expect.poll(() => card.getByText("3 safety stock for SKU NECK-16 at Warehouse").isVisible(), { timeout: 30_000 }).toBe(true);

    const download = page.waitForEvent("download", { timeout: 30_000 });
    await app.getByRole("button", { name: "Export CSV of every item, location and channel" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^safestock-inventory-.+-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await file.path())!, "utf8").replace(/^\uFEFF/, "");
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("inventory_item_id,sku,product,variant,row,location_or_channel,on_hand,protected,available,paused,why,days_of_supply,left_alone,keeps_selling");
    // Every variant of the catalog, not only the page's search: 16 variants in the seed.
    expect(new Set(lines.slice(1).filter(Boolean).map((line) => line.split(",")[0])).size).toBe(16);
    expect(lines).toContainEqual(expect.stringMatching(/,NECK-16,Silver Necklace,16 in,location,Warehouse,20,3,17,,3 safety stock for SKU NECK-16 at Warehouse,No recent sales,,no$/));
    expect(lines).toContainEqual(expect.stringMatching(/,NECK-18,Silver Necklace,18 in,location,Warehouse,15,3,12,,3 safety stock for SKU NECK-18 at Warehouse,No recent sales,,no$/));
  });
});
