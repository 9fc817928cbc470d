import { ensureShopInstalled, getShopInstallation } from "~/models/shop-installation.server";
import { enqueueShopJob } from "./jobs.server";

/**
 * Called after every successful authentication (the library's `afterAuth` hook: install,
 * reinstall, token refresh). A new or returning shop gets its initial sync queued; a shop that
 * is already synced is left alone, so re-authentication costs nothing.
 */
export async function onShopAuthenticated(shop: string) {
  const before = await getShopInstallation(shop);
  await ensureShopInstalled(shop);
  const returning = before?.status === "uninstalled";
  if (!before || returning || before.initialSync === "idle" || before.initialSync === "failed") {
    await enqueueShopJob(shop, "initial-sync", {}, "initial-sync");
  }
}
