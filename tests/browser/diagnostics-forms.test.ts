/**
 * Diagnostics pages lead back to Diagnostics, and the Policy JSON and CSV import forms have the
 * contextual save bar with leave-page protection, like the other forms (issue 18 § 5 leftovers).
 * The sandbox's App Bridge stand-in draws a shown `ui-save-bar` as [data-sandbox-save-bar].
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import { browserAvailability, goTo as goToInApp, openEmbeddedAdmin, screenshot, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

describe.skipIf(!availability.available)("Diagnostics back links and the save bar on the import forms", () => {
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

  const saveBar = (id: string) => app.locator(`[data-sandbox-save-bar="${id}"]`);
  const leaveDialog = () => app.getByRole("dialog").filter({ hasText: "Leave page with unsaved changes?" });
  const backLink = (label: string) => app.locator(`a[aria-label="${label}"]`);

  it.each([
    { path: "/app/sync", heading: "Sync" },
    { path: "/app/webhooks", heading: "Webhook deliveries" },
    { path: "/app/policy", heading: "Policy" },
  ])("$path's back link leads to Diagnostics", async ({ path, heading }) => {
    await goToInApp(page, path);
    await app.getByRole("heading", { name: heading, exact: true }).first().waitFor({ timeout: 15_000 });
    expect(await backLink("Overview").count()).toBe(0);
    await backLink("Diagnostics").click();
    await app.getByRole("heading", { name: "Diagnostics", exact: true }).first().waitFor({ timeout: 15_000 });
    expect(await app.getByRole("link", { name: heading === "Policy" ? "Policy versions and JSON" : heading, exact: true }).count()).toBe(1);
  });

  it("Policy JSON: the save bar shows for an unpublished policy, leaving asks, Stay keeps it, Discard clears it", async () => {
    await goToInApp(page, "/app/policy");
    const policyText = app.getByLabel("Policy JSON", { exact: true });
    await policyText.waitFor({ timeout: 15_000 });
    expect(await saveBar("policy-save-bar").count()).toBe(0);

    await policyText.fill('{"version":1}');
    await saveBar("policy-save-bar").waitFor({ timeout: 15_000 });
    await screenshot(page, "policy-save-bar");

    await backLink("Diagnostics").click();
    await leaveDialog().waitFor({ timeout: 15_000 });
    await leaveDialog().getByRole("button", { name: "Stay" }).click();
    await expect.poll(() => leaveDialog().count()).toBe(0);
    expect(await policyText.inputValue()).toBe('{"version":1}');

    await saveBar("policy-save-bar").locator('[data-sandbox-save-bar-action="discard"]').click();
    await expect.poll(() => saveBar("policy-save-bar").count()).toBe(0);
    expect(await policyText.inputValue()).toBe("");
    // Nothing unsaved: leaving asks nothing.
    await backLink("Diagnostics").click();
    await app.getByRole("heading", { name: "Diagnostics", exact: true }).first().waitFor({ timeout: 15_000 });
    expect(await leaveDialog().count()).toBe(0);
  });

  it("CSV import: the save bar shows for rows not yet added, Leave page goes, and Save adds them to the draft", async () => {
    await goToInApp(page, "/app/rules/import");
    const rows = app.getByLabel("CSV rows", { exact: true });
    await rows.waitFor({ timeout: 15_000 });
    expect(await saveBar("csv-import-save-bar").count()).toBe(0);

    await rows.fill("kind,applies_to,value,location,units\nsafety_stock,sku,RING-7,,3\n");
    await saveBar("csv-import-save-bar").waitFor({ timeout: 15_000 });
    await screenshot(page, "csv-import-save-bar");

    await backLink("Rules").click();
    await leaveDialog().waitFor({ timeout: 15_000 });
    await leaveDialog().getByRole("button", { name: "Leave page" }).click();
    await app.getByRole("heading", { name: "Exceptions" }).waitFor({ timeout: 15_000 });
    await expect.poll(() => saveBar("csv-import-save-bar").count(), { timeout: 15_000 }).toBe(0);

    // Back on the import page the rows are gone (the merchant chose to leave); typed again, the
    // save bar's Save adds them to the draft and lands on Rules without asking to leave.
    await goToInApp(page, "/app/rules/import");
    await rows.waitFor({ timeout: 15_000 });
    expect(await rows.inputValue()).toBe("");
    await rows.fill("kind,applies_to,value,location,units\nsafety_stock,sku,RING-7,,3\n");
    await saveBar("csv-import-save-bar").locator('[data-sandbox-save-bar-action="save"]').click();
    await app.getByRole("heading", { name: "Exceptions" }).waitFor({ timeout: 15_000 });
    expect(await leaveDialog().count()).toBe(0);
    await expect.poll(() => saveBar("csv-import-save-bar").count(), { timeout: 15_000 }).toBe(0);
    expect(await app.getByLabel("Units", { exact: true }).first().inputValue()).toBe("3");
  });
});
