/**
 * Channels, Holds and CSV import in a real browser against the emulated shop, each ending in the
 * shop's state: a paused channel sells 0 (Safestock's channel metafield) and its products leave
 * the channel; a customer hold lowers every other channel's number and releasing it restores
 * them; a CSV with one bad row changes nothing. RING-7 has 8 + 3 + 1 = 12 on hand, no policy
 * (sandbox/shop/README.md).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import { SANDBOX_SHOP_DOMAIN } from "../../sandbox";
import type { SandboxStack } from "../../sandbox/stack";
import { browserAvailability, goTo as goToInApp, openEmbeddedAdmin, screenshot, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

describe.skipIf(!availability.available)("channels, holds and CSV import in the browser", () => {
  let admin: EmbeddedAdmin | undefined;
  let stack: SandboxStack;
  let page: Page;
  let app: FrameLocator;

  const goTo = (path: string) => goToInApp(page, path);

  const shopState = () => stack.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot();

  /** What Safestock published to Shopify for one SKU: channel → available, from the variant's app metafield. */
  function publishedNumbers(sku: string): Record<string, number> {
    const state = shopState();
    const variant = state.variants.find((entry) => entry.sku === sku)!;
    const metafield = state.metafields.find((entry) => entry.ownerId === variant.id && entry.namespace.endsWith("safestock"));
    const channels = metafield ? (JSON.parse(metafield.value) as { channels: Record<string, { available: number }> }).channels : {};
    return Object.fromEntries(Object.entries(channels).map(([channel, value]) => [channel, value.available]));
  }

  const productsOn = (channelName: string) => Object.keys(shopState().publications.find((entry) => entry.name === channelName)!.published).length;

  beforeAll(async () => {
    admin = await openEmbeddedAdmin();
    ({ stack, page, app } = admin);
  });

  afterAll(async () => {
    await admin?.close();
  });

  it("pauses a channel with a reason: its number drops to 0 and its products leave it", async () => {
    await expect.poll(() => app.getByText("Synced", { exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    // RING-7: 8 at the Warehouse (fulfils online orders), 3 + 1 at the stores (they do not).
    await expect.poll(() => publishedNumbers("RING-7").marketplace, { timeout: 30_000 }).toBe(8);
    expect(productsOn("Marketplace")).toBeGreaterThan(0);

    await goTo("/app/channels");
    await app.getByRole("button", { name: "Pause Marketplace" }).first().click();
    await app.getByRole("button", { name: "Pause Marketplace" }).last().click();
    await app.getByText("Say why, e.g.").waitFor();
    await app.getByLabel("Reason (required)").fill("Listing under review");
    await app.getByRole("button", { name: "Pause Marketplace" }).last().click();
    await app.getByText("Paused by the merchant: Listing under review").waitFor({ timeout: 30_000 });
    await expect.poll(() => publishedNumbers("RING-7").marketplace, { timeout: 30_000 }).toBe(0);
    await expect.poll(() => productsOn("Marketplace"), { timeout: 30_000 }).toBe(0);
    expect(publishedNumbers("RING-7").online_store).toBe(8);
    await screenshot(page, "channels");

    await app.getByRole("button", { name: "Resume Marketplace" }).first().click();
    await app.getByLabel("Reason (required)").fill("Review passed");
    await app.getByRole("button", { name: "Resume Marketplace" }).last().click();
    await expect.poll(() => publishedNumbers("RING-7").marketplace, { timeout: 30_000 }).toBe(8);
    await expect.poll(() => productsOn("Marketplace"), { timeout: 30_000 }).toBeGreaterThan(0);
  });

  it("creates and releases a customer hold: every channel's number moves", async () => {
    await goTo("/app/holds");
    await app.getByText("No active holds").waitFor();
    await app.getByLabel("SKU", { exact: true }).fill("RING-7");
    await app.getByLabel("Location", { exact: true }).selectOption("Soho store");
    await app.getByLabel("Units", { exact: true }).fill("2");
    // The field takes the shop's wall clock, named by its zone (the sandbox shop is in New York);
    // two days ahead in UTC is still ahead there.
    await app.getByLabel(/^Hold until \((EST|EDT)\)$/).fill(new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 16));
    await app.getByLabel("Note").fill("Ring for Ms. Lee, collecting Friday");
    await app.getByRole("button", { name: "Hold units" }).click();
    await app.getByText("Ring for Ms. Lee, collecting Friday").waitFor({ timeout: 15_000 });
    await expect
      .poll(() => publishedNumbers("RING-7"), { timeout: 30_000 })
      .toEqual({ marketplace: 6, online_store: 6, point_of_sale: 10, wholesale: 6 });
    await screenshot(page, "holds");

    await app.getByRole("button", { name: "Release the hold on RING-7" }).click();
    await app.getByText("No active holds").waitFor({ timeout: 15_000 });
    await expect
      .poll(() => publishedNumbers("RING-7"), { timeout: 30_000 })
      .toEqual({ marketplace: 8, online_store: 8, point_of_sale: 12, wholesale: 8 });
  });

  it("imports nothing from a CSV with one bad row", async () => {
    await goTo("/app/rules/import");
    await app.getByLabel("CSV rows").fill(["kind,applies_to,value,location,units", "safety_stock,sku,RING-7,Warehouse,4", "safety_stock,sku,NOPE-1,,2"].join("\n"));
    await app.getByRole("button", { name: "Add to draft" }).click();
    await app.getByText("Nothing was imported: 1 problem").waitFor({ timeout: 15_000 });
    expect(await app.getByRole("table").innerText()).toMatch(/3\s+Value: unknown SKU "NOPE-1"/);
    await screenshot(page, "csv-import-refused");
    // The refused rows are still in the form, unsaved: leaving asks first (App Bridge save bar).
    await goTo("/app/rules");
    await app.getByRole("dialog").filter({ hasText: "Leave page with unsaved changes?" }).getByRole("button", { name: "Leave page" }).click();
    await app.getByText("No changes: this is the version in force.").waitFor();
    expect(await app.getByLabel("SKU", { exact: true }).count()).toBe(0);
    // The shop is untouched: no safety stock anywhere.
    expect(shopState().inventoryLevels.every((level) => level.quantities.safety_stock === 0)).toBe(true);
    await screenshot(page, "rules-empty");

    await goTo("/app/settings");
    await app.getByRole("button", { name: "Save settings" }).waitFor();
    await screenshot(page, "settings");
    await goTo("/app");
    await screenshot(page, "overview-dashboard");
  });
});
