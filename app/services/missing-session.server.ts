import { NonRetryableError, WaitForShopError } from "~/jobs/worker.server";
import { getShopInstallation } from "~/models/shop-installation.server";
import { ShopAccessLostError, ShopNotInstalledError } from "~/shopify/admin-for-shop.server";

/**
 * A job found no offline session for its shop. When the shop uninstalled the app (or never
 * installed it) retrying cannot help: the job is dead. When the shop is still installed, the
 * session is gone because access was lost: the token source drops it on `invalid_grant` a moment
 * before the access-lost mark is written, so a job running in between sees no session and no mark
 * yet (CI on PostgreSQL, 2026-12-06: the recompute died while the reconcile beside it was parked).
 * Such a job waits for the merchant's next admin load like the others (docs/decisions/023), which
 * resumes it once the mark is written. No mark is made here: a missing session alone is not
 * evidence that Shopify refused the app (app/services/webhook-confirmation.server.ts).
 */
async function missingSessionOutcome(shop: string, error: ShopNotInstalledError): Promise<never> {
  const installation = await getShopInstallation(shop);
  if (!installation || installation.status === "uninstalled") throw new NonRetryableError(error.message, { cause: error });
  throw new WaitForShopError(`${shop} has no offline session while installed; waiting for re-authentication`, { cause: error });
}

/**
 * A job's error, with the shop's access in mind: access lost waits for the merchant, a missing
 * session is judged above, anything else is thrown as it is. Every job handler that calls Shopify
 * for a shop ends its `catch` here, so they agree on which jobs wait and which die.
 */
export async function rethrowForShopAccess(shop: string, error: unknown): Promise<never> {
  if (error instanceof ShopAccessLostError) throw new WaitForShopError(error.message, { cause: error });
  if (error instanceof ShopNotInstalledError) return missingSessionOutcome(shop, error);
  throw error;
}
