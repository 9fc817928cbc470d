/** Settings page routes: validated, audited, and read by the checkout holds they configure. */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action, loader } from "~/routes/app.settings";
import { holdCart } from "~/services/holds.server";
import { SANDBOX_SHOP_DOMAIN, sandboxHandlers } from "../sandbox";
import { mswServer } from "./setup/msw";
import { callAction, callLoader } from "./support/admin-routes";
import { startHarness, type Harness } from "./support/harness";

let harness: Harness;
const VALID = { targetSyncLagSeconds: "30", reconcileEveryMinutes: "120", freezeAfterLagSeconds: "600", freezeLowStockBelow: "5", cartHoldMinutes: "30", lowStockCartHoldMinutes: "10" };

beforeAll(async () => {
  harness = startHarness();
  await harness.install();
  await harness.settle();
});
beforeEach(() => mswServer.use(...sandboxHandlers(harness.sandbox)));

describe("settings page", () => {
  it("shows the defaults before anything is saved", async () => {
    const page = await callLoader(harness, loader, "/app/settings");
    expect(page.data.values).toEqual({ targetSyncLagSeconds: 60, reconcileEveryMinutes: 60, freezeAfterLagSeconds: 300, freezeLowStockBelow: 10, cartHoldMinutes: 15, lowStockCartHoldMinutes: 5 });
    expect(page.data.updatedAt).toBeNull();
  });

  it("refuses out-of-range or non-numeric values, naming each field, and saves nothing", async () => {
    const refused = await callAction(harness, action, "/app/settings", { ...VALID, reconcileEveryMinutes: "5", cartHoldMinutes: "abc", lowStockCartHoldMinutes: "10" });
    expect(refused.status).toBe(422);
    expect(refused.data.problems).toEqual([
      { path: "reconcileEveryMinutes", message: "must be from 15 to 1440 minutes, got 5" },
      { path: "cartHoldMinutes", message: 'must be a whole number of minutes, got "abc"' },
    ]);
    expect(await prisma.shopSettings.count()).toBe(0);
  });

  it("saves valid settings, audits each change, and checkout holds last as long as configured", async () => {
    const saved = await callAction(harness, action, "/app/settings", VALID);
    expect(saved.data).toEqual({ ok: true, changed: 6 });
    const audit = await prisma.auditEntry.findMany({ where: { subject: "settings" }, orderBy: { reason: "asc" } });
    expect(audit.find((entry) => entry.reason.startsWith("Checkout hold lifetime (minutes)"))).toMatchObject({ before: 15, after: 30 });
    expect((await callLoader(harness, loader, "/app/settings")).data.values.cartHoldMinutes).toBe(30);

    // RING-7 sells 12 online (not low stock), so its hold lasts the 30 minutes set above.
    const variant = harness.sandbox.shop(SANDBOX_SHOP_DOMAIN).snapshot().variants.find((entry) => entry.sku === "RING-7")!;
    const now = new Date("2026-11-30T12:00:00Z");
    const {
      lines: [held],
    } = await holdCart(SANDBOX_SHOP_DOMAIN, { holder: "checkout-1", lines: [{ variantId: variant.id, quantity: 1 }] }, { now });
    expect(held).toMatchObject({ ok: true, expiresAt: "2026-11-30T12:30:00.000Z" });
  });
});
