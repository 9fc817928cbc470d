import { getShopInstallation } from "~/models/shop-installation.server";
import { adminClientForShop, ShopAccessLostError, ShopNotInstalledError } from "~/shopify/admin-for-shop.server";
import { CATALOG_SIZE_QUERY } from "~/shopify/documents";

/** Whether Shopify confirms what a lifecycle delivery says: that the app is gone from the shop. */
export type AppGone = { gone: true; evidence: string } | { gone: false; reason: string };

/**
 * Asks Shopify, not the delivery, whether the app is gone from a shop. A verified body proves only
 * that Shopify sent it once, for some shop (its HMAC covers the body, not the shop header:
 * https://shopify.dev/docs/apps/build/webhooks/verify-deliveries), so `app/uninstalled` and
 * `shop/redact` act only when Shopify agrees:
 *
 * - the shop is already recorded uninstalled (a confirmed app/uninstalled), or Shopify already
 *   refused its token (a 401 marked it, `accessLostAt`);
 * - otherwise one cheap Admin API read with the stored token: uninstalling revokes the app's
 *   tokens (https://shopify.dev/docs/apps/build/authentication-authorization/app-installation/uninstall-app-api-request),
 *   so a 401 confirms it and an answer means the app is still installed.
 *
 * A shop Safestock never installed has nothing to end. A transient failure of the read (5xx,
 * network) throws: the delivery is answered 500 and Shopify retries it.
 */
export async function confirmAppGone(shop: string): Promise<AppGone> {
  const installation = await getShopInstallation(shop);
  if (installation?.status === "uninstalled") return { gone: true, evidence: `recorded uninstalled at ${installation.uninstalledAt?.toISOString() ?? "an earlier delivery"}` };
  if (installation?.accessLostAt) return { gone: true, evidence: `Shopify refused the app's token at ${installation.accessLostAt.toISOString()}` };
  try {
    // The cheapest read Safestock already sends (one count): any answer but 401 means the token
    // works. Getting the client may already find access refused (a refresh token Shopify rejects).
    const client = await adminClientForShop(shop);
    await client.request("SafestockCatalogSize", CATALOG_SIZE_QUERY);
  } catch (error) {
    if (error instanceof ShopAccessLostError) return { gone: true, evidence: "Shopify refused the app's token (401)" };
    if (!(error instanceof ShopNotInstalledError)) throw error;
    return installation
      ? { gone: false, reason: "the shop is installed and there is no stored token to ask Shopify whether it still is" }
      : { gone: true, evidence: "Safestock never installed the shop" };
  }
  return { gone: false, reason: "Shopify still accepts the app's token: the app is installed" };
}
