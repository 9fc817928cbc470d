import { AdminApiError, createAdminClient, type AdminClient } from "./admin-client.server";
import {
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

/** Records that a shop's offline access is gone (the Overview's banner, jobs waiting for the merchant). */
export type RecordAccessLost = (shop: string, at: Date, reason: string) => Promise<void>;

let recordAccessLost: RecordAccessLost | undefined;

/**
 * How access loss is recorded: the composition root installs `markShopAccessLost` of
 * app/models/shop-installation.server.ts (docs/decisions/023), so this module imports no model.
 */
export function provideAccessLostRecorder(record: RecordAccessLost) {
  recordAccessLost = record;
}

/**
 * Access is gone: jobs wait (WaitForShopError upstream), the Overview shows the banner, and the
 * dead session is removed so that the merchant's next admin load exchanges a fresh token
 * (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange),
 * whose `afterAuth` resumes the waiting jobs. Only the dead token's row goes: a pair a token
 * exchange stored meanwhile stays (after invalid_grant the token source removed the row already).
 */
async function loseAccess(source: OfflineTokenSource, shop: string, reason: string, cause: unknown, deadAccessToken?: string): Promise<never> {
  if (!recordAccessLost) throw new Error("adminClientForShop: not composed yet (call compose() from app/composition.server.ts first)", { cause });
  await recordAccessLost(shop, new Date(), reason);
  if (deadAccessToken) await source.forget(shop, deadAccessToken);
  throw new ShopAccessLostError(shop, reason, { cause });
}

/** The token source's answer; a refused refresh token becomes the access-lost path. */
async function tokenFor(source: OfflineTokenSource, shop: string, rejected?: string): Promise<OfflineToken> {
  try {
    return await source.accessToken(shop, rejected ? { rejected } : {});
  } catch (error) {
    if (!(error instanceof RefreshTokenRejectedError)) throw error;
    const reason = rejected ? `Shopify answered 401 and refused the refresh token of ${shop} (invalid_grant)` : `Shopify refused the refresh token of ${shop} (invalid_grant)`;
    return loseAccess(source, shop, reason, error);
  }
}

/**
 * The Admin client for a shop, for background work (worker, CLI) and the web process alike: its
 * offline token comes from the token source (./offline-token.server.ts), which refreshes an
 * expiring token ahead of its expiry, once per shop across processes. A long job asks again
 * before each request once its token is about to expire. A 401 gets the token replaced once (a
 * refresh, or what another process stored) and the request retried; a 401 that no replacement
 * cures, or a refused refresh token, takes the access-lost path.
 */
export async function adminClientForShop(shop: string, source: OfflineTokenSource = offlineTokenSource()): Promise<AdminClient> {
  let token = await tokenFor(source, shop);
  const renew = async (rejected?: string) => {
    token = await tokenFor(source, shop, rejected);
  };

  return {
    shop,
    async request(operation, query, variables) {
      // The token is chosen when the request is sent, after its wait for the throttle bucket: a
      // wait of seconds must not send a token that expired meanwhile. `sent` is this request's own
      // token, so a 401 names the token Shopify refused even when other requests renewed it since.
      let sent = token.accessToken;
      const client = createAdminClient({
        shop,
        accessToken: async () => {
          if (source.isStale(token)) await renew();
          sent = token.accessToken;
          return sent;
        },
      });
      try {
        return await client.request(operation, query, variables);
      } catch (error) {
        if (!(error instanceof AdminApiError && error.invalidToken)) throw error;
        const rejected = sent;
        await renew(rejected);
        if (token.accessToken === rejected) {
          const kind = token.expires === null ? "non-expiring token" : "no replacement token";
          return loseAccess(source, shop, `Shopify answered 401 to ${operation} (${kind})`, error, rejected);
        }
        try {
          return await client.request(operation, query, variables);
        } catch (retryError) {
          if (!(retryError instanceof AdminApiError && retryError.invalidToken)) throw retryError;
          return loseAccess(source, shop, `Shopify answered 401 to ${operation} with a replaced token too`, retryError, sent);
        }
      }
    },
  };
}
