/**
 * `POST https://<shop>/admin/oauth/access_token`: OAuth token exchange (and refresh) as Shopify
 * answers it for `@shopify/shopify-api` 15 (lib/auth/oauth/token-exchange.ts, refresh-token.ts):
 *
 *   { client_id, client_secret,
 *     grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
 *     subject_token: <session token>, subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
 *     requested_token_type: "urn:shopify:params:oauth:token-type:{offline,online}-access-token",
 *     expiring: "0" | "1" }
 *   { client_id, client_secret, grant_type: "refresh_token", refresh_token }
 *
 * Responses (shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange):
 * offline `{access_token, scope}` (+ `expires_in, refresh_token, refresh_token_expires_in` when
 * expiring=1: shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens);
 * online adds `expires_in, associated_user_scope, associated_user{...}`.
 * "If your session token is expired or otherwise invalid, then the token exchange request fails
 * with an HTTP status code of 400 Bad Request" (token-exchange page above); the body
 * `{"error":"invalid_subject_token","error_description":"Token exchange cannot be performed due to
 * an invalid subject token."}` is Shopify's recorded answer (kinngh/shopify-node-express-mongodb-app#135)
 * and `invalid_subject_token` what shopify-app-remix checks for to retry
 * (server/authenticate/admin/strategies/token-exchange). The same answer for a shop the app is not
 * installed on. Bad client credentials: 400
 * `invalid_client` [unconfirmed: Shopify's exact body for a wrong secret is not documented].
 *
 * Expiring offline tokens and their refresh tokens follow ./token-policy.ts (lifetimes, the
 * 2026-08-28 retry rule, the 2027-01-01 end of non-expiring tokens); a refresh token that is
 * unknown, expired, retired or of an uninstalled app answers 400 `invalid_grant` (RFC 6749 §5.2,
 * shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh: "Refer to the OAuth
 * documentation for … error codes").
 */
import { createHash, randomBytes } from "node:crypto";
import type { ShopEmulator } from "../contract.js";
import { verifySessionToken } from "./session-token.js";
import { DEFAULT_TOKEN_POLICY, type TokenPolicy } from "./token-policy.js";

export const TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";

export interface SandboxUser {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  email_verified: boolean;
  account_owner: boolean;
  locale: string;
  collaborator: boolean;
}

export const DEFAULT_USER: SandboxUser = {
  id: 1,
  first_name: "Sandbox",
  last_name: "Owner",
  email: "owner@safestock-sandbox.test",
  email_verified: true,
  account_owner: true,
  locale: "en",
  collaborator: false,
};

export interface AccessTokenEndpointOptions {
  apiKey: string;
  apiSecret: string;
  /** Scopes granted to issued tokens. */
  scopes: string[];
  /** Online tokens' lifetime (default 86,399 s). */
  onlineExpiresIn?: number;
  /** Offline tokens' lifetimes and the end of non-expiring ones (default Shopify's: ./token-policy.ts). */
  policy?: Partial<TokenPolicy>;
  /** Staff users by id (default: DEFAULT_USER for any sub). */
  users?: Record<string, SandboxUser>;
  /** The clock (default the system's); the composed sandbox passes the shops' clock. */
  nowMs?: () => number;
  /**
   * The clock session tokens are checked against (default `nowMs`). The composed sandbox keeps it
   * on the unshifted clock: a test that moves the shops' clock to 2027 still has an app (and
   * session tokens) living in real time.
   */
  sessionTokenNowMs?: () => number;
  /** Called for every issued token (tests, logging). */
  onIssued?: (info: IssuedToken) => void;
  /**
   * Whether the app is installed on a shop (default: on every shop). The composed sandbox passes
   * its install state: a session token of a shop without the app is not exchanged.
   */
  installed?: (shop: string) => boolean;
}

export interface IssuedToken {
  shop: string;
  accessToken: string;
  online: boolean;
  scopes: string[];
  userId?: string;
  refreshToken?: string;
}

/** One `grant_type=refresh_token` request as the sandbox saw it (refresh tokens by fingerprint only). */
export interface RefreshLogEntry {
  at: string;
  shop: string;
  /** sha256 of the presented refresh token, first 12 hex digits. */
  presented: string;
  /** `issued`: a new pair; `invalid_grant`: refused. */
  outcome: "issued" | "invalid_grant";
  /** The presented token had been redeemed before (a retry after a lost answer). */
  retry: boolean;
  /** The answer was dropped on the way back (fault `dropRefreshResponses`). */
  dropped: boolean;
  /** Why it was refused. */
  reason?: string;
}

export interface TokenFaults {
  /** Process the next N refresh requests, then lose their answers (the connection drops). */
  dropRefreshResponses?: number;
}

