import prisma from "~/db.server";
import { markShopAccessLost } from "~/models/shop-installation.server";
import { AdminApiError, createAdminClient, type AdminClient } from "./admin-client.server";
import {
  offlineSessionId,
  offlineTokenSource,
  RefreshTokenRejectedError,
  ShopNotInstalledError,
  type OfflineToken,
  type OfflineTokenSource,
} from "./offline-token.server";

export { ShopNotInstalledError };

/** Shopify refused the shop's offline access (401 that a refresh could not cure, or invalid_grant): the merchant must open Safestock. */
export class ShopAccessLostError extends Error {
  constructor(
    readonly shop: string,
    reason: string,
    options: { cause: unknown },
  ) {
    super(`${reason}: waiting for the merchant to open Safestock`, options);
    this.name = "ShopAccessLostError";
  }
}

/**
 * Access is gone: jobs wait (WaitForShopError upstream), the Overview shows the banner, and the
 * dead session is removed so that the merchant's next admin load exchanges a fresh token
 * (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange),
 * whose `afterAuth` resumes the waiting jobs. Only the dead token's row goes: a pair a token
 * exchange stored meanwhile stays.
 */
async function loseAccess(shop: string, deadAccessToken: string, reason: string, cause: unknown): Promise<never> {
  await markShopAccessLost(shop, new Date(), reason);
  await prisma.session.deleteMany({ where: { id: offlineSessionId(shop), accessToken: deadAccessToken } });
  throw new ShopAccessLostError(shop, reason, { cause });
}

/**
 * The Admin client for a shop, for background work (worker, CLI) and the web process alike: its
 * offline token comes from the token source (./offline-token.server.ts), which refreshes an
 * expiring token ahead of its expiry, once per shop across processes. A long job keeps asking it
 * before each request, so it never sends a token about to expire; a 401 replaces the token once
 * and retries; a second 401, or a refused refresh token, takes the access-lost path.
 */
export async function adminClientForShop(shop: string, source: OfflineTokenSource = offlineTokenSource()): Promise<AdminClient> {
  let token: OfflineToken = await source.accessToken(shop);
  const clientFor = (current: OfflineToken) => createAdminClient({ shop, accessToken: current.accessToken });
  let client = clientFor(token);

  const renew = async (rejected?: string) => {
    const previous = token.accessToken;
    try {
      token = await source.accessToken(shop, rejected ? { rejected } : {});
    } catch (error) {
      if (!(error instanceof RefreshTokenRejectedError)) throw error;
      const reason = rejected ? `Shopify answered 401 and refused the refresh token of ${shop} (invalid_grant)` : `Shopify refused the refresh token of ${shop} (invalid_grant)`;
      return loseAccess(shop, previous, reason, error);
    }
    if (token.accessToken !== previous) client = clientFor(token);
  };

  return {
    shop,
    async request(operation, query, variables) {
      if (source.isStale(token)) await renew();
      try {
        return await client.request(operation, query, variables);
      } catch (error) {
        if (!(error instanceof AdminApiError && error.invalidToken)) throw error;
        const rejected = token.accessToken;
        if (token.expires === null) return loseAccess(shop, rejected, `Shopify answered 401 to ${operation} (non-expiring token)`, error);
        await renew(rejected);
        try {
          return await client.request(operation, query, variables);
        } catch (retryError) {
          if (!(retryError instanceof AdminApiError && retryError.invalidToken)) throw retryError;
          return loseAccess(shop, token.accessToken, `Shopify answered 401 to ${operation} with a freshly refreshed token`, retryError);
        }
      }
    },
  };
}
