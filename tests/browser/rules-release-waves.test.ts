/**
 * A quarantine's release wave in a real browser: the merchant types their shop's wall clock, the
 * draft stores the UTC instant (the policy format is unchanged), and the field shows it back in the
 * shop's time and names the zone in force on that date. The emulated shop is in America/New_York
 * (sandbox/stack.ts default): UTC−4 (EDT) on 2027-07-04, UTC−5 (EST) on 2027-01-15; the expected
 * instants are converted by hand. Once published, Preview's and Inventory's reasons name the wave
 * on the same clock ("Jan 15, 2027, 9:00 AM EST"), not as the stored UTC instant.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import { createPrismaClient } from "~/db.server";
import { browserAvailability, goTo as goToInApp, openEmbeddedAdmin, screenshot, waitForHydration, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

describe.skipIf(!availability.available)("rules editor: release waves in the shop's time zone", () => {
  let admin: EmbeddedAdmin | undefined;
  let page: Page;
  let app: FrameLocator;

  const goTo = (path: string) => goToInApp(page, path);
  const releaseField = () => app.getByLabel(/^Release 1 at \(/);

  /** The first release wave's instant as the saved draft holds it. */
  async function storedReleaseAt(): Promise<unknown> {
    const db = createPrismaClient(admin!.databaseUrl);
    try {
      const row = await db.policyDraft.findUnique({ where: { shop: admin!.stack.install.shop } });
      const document = row ? (JSON.parse(row.document) as { protection?: { kind?: string; releases?: { at?: unknown }[] }[] }) : null;
      return document?.protection?.find((rule) => rule.kind === "quarantine")?.releases?.[0]?.at;
    } finally {
      await db.$disconnect();
    }
  }

  beforeAll(async () => {
    admin = await openEmbeddedAdmin();
    ({ page, app } = admin);
  });

  afterAll(async () => {
    await admin?.close();
  });

  it("stores the UTC instant of the local time typed, and shows it back in local time with the zone of that date", async () => {
    // The shop's zone is read from Shopify by the first sync.
    await expect.poll(() => app.getByText("Synced", { exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    await goTo("/app/rules");
    await app.getByRole("heading", { name: "Promotion quarantines" }).waitFor();
    await app.getByRole("button", { name: "Add a quarantine" }).click();
    await app.getByLabel("SKUs (comma-separated)").fill("RING-7");
    await app.getByRole("button", { name: "Add a release wave" }).click();

    // 9:00 on July 4, 2027 in New York is EDT (−4): 13:00 UTC.
    await releaseField().fill("2027-07-04T09:00");
    await expect.poll(storedReleaseAt, { timeout: 15_000 }).toBe("2027-07-04T13:00:00Z");
    await app.getByLabel("Release 1 at (EDT)").waitFor();
    expect(await releaseField().inputValue()).toBe("2027-07-04T09:00");

    // 9:00 on January 15, 2027 is EST (−5): 14:00 UTC.
    await releaseField().fill("2027-01-15T09:00");
    await expect.poll(storedReleaseAt, { timeout: 15_000 }).toBe("2027-01-15T14:00:00Z");
    await expect.poll(() => app.getByText(/^Draft saved/).isVisible(), { timeout: 15_000 }).toBe(true);

    // After a reload the field is drawn from the stored instant, on the server and then in the browser.
    await page.reload();
    await waitForHydration(page);
    await goTo("/app/rules");
    await app.getByLabel("Release 1 at (EST)").waitFor();
    expect(await releaseField().inputValue()).toBe("2027-01-15T09:00");
    await screenshot(page, "rules-release-wave-local-time");
  });

  it("once published, Preview and Inventory say when the wave is released on the shop's clock, not in UTC", async () => {
    await app.getByLabel("Units held per SKU").fill("2");
    await app.getByLabel("Units released").fill("2");
    await app.getByRole("button", { name: "Preview changes" }).first().click();
    await app.getByRole("heading", { name: "Preview: your draft" }).waitFor({ timeout: 30_000 });
    // 14:00 UTC on January 15, 2027 (stored above) is 9:00 AM EST in New York.
    const biggest = await app.getByRole("table").first().innerText();
    expect(biggest).toContain("2 held across locations; next 2 released Jan 15, 2027, 9:00 AM EST");
    expect(biggest).not.toContain("2027-01-15T");
    await app.getByRole("button", { name: "Publish", exact: true }).click();
    await app.getByText(/^Version \d+ published/).waitFor({ timeout: 30_000 });

    await goTo("/app/inventory?q=RING-7");
    const card = app.getByRole("region", { name: /^RING-7 /, exact: false });
    await expect.poll(() => card.getByText(/next 2 released Jan 15, 2027, 9:00 AM EST\)$/).first().isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await card.innerText()).not.toContain("2027-01-15T");
    await screenshot(page, "inventory-release-wave-local-time");
  });
});
