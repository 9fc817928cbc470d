import { NonRetryableError, type JobHandler } from "~/jobs/worker.server";
import { getShopInstallation } from "~/models/shop-installation.server";
import { AdminApiError } from "~/shopify/admin-client.server";
import { ShopNotInstalledError } from "~/shopify/admin-for-shop.server";
import { runInitialSync } from "./initial-sync.server";
import { recomputeInventoryItems } from "./recompute.server";
import { reconcileShop } from "./reconcile.server";

/** Retrying cannot help when the shop uninstalled us or revoked the token. */
function classify(error: unknown): never {
  if (error instanceof ShopNotInstalledError) throw new NonRetryableError(error.message, { cause: error });
  if (error instanceof AdminApiError && error.unauthorized) throw new NonRetryableError(error.message, { cause: error });
  throw error;
}

async function whileInstalled(shop: string, work: () => Promise<unknown>) {
  const installation = await getShopInstallation(shop);
  if (installation?.status === "uninstalled") return; // app/uninstalled stops work for the shop
  await work().catch(classify);
}

const stringList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];

/** The sync pipeline's queues (registered in app/jobs/handlers.server.ts). */
export function pipelineJobHandlers(): Record<string, JobHandler> {
  return {
    recompute: (job) =>
      whileInstalled(job.shop, () =>
        recomputeInventoryItems(job.shop, stringList((job.payload as { inventoryItemIds?: unknown })?.inventoryItemIds)),
      ),
    reconcile: (job) => {
      const trigger = (job.payload as { trigger?: string })?.trigger;
      return whileInstalled(job.shop, () => reconcileShop(job.shop, trigger === "manual" ? "manual" : trigger === "policy" ? "policy" : "scheduled"));
    },
    "initial-sync": (job) => whileInstalled(job.shop, () => runInitialSync(job.shop)),
  };
}
