/**
 * Protection switches itself on (issue 18 § 3): the app is installed in the emulated shop by
 * opening the sandbox admin; after the first sync it activates its cart-validation rule
 * (validationCreate) and writes its URL for the checkout block, and the Overview's set-up
 * checklist turns green step by step. The emulated shop's own state (GET /sandbox/state) must
 * show the validation enabled: the checklist alone could be wrong about Shopify.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import { SANDBOX_ADMIN_TOKEN } from "../../sandbox/contract";
import { browserAvailability, openEmbeddedAdmin, screenshot, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

describe.skipIf(!availability.available)("the set-up checklist on the Overview", () => {
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

  const status = (key: string) => app.locator(`[data-setup-item="${key}"]`).getAttribute("data-status");

  it("goes green for sync, validation, webhooks and token after install, with the validation enabled in the shop", async () => {
    // The Overview polls while the first sync runs; the checklist is read on each load.
    await expect.poll(() => status("sync"), { timeout: 60_000 }).toBe("done");
    await expect.poll(() => status("validation"), { timeout: 30_000 }).toBe("done");
    expect(await status("webhooks")).toBe("done");
    expect(await status("token")).toBe("done");
    // Nothing published and no checkout seen yet: both still to do, with how to do them.
    expect(await status("policy")).toBe("todo");
    expect(await status("checkout-block")).toBe("todo");
    expect(await app.locator('[data-setup-item="checkout-block"]').innerText()).toContain("Settings → Checkout → Customize");
    expect(await app.getByRole("button", { name: "Switch protection on" }).count()).toBe(0);

    const state = (await (await fetch(`${admin!.stack.sandboxUrl}/sandbox/state`)).json()) as {
      validations: { enabled: boolean; functionHandle: string }[];
      metafields: { ownerId: string; namespace: string; key: string; value: string }[];
    };
    expect(state.validations).toEqual([expect.objectContaining({ enabled: true, functionHandle: "safestock-cart-validation" })]);
    const appUrl = state.metafields.find((m) => m.ownerId.startsWith("gid://shopify/Shop/") && m.key === "app_url");
    expect(appUrl?.namespace).toMatch(/^app--.+--safestock$/);
    expect(appUrl?.value).toBe(admin!.stack.appUrl.replace(/\/+$/, ""));
    await screenshot(page, "setup-checklist");
  });

  it("says the rule was disabled by the merchant, and the click turns the same rule back on (no second one)", async () => {
    const sandboxUrl = admin!.stack.sandboxUrl;
    const validations = async () => ((await (await fetch(`${sandboxUrl}/sandbox/state`)).json()) as { validations: { id: string; enabled: boolean }[] }).validations;
    const [rule] = await validations();
    // Turned off outside the app, as a merchant does in Settings → Checkout (here through the
    // Admin API the emulated admin answers; validationUpdate's `enable` defaults to false).
    const off = await fetch(`${sandboxUrl}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": SANDBOX_ADMIN_TOKEN },
      body: JSON.stringify({ query: `mutation { validationUpdate(id: "${rule!.id}", validation: {}) { validation { enabled } userErrors { code } } }` }),
    });
    expect(((await off.json()) as { data: { validationUpdate: { validation: { enabled: boolean } } } }).data.validationUpdate.validation.enabled).toBe(false);

    await page.reload();
    await expect.poll(() => status("validation"), { timeout: 30_000 }).toBe("todo");
    expect(await app.locator('[data-setup-item="validation"]').innerText()).toContain("disabled by the merchant");
    await screenshot(page, "setup-checklist-disabled");

    await app.getByRole("button", { name: "Switch protection on" }).click();
    await expect.poll(() => status("validation"), { timeout: 30_000 }).toBe("done");
    expect(await validations()).toEqual([expect.objectContaining({ id: rule!.id, enabled: true })]);
  });
});
