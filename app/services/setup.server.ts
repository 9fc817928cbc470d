/**
 * Protection that switches itself on (issue 18 § 3). After the first sync, and again with one
 * click on the Overview, Safestock:
 * - writes its URL into the app-owned shop metafield `$app:safestock.app_url`, which the checkout
 *   block reads (extensions/safestock-cart-hold; docs/decisions/024), so the merchant types nothing;
 * - activates its cart-validation rule with `validationCreate` (write_validations): a deployed
 *   Function does nothing at checkout until a validation of it is enabled
 *   (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/validationCreate; `enable`
 *   defaults to false).
 * Shopify refusing is an expected failure (a value, shown on the Overview); an unexpected answer throws.
 */
import { setupChecklist, type SetupItem } from "~/domain/setup-checklist";
import { env } from "~/env.server";
import { checkoutHoldsSeen } from "~/models/holds.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { adminClientForShop } from "~/shopify/admin-for-shop.server";
import { createCartValidation, enableCartValidation, readSetupState, writeAppUrl, type ShopifyUserErrors } from "~/shopify/setup.server";

/**
 * What switching on did to the rule: it was already on, it was created, Safestock's own rule that
 * someone had turned off was turned back on (validationUpdate, never a second rule), or that rule
 * was left off (`leaveMerchantOff`).
 */
export type RuleOutcome = "already-active" | "created" | "re-enabled" | "left-off";

export type SwitchOnResult = { ok: true; rule: RuleOutcome; appUrlWritten: boolean } | { ok: false; step: "validation" | "app-url"; userErrors: ShopifyUserErrors };

/**
 * `leaveMerchantOff`: a rule that exists switched off was turned off in Shopify admin (the app
 * creates it on); the automatic switch-on after a sync leaves that choice alone, the merchant's
 * click on the Overview turns it back on.
 */
export async function switchProtectionOn(shop: string, client?: AdminClient, options: { leaveMerchantOff?: boolean } = {}): Promise<SwitchOnResult> {
  const admin = client ?? (await adminClientForShop(shop));
  const appUrl = env().SHOPIFY_APP_URL.replace(/\/+$/, "");
  const state = await readSetupState(admin, env().SHOPIFY_API_KEY);
  let appUrlWritten = false;
  if (state.appUrl !== appUrl) {
    const written = await writeAppUrl(admin, state.shopId, appUrl);
    if (!written.ok) return { ok: false, step: "app-url", userErrors: written.userErrors };
    appUrlWritten = true;
  }
  if (state.validations.some((validation) => validation.enabled)) return { ok: true, rule: "already-active", appUrlWritten };
  const switchedOff = state.validations[0];
  if (switchedOff && options.leaveMerchantOff) return { ok: true, rule: "left-off", appUrlWritten };
  const done = switchedOff ? await enableCartValidation(admin, switchedOff.id) : await createCartValidation(admin);
  if (!done.ok) return { ok: false, step: "validation", userErrors: done.userErrors };
  return { ok: true, rule: switchedOff ? "re-enabled" : "created", appUrlWritten };
}

/**
 * Called at the end of the first sync: switching on must not fail the import, so a refusal or an
 * error is logged (with the shop) and the Overview's checklist shows the step still to do.
 */
export async function switchProtectionOnAfterSync(shop: string, client: AdminClient): Promise<void> {
  try {
    const result = await switchProtectionOn(shop, client, { leaveMerchantOff: true });
    if (result.ok && result.rule === "left-off") console.info("[setup] the checkout rule was turned off in Shopify admin: left off until the merchant switches it on", { shop });
    if (!result.ok) console.error("[setup] Shopify refused to switch protection on", { shop, step: result.step, userErrors: result.userErrors });
  } catch (error) {
    console.error("[setup] could not switch protection on", { shop, error: error instanceof Error ? error.message : String(error) });
  }
}

export interface SetupChecklistInput {
  initialSync: "idle" | "running" | "done" | "failed";
  policyVersion: number | null;
  webhooksFrozen: boolean;
  token: "none" | "non-expiring" | "expiring";
}

/** The Overview's checklist, with the validation and the app URL read live from Shopify. */
export async function loadSetupChecklist(shop: string, known: SetupChecklistInput): Promise<SetupItem[]> {
  const [live, blockSeen] = await Promise.all([
    known.token === "none"
      ? Promise.resolve(null)
      : adminClientForShop(shop)
          .then((admin) => readSetupState(admin, env().SHOPIFY_API_KEY))
          .catch((error: unknown) => {
            console.error("[setup] could not read the set-up state", { shop, error: error instanceof Error ? error.message : String(error) });
            return null;
          }),
    checkoutHoldsSeen(shop),
  ]);
  const appUrl = env().SHOPIFY_APP_URL.replace(/\/+$/, "");
  return setupChecklist({
    ...known,
    validationActive: live ? live.validations.some((validation) => validation.enabled) : null,
    validationDisabled: live ? live.validations.length > 0 && !live.validations.some((validation) => validation.enabled) : false,
    appUrlWritten: live ? live.appUrl === appUrl : null,
    checkoutBlockSeen: blockSeen,
  });
}
