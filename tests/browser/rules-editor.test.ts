/**
 * The rules editor in a real browser, inside the sandbox admin, against the emulated shop: add a
 * SKU exception with the form → the preview lists the level and units it changes → publish → the
 * shop's safety_stock changes → Inventory and Activity explain it → roll back through the same
 * preview → the shop is back where it was; a channel drawing from a store that cannot fill its
 * orders is refused beside that store. Each step ends by reading the emulated shop's state.
 *
 * Expected figures come from the sandbox seed (sandbox/shop/README.md): RING-7 has 8 on hand at
 * Warehouse, nothing committed, so a 4-unit exception there withholds 4.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import { SANDBOX_SHOP_DOMAIN } from "../../sandbox";
import type { SandboxStack } from "../../sandbox/stack";
import { browserAvailability, goTo as goToInApp, openEmbeddedAdmin, screenshot, waitForHydration, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

describe.skipIf(!availability.available)("rules editor: draft → preview → publish → rollback", () => {
  let admin: EmbeddedAdmin | undefined;
  let stack: SandboxStack;
  let page: Page;
  let app: FrameLocator;

  const goTo = (path: string) => goToInApp(page, path);

  function safetyStock(sku: string, locationName: string): number {
    const state = stack.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot();
    const variant = state.variants.find((entry) => entry.sku === sku)!;
    const location = state.locations.find((entry) => entry.name === locationName)!;
    return state.inventoryLevels.find((level) => level.inventoryItemId === variant.inventoryItemId && level.locationId === location.id)!.quantities.safety_stock;
  }

  beforeAll(async () => {
    admin = await openEmbeddedAdmin();
    ({ stack, page, app } = admin);
  });

  afterAll(async () => {
    await admin?.close();
  });

  it("publishes a first version to roll back to later", async () => {
    await expect.poll(() => app.getByText("Synced", { exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    await goTo("/app/policy");
    await app.getByLabel("Policy JSON").fill(JSON.stringify({ version: 1, protection: [], channels: [] }));
    await app.getByRole("button", { name: "Publish policy" }).click();
    await app.getByRole("heading", { name: "Version 1 in force" }).waitFor();
  });

  it("validates inline with the engine's words and keeps the draft across a reload", async () => {
    await goTo("/app/rules");
    await app.getByRole("heading", { name: "Exceptions" }).waitFor();
    await app.getByRole("button", { name: "Add an exception" }).click();
    await app.getByLabel("SKU", { exact: true }).fill("RING-7");
    await app.getByLabel("Location", { exact: true }).selectOption("Warehouse");
    await app.getByLabel("Units", { exact: true }).fill("-1");
    await app.getByText("Must not be negative, got -1").first().waitFor();
    expect(await app.getByRole("button", { name: "Preview changes" }).first().isDisabled()).toBe(true);
    await screenshot(page, "rules-invalid");

    await app.getByLabel("Units", { exact: true }).fill("4");
    await expect.poll(() => app.getByText(/^Draft saved/).isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => app.getByText("Must not be negative, got -1").count()).toBe(0);
    await page.reload();
    await waitForHydration(page);
    await goTo("/app/rules");
    await app.getByRole("heading", { name: "Exceptions" }).waitFor();
    expect(await app.getByLabel("SKU", { exact: true }).inputValue()).toBe("RING-7");
    expect(await app.getByLabel("Units", { exact: true }).inputValue()).toBe("4");
    await screenshot(page, "rules");
  });

  it("previews the exception over the whole catalog before anything is written", async () => {
    await app.getByRole("button", { name: "Preview changes" }).first().click();
    await app.getByRole("heading", { name: "Preview: your draft" }).waitFor({ timeout: 30_000 });
    await app.getByText("Biggest changes").waitFor();
    const table = await app.getByRole("table").first().innerText();
    expect(table).toMatch(/RING-7\s+Gold Ring \/ 7\s+Warehouse \(protected\)\s+0\s+4/);
    expect(table).toContain("4 safety stock for SKU RING-7 at Warehouse");
    // Channels by the names Inventory and Channels use, never the plan's handles.
    expect(table).toMatch(/Online Store \(can sell\)/);
    expect(table).not.toMatch(/online_store|point_of_sale/);
    const figures = await app.locator("body").innerText();
    expect(figures).toMatch(/Units into protection\s+4/);
    expect(figures).toMatch(/Levels changed\s+1 of/);
    // Nothing reached Shopify yet.
    expect(safetyStock("RING-7", "Warehouse")).toBe(0);
    await screenshot(page, "preview");
  });

  it("publishes: the shop's safety_stock changes, Inventory explains it and Activity lists it", async () => {
    await app.getByLabel("Note (optional)").fill("RING-7 floor at the warehouse");
    await app.getByRole("button", { name: "Publish", exact: true }).click();
    await app.getByText("Version 2 published").waitFor({ timeout: 30_000 });
    await expect.poll(() => safetyStock("RING-7", "Warehouse"), { timeout: 30_000 }).toBe(4);
    expect(safetyStock("RING-7", "Soho store")).toBe(0);

    await goTo("/app/inventory?q=RING-7");
    const card = app.getByRole("region", { name: "RING-7 Gold Ring / 7", exact: true });
    await expect.poll(() => card.getByText("4 safety stock for SKU RING-7 at Warehouse").isVisible(), { timeout: 30_000 }).toBe(true);
    await screenshot(page, "inventory-after-publish");

    await goTo("/app/activity?sku=RING-7");
    await expect.poll(() => app.getByText(/4 safety stock for SKU RING-7 at Warehouse/).first().isVisible(), { timeout: 15_000 }).toBe(true);
    await screenshot(page, "activity-after-publish");
  });

  it("rolls back through the same preview and the shop is restored", async () => {
    await goTo("/app/policy");
    await app.getByRole("button", { name: "Preview rolling back to version 1" }).click();
    await app.getByRole("heading", { name: "Preview: roll back to version 1" }).waitFor({ timeout: 30_000 });
    expect(await app.locator("body").innerText()).toMatch(/Units back on sale\s+4/);
    await screenshot(page, "preview-rollback");
    await app.getByRole("button", { name: "Roll back to version 1" }).click();
    await app.getByText("Version 3 published").waitFor({ timeout: 30_000 });
    await expect.poll(() => safetyStock("RING-7", "Warehouse"), { timeout: 30_000 }).toBe(0);
    await goTo("/app/policy");
    await app.getByRole("heading", { name: "Version 3 in force" }).waitFor();
    await screenshot(page, "policy-versions");
  });

  // docs/decisions/007: Online Store orders are routed only to locations that fulfil online orders;
  // in the sandbox seed Soho store does not. The editor says so beside the box, as Publish would.
  it("shows a channel drawing from a store that cannot fill its orders as a problem beside that store", async () => {
    await goTo("/app/rules");
    await app.getByRole("button", { name: "Add rules for Online Store" }).click();
    await app.getByRole("checkbox", { name: "Brooklyn store" }).uncheck();
    const problem = "Soho store does not fulfil online orders, so online_store orders can never be filled from it";
    // Beside the box: the text that describes Soho store's checkbox (also listed in the page's summary).
    const soho = app.getByRole("checkbox", { name: "Soho store" });
    const description = async () => {
      const ids = ((await soho.getAttribute("aria-describedby")) ?? "").split(" ").filter(Boolean);
      return (await Promise.all(ids.map((id) => app.locator(`[id="${id}"]`).innerText()))).join(" ");
    };
    await expect.poll(description, { timeout: 15_000 }).toContain(problem);
    expect(await app.getByRole("button", { name: "Preview changes" }).first().isDisabled()).toBe(true);
    await screenshot(page, "rules-channel-reach");

    await soho.uncheck();
    await expect.poll(() => app.getByText(problem).count(), { timeout: 15_000 }).toBe(0);
  });

  // docs/decisions/032: a reserve that sizes itself needs the merchant's cap; the editor offers it
  // with its minimum and the refresh seconds, and says what is missing beside the field.
  it("offers a reserve sized from the channel's own sales, and asks for its cap", async () => {
    await app.getByLabel("Ring fence", { exact: true }).selectOption("measured");
    const cap = app.getByLabel("Keep back at most (units per SKU)");
    expect(await cap.inputValue()).toBe("15");
    expect(await app.getByLabel("Keep back at least (units per SKU)").inputValue()).toBe("2");
    expect(await app.getByLabel("Reads its number every (seconds)").inputValue()).toBe("900");
    await cap.fill("");
    const missing = "A reserve that sizes itself needs a cap: the most units online_store may keep back for a SKU";
    await app.getByText(missing).first().waitFor();
    expect(await app.getByRole("button", { name: "Preview changes" }).first().isDisabled()).toBe(true);
    await cap.fill("1");
    await app.getByText("Must not be above the cap (1 unit), got 2").first().waitFor();
    await cap.fill("10");
    await expect.poll(() => app.getByText(missing).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => app.getByText(/Must not be above the cap/).count(), { timeout: 15_000 }).toBe(0);
    await screenshot(page, "rules-self-sizing-reserve");
  });

  // Retyping an exception's SKU clears the field first. Cleared, the rule must stay an exception
  // the policy check refuses, never turn into the default: a rule with no SKU, product or tag is
  // "every item at every location" (docs/policy.md), so 1 unit of every item would be withheld.
  it("keeps an exception whose SKU was cleared an exception, and asks for the SKU", async () => {
    await goTo("/app/rules");
    await app.getByRole("heading", { name: "Exceptions" }).waitFor();
    const defaultUnits = app.getByLabel("Units per item and location");
    expect(await defaultUnits.inputValue()).toBe("");
    await app.getByRole("button", { name: "Add an exception" }).click();
    const sku = app.getByRole("combobox", { name: "SKU" });
    await sku.fill("RING-6");
    await sku.fill("");
    await app.getByText('Must be a non-empty string, got ""').first().waitFor({ timeout: 15_000 });
    expect(await sku.count()).toBe(1);
    expect(await defaultUnits.inputValue()).toBe("");
    expect(await app.getByRole("button", { name: "Preview changes" }).first().isDisabled()).toBe(true);
    await screenshot(page, "rules-exception-sku-cleared");
  });

  // Preview's backtest on a shop with no orders yet tells the merchant to run it again once there
  // are orders: the button has to be there, or only a new preview could.
  it("offers to run the backtest again when there were no orders to replay", async () => {
    await app.getByRole("combobox", { name: "SKU" }).fill("RING-6");
    const preview = app.getByRole("button", { name: "Preview changes" }).first();
    await expect.poll(() => preview.isDisabled(), { timeout: 15_000 }).toBe(false);
    await preview.click();
    await app.getByRole("heading", { name: "Preview: your draft" }).waitFor({ timeout: 30_000 });
    await app.getByRole("button", { name: "Run backtest" }).click();
    await app.getByText("No orders in the last 30 days").waitFor({ timeout: 60_000 });
    const again = app.getByRole("button", { name: "Run the backtest again" });
    await again.waitFor();
    await again.click();
    await app.getByText("No orders in the last 30 days").waitFor({ timeout: 60_000 });
    await screenshot(page, "backtest-no-orders");
  });
});
