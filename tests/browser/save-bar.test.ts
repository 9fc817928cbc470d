/**
 * App Bridge's contextual save bar and leave-page protection (issue 18 § 5): editing a rule shows
 * the save bar (the sandbox's App Bridge stand-in draws a shown `ui-save-bar` as
 * [data-sandbox-save-bar], as Shopify admin draws it over its top bar); leaving the page from the
 * app asks first, "Stay" keeps the edit, "Leave page" goes; Discard drops the draft and hides the bar.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import { browserAvailability, goTo as goToInApp, openEmbeddedAdmin, screenshot, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

describe.skipIf(!availability.available)("the contextual save bar on the Rules page", () => {
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

  const saveBar = () => app.locator('[data-sandbox-save-bar="rules-save-bar"]');
  const leaveDialog = () => app.getByRole("dialog").filter({ hasText: "Leave page with unsaved changes?" });

  it("shows the save bar once a rule is edited", async () => {
    await expect.poll(() => app.getByText("Synced", { exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    await goToInApp(page, "/app/rules");
    await app.getByRole("heading", { name: "Exceptions" }).waitFor();
    expect(await saveBar().count()).toBe(0);

    await app.getByRole("button", { name: "Add an exception" }).click();
    await app.getByLabel("SKU", { exact: true }).fill("RING-7");
    await app.getByLabel("Units", { exact: true }).fill("2");
    await saveBar().waitFor({ timeout: 15_000 });
    expect(await saveBar().innerText()).toContain("Unsaved changes");
    await screenshot(page, "rules-save-bar");
  });

  it("warns before leaving with unsaved changes; Stay keeps the edit", async () => {
    await app.getByRole("link", { name: "Overview" }).first().click();
    await leaveDialog().waitFor({ timeout: 15_000 });
    await screenshot(page, "rules-leave-warning");
    await leaveDialog().getByRole("button", { name: "Stay" }).click();
    await expect.poll(() => leaveDialog().count()).toBe(0);
    expect(await app.getByRole("heading", { name: "Exceptions" }).isVisible()).toBe(true);
    expect(await app.getByLabel("Units", { exact: true }).inputValue()).toBe("2");
    expect(await saveBar().isVisible()).toBe(true);
  });

  it("leaves when the merchant confirms, and Discard hides the bar", async () => {
    await app.getByRole("link", { name: "Overview" }).first().click();
    await leaveDialog().getByRole("button", { name: "Leave page" }).click();
    await app.getByRole("heading", { name: "Overview" }).first().waitFor({ timeout: 15_000 });
    expect(await saveBar().count()).toBe(0);

    // The draft was kept: back on Rules the bar shows again, and Discard drops it.
    await goToInApp(page, "/app/rules");
    await saveBar().waitFor({ timeout: 15_000 });
    await saveBar().locator('[data-sandbox-save-bar-action="discard"]').click();
    await app.getByText("No changes: this is the version in force.").waitFor({ timeout: 15_000 });
    await expect.poll(() => saveBar().count()).toBe(0);
  });
});
