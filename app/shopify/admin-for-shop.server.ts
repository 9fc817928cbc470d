import { createAdminClient, type AdminClient } from "./admin-client.server";
import { sessionStorage } from "~/shopify.server";

export class ShopNotInstalledError extends Error {
  constructor(readonly shop: string) {
    super(`No offline session for ${shop}: the app is not installed (or was uninstalled)`);
    this.name = "ShopNotInstalledError";
  }
}

/**
 * The Admin client for background work (worker, CLI): the shop's offline session, stored by
 * the library at install (token exchange), under the library's offline id `offline_<shop>`.
 */
export async function adminClientForShop(shop: string): Promise<AdminClient> {
  const session = await sessionStorage.loadSession(`offline_${shop}`);
  if (!session?.accessToken) throw new ShopNotInstalledError(shop);
  return createAdminClient({ shop, accessToken: session.accessToken });
}
