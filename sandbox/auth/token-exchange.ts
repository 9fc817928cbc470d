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
 * `{"error":"invalid_subject_token", ...}` is what shopify-app-remix checks for to retry
 * (server/authenticate/admin/strategies/token-exchange). Bad client credentials: 400
 * `invalid_client` [unconfirmed: Shopify's exact body for a wrong secret is not documented].
 */
import { randomBytes } from "node:crypto";
import type { ShopEmulator } from "../contract.js";
import { verifySessionToken } from "./session-token.js";

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
  /** Online tokens' lifetime (default 86,399 s) and expiring offline tokens' (default 3,600 s). */
  onlineExpiresIn?: number;
  offlineExpiresIn?: number;
  refreshTokenExpiresIn?: number;
  /** Staff users by id (default: DEFAULT_USER for any sub). */
  users?: Record<string, SandboxUser>;
  nowMs?: () => number;
  /** Called for every issued token (tests, logging). */
  onIssued?: (info: IssuedToken) => void;
}

export interface IssuedToken {
  shop: string;
  accessToken: string;
  online: boolean;
  scopes: string[];
  userId?: string;
  refreshToken?: string;
}

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

/**
 * The Shopify side of `/admin/oauth/access_token` for one shop. Keeps the refresh tokens it
 * issued; grants every access token on the shop's emulator.
 */
export function createAccessTokenEndpoint(options: AccessTokenEndpointOptions) {
  const now = options.nowMs ?? (() => Date.now());
  const refreshTokens = new Map<string, { shop: string; expiresAt: number }>();

  const issue = (shop: ShopEmulator, online: boolean, expiring: boolean, userId?: string) => {
    const accessToken = `${online ? "shpua" : "shpat"}_${randomBytes(16).toString("hex")}`;
    shop.grantAccessToken(accessToken, options.scopes);
    const body: Record<string, unknown> = { access_token: accessToken, scope: options.scopes.join(",") };
    const info: IssuedToken = { shop: shop.domain, accessToken, online, scopes: options.scopes };
    if (online) {
      const user = options.users?.[userId ?? ""] ?? { ...DEFAULT_USER, id: Number(userId) || DEFAULT_USER.id };
      body.expires_in = options.onlineExpiresIn ?? 86_399;
      body.associated_user_scope = options.scopes.join(",");
      body.associated_user = user;
      if (userId !== undefined) info.userId = userId;
    } else if (expiring) {
      const refresh = `shprt_${randomBytes(16).toString("hex")}`;
      const refreshIn = options.refreshTokenExpiresIn ?? 90 * 24 * 3600;
      refreshTokens.set(refresh, { shop: shop.domain, expiresAt: now() + refreshIn * 1000 });
      body.expires_in = options.offlineExpiresIn ?? 3_600;
      body.refresh_token = refresh;
      body.refresh_token_expires_in = refreshIn;
      info.refreshToken = refresh;
    }
    options.onIssued?.(info);
    return json(200, body);
  };

  return async function handleAccessTokenRequest(request: Request, shop: ShopEmulator): Promise<Response> {
    if (request.method !== "POST") return json(405, { errors: "Method Not Allowed" });
    const p = await readParams(request);
    if (!p.client_id || p.client_id !== options.apiKey) {
      // Observed Shopify wording for an unknown client id (gnikyt/laravel-shopify#104).
      return oauthError("invalid_request", "Could not find Shopify API application with api_key");
    }
    if (p.client_secret !== options.apiSecret) {
      return oauthError("invalid_client", "Client authentication failed: invalid client_secret");
    }
    if (p.grant_type === "refresh_token") {
      const entry = p.refresh_token ? refreshTokens.get(p.refresh_token) : undefined;
      if (!entry || entry.shop !== shop.domain || entry.expiresAt < now()) {
        return oauthError("invalid_grant", "The refresh token is invalid or expired");
      }
      refreshTokens.delete(p.refresh_token!); // rotation: a refresh token is single-use
      return issue(shop, false, true);
    }
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
      nowMs: now(),
    });
    if (!verified.ok) return oauthError("invalid_subject_token", `Subject token is invalid: ${verified.reason}`);
    const online = p.requested_token_type === ONLINE_TOKEN_TYPE;
    return issue(shop, online, p.expiring === "1", verified.claims.sub);
  };
}
