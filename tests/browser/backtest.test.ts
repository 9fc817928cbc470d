/**
 * Backtest before Publish in a real browser, inside the sandbox admin, against the emulated shop
 * (issue 21 §1–2): Preview runs the backtest on past orders, shows the figures side by side, and
 * a suggested buffer goes into the rules draft (nothing is published).
 *
 * The history and its figures are worked by hand in tests/backtest.test.ts: NECK-20 has 5 units
 * at the Warehouse; the marketplace reads every 900 s; within one quarter hour the online store
 * sells 3 and the marketplace, on its stale copy of 5, sells 4: 2 oversold under every policy
 * here, and the smallest buffer that prevents it is 2 per location.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameLocator, Page } from "playwright-core";
import { SANDBOX_SHOP_DOMAIN } from "../../sandbox";
import type { SandboxStack } from "../../sandbox/stack";
import { browserAvailability, goTo as goToInApp, openEmbeddedAdmin, screenshot, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

const QUARTER_HOUR = 900_000;
const IN_FORCE = { version: 1, protection: [], channels: [{ channel: "marketplace", refreshSeconds: 900 }] };

describe.skipIf(!availability.available)("Preview: backtest on past orders and a suggestion applied as draft", () => {
  let admin: EmbeddedAdmin | undefined;
  let stack: SandboxStack;
  let page: Page;
  let app: FrameLocator;

  const goTo = (path: string) => goToInApp(page, path);

  async function placeAt(at: number, sourceName: string, quantity: number) {
    const variant = stack.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot().variants.find((entry) => entry.sku === "NECK-20")!;
    await stack.sandbox.placeOrder(
      { lineItems: [{ variantId: variant.id, quantity }], sourceName, order: { processedAt: new Date(at).toISOString() }, options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" } },
      SANDBOX_SHOP_DOMAIN,
    );
  }

  beforeAll(async () => {
    admin = await openEmbeddedAdmin();
    ({ stack, page, app } = admin);
  });

  afterAll(async () => {
    await admin?.close();
  });

  it("runs the backtest from Preview, shows the figures and applies a suggestion as draft", { timeout: 120_000 }, async () => {
    await expect.poll(() => app.getByText("Synced", { exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    const now = stack.sandbox.shop(SANDBOX_SHOP_DOMAIN).clock.now().getTime();
    const start = Math.floor((now - 2 * 3_600_000) / QUARTER_HOUR) * QUARTER_HOUR;
    await placeAt(start + 4 * 60_000, "web", 3);
    await placeAt(start + 8 * 60_000, "marketplace", 4);

    await goTo("/app/policy");
    await app.getByLabel("Policy JSON").fill(JSON.stringify(IN_FORCE));
    await app.getByRole("button", { name: "Publish policy" }).click();
    await app.getByRole("heading", { name: "Version 1 in force" }).waitFor();

    // A draft: a 4-unit exception for RING-7 at the Warehouse (it has no orders, so it changes no figure).
    await goTo("/app/rules");
    await app.getByRole("button", { name: "Add an exception" }).click();
    await app.getByLabel("SKU", { exact: true }).fill("RING-7");
    await app.getByLabel("Location", { exact: true }).selectOption("Warehouse");
    await app.getByLabel("Units", { exact: true }).fill("4");
    await expect.poll(() => app.getByText(/^Draft saved/).isVisible(), { timeout: 15_000 }).toBe(true);
    await app.getByRole("button", { name: "Preview changes" }).first().click();
    await app.getByRole("heading", { name: "Preview: your draft" }).waitFor({ timeout: 30_000 });

    await app.getByRole("button", { name: "Run backtest" }).click();
    await app.getByText(/2 orders from the last 30 days/).waitFor({ timeout: 60_000 });
    const body = await app.locator("body").innerText();
    // Three columns (no protection, v1, the draft), 2 oversold units in each; nothing refused.
    expect(body).toMatch(/Units oversold\s+2\s+2\s+2/);
    expect(body).toMatch(/Orders refused\s+0\s+0\s+0/);
    expect(body).toMatch(/marketplace every 900 s/);
    await app.getByRole("img", { name: /Units oversold over time: Your draft/ }).waitFor();
    expect(body).toMatch(/NECK-20\s+2 per location\s+2\s+2/);
    // And the marketplace reserve that would have stopped its stale copy overselling: 3 units (web's 3 held back).
    expect(body).toMatch(/Suggested marketplace reserves/);
    expect(body).toMatch(/NECK-20\s+marketplace\s+3\s+2\s+3/);
    await app.getByRole("button", { name: "Apply a reserve of 3 for marketplace (from NECK-20) as draft" }).waitFor();
    await screenshot(page, "preview-backtest");

    await app.getByRole("button", { name: "Apply a buffer of 2 for NECK-20 as draft" }).click();
    await app.getByText("A buffer of 2 for NECK-20 is in your draft").waitFor({ timeout: 15_000 });
    // Nothing was published: version 1 is still in force, and the draft holds the buffer.
    expect(stack.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot().inventoryLevels.every((level) => level.quantities.safety_stock === 0)).toBe(true);
    await app.getByRole("link", { name: "Open Rules" }).waitFor();
    await goTo("/app/rules");
    await app.getByRole("heading", { name: "Exceptions" }).waitFor({ timeout: 15_000 });
    const skus = await app.getByLabel("SKU", { exact: true }).evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    expect(skus).toEqual(expect.arrayContaining(["RING-7", "NECK-20"]));
    await screenshot(page, "rules-after-suggestion");
  });
});