export interface AccessTokenEndpoint {
  (request: Request, shop: ShopEmulator): Promise<Response>;
  /** Every refresh request so far, optionally of one shop. */
  refreshLog(shop?: string): RefreshLogEntry[];
  /** Token exchanges answered with a token, per shop. */
  exchanges(shop?: string): number;
  faults(): Required<TokenFaults>;
  setFaults(faults: TokenFaults): void;
  /** A shop's refresh tokens (JSON-able), kept with the shop across `npm run sandbox` restarts. */
  exportRefreshTokens(shop: string): [string, RefreshGrant][];
  restoreRefreshTokens(entries: readonly [string, RefreshGrant][]): void;
}

export interface RefreshGrant {
  shop: string;
  expiresAt: number;
  /** The refresh token whose redemption issued this one (it is retired when this one is first used). */
  parent?: string;
  firstUsedAt?: number;
  /** The refresh token the latest redemption of this one issued. */
  replacement?: string;
  retired: boolean;
  /** The shop's count of revocations when issued: an uninstall (revocation) kills every refresh token. */
  revocations: number;
}

interface MigrationRecord {
  shop: string;
  accessToken: string;
  refreshToken: string;
  issuedAt: number;
  /** The shop's acquisition count right after this migration. */
  acquisition: number;
}

/** Shopify's recorded description of a refused subject token (kinngh/shopify-node-express-mongodb-app#135). */
const INVALID_SUBJECT_TOKEN_DESCRIPTION = "Token exchange cannot be performed due to an invalid subject token.";

const MIGRATION_RETRY_WINDOW_MS = 7 * 24 * 3_600_000;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

const oauthError = (error: string, description: string, status = 400) =>
  json(status, { error, error_description: description });

async function readParams(request: Request): Promise<Record<string, string>> {
  const type = request.headers.get("content-type") ?? "";
  const text = await request.text();
  if (type.includes("application/json")) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v == null ? "" : String(v)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export const fingerprint = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 12);

const revocationsOf = (shop: ShopEmulator) => shop.accessRevocations?.() ?? 0;

/**
 * The Shopify side of `/admin/oauth/access_token` for every shop of a sandbox. Keeps the refresh
 * tokens it issued; grants every access token on the shop's emulator.
 */
