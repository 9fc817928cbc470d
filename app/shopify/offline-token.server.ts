/**
 * The one place every Admin API call takes a shop's offline access token from, in the web process
 * and in every worker (docs/decisions/021-expiring-offline-tokens.md).
 *
 * Expiring offline tokens live 60 minutes and come with a refresh token; refreshing returns a new
 * access token and a new refresh token, to be stored together
 * (shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh). So:
 * - a token with less than `refreshAheadMs` left is refreshed before use ("Proactively refresh
 *   tokens a few minutes before they expire", same changelog), and a 401 forces one refresh;
 * - one refresh per shop at a time across all processes: a lease row (`TokenRefreshLease`) in the
 *   database that holds the sessions; the others wait for it and read what it stored;
 * - the rows are read and written through an `OfflineTokenStore` (app/models/offline-session.server.ts),
 *   handed in by the composition root (docs/decisions/023), so this module imports no model;
 * - the new pair is stored in one write, and only over the pair it replaces;
 * - a refresh whose answer was lost is retried with the same refresh token, which Shopify accepts
 *   until its replacement is first used (shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens);
 * - `invalid_grant` means the refresh token is dead: its session row goes and
 *   `RefreshTokenRejectedError` tells the caller to take the access-lost path;
 * - a non-expiring token is exchanged for an expiring pair on first use (token exchange without a
 *   user session, under the same lease), so shops whose merchants never open the app are moved
 *   before 2027-01-01 too.
 * Refresh tokens are credentials: nothing here logs one, or an access token.
 */
import { randomUUID } from "node:crypto";
import { env } from "~/env.server";
import { withDeadline } from "./deadline.server";

export interface OfflineToken {
  accessToken: string;
  /** null: a non-expiring token. */
  expires: Date | null;
}

/** What Shopify answers to a refresh (the library's session fields). */
export interface RefreshedPair {
  accessToken: string;
  expires: Date;
  refreshToken: string;
  refreshTokenExpires: Date | null;
  scope: string | null;
}

/**
 * Token exchange of a non-expiring offline token for an expiring pair, without a user session, as
 * @shopify/shopify-api 15 `migrateToExpiringToken` sends it (lib/auth/oauth/migrate-to-expiring-token):
 * "To control the timing yourself, or to cover an app that merchants don't open, cycle them with
 * token exchange" (shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens).
 */
export const migrateAtShopify: MigrateNonExpiringToken = (shop, nonExpiringToken) =>
  postForPair(shop, {
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token: nonExpiringToken,
    subject_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
    requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
    expiring: "1",
  });

/** One token request's wait for its answer (at most; SHOPIFY_REQUEST_TIMEOUT_MS may be shorter); 4 tries and their backoff fit in the 60-s lease. */
const REFRESH_TIMEOUT_MS = 10_000;

export type RedeemRefreshToken = (shop: string, refreshToken: string) => Promise<RefreshedPair>;
export type MigrateNonExpiringToken = (shop: string, nonExpiringToken: string) => Promise<RefreshedPair>;

export class ShopNotInstalledError extends Error {
  constructor(readonly shop: string) {
    super(`No offline session for ${shop}: the app is not installed (or was uninstalled)`);
    this.name = "ShopNotInstalledError";
  }
}

/** Shopify answered `invalid_grant`: the stored refresh token is dead (uninstall, revoked, too old). */
export class RefreshTokenRejectedError extends Error {
  constructor(readonly shop: string) {
    super(`Shopify refused the refresh token of ${shop} (invalid_grant)`);
    this.name = "RefreshTokenRejectedError";
  }
}

/** Shopify answered the refresh with an HTTP error (`error` is the OAuth error code, e.g. invalid_grant). */
export class RefreshHttpError extends Error {
  constructor(
    readonly shop: string,
    readonly status: number,
    readonly error: string | null,
  ) {
    super(`Shopify answered ${status}${error ? ` ${error}` : ""} to the token refresh of ${shop}`);
    this.name = "RefreshHttpError";
  }
}

const isInvalidGrant = (error: unknown) => error instanceof RefreshHttpError && error.status === 400 && error.error === "invalid_grant";

/**
 * `POST https://{shop}/admin/oauth/access_token` with `grant_type=refresh_token`, as
 * @shopify/shopify-api 15 sends it (lib/auth/oauth/refresh-token); the answer carries
 * `access_token, expires_in, refresh_token, refresh_token_expires_in, scope`.
 */
export const redeemAtShopify: RedeemRefreshToken = (shop, refreshToken) => postForPair(shop, { refresh_token: refreshToken, grant_type: "refresh_token" });

