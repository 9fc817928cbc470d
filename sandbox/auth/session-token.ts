/**
 * Session tokens (App Bridge `shopify.idToken()`): HS256 JWTs signed with the app's client secret.
 * Claims per shopify.dev/docs/apps/build/authentication-authorization/session-tokens:
 * iss `https://<shop>/admin`, dest `https://<shop>`, aud = client id, sub = user id,
 * exp/nbf/iat (seconds; Shopify's tokens live one minute), jti, sid.
 *
 * Signed with real wall-clock time by default: the app verifies exp/nbf against Date.now()
 * (`@shopify/shopify-api` decodeSessionToken), not against the emulator's clock.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  [claim: string]: unknown;
}

export interface MintSessionTokenOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** Staff user id (default 1: the shop owner). */
  userId?: string | number;
  /** Epoch ms used for iat/nbf (default Date.now()). */
  nowMs?: number;
  /** Lifetime in seconds (default 60, like Shopify). */
  ttlSeconds?: number;
  sid?: string;
  jti?: string;
  /** Extra / overriding claims (tests: wrong aud, expired, ...). */
  overrides?: Partial<SessionTokenClaims>;
}

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString("base64url");

export function signJwtHS256(payload: Record<string, unknown>, secret: string): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

export function mintSessionToken(opts: MintSessionTokenOptions): string {
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  const claims: SessionTokenClaims = {
    iss: `https://${opts.shop}/admin`,
    dest: `https://${opts.shop}`,
    aud: opts.apiKey,
    sub: String(opts.userId ?? 1),
    exp: now + (opts.ttlSeconds ?? 60),
    nbf: now,
    iat: now,
    jti: opts.jti ?? randomUUID(),
    sid: opts.sid ?? randomBytes(16).toString("hex"),
    ...opts.overrides,
  };
  return signJwtHS256(claims, opts.apiSecret);
}

export type VerifyResult =
  | { ok: true; claims: SessionTokenClaims }
  | { ok: false; reason: string };

export interface VerifySessionTokenOptions {
  apiKey: string;
  apiSecret: string;
  /** Expected shop; checks dest and iss. */
  shop?: string;
  nowMs?: number;
  /** Seconds of clock skew allowed on exp/nbf (default 10, like the library). */
  toleranceSeconds?: number;
}

/** Shopify-side verification of a session token (used by token exchange). */
export function verifySessionToken(token: string, opts: VerifySessionTokenOptions): VerifyResult {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed token" };
  const [head, body, sig] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: SessionTokenClaims;
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  if (header.alg !== "HS256") return { ok: false, reason: "unsupported alg" };
  const expected = createHmac("sha256", opts.apiSecret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "signature verification failed" };
  }
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  const tol = opts.toleranceSeconds ?? 10;
  if (typeof claims.exp !== "number" || claims.exp + tol < now) return { ok: false, reason: "token expired" };
  if (typeof claims.nbf === "number" && claims.nbf - tol > now) return { ok: false, reason: "token not yet valid" };
  if (claims.aud !== opts.apiKey) return { ok: false, reason: "audience does not match client_id" };
  if (typeof claims.dest !== "string" || !/^https:\/\/[^/]+$/.test(claims.dest)) return { ok: false, reason: "invalid dest" };
  const destShop = claims.dest.slice("https://".length);
  if (opts.shop && destShop !== opts.shop) return { ok: false, reason: "token was issued for another shop" };
  if (claims.iss !== `${claims.dest}/admin`) return { ok: false, reason: "iss does not match dest" };
  return { ok: true, claims };
}