export function createAccessTokenEndpoint(options: AccessTokenEndpointOptions): AccessTokenEndpoint {
  const now = options.nowMs ?? (() => Date.now());
  const policy: TokenPolicy = { ...DEFAULT_TOKEN_POLICY, ...options.policy };
  const refreshTokens = new Map<string, RefreshGrant>();
  const log: RefreshLogEntry[] = [];
  const exchangeCounts = new Map<string, number>();
  /** Offline tokens issued per shop so far: any later one ends a migration's recovery window. */
  const acquisitions = new Map<string, number>();
  const migrations = new Map<string, MigrationRecord>();
  const faults: Required<TokenFaults> = { dropRefreshResponses: 0 };

  const issue = (shop: ShopEmulator, online: boolean, expiring: boolean, userId?: string, parent?: string) => {
    if (!online) acquisitions.set(shop.domain, (acquisitions.get(shop.domain) ?? 0) + 1);
    const accessToken = `${online ? "shpua" : "shpat"}_${randomBytes(16).toString("hex")}`;
    const body: Record<string, unknown> = { access_token: accessToken, scope: options.scopes.join(",") };
    const info: IssuedToken = { shop: shop.domain, accessToken, online, scopes: options.scopes };
    if (online) {
      shop.grantAccessToken(accessToken, options.scopes);
      const user = options.users?.[userId ?? ""] ?? { ...DEFAULT_USER, id: Number(userId) || DEFAULT_USER.id };
      body.expires_in = options.onlineExpiresIn ?? 86_399;
      body.associated_user_scope = options.scopes.join(",");
      body.associated_user = user;
      if (userId !== undefined) info.userId = userId;
    } else if (expiring) {
      // The refresh token first: granting the access token makes `npm run sandbox` save the shop.
      const refresh = `shprt_${randomBytes(16).toString("hex")}`;
      const grant: RefreshGrant = { shop: shop.domain, expiresAt: now() + policy.refreshTokenTtlS * 1000, retired: false, revocations: revocationsOf(shop) };
      if (parent) grant.parent = parent;
      refreshTokens.set(refresh, grant);
      const expiresAt = new Date(now() + policy.accessTokenTtlS * 1000);
      if (shop.grantExpiringAccessToken) shop.grantExpiringAccessToken(accessToken, options.scopes, expiresAt);
      else shop.grantAccessToken(accessToken, options.scopes);
      body.expires_in = policy.accessTokenTtlS;
      body.refresh_token = refresh;
      body.refresh_token_expires_in = policy.refreshTokenTtlS;
      info.refreshToken = refresh;
    } else {
      shop.grantAccessToken(accessToken, options.scopes);
    }
    options.onIssued?.(info);
    return { body, refreshToken: info.refreshToken };
  };

  /** Why a refresh token cannot be redeemed now, or null. */
  const refusal = (grant: RefreshGrant | undefined, shop: ShopEmulator): string | null => {
    if (!grant || grant.shop !== shop.domain) return "unknown refresh token";
    if (grant.retired) return "retired: its replacement was used";
    if (now() >= grant.expiresAt) return "expired";
    if (grant.firstUsedAt !== undefined && now() > grant.firstUsedAt + policy.refreshRetryWindowS * 1000) return "retry window over";
    if (grant.revocations !== revocationsOf(shop)) return "the app's access was revoked";
    return null;
  };

  const redeem = (presented: string, shop: ShopEmulator): Response => {
    const grant = refreshTokens.get(presented);
    const entry: RefreshLogEntry = { at: new Date(now()).toISOString(), shop: shop.domain, presented: fingerprint(presented), outcome: "invalid_grant", retry: grant?.firstUsedAt !== undefined, dropped: false };
    const refused = refusal(grant, shop);
    if (refused || !grant) {
      entry.reason = refused ?? "unknown refresh token";
      log.push(entry);
      return oauthError("invalid_grant", "The refresh token is invalid or expired");
    }
    // Using a replacement retires the token it replaced (2026-08-28 changelog).
    const parent = grant.parent ? refreshTokens.get(grant.parent) : undefined;
    if (parent) parent.retired = true;
    // A retry supersedes the replacement the lost answer carried [unconfirmed: Shopify may
    // instead return that same pair again; issuing a new one is the stricter reading].
    const superseded = grant.replacement ? refreshTokens.get(grant.replacement) : undefined;
    if (superseded) superseded.retired = true;
    grant.firstUsedAt ??= now();
    const issued = issue(shop, false, true, undefined, presented);
    grant.replacement = issued.refreshToken;
    entry.outcome = "issued";
    if (faults.dropRefreshResponses > 0) {
      faults.dropRefreshResponses--;
      entry.dropped = true;
      log.push(entry);
      // Shopify processed the refresh; the answer never reaches the app (a network error).
      return Response.error();
    }
    log.push(entry);
    return json(200, issued.body);
  };

  /**
   * Token exchange of a non-expiring offline token for an expiring pair, without a user session
   * (what @shopify/shopify-api's migrateToExpiringToken sends: subject_token_type offline, expiring=1;
   * shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens).
   * The original token stops working. A retry with it within 7 days, before the pair was refreshed
   * or replaced by a later acquisition, returns the same pair, the access token's expiry extended
   * and the refresh token's not (shopify.dev/changelog/more-resilient-token-exchanges-when-migrating-tokens-without-a-user-session).
   * Anything else: 400 `invalid_subject_token` [unconfirmed wording].
   */
  const migrate = (p: Record<string, string>, shop: ShopEmulator): Response => {
    if (p.requested_token_type !== OFFLINE_TOKEN_TYPE || p.expiring !== "1") {
      return oauthError("invalid_request", "An offline access token can only be exchanged for an expiring offline access token (expiring=1)");
    }
    const subject = p.subject_token ?? "";
    const earlier = migrations.get(subject);
    if (earlier && earlier.shop === shop.domain) {
      const refresh = refreshTokens.get(earlier.refreshToken);
      const recoverable = now() - earlier.issuedAt < MIGRATION_RETRY_WINDOW_MS && acquisitions.get(shop.domain) === earlier.acquisition && refresh;
      if (!recoverable) return oauthError("invalid_subject_token", "Subject token is invalid: already exchanged");
      const expiresAt = new Date(now() + policy.accessTokenTtlS * 1000);
      if (shop.grantExpiringAccessToken) shop.grantExpiringAccessToken(earlier.accessToken, options.scopes, expiresAt);
      exchangeCounts.set(shop.domain, (exchangeCounts.get(shop.domain) ?? 0) + 1);
      return json(200, {
        access_token: earlier.accessToken,
        scope: options.scopes.join(","),
        expires_in: policy.accessTokenTtlS,
        refresh_token: earlier.refreshToken,
        refresh_token_expires_in: Math.max(0, Math.floor((refresh.expiresAt - now()) / 1000)),
      });
    }
    if (!shop.retireNonExpiringToken?.(subject)) return oauthError("invalid_subject_token", "Subject token is invalid: not a non-expiring offline access token of this app");
    const issued = issue(shop, false, true);
    migrations.set(subject, {
      shop: shop.domain,
      accessToken: String(issued.body.access_token),
      refreshToken: issued.refreshToken!,
      issuedAt: now(),
      acquisition: acquisitions.get(shop.domain) ?? 0,
    });
    exchangeCounts.set(shop.domain, (exchangeCounts.get(shop.domain) ?? 0) + 1);
    return json(200, issued.body);
  };

  const nonExpiringRefused = () => policy.rejectNonExpiringFrom !== null && now() >= policy.rejectNonExpiringFrom.getTime();

  const handler = async function handleAccessTokenRequest(request: Request, shop: ShopEmulator): Promise<Response> {
    if (request.method !== "POST") return json(405, { errors: "Method Not Allowed" });
    const p = await readParams(request);
    if (!p.client_id || p.client_id !== options.apiKey) {
      // Observed Shopify wording for an unknown client id (gnikyt/laravel-shopify#104).
      return oauthError("invalid_request", "Could not find Shopify API application with api_key");
    }
    if (p.client_secret !== options.apiSecret) {
      return oauthError("invalid_client", "Client authentication failed: invalid client_secret");
    }
    if (p.grant_type === "refresh_token") return redeem(p.refresh_token ?? "", shop);
    if (p.grant_type === TOKEN_EXCHANGE_GRANT_TYPE && p.subject_token_type === OFFLINE_TOKEN_TYPE) return migrate(p, shop);
    if (p.grant_type !== TOKEN_EXCHANGE_GRANT_TYPE) {
      return oauthError("unsupported_grant_type", `grant_type ${p.grant_type ?? "(missing)"} is not supported`);
    }
    if (p.subject_token_type !== ID_TOKEN_TYPE) {
      return oauthError("invalid_request", "subject_token_type must be urn:ietf:params:oauth:token-type:id_token");
    }
    if (p.requested_token_type !== OFFLINE_TOKEN_TYPE && p.requested_token_type !== ONLINE_TOKEN_TYPE) {
      return oauthError("invalid_request", "requested_token_type is not supported");
    }
    const verified = verifySessionToken(p.subject_token ?? "", {
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      shop: shop.domain,
      nowMs: (options.sessionTokenNowMs ?? now)(),
    });
    // Expired, forged, another app's or another shop's: one answer, Shopify's recorded wording,
    // which names no reason (kinngh/shopify-node-express-mongodb-app#135).
    if (!verified.ok) return oauthError("invalid_subject_token", INVALID_SUBJECT_TOKEN_DESCRIPTION);
    if (options.installed && !options.installed(shop.domain)) {
      // Uninstalling revokes the app's access
      // (shopify.dev/docs/apps/build/authentication-authorization/app-installation/uninstall-app-api-request):
      // a session token minted before the uninstall (it lives a minute) gets no new token. The
      // docs say only "expired or otherwise invalid … 400 Bad Request" (token-exchange page); the
      // body is Shopify's recorded answer (kinngh/shopify-node-express-mongodb-app#135)
      // [unconfirmed: that Shopify gives this very answer for an uninstalled app].
      return oauthError("invalid_subject_token", INVALID_SUBJECT_TOKEN_DESCRIPTION);
    }
    const online = p.requested_token_type === ONLINE_TOKEN_TYPE;
    const expiring = p.expiring === "1";
    if (!online && !expiring && nonExpiringRefused()) {
      // Public apps get no more non-expiring offline tokens after the cut-off [unconfirmed: the
      // exact answer; the docs only say such tokens are rejected and invalidated].
      return oauthError("invalid_request", "Non-expiring offline access tokens are no longer available to public apps: request expiring=1");
    }
    exchangeCounts.set(shop.domain, (exchangeCounts.get(shop.domain) ?? 0) + 1);
    return json(200, issue(shop, online, expiring, verified.claims.sub).body);
  };

  return Object.assign(handler, {
    refreshLog: (shop?: string) => log.filter((entry) => shop === undefined || entry.shop === shop).map((entry) => ({ ...entry })),
    exchanges: (shop?: string) => (shop === undefined ? [...exchangeCounts.values()].reduce((a, b) => a + b, 0) : (exchangeCounts.get(shop) ?? 0)),
    faults: () => ({ ...faults }),
    setFaults(next: TokenFaults) {
      if (next.dropRefreshResponses !== undefined) faults.dropRefreshResponses = Math.max(0, Math.floor(next.dropRefreshResponses));
    },
    exportRefreshTokens: (shop: string) => [...refreshTokens].filter(([, grant]) => grant.shop === shop).map(([token, grant]): [string, RefreshGrant] => [token, { ...grant }]),
    restoreRefreshTokens(entries: readonly [string, RefreshGrant][]) {
      for (const [token, grant] of entries) refreshTokens.set(token, { ...grant });
    },
  });
}
