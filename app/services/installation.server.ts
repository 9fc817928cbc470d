import { clearShopRedaction } from "~/models/shop-data.server";
import { clearShopAccessNotes, ensureShopInstalled, getShopInstallation, markShopAccessRestored } from "~/models/shop-installation.server";
import { enqueueInitialSync, jobQueue } from "./jobs.server";

/**
 * Called after every successful authentication (the library's `afterAuth` hook: install,
 * reinstall, token refresh). A new or returning shop gets its initial sync queued; a shop that
 * is already synced is left alone, so re-authentication costs nothing. A shop that had lost
 * access (a 401 on its offline token) has a fresh token now: its waiting jobs resume.
 */
export async function onShopAuthenticated(shop: string, now: Date = new Date()) {
  // Shopify issued a token for the shop just now (token exchange): the app is installed, so a
  // shop redacted earlier is a new install and its deliveries count again.
  await clearShopRedaction(shop);
  const before = await getShopInstallation(shop);
  await ensureShopInstalled(shop);
  const returning = before?.status === "uninstalled";
  if (returning) {
    // A reinstall is a new start, not access restored: confirming the uninstall found the token
    // refused (marking access lost), and the uninstall purged the jobs that would have resumed.
    // The Overview shows neither "lost" nor "restored".
    await clearShopAccessNotes(shop);
  } else if (before?.accessLostAt) {
    // Clear the flag first, so that resumed jobs are not parked again.
    await markShopAccessRestored(shop, now, 0);
    const { resumed } = await jobQueue().resumeWaiting(shop);
    await markShopAccessRestored(shop, now, resumed);
  }
  if (!before || returning || before.initialSync === "idle" || before.initialSync === "failed") {
    await enqueueInitialSync(shop);
  }
}
