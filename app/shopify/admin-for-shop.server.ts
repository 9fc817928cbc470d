import { AdminApiError, createAdminClient, type AdminClient } from "./admin-client.server";
import { markShopAccessLost } from "~/models/shop-installation.server";
import { sessionStorage } from "~/shopify.server";

export class ShopNotInstalledError extends Error {
  constructor(readonly shop: string) {
    super(`No offline session for ${shop}: the app is not installed (or was uninstalled)`);
    this.name = "ShopNotInstalledError";
  }
}

/** Shopify refused the stored offline token (401): the shop must open the app to exchange a new one. */
export class ShopAccessLostError extends Error {
  constructor(
    readonly shop: string,
    options: { cause: AdminApiError },
  ) {
    super(`Shopify refused the stored access token of ${shop} (401): waiting for the merchant to open Safestock`, options);
    this.name = "ShopAccessLostError";
  }
}

/**
 * The Admin client for background work (worker, CLI): the shop's offline session, stored by
 * the library at install (token exchange), under the library's offline id `offline_<shop>`.
 *
 * A 401 marks the shop as having lost access and removes the dead session, as the library does
 * for a 401 on an admin request (it invalidates the token), so that the merchant's next admin load
 * exchanges a fresh token (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange)
 * and `afterAuth` resumes the waiting jobs.
 */
export async function adminClientForShop(shop: string): Promise<AdminClient> {
  const id = `offline_${shop}`;
  const session = await sessionStorage.loadSession(id);
  if (!session?.accessToken) throw new ShopNotInstalledError(shop);
  const client = createAdminClient({ shop, accessToken: session.accessToken });
  return {
    shop,
    async request(operation, query, variables) {
      try {
        return await client.request(operation, query, variables);
      } catch (error) {
        if (!(error instanceof AdminApiError && error.invalidToken)) throw error;
        await markShopAccessLost(shop, new Date(), `Shopify answered 401 to ${operation}`);
        await sessionStorage.deleteSession(id);
        throw new ShopAccessLostError(shop, { cause: error });
      }
    },
  };
}