async function postForPair(shop: string, params: Record<string, string>): Promise<RefreshedPair> {
  const config = env();
  // An answer that never comes back is a lost answer, retried with the same refresh token.
  const { response, body } = await withDeadline(`token request to ${shop}`, Math.min(REFRESH_TIMEOUT_MS, config.SHOPIFY_REQUEST_TIMEOUT_MS), async (signal) => {
    const answer = await fetch(`https://${shop}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ client_id: config.SHOPIFY_API_KEY, client_secret: config.SHOPIFY_API_SECRET, ...params }),
      signal,
    });
    return { response: answer, body: (await answer.json().catch(() => null)) as Record<string, unknown> | null };
  });
  if (!response.ok) throw new RefreshHttpError(shop, response.status, typeof body?.error === "string" ? body.error : null);
  const expiresIn = Number(body?.expires_in);
  const refreshExpiresIn = Number(body?.refresh_token_expires_in);
  if (typeof body?.access_token !== "string" || typeof body.refresh_token !== "string" || !Number.isFinite(expiresIn)) {
    throw new Error(`Shopify's refresh answer for ${shop} lacks an expiring pair`);
  }
  const receivedAt = Date.now();
  return {
    accessToken: body.access_token,
    expires: new Date(receivedAt + expiresIn * 1000),
    refreshToken: body.refresh_token,
    refreshTokenExpires: Number.isFinite(refreshExpiresIn) ? new Date(receivedAt + refreshExpiresIn * 1000) : null,
    scope: typeof body.scope === "string" ? body.scope : null,
  };
}

type SessionRow = { accessToken: string; expires: Date | null; refreshToken: string | null };

/**
 * Where the token source keeps a shop's offline session and its refresh lease. Every write is
 * conditional on what it replaces (the refresh token used, the non-expiring token exchanged), so a
 * pair another process stored meanwhile stays.
 */
export interface OfflineTokenStore {
  /** null: no row, or one without a token (the app is not installed). */
  load(shop: string): Promise<SessionRow | null>;
  /** Takes the shop's lease if it is free or ran out before `at`; false: another holder has it. */
  claimLease(shop: string, holder: string, at: number, leaseMs: number): Promise<boolean>;
  releaseLease(shop: string, holder: string): Promise<void>;
  storeRefreshed(shop: string, usedRefreshToken: string, pair: RefreshedPair): Promise<void>;
  storeExchanged(shop: string, nonExpiringToken: string, pair: RefreshedPair): Promise<void>;
  deleteWithRefreshToken(shop: string, refreshToken: string): Promise<void>;
  deleteWithAccessToken(shop: string, accessToken: string): Promise<void>;
}

export interface OfflineTokenSourceOptions {
  store: OfflineTokenStore;
  refreshAheadMs?: number;
  /** How long a refresher may hold a shop's lease before another may take over (a crashed process). */
  leaseMs?: number;
  /** How often a waiting process looks for the refresher's result. */
  pollMs?: number;
  /** Tries per refresh when the answer does not come back (network error, 5xx). */
  attempts?: number;
  now?: () => number;
  redeem?: RedeemRefreshToken;
  /** Exchanges a non-expiring token for an expiring pair (default at Shopify); null: never. */
  migrate?: MigrateNonExpiringToken | null;
  sleep?: (ms: number) => Promise<void>;
  /** Names this process in the lease (default a random id). */
  holder?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface OfflineTokenSource {
  /**
   * A token good for at least `refreshAheadMs` (refreshed if not). `rejected`: Shopify just
   * answered 401 to this token, so it is replaced even if it looks alive.
   */
  accessToken(shop: string, options?: { rejected?: string }): Promise<OfflineToken>;
  /** Whether the caller should ask again before using `token`. */
  isStale(token: OfflineToken): boolean;
  /** Removes the shop's session while it still holds this token, which Shopify refused for good. */
  forget(shop: string, deadAccessToken: string): Promise<void>;
}

export function createOfflineTokenSource(options: OfflineTokenSourceOptions): OfflineTokenSource {
  const store = options.store;
  const now = options.now ?? Date.now;
  // `TOKEN_REFRESH_AHEAD_S` (default 300 s, the library's own WITHIN_MILLISECONDS_OF_EXPIRY; tests with 3-s tokens use 1).
  const refreshAheadMs = options.refreshAheadMs ?? env().TOKEN_REFRESH_AHEAD_S * 1000;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 25;
  const attempts = options.attempts ?? 4;
  const redeem = options.redeem ?? redeemAtShopify;
  const migrate = options.migrate === undefined ? migrateAtShopify : options.migrate;
  // Non-expiring tokens Shopify would not exchange (this process asks once per token).
  const unmigratable = new Set<string>();
  const sleep = options.sleep ?? defaultSleep;
  const holder = options.holder ?? `${process.pid}:${randomUUID()}`;
  // Callers of one process share one attempt per shop (the lease orders processes).
  const inFlight = new Map<string, Promise<OfflineToken>>();

  const isStale = (token: OfflineToken) => token.expires !== null && token.expires.getTime() - now() <= refreshAheadMs;

  const load = async (shop: string): Promise<SessionRow> => {
    const row = await store.load(shop);
    if (!row) throw new ShopNotInstalledError(shop);
    return row;
  };

  const tokenOf = (row: SessionRow): OfflineToken => ({ accessToken: row.accessToken, expires: row.expires });
  /** Nothing to do: an expiring token with time left, or a non-expiring one that cannot be exchanged. */
  const usable = (row: SessionRow, rejected?: string) =>
    row.refreshToken ? row.accessToken !== rejected && !isStale(tokenOf(row)) : migrate === null || unmigratable.has(row.accessToken);

  /** Free lease, or one that ran out. */
  const claim = (shop: string) => store.claimLease(shop, holder, now(), leaseMs);
  const release = (shop: string) => store.releaseLease(shop, holder);

  /** Retries a lost answer with the same token: the refresh (2026-08-28 changelog) or the migration (7 days). */
  const withRetries = async (request: () => Promise<RefreshedPair>, shop: string): Promise<RefreshedPair> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (isInvalidGrant(error)) throw new RefreshTokenRejectedError(shop);
        const answered4xx = error instanceof RefreshHttpError && error.status < 500 && error.status !== 429;
        if (answered4xx || attempt >= attempts) throw error;
        await sleep(Math.min(2_000, 100 * 2 ** attempt));
      }
    }
  };

  const refreshHoldingLease = async (shop: string, rejected?: string): Promise<OfflineToken> => {
    const row = await load(shop);
    if (usable(row, rejected)) return tokenOf(row);
    if (!row.refreshToken) return migrateHoldingLease(shop, row);
    const used = row.refreshToken;
    let pair: RefreshedPair;
    try {
      pair = await withRetries(() => redeem(shop, used), shop);
    } catch (error) {
      // A token exchange (the merchant opened the app) may have stored a new pair meanwhile.
      if (!(error instanceof RefreshTokenRejectedError)) throw error;
      const stored = await load(shop);
      if (stored.refreshToken !== used && usable(stored)) return { accessToken: stored.accessToken, expires: stored.expires };
      // The row is dead: the merchant's next admin load must exchange a new token (the library
      // does when it finds no session). A pair stored meanwhile would stay.
      await store.deleteWithRefreshToken(shop, used);
      throw error;
    }
    // The pair in one write, only over the pair it replaces: a newer one from a token exchange stays.
    await store.storeRefreshed(shop, used, pair);
    return { accessToken: pair.accessToken, expires: pair.expires };
  };

  /**
   * A non-expiring token becomes an expiring pair, stored over it (only if the row still holds it).
   * When Shopify will not exchange it, or does not answer, the non-expiring token is used as long as
   * Shopify accepts it; a refused token is not offered again by this process.
   */
  const migrateHoldingLease = async (shop: string, row: SessionRow): Promise<OfflineToken> => {
    let pair: RefreshedPair;
    try {
      pair = await withRetries(() => migrate!(shop, row.accessToken), shop);
    } catch (error) {
      // Refused (Shopify's answer, a value): keep the token while Shopify accepts it. Unanswered:
      // worth a line in the log (shop and error only), and another try on the next call.
      if (error instanceof RefreshTokenRejectedError || (error instanceof RefreshHttpError && error.status < 500)) unmigratable.add(row.accessToken);
      else console.warn("offline token: non-expiring token not exchanged", { shop, error: error instanceof Error ? error.message : String(error) });
      return tokenOf(row);
    }
    await store.storeExchanged(shop, row.accessToken, pair);
    return { accessToken: pair.accessToken, expires: pair.expires };
  };

  const refresh = async (shop: string, rejected?: string): Promise<OfflineToken> => {
    const deadline = now() + 2 * leaseMs + attempts * 2_000;
    for (;;) {
      const row = await load(shop);
      if (usable(row, rejected)) return tokenOf(row);
      if (await claim(shop)) {
        try {
          return await refreshHoldingLease(shop, rejected);
        } finally {
          await release(shop);
        }
      }
      if (now() > deadline) throw new Error(`Another process held the token refresh of ${shop} past its lease`);
      await sleep(pollMs);
    }
  };

  return {
    isStale,
    forget: (shop, deadAccessToken) => store.deleteWithAccessToken(shop, deadAccessToken),
    async accessToken(shop, { rejected } = {}) {
      const row = await load(shop);
      if (usable(row, rejected)) return tokenOf(row);
      const key = `${shop} ${rejected ?? ""}`;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = refresh(shop, rejected).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}

let provide: (() => OfflineTokenSource) | undefined;
let defaultSource: OfflineTokenSource | undefined;

/** How the process's token source is built: the composition root (app/composition.server.ts) installs it. */
export function provideOfflineTokenSource(factory: () => OfflineTokenSource) {
  provide = factory;
  defaultSource = undefined;
}

/** The process's token source, built on first use (docs/decisions/023). */
export function offlineTokenSource(): OfflineTokenSource {
  if (defaultSource) return defaultSource;
  if (!provide) throw new Error("offlineTokenSource: not composed yet (call compose() from app/composition.server.ts first)");
  defaultSource = provide();
  return defaultSource;
}

/** Tests install their own; undefined goes back to the composition root's. */
export function useOfflineTokenSource(source: OfflineTokenSource | undefined) {
  defaultSource = source;
}
