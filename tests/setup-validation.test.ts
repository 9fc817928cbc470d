/**
 * Switching protection on when the merchant has turned Safestock's checkout rule off (issue 18
 * leftover 1): the checklist says so distinctly; the automatic switch-on after a sync leaves the
 * merchant's choice alone; the merchant's click turns the *same* rule back on (validationUpdate),
 * never a second one. Checked against the emulated shop's own state, not the app's view of it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearShopRedaction, deleteShopData } from "~/models/shop-data.server";
import { loadSetupChecklist, switchProtectionOn, switchProtectionOnAfterSync } from "~/services/setup.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import { SANDBOX_SHOP_DOMAIN } from "../sandbox";
import { CART_VALIDATION_FUNCTION, deployAppFunctions, setValidationEnabledByMerchant } from "../sandbox/admin-api/mutations/validations";
import { gid } from "../sandbox/shop/ids";
import { nextLegacyId } from "../sandbox/shop/state";
import type { SandboxShopEmulator } from "../sandbox/admin-api/emulator";
import { startHarness } from "./support/harness";

const SHOP = SANDBOX_SHOP_DOMAIN;
const KNOWN = { initialSync: "done", policyVersion: null, webhooksFrozen: false, token: "expiring" } as const;

beforeEach(async () => {
  await deleteShopData(SHOP);
  await clearShopRedaction(SHOP);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe("a checkout rule the merchant turned off", () => {
  it("is named on the checklist, left off by the automatic switch-on, and re-enabled (not duplicated) by the merchant's click", async () => {
    const harness = startHarness();
    await harness.install(SHOP);
    await harness.settle();
    const shop = harness.sandbox.shop(SHOP) as SandboxShopEmulator;
    const rules = () => shop.snapshot().validations.map(({ id, enabled, functionHandle }) => ({ id, enabled, functionHandle }));

    // The first sync switched it on: one rule, enabled.
    const [created] = rules();
    expect(rules()).toEqual([{ id: created!.id, enabled: true, functionHandle: "safestock-cart-validation" }]);
    const validationItem = async () => (await loadSetupChecklist(SHOP, KNOWN)).find((item) => item.key === "validation")!;
    expect((await validationItem()).status).toBe("done");

    // The merchant turns it off in Shopify admin.
    setValidationEnabledByMerchant(shop.state, created!.id, false);
    const off = await validationItem();
    expect(off.status).toBe("todo");
    expect(off.detail).toContain("disabled by the merchant");

    // A later sync's automatic switch-on respects that.
    await switchProtectionOnAfterSync(SHOP, await adminClientForShop(SHOP));
    expect(rules()).toEqual([{ id: created!.id, enabled: false, functionHandle: "safestock-cart-validation" }]);

    // The merchant's click: the same rule, on again.
    expect(await switchProtectionOn(SHOP)).toEqual({ ok: true, rule: "re-enabled", appUrlWritten: false });
    expect(rules()).toEqual([{ id: created!.id, enabled: true, functionHandle: "safestock-cart-validation" }]);
    expect((await validationItem()).status).toBe("done");
    // Clicking again changes nothing.
    expect(await switchProtectionOn(SHOP)).toEqual({ ok: true, rule: "already-active", appUrlWritten: false });
    expect(rules()).toHaveLength(1);
  });

  it("a refusal to re-enable (25 rules already active) is a value the Overview shows, and nothing is created", async () => {
    const harness = startHarness();
    await harness.install(SHOP);
    await harness.settle();
    const shop = harness.sandbox.shop(SHOP) as SandboxShopEmulator;
    const [ours] = shop.snapshot().validations;
    setValidationEnabledByMerchant(shop.state, ours!.id, false);
    // Another app's rules fill the store's 25 active slots ("You can activate a maximum of 25
    // validation functions on each store", shopify.dev/docs/api/functions/2026-10/cart-and-checkout-validation).
    // That app's Function even has the same handle as Safestock's: told apart by its app.
    deployAppFunctions(shop.state, "another-app");
    const theirs = [...shop.state.shopifyFunctions.values()].find((fn) => fn.appKey === "another-app")!;
    for (let i = 0; i < 25; i++) {
      const id = `gid://shopify/Validation/${900 + i}`;
      shop.state.validations.set(id, { ...ours!, id, appKey: "another-app", functionId: theirs.id, enabled: true });
    }
    const result = await switchProtectionOn(SHOP);
    expect(result).toMatchObject({ ok: false, step: "validation", userErrors: [expect.objectContaining({ code: "MAX_VALIDATIONS_ACTIVATED" })] });
    expect(shop.snapshot().validations.filter((v) => v.appKey !== "another-app").map((v) => v.enabled)).toEqual([false]);
  });
});

describe("a shop with more than 25 validations", () => {
  it("finds Safestock's rule past the first page: the checklist says done and switching on creates no second rule", async () => {
    const harness = startHarness();
    const shop = harness.sandbox.shop(SHOP) as SandboxShopEmulator;
    // Before Safestock is installed, another app has 30 validations on the shop (24 active: the
    // store may activate 25, https://shopify.dev/docs/apps/build/checkout/cart-checkout-validation),
    // with a Function of the same handle. Safestock's rule is then the 31st: the second page of 25.
    deployAppFunctions(shop.state, "another-app");
    const theirs = [...shop.state.shopifyFunctions.values()].find((fn) => fn.appKey === "another-app")!;
    for (let i = 0; i < 30; i++) {
      const id = gid("Validation", nextLegacyId(shop.state, "Validation"));
      shop.state.validations.set(id, { id, title: `Other rule ${i}`, enabled: i < 24, blockOnFailure: false, functionId: theirs.id, functionHandle: CART_VALIDATION_FUNCTION.handle, appKey: "another-app" });
    }
    await harness.install(SHOP);
    await harness.settle();
    const ours = () => shop.snapshot().validations.filter((v) => v.appKey !== "another-app").map(({ enabled }) => ({ enabled }));

    // The first sync switched protection on: one rule of Safestock's, enabled (25 active in all).
    expect(ours()).toEqual([{ enabled: true }]);
    expect(shop.snapshot().validations.filter((v) => v.enabled)).toHaveLength(25);
    const validationItem = async () => (await loadSetupChecklist(SHOP, KNOWN)).find((item) => item.key === "validation")!;
    expect((await validationItem()).status).toBe("done");
    // The merchant's click finds it too: nothing created, nothing refused.
    expect(await switchProtectionOn(SHOP)).toEqual({ ok: true, rule: "already-active", appUrlWritten: false });
    expect(ours()).toEqual([{ enabled: true }]);
  });
});
